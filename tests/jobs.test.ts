import { createTestDatabase, type TestDatabase } from './support/database';
import { JobRunner, retryDelayMs } from '../services/jobs';

describe('durable jobs', () => {
  let db: TestDatabase;
  const now = new Date('2026-11-27T02:00:00Z');
  beforeAll(async () => {
    db = await createTestDatabase({ seed: false });
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await db.prisma.job.deleteMany({});
  });

  it('runs each due job exactly once with two runners racing', async () => {
    await db.prisma.job.createMany({ data: Array.from({ length: 40 }, (_, i) => ({ kind: 'test.count', payload: { i }, runAt: new Date(now.getTime() - 1000) })) });
    await db.prisma.job.create({ data: { kind: 'test.count', payload: { i: 'later' }, runAt: new Date(now.getTime() + 60_000) } });
    const seen: unknown[] = [];
    const handlers = { 'test.count': async (payload: Record<string, unknown>) => void seen.push(payload.i) };
    const a = new JobRunner(db.prisma, { handlers, now: () => now, workerId: 'a' });
    const b = new JobRunner(db.prisma, { handlers, now: () => now, workerId: 'b' });
    const [ranA, ranB] = await Promise.all([a.runDue(), b.runDue()]);
    expect(ranA + ranB).toBe(40);
    expect(new Set(seen).size).toBe(40);
    expect(seen).toHaveLength(40);
    expect(await db.prisma.job.count({ where: { status: 'DONE' } })).toBe(40);
    expect(await db.prisma.job.count({ where: { status: 'PENDING' } })).toBe(1);
  });

  it('retries a failing job with backoff, then marks it failed', async () => {
    const job = await db.prisma.job.create({ data: { kind: 'test.fail', payload: {}, runAt: now, maxAttempts: 2 } });
    let clock = now.getTime();
    const runner = new JobRunner(db.prisma, { handlers: { 'test.fail': async () => Promise.reject(new Error('connector down')) }, now: () => new Date(clock) });
    await runner.runDue();
    let row = await db.prisma.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'connector down' });
    expect(row.runAt.getTime()).toBe(clock + retryDelayMs(1));
    expect(await runner.runDue()).toBe(0); // not due yet
    clock += retryDelayMs(1);
    await runner.runDue();
    row = await db.prisma.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ status: 'FAILED', attempts: 2 });
  });

  it('takes over a job whose worker died (lease expired)', async () => {
    const job = await db.prisma.job.create({
      data: { kind: 'test.count', payload: {}, runAt: now, status: 'RUNNING', lockedBy: 'dead-worker', lockedUntil: new Date(now.getTime() - 1) },
    });
    let ran = 0;
    const runner = new JobRunner(db.prisma, { handlers: { 'test.count': async () => void ran++ }, now: () => now });
    await runner.runDue();
    expect(ran).toBe(1);
    expect((await db.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe('DONE');
  });
});
