import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { Database } from '../../services/db/client';
import type { Logger } from '../logger';
import type { HttpApp } from './server';

/**
 * GET /healthz. A SELECT succeeds on a full disk, a read-only mount or a standby, while every
 * turn fails: so the check commits a write (one row per host and port in "Heartbeat"), with
 * a time limit. Concurrent checks share one probe, so a flood of health requests costs one
 * small write at a time. The reply says what a person can do about a failure and names no
 * internal address; the detail goes to the log.
 */

export const HEALTH_TIMEOUT_MS = 3_000;

const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    database: z.object({
      engine: z.enum(['pglite', 'postgres']),
      ok: z.boolean(),
      latencyMs: z.number().int().optional(),
      reason: z.string().optional().describe('Why the database check failed, and what to look at'),
    }),
    shop: z.string().optional(),
  })
  .meta({ id: 'Health' });

interface PgLikeError {
  code?: unknown;
  message?: unknown;
}

/** What a person can act on, from a pg / PGlite / Node error. Never the error's own text (it can name hosts). */
export function healthReason(error: unknown, timeoutMs: number = HEALTH_TIMEOUT_MS): string {
  const e = (error ?? {}) as PgLikeError;
  const code = typeof e.code === 'string' ? e.code : '';
  const text = typeof e.message === 'string' ? e.message : String(error);
  if (error instanceof ProbeTimeout || code === '57014' || code === '55P03' || /statement timeout|lock timeout/i.test(text)) {
    return `database did not complete a write within ${timeoutMs / 1000} s: it is overloaded or a table is locked`;
  }
  if (code === '25006' || /read-only transaction/i.test(text)) {
    return 'database is not accepting writes: it is read-only (a standby server, or default_transaction_read_only is on); point DATABASE_URL at the primary';
  }
  if (/^53/.test(code) || /^58/.test(code) || /ENOSPC|EROFS|EDQUOT|EACCES|EPERM|EIO|no space left|read-only file system|permission denied|could not (write|extend|create|open) file/i.test(`${code} ${text}`)) {
    return 'database is not accepting writes: disk full or read-only; free space or make the database storage writable';
  }
  if (/^08/.test(code) || /^57P0[123]/.test(code) || /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|Connection terminated|timeout exceeded when trying to connect|connection .*closed|PGlite is closed/i.test(`${code} ${text}`)) {
    return 'database is unreachable: check that PostgreSQL is running and that DATABASE_URL points to it';
  }
  if (/^28/.test(code)) return 'database refused the credentials in DATABASE_URL';
  if (code === '42P01' || code === '3D000') return 'database schema is missing or not up to date: run `aftercare db migrate`';
  return `database check failed${code ? ` (SQLSTATE ${code})` : ''}: see the bot's log`;
}

class ProbeTimeout extends Error {}

export interface HealthRouteOptions {
  db: Pick<Database, 'raw' | 'engine'>;
  shopName: string;
  logger: Logger;
  timeoutMs?: number;
}

export function registerHealthRoute(app: HttpApp, options: HealthRouteOptions): void {
  const { db, logger } = options;
  const timeoutMs = options.timeoutMs ?? HEALTH_TIMEOUT_MS;
  let probe: Promise<void> | null = null;
  // Host and port: one row per listening process, stable across its restarts.
  const instance = () => `${os.hostname().slice(0, 200)}:${(app.server.address() as AddressInfo | null)?.port ?? 0}`;
  const write = () =>
    db.raw.transaction(async (tx) => {
      // The server gives up too, so a blocked probe does not hold a connection for ever.
      await tx.exec(`SET LOCAL statement_timeout = ${timeoutMs}; SET LOCAL lock_timeout = ${timeoutMs}`);
      await tx.query(`INSERT INTO "Heartbeat" ("instance", "beatAt") VALUES ($1, now()) ON CONFLICT ("instance") DO UPDATE SET "beatAt" = EXCLUDED."beatAt"`, [instance()]);
    });

  app.get(
    '/healthz',
    {
      schema: {
        tags: ['Operations'],
        summary: 'Whether the bot can serve: the database accepts a committed write',
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) => {
      const started = Date.now();
      probe ??= write().finally(() => {
        probe = null;
      });
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([probe, new Promise((_, reject) => (timer = setTimeout(() => reject(new ProbeTimeout()), timeoutMs)))]);
        return reply.code(200).send({ status: 'ok', database: { engine: db.engine, ok: true, latencyMs: Date.now() - started }, shop: options.shopName });
      } catch (error) {
        const reason = healthReason(error, timeoutMs);
        logger.warn('health check failed', { reason, error: error instanceof ProbeTimeout ? 'timed out' : error });
        return reply.code(503).send({ status: 'degraded', database: { engine: db.engine, ok: false, reason } });
      } finally {
        clearTimeout(timer);
      }
    },
  );
}
