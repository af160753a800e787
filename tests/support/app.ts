import { loadConfig } from '../../services/config';
import { startApp, type App } from '../../bot/app';
import { createLogger } from '../../bot/logger';
import { createTestDatabase, type TestDatabase } from './database';
import { startFakeConnector, type FakeConnector } from './fake-connector';
import { TeamsUser } from './teams-client';

/** Friday 27 November 2026, 10:00 in Shanghai: the frozen "now" of conversation tests. */
export const FROZEN_NOW = new Date('2026-11-27T02:00:00Z');

export interface TestApp {
  app: App;
  db: TestDatabase;
  connector: FakeConnector;
  url: string;
  user(name?: string, locale?: string): TeamsUser;
  close(): Promise<void>;
}

export async function startTestApp(env: NodeJS.ProcessEnv = {}, now: () => Date = () => FROZEN_NOW, extra: { wechatPuppet?: unknown } = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const connector = await startFakeConnector();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ...env });
  const shopRow = await db.prisma.shop.findFirstOrThrow();
  const app = await startApp(config, createLogger(config.logLevel), {
    now,
    wechatPuppet: extra.wechatPuppet,
    jobs: false,
    database: { db, shop: { id: shopRow.id, name: shopRow.name, nameEn: shopRow.nameEn, timeZone: shopRow.timeZone, bookingHorizonDays: shopRow.bookingHorizonDays } },
  });
  const url = `http://127.0.0.1:${app.server.port}`;
  return {
    app,
    db,
    connector,
    url,
    user: (name?: string, locale?: string) => new TeamsUser(url, connector, undefined, name, locale),
    async close() {
      await app.close();
      await connector.close();
    },
  };
}

/**
 * A running app for one describe block: `const t = useTestApp()`, then `t.user()`, `t.db`…
 * inside tests (the object is filled in before the first test and closed after the last).
 */
export function useTestApp(...args: Parameters<typeof startTestApp>): TestApp {
  const holder = {} as TestApp;
  beforeAll(async () => {
    Object.assign(holder, await startTestApp(...args));
  }, 60_000);
  afterAll(async () => {
    await holder.close?.();
  });
  return holder;
}
