import fs from 'node:fs';
import { loadConfig, ConfigError, type Config } from '../services/config';
import { openDatabase } from '../services/db/client';
import { applyMigrations, migrationStatus, MigrationError } from '../services/db/migrate';
import { seedDemoShop } from '../services/db/seed';
import { DatabaseInUseError } from '../services/db/lock';
import { DataDirectoryError } from '../services/db/client';
import { createLogger, routeConsoleToLogger } from './logger';

/**
 * `bin/aftercare <command>`: one entry for people and scripts. Exit codes: 0 done,
 * 1 failed, 2 bad usage or configuration.
 */
export interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = `usage: aftercare <command>

  start                    run the bot (HTTP on PORT, WeChat when WECHATY_PUPPET is set)
  chat [--as advisor]      talk to the bot in this terminal
  when "<text>" [--now ISO] [--tz ZONE] | when --batch
                           show how a date/time phrase is understood
  understand "<text>" [--now ISO] [--tz ZONE] | understand --batch
                           show how a customer message is understood (intent, services, time …);
                           the shop of DATABASE_URL, else the demo shop (understand --help)
  db migrate               apply pending migrations
  db status                list applied and pending migrations
  db seed                  create the demo shop (idempotent)
  db migration <name>      author a new migration from prisma/schema.prisma
  advisor invite <name>    one-time code that links an advisor's Teams/WeChat account
  apikey create <name> | list | revoke <name>
                           named keys for the REST API (a new key is shown once)
  report --from YYYY-MM-DD --to YYYY-MM-DD [--advisor NAME] [--json | --html FILE]
                           the service manager's KPIs, per advisor and for the shop
  target set <advisor> <YYYY-MM> --orders N --paid N --revenue ¥N
                           an advisor's monthly targets (repair orders, paid visits, revenue)
  jobs [--dead] [--kind KIND] [--json] | jobs retry <id>
                           the job queue per kind and status; dead (FAILED) jobs with their error
`;

function config(io: Io): Config | null {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`aftercare: ${error.message}\n`);
      return null;
    }
    throw error;
  }
}

async function withDatabase(io: Io, fn: (db: Awaited<ReturnType<typeof openDatabase>>, cfg: Config) => Promise<number>): Promise<number> {
  const cfg = config(io);
  if (!cfg) return 2;
  const db = await openDatabase(cfg.database);
  try {
    return await fn(db, cfg);
  } finally {
    await db.close();
  }
}

async function db(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'migrate':
      return withDatabase(io, async (database) => {
        const result = await applyMigrations(database.raw, undefined, (line) => io.stdout.write(`${line}\n`));
        io.stdout.write(result.applied.length ? `Applied ${result.applied.length} migration(s) to ${database.label}.\n` : `Database is up to date (${result.alreadyApplied} migration(s) applied) at ${database.label}.\n`);
        return 0;
      });
    case 'status':
      return withDatabase(io, async (database) => {
        const status = await migrationStatus(database.raw);
        io.stdout.write(`${database.label}\n`);
        for (const name of status.applied) io.stdout.write(`  applied   ${name}${status.modified.includes(name) ? '  (file changed since!)' : ''}\n`);
        for (const name of status.pending) io.stdout.write(`  pending   ${name}\n`);
        for (const name of status.unknown) io.stdout.write(`  unknown   ${name} (in the database, not in prisma/migrations)\n`);
        for (const name of status.failed) io.stdout.write(`  failed    ${name}\n`);
        const clean = status.pending.length === 0 && status.modified.length === 0 && status.failed.length === 0;
        io.stdout.write(clean ? 'Up to date.\n' : `${status.pending.length} pending.\n`);
        return clean ? 0 : 1;
      });
    case 'seed':
      return withDatabase(io, async (database, cfg) => {
        const status = await migrationStatus(database.raw);
        if (status.pending.length) {
          io.stderr.write(`aftercare: ${status.pending.length} migration(s) pending; run \`aftercare db migrate\` first\n`);
          return 1;
        }
        const result = await seedDemoShop(database.prisma, { timeZone: cfg.shopTimeZone });
        io.stdout.write(result.created ? `Demo shop created in ${database.label}.\n` : `Demo shop already present; missing rows completed in ${database.label}.\n`);
        return 0;
      });
    case 'migration': {
      const { runDbMigrationCommand } = require('./cli/db-migration') as typeof import('./cli/db-migration');
      return runDbMigrationCommand(rest, io);
    }
    default:
      io.stderr.write(`aftercare: unknown db command "${sub ?? ''}"\n${USAGE}`);
      return 2;
  }
}

