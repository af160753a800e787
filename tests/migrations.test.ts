import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from './support/database';
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, migrationStatus, MigrationError, readMigrations } from '../services/db/migrate';

function copyMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-mig-'));
  fs.cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe('migrations', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase({ seed: false });
  });
  afterEach(async () => {
    await db.close();
  });

  it('apply from empty, then are idempotent', async () => {
    // createTestDatabase already migrated once: a second run applies nothing.
    const again = await applyMigrations(db.raw);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe(readMigrations().length);
    const status = await migrationStatus(db.raw);
    expect(status.pending).toEqual([]);
    expect(status.applied).toEqual(readMigrations().map((m) => m.name));
    const tables = await db.raw.query<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('Shop','Booking','RepairOrder','ExtraWorkDecision','Survey','AdvisorTask','Job','BotState')`);
    expect(tables[0].n).toBe(8);
  });

  it('record the same history rows as prisma migrate deploy (sha256 checksum)', async () => {
    const rows = await db.raw.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations"`,
    );
    for (const file of readMigrations()) {
      const row = rows.find((r) => r.migration_name === file.name)!;
      expect(row.checksum).toBe(crypto.createHash('sha256').update(fs.readFileSync(path.join(DEFAULT_MIGRATIONS_DIR, file.name, 'migration.sql'))).digest('hex'));
      expect(row.finished_at).not.toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('a failing migration leaves the database as it was and says why', async () => {
    const dir = copyMigrations();
    fs.mkdirSync(path.join(dir, '99990101000000_broken'));
    fs.writeFileSync(path.join(dir, '99990101000000_broken', 'migration.sql'), 'CREATE TABLE "Half" (id int);\nALTER TABLE "NoSuchTable" ADD COLUMN x int;\n');
    await expect(applyMigrations(db.raw, dir)).rejects.toThrow(/migration 99990101000000_broken failed and was rolled back, the database is unchanged: .*NoSuchTable/);
    const half = await db.raw.query<{ t: string | null }>(`SELECT to_regclass('"Half"')::text AS t`);
    expect(half[0].t).toBeNull();
    const status = await migrationStatus(db.raw, dir);
    expect(status.pending).toEqual(['99990101000000_broken']);
    expect(status.failed).toEqual([]);
  });

  it('refuses to run when an applied migration file was edited', async () => {
    const dir = copyMigrations();
    const first = readMigrations(dir)[0];
    fs.appendFileSync(path.join(dir, first.name, 'migration.sql'), '\n-- edited\n');
    await expect(applyMigrations(db.raw, dir)).rejects.toThrow(MigrationError);
    await expect(applyMigrations(db.raw, dir)).rejects.toThrow(/was changed after it was applied/);
    expect((await migrationStatus(db.raw, dir)).modified).toEqual([first.name]);
  });

  it('an empty migrations directory is an error, not a silent success', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-nomig-'));
    await expect(applyMigrations(db.raw, dir)).rejects.toThrow(/no migrations found/);
  });
});
