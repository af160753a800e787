import type { Config } from '../services/config';
import { openDatabase, type Database } from '../services/db/client';
import { applyMigrations } from '../services/db/migrate';
import { needsSeed, seedDemoShop } from '../services/db/seed';
import type { ShopInfo } from './aftercare-bot';
import { AftercareBot } from './aftercare-bot';
import { defaultMaxRunning, type TurnGateOptions } from './turn-gate';
import { createTeamsAdapter } from './channels/teams/adapter';
import { createHttpServer, listen, type RunningServer } from './http/server';
import { registerMessagesRoute } from './http/messages';
import { registerHealthRoute } from './http/health';
import { restApi } from './http/api';
import type { Logger } from './logger';
import { ProactiveMessenger } from './proactive';
import { JobRunner } from '../services/jobs';
import { jobHandlers } from './job-handlers';
import { ensureDailyJobs } from '../services/follow-up';
import type { WechatChannel } from './channels/wechat/channel';
import { startOfficialAccountChannel, type OfficialAccountChannel } from './channels/wechat-oa/channel';
import { registerOfficialAccountRoute } from './http/wechat-oa';
import { startAdminChannel, type AdminChannel } from './admin-channel';
import { createAdvisorInvite } from '../services/advisor-link';
import { handleKpiAdminCommand } from './cli/report';

export interface App {
  jobs: JobRunner;
  wechat?: WechatChannel;
  /** The WeChat Official Account channel, when WECHAT_OA_APP_ID is set. */
  wechatOa?: OfficialAccountChannel;
  db: Database;
  bot: AftercareBot;
  shop: ShopInfo;
  messenger: ProactiveMessenger;
  server: RunningServer;
  /** The local admin socket (embedded database only). */
  admin: AdminChannel | null;
  close(): Promise<void>;
}

function packageVersion(): string {
  return (require('../package.json') as { version: string }).version;
}

/**
 * The one line `aftercare start` prints: how /api/messages is protected and who can reach
 * it, so an unauthenticated endpoint is never a surprise.
 */
export function startBanner(config: Config, port: number, databaseLabel: string): string {
  const where = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  const endpoint = `http://${where}/api/messages (health: /healthz), database: ${databaseLabel}`;
  switch (config.teams.auth) {
    case 'on':
      return `aftercare: Teams auth ON, listening on ${endpoint} — every request needs a valid Bot Framework token`;
    case 'local':
      return `aftercare: Teams auth OFF (local mode), listening on ${endpoint} — only this machine can reach it; set MicrosoftAppId and MicrosoftAppPassword for Teams`;
    case 'open':
      return `aftercare: Teams auth OFF and EXPOSED (AFTERCARE_ALLOW_UNAUTHENTICATED=true), listening on ${endpoint} — anyone who can reach this address can act as any customer or advisor`;
  }
}

export class StartupError extends Error {
  override name = 'StartupError';
}

/** Opens, migrates and (for a new embedded database) seeds; shared by `start`, `chat` and tests. */
export async function prepareDatabase(config: Config, logger: Logger): Promise<{ db: Database; shop: ShopInfo }> {
  const db = await openDatabase(config.database);
  try {
    const migrated = await applyMigrations(db.raw, undefined, (line) => logger.info(line));
    if (migrated.applied.length) logger.info('database migrated', { applied: migrated.applied });
    if (config.database.kind === 'pglite' && (await needsSeed(db.prisma))) {
      await seedDemoShop(db.prisma, { timeZone: config.shopTimeZone });
      logger.info('new embedded database: demo shop seeded');
    }
    const shop = await db.prisma.shop.findUnique({ where: { code: config.shopCode } });
    if (!shop) {
      throw new StartupError(`no shop with code "${config.shopCode}" in ${db.label}: run \`bin/aftercare db seed\` for the demo shop, or set SHOP_CODE`);
    }
    return { db, shop: { id: shop.id, name: shop.name, nameEn: shop.nameEn, timeZone: shop.timeZone, bookingHorizonDays: shop.bookingHorizonDays } };
  } catch (error) {
    await db.close();
    throw error;
  }
}

export interface StartOptions {
  now?: () => Date;
  /** An already prepared database (tests); otherwise opened from `config`. */
  database?: { db: Database; shop: ShopInfo };
  /** A Wechaty puppet object (tests: wechaty-puppet-mock) instead of WECHATY_PUPPET. */
  wechatPuppet?: unknown;
  /** false: do not run jobs on a timer (tests call app.jobs.runDue()). */
  jobs?: boolean;
  /** Admission of customer turns; maxRunning defaults to what the database serves without waiting. */
  turnGate?: Partial<TurnGateOptions>;
}

