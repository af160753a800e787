import os from 'node:os';
import type { Prisma, PrismaClient } from './db/client';

/**
 * Durable scheduled work (reminders, notices, no-show checks, surveys, maintenance scans).
 *
 * A job is claimed with a lease in one UPDATE … FOR UPDATE SKIP LOCKED, so with several bot
 * processes on one database each due job is handed to one of them; a process that dies
 * mid-job loses its lease and another takes the job over. What happens then depends on the
 * handler's delivery:
 *
 * - at-least-once (the default): the job runs again. Such handlers change the database only,
 *   in transactions that check what is already done (status guards, dedupe keys), so a second
 *   run finds the work done and adds nothing.
 * - at-most-once (`atMostOnce(handler)`, for handlers that talk to a person: a message that
 *   left cannot be called back): a job taken over from a dead worker is not run again but
 *   marked FAILED with the reason. Between the claim and the send nothing else happens, so a
 *   crash in that window is a message possibly not sent, visible among the dead jobs
 *   (`aftercare jobs --dead`) and re-sent by a person who decides (`aftercare jobs retry <id>`),
 *   never a message sent twice without anyone deciding it.
 *
 * A handler may also say "not now" by returning `{ deferUntil }` (quiet hours): the job goes
 * back to PENDING for that time and the attempt is not counted. A thrown error is retried
 * with backoff (retryDelayMs) until maxAttempts, then the job is FAILED with lastError;
 * PermanentJobError fails it at once (a payload that can never work).
 */
export interface JobContext {
  now: Date;
  jobId: string;
}

/** What a handler may return besides nothing (= done). */
export type JobOutcome = void | undefined | { deferUntil: Date };

export type JobHandlerFn = (payload: Record<string, unknown>, context: JobContext) => Promise<JobOutcome>;
export type JobDelivery = 'at-least-once' | 'at-most-once';
export type JobHandler = JobHandlerFn | { run: JobHandlerFn; delivery: JobDelivery };

/** Marks a handler whose effect leaves the system (a message to a person): never repeated after a crash. */
export function atMostOnce(run: JobHandlerFn): JobHandler {
  return { run, delivery: 'at-most-once' };
}

/** Thrown by a handler for a job that can never succeed: FAILED at once, no retries. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

export interface JobRunnerOptions {
  handlers: Record<string, JobHandler>;
  now?: () => Date;
  workerId?: string;
  leaseMs?: number;
  log?: (message: string, data?: Record<string, unknown>) => void;
}

interface ClaimedJob {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  maxAttempts: number;
  /** The status before this claim: RUNNING means another worker's lease ran out (it died, or hung). */
  previousStatus: string;
  previousLockedBy: string | null;
}

/** Retry after 1, 4, 16 … minutes (capped at a day). */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 4 ** Math.max(0, attempts - 1), 86_400_000);
}

const DEFAULT_LEASE_MS = 5 * 60_000;

function errorText(error: unknown): string {
  return String((error as Error)?.message ?? error).slice(0, 1000);
}

