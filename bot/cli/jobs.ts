/**
 * `aftercare jobs [--dead] [--kind KIND] [--limit N] [--json]` and `aftercare jobs retry <id>`:
 * what the durable job queue holds. `jobs` counts jobs per kind and status (and pending ones
 * overdue by more than five minutes: no runner keeping up); `--dead` lists the FAILED ones
 * with their last error — including notices interrupted mid-send, which are never repeated by
 * themselves; `retry` puts one back in the queue, due now, when a person decided it should run.
 */
import { z } from 'zod';
import type { PrismaClient } from '../../services/db/client';
import { deadJobs, jobSummary, retryJob } from '../../services/jobs';

export interface JobsIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const JOBS_USAGE = 'usage: aftercare jobs [--dead] [--kind KIND] [--limit N] [--json] | aftercare jobs retry <job id>\n';

const listSchema = z.object({
  dead: z.boolean().default(false),
  json: z.boolean().default(false),
  kind: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

function parseList(args: string[]): z.infer<typeof listSchema> {
  const raw: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--(dead|json|kind|limit)(?:=(.*))?$/.exec(args[i]);
    if (!m) throw new Error(`unknown argument "${args[i]}"`);
    if (m[1] === 'dead' || m[1] === 'json') raw[m[1]] = true;
    else raw[m[1]] = m[2] ?? args[++i] ?? '';
  }
  const parsed = listSchema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

export async function runJobsCommand(args: string[], io: JobsIo, deps: { prisma: PrismaClient; now?: () => Date }): Promise<number> {
  const now = deps.now ?? (() => new Date());
  if (args[0] === 'retry') {
    const id = z.string().regex(/^[a-z0-9]{20,40}$/, 'a job id').safeParse(args[1]);
    if (!id.success || args.length !== 2) {
      io.stderr.write(JOBS_USAGE);
      return 2;
    }
    if (!(await retryJob(deps.prisma, { jobId: id.data, now: now() }))) {
      io.stderr.write(`aftercare: no dead (FAILED) job ${id.data}\n`);
      return 1;
    }
    io.stdout.write(`Job ${id.data} is queued again, due now.\n`);
    return 0;
  }
  let options: z.infer<typeof listSchema>;
  try {
    options = parseList(args);
  } catch (error) {
    io.stderr.write(`aftercare jobs: ${(error as Error).message}\n${JOBS_USAGE}`);
    return 2;
  }
  if (options.dead) {
    const dead = await deadJobs(deps.prisma, { kind: options.kind, limit: options.limit });
    if (options.json) {
      for (const job of dead) io.stdout.write(`${JSON.stringify(job)}\n`);
      return 0;
    }
    if (dead.length === 0) {
      io.stdout.write('No dead jobs.\n');
      return 0;
    }
    for (const job of dead) {
      io.stdout.write(`${job.id}\t${job.kind}\t${job.attempts}/${job.maxAttempts} attempts\t${job.finishedAt?.toISOString() ?? '-'}\t${job.dedupeKey ?? ''}\n  ${job.lastError ?? ''}\n`);
    }
    return 0;
  }
  const summary = (await jobSummary(deps.prisma, now())).filter((row) => !options.kind || row.kind === options.kind);
  if (options.json) {
    for (const row of summary) io.stdout.write(`${JSON.stringify(row)}\n`);
    return 0;
  }
  if (summary.length === 0) {
    io.stdout.write('No jobs.\n');
    return 0;
  }
  for (const row of summary) io.stdout.write(`${row.kind}\t${row.status}\t${row.count}${row.overdue ? `\t(${row.overdue} overdue)` : ''}\n`);
  return 0;
}
