import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openDatabase, openPGliteInstance, type Database } from '../../services/db/client';
import { applyMigrations } from '../../services/db/migrate';
import { embeddedOptions } from '../../services/db/pglite-options';
import { seedDemoShop } from '../../services/db/seed';

/**
 * Test databases. With TEST_DATABASE_URL (a PostgreSQL server's admin URL, as .ci/run sets
 * it) every call creates a new database on that server; otherwise an in-memory PGlite is
 * loaded from a template dump made once per run by tests/support/global-setup.ts.
 */

export function templateDumpPath(): string {
  return path.join(os.tmpdir(), `aftercare-template-${process.env.AFTERCARE_TEST_RUN ?? 'local'}.tar`);
}
export const SEED_NOW = new Date('2026-11-27T02:00:00Z');
export const SHOP_TZ = 'Asia/Shanghai';

export interface TestDatabase extends Database {
  /** The DATABASE_URL another process would use to reach the same database (PostgreSQL only). */
  url?: string;
}

export async function createTestDatabase(options: { seed?: boolean } = {}): Promise<TestDatabase> {
  const seed = options.seed ?? true;
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `aftercare_t_${crypto.randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const db = await openDatabase({ kind: 'postgres', url: url.toString() });
    await applyMigrations(db.raw);
    if (seed) await seedDemoShop(db.prisma, { timeZone: SHOP_TZ, now: SEED_NOW });
    return {
      ...db,
      url: url.toString(),
      async close() {
        await db.close();
        const a = new pg.Client({ connectionString: serverUrl });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      },
    };
  }
  if (seed && fs.existsSync(templateDumpPath())) {
    const pglite = new PGlite(embeddedOptions({ loadDataDir: new Blob([fs.readFileSync(templateDumpPath())]) }));
    return openPGliteInstance(pglite, null);
  }
  const db = await openDatabase({ kind: 'pglite', dataDir: null });
  await applyMigrations(db.raw);
  if (seed) await seedDemoShop(db.prisma, { timeZone: SHOP_TZ, now: SEED_NOW });
  return db;
}

/** Writes the seeded template once per test run, so each test file loads it in ~0.6 s. */
export async function buildTemplateDump(): Promise<void> {
  const db = await openDatabase({ kind: 'pglite', dataDir: null });
  try {
    await applyMigrations(db.raw);
    await seedDemoShop(db.prisma, { timeZone: SHOP_TZ, now: SEED_NOW });
    const dump = await (db as unknown as { pglite: PGlite }).pglite.dumpDataDir('none');
    fs.writeFileSync(templateDumpPath(), Buffer.from(await dump.arrayBuffer()));
  } finally {
    await db.close();
  }
}