export class JobRunner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private readonly workerId: string;
  private readonly now: () => Date;

  constructor(private readonly prisma: PrismaClient, private readonly options: JobRunnerOptions) {
    this.workerId = options.workerId ?? `${os.hostname()}:${process.pid}`;
    this.now = options.now ?? (() => new Date());
  }

  private async claim(): Promise<ClaimedJob | null> {
    const now = this.now();
    const leaseUntil = new Date(now.getTime() + (this.options.leaseMs ?? DEFAULT_LEASE_MS));
    const kinds = Object.keys(this.options.handlers);
    // The CTE reads the row's status before the update, to tell a take-over from a first claim.
    const rows = await this.prisma.$queryRaw<ClaimedJob[]>`
      WITH picked AS (
        SELECT id, status::text AS "previousStatus", "lockedBy" AS "previousLockedBy" FROM "Job"
        WHERE kind = ANY(${kinds}::text[])
          AND ((status = 'PENDING' AND "runAt" <= ${now}) OR (status = 'RUNNING' AND "lockedUntil" < ${now}))
        ORDER BY "runAt" ASC
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      )
      UPDATE "Job" AS j SET status = 'RUNNING', "lockedBy" = ${this.workerId}, "lockedUntil" = ${leaseUntil}, attempts = j.attempts + 1
      FROM picked WHERE j.id = picked.id
      RETURNING j.id, j.kind, j.payload, j.attempts, j."maxAttempts", picked."previousStatus", picked."previousLockedBy"`;
    return rows[0] ?? null;
  }

  /** Runs every job that is due now; returns how many were handled (run, deferred, failed). */
  runDue(limit = 100): Promise<number> {
    // One pass at a time per process; concurrent callers share it.
    this.running ??= this.pass(limit).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * Finishes the job only while this worker still holds it: a worker whose lease ran out and
   * whose job another worker took writes nothing. An at-most-once job abandoned as interrupted
   * keeps this worker as its holder (FAILED): if this worker was only slow, its outcome stands.
   */
  private async finish(jobId: string, data: Prisma.JobUpdateManyMutationInput): Promise<boolean> {
    const { count } = await this.prisma.job.updateMany({ where: { id: jobId, status: { in: ['RUNNING', 'FAILED'] }, lockedBy: this.workerId }, data });
    return count === 1;
  }

  private async pass(limit: number): Promise<number> {
    let handled = 0;
    for (; handled < limit; handled++) {
      const job = await this.claim();
      if (!job) break;
      await this.handle(job);
    }
    return handled;
  }

  private async handle(job: ClaimedJob): Promise<void> {
    const entry = this.options.handlers[job.kind];
    const run = typeof entry === 'function' ? entry : entry.run;
    const delivery: JobDelivery = typeof entry === 'function' ? 'at-least-once' : entry.delivery;
    const takenOver = job.previousStatus === 'RUNNING';
    if (takenOver && (delivery === 'at-most-once' || job.attempts > job.maxAttempts)) {
      const reason =
        delivery === 'at-most-once'
          ? `interrupted: worker ${job.previousLockedBy ?? '?'} stopped while running it (lease expired); not repeated, as it may already have reached the customer`
          : `worker ${job.previousLockedBy ?? '?'} stopped while running it, ${job.attempts - 1} time(s): given up`;
      this.options.log?.('job abandoned after a worker stopped', { jobId: job.id, kind: job.kind, attempts: job.attempts, reason });
      // lockedBy stays the dead worker's: if it was only slow and still finishes, its DONE wins.
      await this.prisma.job.updateMany({
        where: { id: job.id, lockedBy: this.workerId },
        data: { status: 'FAILED', lastError: reason, lockedBy: job.previousLockedBy, lockedUntil: null, finishedAt: this.now() },
      });
      return;
    }
    let outcome: JobOutcome;
    try {
      outcome = await run(job.payload ?? {}, { now: this.now(), jobId: job.id });
    } catch (error) {
      const final = job.attempts >= job.maxAttempts || error instanceof PermanentJobError;
      this.options.log?.('job failed', { jobId: job.id, kind: job.kind, attempts: job.attempts, final, error: String(error) });
      await this.finish(job.id, {
        status: final ? 'FAILED' : 'PENDING',
        runAt: new Date(this.now().getTime() + retryDelayMs(job.attempts)),
        lastError: errorText(error),
        lockedBy: null,
        lockedUntil: null,
        finishedAt: final ? this.now() : null,
      });
      return;
    }
    if (outcome && outcome.deferUntil instanceof Date) {
      const until = outcome.deferUntil;
      if (Number.isNaN(until.getTime()) || until <= this.now()) {
        // A deferral to now would spin in this pass: count it as a failed attempt instead.
        await this.finish(job.id, {
          status: job.attempts >= job.maxAttempts ? 'FAILED' : 'PENDING',
          runAt: new Date(this.now().getTime() + retryDelayMs(job.attempts)),
          lastError: `handler deferred to a time not in the future (${String(until)})`,
          lockedBy: null,
          lockedUntil: null,
        });
        return;
      }
      // Not an attempt: the claim counted one, the deferral gives it back.
      await this.finish(job.id, { status: 'PENDING', runAt: until, attempts: { decrement: 1 }, lockedBy: null, lockedUntil: null });
      return;
    }
    const done = await this.finish(job.id, { status: 'DONE', finishedAt: this.now(), lockedBy: null, lockedUntil: null, lastError: null });
    if (!done) this.options.log?.('job finished after its lease ran out; another worker had taken it', { jobId: job.id, kind: job.kind });
  }

  start(intervalMs = 5_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.runDue().catch((error: unknown) => this.options.log?.('job pass failed', { error: String(error) }));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => 0);
  }
}

// ───────────────────────────── Operators: dead jobs ─────────────────────────────

export interface DeadJob {
  id: string;
  kind: string;
  dedupeKey: string | null;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  runAt: Date;
  finishedAt: Date | null;
  /** The worker that last held it (for an interrupted at-most-once job: the one that stopped). */
  lockedBy: string | null;
  payload: unknown;
}

/** Jobs that will not run again by themselves (FAILED), newest first. */
export async function deadJobs(prisma: Pick<PrismaClient, 'job'>, input: { kind?: string; limit?: number } = {}): Promise<DeadJob[]> {
  return prisma.job.findMany({
    where: { status: 'FAILED', ...(input.kind ? { kind: input.kind } : {}) },
    orderBy: [{ finishedAt: { sort: 'desc', nulls: 'last' } }, { runAt: 'desc' }],
    take: input.limit ?? 50,
    select: { id: true, kind: true, dedupeKey: true, attempts: true, maxAttempts: true, lastError: true, runAt: true, finishedAt: true, lockedBy: true, payload: true },
  });
}

/** Counts per kind and status, and how many pending jobs are overdue (a runner not keeping up). */
export async function jobSummary(prisma: Pick<PrismaClient, 'job'>, now: Date): Promise<Array<{ kind: string; status: string; count: number; overdue: number }>> {
  const groups = await prisma.job.groupBy({ by: ['kind', 'status'], _count: { _all: true }, orderBy: [{ kind: 'asc' }, { status: 'asc' }] });
  const overdue = await prisma.job.groupBy({ by: ['kind'], where: { status: 'PENDING', runAt: { lt: new Date(now.getTime() - 5 * 60_000) } }, _count: { _all: true } });
  return groups.map((g) => ({
    kind: g.kind,
    status: g.status,
    count: g._count._all,
    overdue: g.status === 'PENDING' ? overdue.find((o) => o.kind === g.kind)?._count._all ?? 0 : 0,
  }));
}

/**
 * Puts a dead job back in the queue, due now, with its attempts reset: a person decided it
 * should run again (for an interrupted notice: accepting that it may arrive twice).
 * False when the job is not FAILED.
 */
export async function retryJob(prisma: Pick<PrismaClient, 'job'>, input: { jobId: string; now: Date }): Promise<boolean> {
  const { count } = await prisma.job.updateMany({
    where: { id: input.jobId, status: 'FAILED' },
    data: { status: 'PENDING', runAt: input.now, attempts: 0, lockedBy: null, lockedUntil: null, finishedAt: null },
  });
  return count === 1;
}
