import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDbMigrationCommand } from '../bot/cli/db-migration';
import { authorMigration, LOCKFILE_NAME } from '../services/db/author-migration';

/**
 * Migration authoring on the WebAssembly schema engine. Each authoring run starts an
 * in-memory PGlite plus the engine's shadow databases: about 7–25 s.
 */

const ROOT = path.resolve(__dirname, '..');
const SCHEMA = path.join(ROOT, 'prisma', 'schema.prisma');
const MIGRATIONS = path.join(ROOT, 'prisma', 'migrations');
const SLOW = 120_000;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-author-'));
}

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
    },
  };
}

const created: string[] = [];
afterAll(() => {
  for (const dir of created) fs.rmSync(dir, { recursive: true, force: true });
});

test(
  'schema.prisma and the committed migrations agree (a schema change needs `aftercare db migration <name>`)',
  async () => {
    // Author against a copy, so a failing guard does not write into prisma/migrations.
    const dir = tempDir();
    created.push(dir);
    const migrations = path.join(dir, 'migrations');
    fs.cpSync(MIGRATIONS, migrations, { recursive: true });

    const result = await authorMigration({ schemaPath: SCHEMA, migrationsDir: migrations, name: 'guard' });

    if (result.created !== null) {
      throw new Error(
        `prisma/schema.prisma has changes that no migration in prisma/migrations contains. ` +
          `Run \`npm run db:migration -- <name>\` and commit the result. Missing SQL:\n${result.sql}`,
      );
    }
    expect(result).toEqual({ created: null, sql: '' });
    expect(fs.readdirSync(migrations).sort()).toEqual(fs.readdirSync(MIGRATIONS).sort());
  },
  SLOW,
);

test(
  'a schema change produces a migration with the ALTER TABLE and CREATE TABLE it needs',
  async () => {
    const dir = tempDir();
    created.push(dir);
    const migrations = path.join(dir, 'migrations');
    fs.cpSync(MIGRATIONS, migrations, { recursive: true });
    const schemaPath = path.join(dir, 'schema.prisma');
    const schema = fs.readFileSync(SCHEMA, 'utf8');
    const changed = schema.replace(/(model Part \{\n)/, '$1  barcode       String?\n') +
      `
model PartBarcodeScan {
  id        String   @id @default(cuid())
  barcode   String
  scannedAt DateTime @default(now()) @db.Timestamptz(3)

  @@index([barcode])
}
`;
    expect(changed).toContain('barcode       String?');
    fs.writeFileSync(schemaPath, changed);

    const { out, io } = capture();
    const code = await runDbMigrationCommand(['add_part_barcode'], io, { schemaPath, migrationsDir: migrations });

    expect({ code, stderr: code === 0 ? '' : out.stderr }).toEqual({ code: 0, stderr: '' });
    const before = new Set(fs.readdirSync(MIGRATIONS));
    const added = fs.readdirSync(migrations).filter((name) => !before.has(name));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^\d{14}_add_part_barcode$/);
    expect(out.stdout.trim()).toBe(path.join(migrations, added[0]));

    const sql = fs.readFileSync(path.join(migrations, added[0], 'migration.sql'), 'utf8');
    expect(sql).toContain('ALTER TABLE "Part" ADD COLUMN     "barcode" TEXT;');
    expect(sql).toContain('CREATE TABLE "PartBarcodeScan"');
    expect(sql).toContain('CREATE INDEX "PartBarcodeScan_barcode_idx"');
    // CHECK constraints written by hand in earlier migrations are invisible to the engine's diff.
    expect(sql).not.toMatch(/CHECK|DROP CONSTRAINT/);
    expect(fs.readFileSync(path.join(migrations, LOCKFILE_NAME), 'utf8')).toContain('provider = "postgresql"');
  },
  SLOW,
);

test('the command rejects a bad migration name before starting the engine', async () => {
  for (const args of [[], ['Add-Part'], ['add part']]) {
    const { out, io } = capture();
    await expect(runDbMigrationCommand(args, io)).resolves.toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^error: .*(migration name|lower-case letters)/);
  }
});
