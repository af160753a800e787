import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../../generated/prisma/client';
import type { DatabaseTarget } from '../config';
import { lockDataDirectory, type DirectoryLock } from './lock';
import { embeddedOptions } from './pglite-options';
import { withPreparedStatements } from './pglite-prepared';
import { openPGliteInThread, type PGliteLike } from './pglite-thread';

export { PrismaClient };
export type { Prisma } from '../../generated/prisma/client';

/**
 * Raw SQL access beside Prisma: the migration runner needs multi-statement scripts and
 * transactions around them, which Prisma's prepared statements cannot run.
 */
export interface RawSql {
  /** Runs a script (several statements) outside any explicit transaction. */
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `fn` inside BEGIN/COMMIT on one connection; ROLLBACK when it throws. */
  transaction<T>(fn: (tx: Pick<RawSql, 'exec' | 'query'>) => Promise<T>): Promise<T>;
}

/**
 * A piece of a larger statement: data-modifying CTEs plus one SQL expression that yields a
 * JSON row, with parameters numbered from the caller's offset. The turn's claim carries the
 * identity upsert this way, so a message costs one round trip for both.
 */
export interface StatementPart {
  ctes: string;
  /** A scalar expression (a JSON object) to select beside the host statement's own columns. */
  expr: string;
  params: unknown[];
}

export interface Database {
  prisma: PrismaClient;
  raw: RawSql;
  engine: 'pglite' | 'postgres';
  /** Connections that can serve queries at once (the pool's size; PGlite has one). */
  concurrency: number;
  /** Human description with no secrets, for logs and /healthz. */
  label: string;
  close(): Promise<void>;
}

/** The embedded database keeps PostgreSQL's files in `<dataDir>/pgdata` beside the lock file. */
export function pgliteDataPath(dataDir: string): string {
  return path.join(dataDir, 'pgdata');
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') return openPostgres(target.url);
  return openEmbedded(target.dataDir, target.thread ?? (target.dataDir ? 'worker' : 'main'));
}

/**
 * The embedded data directory cannot be written (read-only mount, permissions, a file in
 * its place, a full disk): one sentence for the operator instead of an errno stack.
 */
export class DataDirectoryError extends Error {
  constructor(readonly dataDir: string, readonly code: string, detail: string) {
    const shown = path.relative(process.cwd(), dataDir);
    const where = shown && !shown.startsWith('..') && !path.isAbsolute(shown) ? `./${shown}` : dataDir;
    super(`cannot write the embedded database in ${where} (${DataDirectoryError.reason(code)}): ${detail}`);
    this.name = 'DataDirectoryError';
  }

  static readonly CODES = ['EROFS', 'EACCES', 'EPERM', 'ENOSPC', 'EDQUOT', 'ENOTDIR', 'EEXIST', 'ENOENT'];

  static reason(code: string): string {
    return (
      ({ EROFS: 'read-only file system', EACCES: 'permission denied', EPERM: 'permission denied', ENOSPC: 'disk full', EDQUOT: 'disk quota exceeded', ENOTDIR: 'a file is in the way', EEXIST: 'a file is in the way', ENOENT: 'no such directory' } as Record<string, string>)[code] ?? code
    );
  }
}

function asDataDirectoryError(dataDir: string, error: unknown): unknown {
  const e = error as NodeJS.ErrnoException;
  if (!e || typeof e.code !== 'string' || !DataDirectoryError.CODES.includes(e.code)) return error;
  return new DataDirectoryError(dataDir, e.code, `${e.syscall ?? 'open'} ${e.path ?? dataDir} failed`);
}

/**
 * Proves the directory takes writes before PGlite opens it: PGlite reports a read-only
 * or foreign-owned pgdata as a WebAssembly abort deep inside PostgreSQL's start-up.
 */
function probeWritable(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const probe = path.join(dir, `.aftercare-write-probe-${process.pid}`);
  fs.writeFileSync(probe, '');
  fs.rmSync(probe, { force: true });
}

/**
 * `worker`: PGlite runs in a worker thread (pglite-thread.ts), so PostgreSQL's WebAssembly
 * does not hold the bot's event loop. `main`: in the caller's thread, as before; tests use
 * it for in-memory databases they dump.
 */
async function openEmbedded(dataDir: string | null, thread: 'worker' | 'main'): Promise<Database> {
  let lock: DirectoryLock | undefined;
  if (dataDir) {
    try {
      lock = lockDataDirectory(dataDir);
      probeWritable(pgliteDataPath(dataDir));
    } catch (error) {
      lock?.release();
      throw asDataDirectoryError(dataDir, error);
    }
  }
  try {
    const dataPath = dataDir ? pgliteDataPath(dataDir) : null;
    if (thread === 'worker') return wrapPGlite(await openPGliteInThread(dataPath), dataDir, lock, ' in a worker thread');
    return await openPGliteInstance(dataPath ? new PGlite(dataPath, embeddedOptions()) : new PGlite(embeddedOptions()), dataDir, lock);
  } catch (error) {
    lock?.release();
    throw dataDir ? asDataDirectoryError(dataDir, error) : error;
  }
}

/** Wraps an already created PGlite (tests load one from a dump). */
export async function openPGliteInstance(pglite: PGlite, dataDir: string | null, lock?: DirectoryLock): Promise<Database & { pglite: PGlite }> {
  await pglite.waitReady;
  return { ...wrapPGlite(withPreparedStatements(pglite), dataDir, lock, ''), pglite };
}

/** Prisma and RawSql over a PGlite in this thread or its stand-in for one in a worker. */
function wrapPGlite(pglite: PGliteLike, dataDir: string | null, lock: DirectoryLock | undefined, where: string): Database {
  // The adapter calls only query, exec and transaction (see pglite-thread.ts), which both offer.
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite as PGlite) });
  const raw: RawSql = {
    exec: async (sql) => {
      await pglite.exec(sql);
    },
    query: async <T>(sql: string, params: unknown[] = []) => (await pglite.query<T>(sql, params)).rows,
    // PGlite has one connection: its transaction() serialises with every other query.
    transaction: (fn) =>
      pglite.transaction((tx) =>
        fn({
          exec: async (sql) => {
            await tx.exec(sql);
          },
          query: async <T>(sql: string, params: unknown[] = []) => (await tx.query<T>(sql, params)).rows,
        }),
      ),
  };
  let closed = false;
  return {
    prisma,
    raw,
    engine: 'pglite',
    concurrency: 1,
    label: (dataDir ? `embedded PostgreSQL (PGlite) at ${dataDir}` : 'embedded PostgreSQL (PGlite) in memory') + where,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      // $disconnect does not close PGlite; without this the process waits ~10 s at exit.
      try {
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/** Hides the password in a connection string for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgresql://(unparseable)';
  }
}

/** Connections in the PostgreSQL pool; the bot admits customer turns by it (bot/turn-gate.ts). */
const POOL_SIZE = 10;

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, connectionTimeoutMillis: 5000 });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const raw: RawSql = {
    exec: async (sql) => {
      await pool.query(sql);
    },
    query: async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[],
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          exec: async (sql) => {
            await client.query(sql);
          },
          query: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
  };
  let closed = false;
  return {
    prisma,
    raw,
    engine: 'postgres',
    concurrency: POOL_SIZE,
    label: `PostgreSQL at ${redactUrl(url)}`,
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}