export async function startApp(config: Config, logger: Logger, options: StartOptions = {}): Promise<App> {
  const { db, shop } = options.database ?? (await prepareDatabase(config, logger));
  const messenger = new ProactiveMessenger(db.prisma, logger);
  const bot = new AftercareBot({
    prisma: db.prisma,
    sql: db.raw,
    shop,
    logger,
    now: options.now,
    notify: async (identityId, text) => {
      await messenger.send(identityId, text);
    },
    turnLeaseMs: config.turnLeaseMs,
    exclusiveDatabase: db.engine === 'pglite',
    turnGate: { maxRunning: defaultMaxRunning(db), ...options.turnGate },
  });
  // The embedded database has one process (the lock says so): turns claimed before a crash are nobody's now.
  if (db.engine === 'pglite') await bot.turns.expireLeases();
  const adapter = createTeamsAdapter(config.teams, logger);
  messenger.register('msteams', async (reference, text) => {
    await adapter.continueConversationAsync(config.teams.appId ?? '', reference, async (context) => {
      await context.sendActivity(text);
    });
    return 'sent';
  });
  messenger.register('emulator', async (reference, text) => {
    await adapter.continueConversationAsync(config.teams.appId ?? '', reference, async (context) => {
      await context.sendActivity(text);
    });
    return 'sent';
  });

  const now = options.now ?? (() => new Date());
  const stopTimers: Array<() => void> = [];
  const http = await createHttpServer({ logger, version: packageVersion() });
  registerHealthRoute(http, { db, shopName: shop.name, logger });
  registerMessagesRoute(http, { adapter, bot, logger });
  const wechatOa = config.wechatOa
    ? startOfficialAccountChannel({ settings: config.wechatOa, bot, prisma: db.prisma, sql: db.raw, logger, messenger, shopId: shop.id, now })
    : undefined;
  if (wechatOa) await registerOfficialAccountRoute(http, { channel: wechatOa, logger, now });
  await http.register(restApi, { prefix: '/api/v1', prisma: db.prisma, shop, envKey: config.apiKey, now });
  const server = await listen(http, { port: config.port, host: config.host });
  logger.info('aftercare listening', { host: config.host, port: server.port, database: db.label, teamsAuth: config.teams.auth });

  // Operator commands beside a running embedded bot (the CLI cannot open PGlite while we hold it).
  const embeddedDir = !options.database && config.database.kind === 'pglite' ? config.database.dataDir : null;
  const admin = embeddedDir
    ? await startAdminChannel(
        embeddedDir,
        async (request) => {
          if (request.command === 'kpi.report' || request.command === 'target.set') return handleKpiAdminCommand(db.prisma, shop.id, request, now());
          const invite = await createAdvisorInvite(db.prisma, { shopId: shop.id, advisorName: request.advisorName, now: now(), ttlMinutes: config.inviteTtlMinutes, createdBy: 'admin-channel' });
          return { code: invite.code, expiresAt: invite.expiresAt.toISOString() };
        },
        logger,
      ).catch((error: unknown) => {
        logger.warn('admin channel off: stop the bot to run admin commands', { error: String(error) });
        return null;
      })
    : null;

  let wechat: WechatChannel | undefined;
  if (config.wechat.puppet || options.wechatPuppet) {
    try {
      const { startWechatChannel } = require('./channels/wechat/channel') as typeof import('./channels/wechat/channel');
      wechat = await startWechatChannel({ config: config.wechat, bot, prisma: db.prisma, logger, messenger, puppetInstance: options.wechatPuppet });
    } catch (error) {
      await admin?.close();
      await server.close();
      await db.close();
      throw new StartupError(`WeChat could not start: ${(error as Error).message}`);
    }
  } else {
    logger.info('WeChat is off (set WECHATY_PUPPET to enable it)');
  }
  // Reminders, handoff time-outs; and messages that could not be delivered before go out again.
  const jobs = new JobRunner(db.prisma, { handlers: jobHandlers(db.prisma, messenger, { beginFlow: (identityId, flowId, input, send) => bot.beginFlow(identityId, flowId, input, send) }), now, log: (m, d) => logger.warn(m, d) });
  if (options.jobs !== false) {
    // The daily follow-up (maintenance reminders, survey expiry) of each shop: its chain starts here.
    await ensureDailyJobs(db.prisma, now());
    jobs.start();
    const flushTimer = setInterval(() => {
      messenger.flush().catch((error: unknown) => logger.warn('outbound flush failed', { error: String(error) }));
    }, 30_000);
    flushTimer.unref();
    stopTimers.push(() => clearInterval(flushTimer));
    messenger.flush().catch((error: unknown) => logger.warn('outbound flush failed', { error: String(error) }));
  }

  let closing: Promise<void> | null = null;
  return {
    jobs,
    wechat,
    wechatOa,
    db,
    bot,
    shop,
    messenger,
    server,
    admin,
    close() {
      closing ??= (async () => {
        await admin?.close();
        await server.close();
        for (const stop of stopTimers) stop();
        await jobs.stop();
        await wechat?.stop();
        // The last turns' "replies sent" marks, before the database goes.
        await bot.turns.flushSent().catch((error: unknown) => logger.warn('could not mark replies sent', { error: String(error) }));
        await db.close();
      })();
      return closing;
    },
  };
}