async function advisor(args: string[], io: Io): Promise<number> {
  const [sub, ...nameParts] = args;
  const name = nameParts.join(' ').trim();
  if (sub !== 'invite' || !name) {
    io.stderr.write('usage: aftercare advisor invite <advisor name>\n');
    return 2;
  }
  const printInvite = (code: string, expiresAt: string) =>
    io.stdout.write(`One-time code for ${name}: ${code} (valid until ${expiresAt}).\nThe advisor sends "绑定 ${code}" to the bot from their own Teams or WeChat account.\n`);
  const cfg = config(io);
  if (!cfg) return 2;
  // A bot running on the embedded database holds it: ask that bot over its admin socket.
  const dataDir = cfg.database.kind === 'pglite' ? cfg.database.dataDir : null;
  if (dataDir) {
    const { sendAdminCommand, AdminChannelUnreachable, adminSocketPath } = require('./admin-channel') as typeof import('./admin-channel');
    if (fs.existsSync(adminSocketPath(dataDir))) {
      try {
        const response = await sendAdminCommand(dataDir, { command: 'advisor.invite', advisorName: name });
        if (!response.ok) {
          io.stderr.write(`aftercare: ${response.error}\n`);
          return 1;
        }
        printInvite(String(response.result.code), String(response.result.expiresAt));
        return 0;
      } catch (error) {
        // A socket left by a bot that died: open the database ourselves below.
        if (!(error instanceof AdminChannelUnreachable)) throw error;
      }
    }
  }
  return withDatabase(io, async (database) => {
    const shop = await database.prisma.shop.findUnique({ where: { code: cfg.shopCode } });
    if (!shop) {
      io.stderr.write(`aftercare: no shop with code "${cfg.shopCode}"\n`);
      return 1;
    }
    const { createAdvisorInvite } = require('../services/advisor-link') as typeof import('../services/advisor-link');
    try {
      const invite = await createAdvisorInvite(database.prisma, { shopId: shop.id, advisorName: name, now: new Date(), ttlMinutes: cfg.inviteTtlMinutes, createdBy: 'cli' });
      printInvite(invite.code, invite.expiresAt.toISOString());
      return 0;
    } catch (error) {
      io.stderr.write(`aftercare: ${(error as Error).message}\n`);
      return 1;
    }
  });
}

async function apikey(args: string[], io: Io): Promise<number> {
  const { runApiKeyCommand, APIKEY_USAGE } = require('./cli/apikey') as typeof import('./cli/apikey');
  if (!['create', 'list', 'revoke'].includes(args[0] ?? '')) {
    io.stderr.write(APIKEY_USAGE);
    return 2;
  }
  return withDatabase(io, async (database, cfg) => {
    const shop = await database.prisma.shop.findUnique({ where: { code: cfg.shopCode }, select: { id: true, code: true } });
    if (!shop) {
      io.stderr.write(`aftercare: no shop with code "${cfg.shopCode}"\n`);
      return 1;
    }
    return runApiKeyCommand(args, io, { prisma: database.prisma, shop });
  });
}

async function start(io: Io): Promise<number> {
  const cfg = config(io);
  if (!cfg) return 2;
  const logger = createLogger(cfg.logLevel);
  // Library console output (the SDK's stack trace per rejected token) becomes JSON log lines.
  const restoreConsole = routeConsoleToLogger(logger, cfg.logLevel);
  // Signals are taken from the first moment: a container's pid 1 has no default handlers, and
  // a stop asked for during start-up is honoured once start-up is done. Repeats are ignored
  // (Ctrl-C under npm delivers SIGINT twice: from the terminal and forwarded by npm).
  let stopSignal: string | null = null;
  let wake: (() => void) | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopSignal) return;
    stopSignal = signal;
    wake?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // Required lazily so that `db` and `when` never load the bot framework (require, not
    // import(): under tsx a dynamic import() goes through Node's ESM resolver, which needs extensions).
    const { startApp, startBanner } = require('./app') as typeof import('./app');
    const app = await startApp(cfg, logger);
    io.stdout.write(`${startBanner(cfg, app.server.port, app.db.label)}\n`);
    if (!stopSignal) await new Promise<void>((resolve) => (wake = resolve));
    io.stdout.write(`\n${stopSignal}: finishing in-flight turns and closing the database…\n`);
    await app.close().catch((error: unknown) => logger.error('shutdown failed', { error }));
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    restoreConsole();
  }
}

export async function main(argv: string[], io: Io = process): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await start(io);
      case 'db':
        return await db(rest, io);
      case 'advisor':
        return await advisor(rest, io);
      case 'apikey':
        return await apikey(rest, io);
      case 'jobs': {
        const { runJobsCommand } = require('./cli/jobs') as typeof import('./cli/jobs');
        return await withDatabase(io, (database) => runJobsCommand(rest, io, { prisma: database.prisma }));
      }
      case 'when': {
        const { runWhenCommand } = require('./cli/when') as typeof import('./cli/when');
        return await runWhenCommand(rest, io);
      }
      case 'understand': {
        const { runUnderstandCommand } = require('./cli/understand') as typeof import('./cli/understand');
        return await runUnderstandCommand(rest, io);
      }
      case 'report': {
        const { runReportCommand } = require('./cli/report') as typeof import('./cli/report');
        return await runReportCommand(rest, io);
      }
      case 'target': {
        const { runTargetCommand } = require('./cli/report') as typeof import('./cli/report');
        return await runTargetCommand(rest, io);
      }
      case 'chat': {
        const { runChatCommand } = require('./cli/chat') as typeof import('./cli/chat');
        return await runChatCommand(rest, io);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.stderr.write(`aftercare: unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof DatabaseInUseError || error instanceof DataDirectoryError || error instanceof MigrationError || (error as Error).name === 'StartupError' || error instanceof ConfigError) {
      io.stderr.write(`aftercare: ${(error as Error).message}\n`);
      return error instanceof ConfigError ? 2 : 1;
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      io.stderr.write(`aftercare: port already in use (${(error as Error).message}); set PORT to a free port\n`);
      return 1;
    }
    io.stderr.write(`aftercare: ${(error as Error).stack ?? error}\n`);
    return 1;
  }
}
