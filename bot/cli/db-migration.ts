import path from 'node:path';
import { z } from 'zod';
import { authorMigration } from '../../services/db/author-migration';

/**
 * `aftercare db migration <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql
 * from the changes in prisma/schema.prisma (what `prisma migrate dev --create-only` does,
 * on the WebAssembly schema engine). Review the SQL, then commit it with the schema.
 */

export const PROJECT_ROOT = path.resolve(__dirname, '../..');
export const SCHEMA_PATH = path.join(PROJECT_ROOT, 'prisma', 'schema.prisma');
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'prisma', 'migrations');

const migrationName = z
  .string({ error: 'missing migration name: usage: aftercare db migration <name>, e.g. add_part_barcode' })
  .regex(/^[a-z0-9_]+$/, {
    error: 'the migration name may contain only lower-case letters, digits and underscores (e.g. add_part_barcode)',
  });

export interface CliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

export async function runDbMigrationCommand(
  args: string[],
  io: CliIo,
  paths: { schemaPath?: string; migrationsDir?: string } = {},
): Promise<number> {
  const parsed = migrationName.safeParse(args[0]);
  if (!parsed.success) {
    io.stderr.write(`error: ${parsed.error.issues[0]?.message ?? 'invalid migration name'}\n`);
    return 2;
  }
  if (args.length > 1) {
    io.stderr.write(`error: unexpected arguments after the migration name: ${args.slice(1).join(' ')}\n`);
    return 2;
  }
  const started = Date.now();
  try {
    const result = await authorMigration({
      schemaPath: paths.schemaPath ?? SCHEMA_PATH,
      migrationsDir: paths.migrationsDir ?? MIGRATIONS_DIR,
      name: parsed.data,
      log: (line) => io.stderr.write(`  ${line}\n`),
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (result.created === null) {
      io.stdout.write('No schema changes: no migration written.\n');
    } else {
      const relative = path.relative(process.cwd(), result.created);
      io.stdout.write(`${relative && !relative.startsWith('..') ? relative : result.created}\n`);
      io.stderr.write(`Migration written in ${seconds} s. Review migration.sql before committing it.\n`);
    }
    return 0;
  } catch (error) {
    io.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
}
