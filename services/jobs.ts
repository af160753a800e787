import os from 'node:os';
import type { PrismaClient } from './db/client';

/**
 * Durable scheduled work (reminders, handoff time-outs, later surveys and escalations).
 * A job is claimed with a lease in one UPDATE … FOR UPDATE SKIP LOCKED, so with several
 * bot processes on one database each due job runs once; a process that dies mid-job
 * loses its lease and another takes the job over.
 */
export type JobHandler = (payload: Record<string, unknown>, context: { now: Date; jobId: string }) => Promise<void>;

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
}

/** Retry after 1, 4, 16 … minutes (capped at a day). */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 4 ** Math.max(0, attempts - 1), 86_400_000);
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
    const leaseUntil = new Date(now.getTime() + (this.options.leaseMs ?? 5 * 60_000));
    const kinds = Object.keys(this.options.handlers);
    const rows = await this.prisma.$queryRaw<ClaimedJob[]>`
      UPDATE "Job" SET status = 'RUNNING', "lockedBy" = ${this.workerId}, "lockedUntil" = ${leaseUntil}, attempts = attempts + 1
      WHERE id = (
        SELECT id FROM "Job"
        WHERE kind = ANY(${kinds}::text[])
          AND ((status = 'PENDING' AND "runAt" <= ${now}) OR (status = 'RUNNING' AND "lockedUntil" < ${now}))
        ORDER BY "runAt" ASC
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id, kind, payload, attempts, "maxAttempts"`;
    return rows[0] ?? null;
  }

  /** Runs every job that is due now; returns how many ran. */
  runDue(limit = 100): Promise<number> {
    // One pass at a time per process; concurrent callers share it.
    this.running ??= this.pass(limit).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(limit: number): Promise<number> {
    let ran = 0;
    for (; ran < limit; ran++) {
      const job = await this.claim();
      if (!job) break;
      const handler = this.options.handlers[job.kind];
      try {
        await handler(job.payload ?? {}, { now: this.now(), jobId: job.id });
        await this.prisma.job.update({ where: { id: job.id }, data: { status: 'DONE', finishedAt: this.now(), lockedBy: null, lockedUntil: null, lastError: null } });
      } catch (error) {
        const failed = job.attempts >= job.maxAttempts;
        this.options.log?.('job failed', { jobId: job.id, kind: job.kind, attempts: job.attempts, final: failed, error: String(error) });
        await this.prisma.job.update({
          where: { id: job.id },
          data: {
            status: failed ? 'FAILED' : 'PENDING',
            runAt: new Date(this.now().getTime() + retryDelayMs(job.attempts)),
            lastError: String((error as Error)?.message ?? error).slice(0, 1000),
            lockedBy: null,
            lockedUntil: null,
            finishedAt: failed ? this.now() : null,
          },
        });
      }
    }
    return ran;
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
