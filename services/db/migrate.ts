import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RawSql } from './client';

/**
 * Applies the committed SQL migrations without Prisma's native schema engine (which
 * cannot be downloaded offline). It writes the same `_prisma_migrations` rows as
 * `prisma migrate deploy` (sha256 checksum of migration.sql), so either tool can take
 * over a database the other migrated. Unlike Prisma, each migration runs in its own
 * transaction: a failing migration leaves the database exactly as it was.
 */

export const DEFAULT_MIGRATIONS_DIR = path.resolve(__dirname, '../../prisma/migrations');

// Same shape as Prisma's own table.
const CREATE_HISTORY = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

// Serialises migrators across processes sharing one PostgreSQL server.
const ADVISORY_LOCK_KEY = 727_073_691;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Applied migrations whose file changed afterwards. */
  modified: string[];
  /** Recorded in the database but missing from the directory (a newer release ran here). */
  unknown: string[];
  /** Started and never finished (a `prisma migrate deploy` that failed half-way). */
  failed: string[];
}

export class MigrationError extends Error {
  constructor(message: string, readonly migration?: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export function readMigrations(dir = DEFAULT_MIGRATIONS_DIR): MigrationFile[] {
  if (!fs.existsSync(dir)) throw new MigrationError(`no migrations directory at ${dir}`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
    });
}

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

async function history(raw: Pick<RawSql, 'query'>): Promise<HistoryRow[]> {
  const exists = await raw.query<{ t: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS t`);
  if (!exists[0]?.t) return [];
  return raw.query<HistoryRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
  );
}

export async function migrationStatus(raw: RawSql, dir = DEFAULT_MIGRATIONS_DIR): Promise<MigrationStatus> {
  const files = readMigrations(dir);
  const rows = (await history(raw)).filter((r) => !r.rolled_back_at);
  const finished = new Map(rows.filter((r) => r.finished_at).map((r) => [r.migration_name, r.checksum]));
  const fileNames = new Set(files.map((f) => f.name));
  return {
    applied: files.filter((f) => finished.has(f.name)).map((f) => f.name),
    pending: files.filter((f) => !finished.has(f.name)).map((f) => f.name),
    modified: files.filter((f) => finished.has(f.name) && finished.get(f.name) !== f.checksum).map((f) => f.name),
    unknown: [...finished.keys()].filter((n) => !fileNames.has(n)),
    failed: rows.filter((r) => !r.finished_at).map((r) => r.migration_name),
  };
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

export async function applyMigrations(raw: RawSql, dir = DEFAULT_MIGRATIONS_DIR, log: (line: string) => void = () => {}): Promise<MigrateResult> {
  const files = readMigrations(dir);
  if (files.length === 0) throw new MigrationError(`no migrations found in ${dir}`);
  await raw.exec(CREATE_HISTORY);
  const before = await migrationStatus(raw, dir);
  if (before.failed.length) {
    throw new MigrationError(
      `migration ${before.failed.join(', ')} is recorded as started but never finished; inspect the database, then delete its row from "_prisma_migrations"`,
      before.failed[0],
    );
  }
  if (before.modified.length) {
    throw new MigrationError(
      `migration ${before.modified.join(', ')} was changed after it was applied; restore the committed file or add a new migration instead`,
      before.modified[0],
    );
  }
  const applied: string[] = [];
  for (const file of files) {
    const done = await raw.transaction(async (tx) => {
      // Inside the transaction so a concurrent migrator waits, then sees our row.
      await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK_KEY]);
      const rows = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS NULL`,
        [file.name],
      );
      if (rows[0].n > 0) return false;
      const started = new Date();
      try {
        await tx.exec(file.sql);
      } catch (error) {
        throw new MigrationError(
          `migration ${file.name} failed and was rolled back, the database is unchanged: ${(error as Error).message}`,
          file.name,
        );
      }
      await tx.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, started_at, applied_steps_count)
         VALUES ($1, $2, now(), $3, NULL, $4, 1)`,
        [crypto.randomUUID(), file.checksum, file.name, started],
      );
      return true;
    });
    if (done) {
      applied.push(file.name);
      log(`applied ${file.name}`);
    }
  }
  return { applied, alreadyApplied: files.length - applied.length };
}
