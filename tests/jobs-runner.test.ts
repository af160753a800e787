import { PassThrough } from 'node:stream';
import { createTestDatabase, type TestDatabase } from './support/database';
import { JobRunner, PermanentJobError, atMostOnce, deadJobs, jobSummary, retryDelayMs, retryJob } from '../services/jobs';
import { runJobsCommand } from '../bot/cli/jobs';

/**
 * The runner's contract beyond claiming: "not now" (deferUntil), retries ending in a visible
 * dead state, what a take-over after a dead worker does for at-least-once and at-most-once
 * handlers, and the operator's view of dead jobs. The clock is the test's.
 */
describe('job runner: deferral, dead jobs, take-overs', () => {
  let db: TestDatabase;
  const start = new Date('2026-11-27T02:00:00Z');
  let clock = start.getTime();
  const now = () => new Date(clock);
  const never = () => new Promise<never>(() => undefined);

  beforeAll(async () => {
    db = await createTestDatabase({ seed: false });
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await db.prisma.job.deleteMany({});
    clock = start.getTime();
  });

  const job = (id: string) => db.prisma.job.findUniqueOrThrow({ where: { id } });

  it('a handler that says "not now" puts the job back for that time without counting an attempt', async () => {
    const created = await db.prisma.job.create({ data: { kind: 'test.quiet', payload: {}, runAt: now(), maxAttempts: 1 } });
    const runs: Date[] = [];
    const deferUntil = new Date(start.getTime() + 7 * 3600_000);
    const runner = new JobRunner(db.prisma, {
      handlers: { 'test.quiet': async (_p, { now: at }) => (runs.push(at), at < deferUntil ? { deferUntil } : undefined) },
      now,
    });
    expect(await runner.runDue()).toBe(1);
    expect(await job(created.id)).toMatchObject({ status: 'PENDING', attempts: 0, runAt: deferUntil, lockedBy: null });
    // Deferred again and again, it never uses up its single attempt.
    clock = deferUntil.getTime() - 1;
    expect(await runner.runDue()).toBe(0);
    clock = deferUntil.getTime();
    await runner.runDue();
    expect(await job(created.id)).toMatchObject({ status: 'DONE', attempts: 1 });
    expect(runs).toHaveLength(2);
  });

  it('a deferral to now or the past is a failed attempt, not a loop', async () => {
    const created = await db.prisma.job.create({ data: { kind: 'test.bad-defer', payload: {}, runAt: now() } });
    let runs = 0;
    const runner = new JobRunner(db.prisma, { handlers: { 'test.bad-defer': async () => (runs++, { deferUntil: now() }) }, now });
    await runner.runDue();
    expect(runs).toBe(1);
    expect(await job(created.id)).toMatchObject({ status: 'PENDING', attempts: 1, lastError: expect.stringMatching(/not in the future/) });
  });

  it('retries with growing delays, then is dead with its last error, listed, and queued again by a person', async () => {
    const created = await db.prisma.job.create({ data: { kind: 'test.flaky', payload: { n: 1 }, runAt: now(), maxAttempts: 3, dedupeKey: 'flaky:1' } });
    const runner = new JobRunner(db.prisma, { handlers: { 'test.flaky': async () => Promise.reject(new Error('connector down')) }, now, workerId: 'w1' });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await runner.runDue();
      const row = await job(created.id);
      expect(row.attempts).toBe(attempt);
      if (attempt < 3) {
        delays.push(row.runAt.getTime() - clock);
        clock = row.runAt.getTime();
      }
    }
    expect(delays).toEqual([retryDelayMs(1), retryDelayMs(2)]);
    expect(delays[1]).toBeGreaterThan(delays[0]);
    expect(await job(created.id)).toMatchObject({ status: 'FAILED', attempts: 3, lastError: 'connector down', finishedAt: now() });
    clock += 86_400_000;
    expect(await runner.runDue()).toBe(0); // dead stays dead

    expect(await deadJobs(db.prisma)).toEqual([expect.objectContaining({ id: created.id, kind: 'test.flaky', dedupeKey: 'flaky:1', attempts: 3, lastError: 'connector down' })]);
    const out = new PassThrough();
    let printed = '';
    out.on('data', (chunk) => (printed += String(chunk)));
    expect(await runJobsCommand(['--dead'], { stdout: out, stderr: out }, { prisma: db.prisma, now })).toBe(0);
    expect(printed).toContain(`${created.id}\ttest.flaky\t3/3 attempts`);
    expect(printed).toContain('connector down');
    printed = '';
    expect(await runJobsCommand([], { stdout: out, stderr: out }, { prisma: db.prisma, now })).toBe(0);
    expect(printed).toBe('test.flaky\tFAILED\t1\n');
    expect(await runJobsCommand(['--limit', 'x'], { stdout: out, stderr: out }, { prisma: db.prisma, now })).toBe(2);

    expect(await runJobsCommand(['retry', created.id], { stdout: out, stderr: out }, { prisma: db.prisma, now })).toBe(0);
    expect(await job(created.id)).toMatchObject({ status: 'PENDING', attempts: 0, runAt: now() });
    expect(await retryJob(db.prisma, { jobId: created.id, now: now() })).toBe(false); // only dead jobs
    const ok = new JobRunner(db.prisma, { handlers: { 'test.flaky': async () => undefined }, now });
    await ok.runDue();
    expect(await job(created.id)).toMatchObject({ status: 'DONE', lastError: null });
  });

  it('a job that can never work fails at once', async () => {
    const created = await db.prisma.job.create({ data: { kind: 'test.permanent', payload: {}, runAt: now() } });
    const runner = new JobRunner(db.prisma, { handlers: { 'test.permanent': async () => Promise.reject(new PermanentJobError('payload has no bookingId')) }, now });
    await runner.runDue();
    expect(await job(created.id)).toMatchObject({ status: 'FAILED', attempts: 1, lastError: 'payload has no bookingId' });
  });

  it('after a worker dies, an at-least-once job runs again; an at-most-once job is not repeated but left dead, saying why', async () => {
    const again = await db.prisma.job.create({ data: { kind: 'test.db-only', payload: {}, runAt: now() } });
    const once = await db.prisma.job.create({ data: { kind: 'test.send', payload: {}, runAt: now() } });
    const effects: string[] = [];
    // Worker A does the work and dies before marking either job done (its pass never ends).
    const dying = new JobRunner(db.prisma, {
      handlers: {
        'test.db-only': async () => (effects.push('db-only by A'), never()),
        'test.send': atMostOnce(async () => (effects.push('sent by A'), never())),
      },
      now,
      workerId: 'A',
      leaseMs: 60_000,
    });
    void dying.runDue();
    await new Promise<void>((resolve) => {
      const check = () => (effects.length === 1 ? resolve() : setImmediate(check));
      check();
    });
    // Only the first job was claimed: A is stuck in it. Let A also claim the other, in a second worker identity.
    const dyingToo = new JobRunner(db.prisma, {
      handlers: { 'test.db-only': async () => (effects.push('db-only by A2'), never()), 'test.send': atMostOnce(async () => (effects.push('sent by A2'), never())) },
      now,
      workerId: 'A2',
      leaseMs: 60_000,
    });
    void dyingToo.runDue();
    await new Promise<void>((resolve) => {
      const check = () => (effects.length === 2 ? resolve() : setImmediate(check));
      check();
    });
    expect(await db.prisma.job.count({ where: { status: 'RUNNING' } })).toBe(2);

    // Before the lease runs out nobody else touches them.
    const b = new JobRunner(db.prisma, { handlers: { 'test.db-only': async () => void effects.push('db-only by B'), 'test.send': atMostOnce(async () => void effects.push('sent by B')) }, now, workerId: 'B' });
    expect(await b.runDue()).toBe(0);
    clock += 60_001;
    expect(await b.runDue()).toBe(2);
    expect(effects.filter((e) => e.startsWith('sent'))).toHaveLength(1);
    expect(effects.filter((e) => e.startsWith('db-only'))).toHaveLength(2);
    expect(await job(again.id)).toMatchObject({ status: 'DONE', attempts: 2 });
    const dead = await job(once.id);
    expect(dead).toMatchObject({ status: 'FAILED', attempts: 2, lockedBy: expect.stringMatching(/^A2?$/) });
    expect(dead.lastError).toMatch(/interrupted: worker A2? stopped while running it .*not repeated/);
    expect((await deadJobs(db.prisma)).map((d) => d.id)).toEqual([once.id]);
  });

  it('a worker that was only slow still finishes its at-most-once job as done', async () => {
    const created = await db.prisma.job.create({ data: { kind: 'test.send', payload: {}, runAt: now() } });
    let release: (() => void) | null = null;
    const slow = new JobRunner(db.prisma, { handlers: { 'test.send': atMostOnce(() => new Promise<void>((resolve) => (release = resolve))) }, now, workerId: 'slow', leaseMs: 1000 });
    const slowPass = slow.runDue();
    await new Promise<void>((resolve) => {
      const check = () => (release !== null ? resolve() : setImmediate(check));
      check();
    });
    clock += 1001;
    const other = new JobRunner(db.prisma, { handlers: { 'test.send': atMostOnce(async () => undefined) }, now, workerId: 'other' });
    await other.runDue();
    expect(await job(created.id)).toMatchObject({ status: 'FAILED', lockedBy: 'slow' });
    release!();
    await slowPass;
    expect(await job(created.id)).toMatchObject({ status: 'DONE', lastError: null });
  });

  it('a job whose worker keeps dying is given up after maxAttempts', async () => {
    const created = await db.prisma.job.create({ data: { kind: 'test.poison', payload: {}, runAt: now(), maxAttempts: 2, status: 'RUNNING', attempts: 2, lockedBy: 'crashed', lockedUntil: new Date(clock - 1) } });
    let runs = 0;
    const runner = new JobRunner(db.prisma, { handlers: { 'test.poison': async () => void runs++ }, now });
    await runner.runDue();
    expect(runs).toBe(0);
    expect(await job(created.id)).toMatchObject({ status: 'FAILED', lastError: expect.stringMatching(/worker crashed stopped while running it, 2 time\(s\): given up/) });
  });

  it('counts jobs per kind and status, and says which pending ones are overdue', async () => {
    await db.prisma.job.createMany({
      data: [
        { kind: 'k.a', payload: {}, runAt: new Date(clock - 10 * 60_000) },
        { kind: 'k.a', payload: {}, runAt: new Date(clock + 60_000) },
        { kind: 'k.a', payload: {}, runAt: now(), status: 'DONE' },
        { kind: 'k.b', payload: {}, runAt: now(), status: 'CANCELLED' },
      ],
    });
    expect(await jobSummary(db.prisma, now())).toEqual([
      { kind: 'k.a', status: 'PENDING', count: 2, overdue: 1 },
      { kind: 'k.a', status: 'DONE', count: 1, overdue: 0 },
      { kind: 'k.b', status: 'CANCELLED', count: 1, overdue: 0 },
    ]);
  });
});
