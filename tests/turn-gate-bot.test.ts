import { loadConfig } from '../services/config';
import type { RawSql } from '../services/db/client';
import { startApp, type App } from '../bot/app';
import { RETRY_AFTER_SECONDS, type TurnGateOptions } from '../bot/turn-gate';
import { createLogger } from '../bot/logger';
import { t } from '../dialogs';
import { FROZEN_NOW } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { renderActivity, startFakeConnector, type FakeConnector } from './support/fake-connector';
import { TeamsUser } from './support/teams-client';

/**
 * Overload through the real bot over the Teams protocol. The turns' SQL waits behind a
 * latch the test opens, so the admitted turns hold their places while the others arrive:
 * the queue forms by count, not by timing. Every message must get its real answer, each
 * conversation at most one busy reply per episode, and nobody the turn-error text.
 */
const ENGINE = process.env.TEST_DATABASE_URL ? 'postgresql' : 'embedded';

/** The app over a test database whose turn statements (claim, identity, commit) wait while the latch is closed. */
interface LatchedApp {
  app: App;
  url: string;
  /** From now on the turns' statements wait (pending replies-sent marks are written first, so only turns wait). */
  holdStatements(): Promise<void>;
  releaseStatements(): void;
  /** Statements waiting at the latch. */
  held(): number;
  user(locale?: string): TeamsUser;
  stop(): Promise<void>;
}

async function startLatchedApp(turnGate: Partial<TurnGateOptions>): Promise<LatchedApp> {
  const db: TestDatabase = await createTestDatabase();
  const connector: FakeConnector = await startFakeConnector();
  let latch: Promise<void> | null = null;
  let openLatch = () => {};
  let held = 0;
  const raw: RawSql = {
    ...db.raw,
    query: async (sql, params) => {
      if (latch) {
        held++;
        await latch;
        held--;
      }
      return db.raw.query(sql, params);
    },
  };
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const shop = await db.prisma.shop.findFirstOrThrow();
  const app = await startApp(config, createLogger(config.logLevel), {
    now: () => FROZEN_NOW,
    jobs: false,
    database: { db: { ...db, raw }, shop: { id: shop.id, name: shop.name, nameEn: shop.nameEn, timeZone: shop.timeZone, bookingHorizonDays: shop.bookingHorizonDays } },
    turnGate,
  });
  const url = `http://127.0.0.1:${app.server.port}`;
  return {
    app,
    url,
    holdStatements: async () => {
      await app.bot.turns.flushSent();
      latch = new Promise<void>((resolve) => (openLatch = resolve));
    },
    releaseStatements: () => {
      latch = null;
      openLatch();
    },
    held: () => held,
    user: (locale = 'zh-CN') => new TeamsUser(url, connector, undefined, '王先生', locale),
    async stop() {
      latch = null;
      openLatch();
      await app.close();
      await connector.close();
      await db.close();
    },
  };
}

const replies = (u: TeamsUser) => u.newCalls().filter((c) => c.method === 'POST').map((c) => renderActivity(c.body));
const BUSY = [t('zh', 'busy.queued'), t('en', 'busy.queued')];
const TURN_ERROR = [t('zh', 'unavailable'), t('en', 'unavailable')];
const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Waits (by polling, bounded by the test's timeout) until the gate holds this many turns. */
async function gateHolds(app: App, running: number, waiting: number): Promise<void> {
  for (;;) {
    const stats = app.bot.gate.stats();
    if (stats.running === running && stats.waiting === waiting) return;
    await pause();
  }
}

describe(`overloaded bot (${ENGINE})`, () => {
  const MAX_RUNNING = 2;
  let bot: LatchedApp;

  beforeAll(async () => {
    // Every turn that has to wait at all is "long" here: the busy reply follows the count, not a clock.
    bot = await startLatchedApp({ maxRunning: MAX_RUNNING, busyAfterWaiting: 0 });
  }, 60_000);
  afterAll(async () => {
    await bot?.stop();
  });

  const user = (locale?: string) => bot.user(locale);
  const gateHoldsHere = (running: number, waiting: number) => gateHolds(bot.app, running, waiting);

  /** What each question is answered with when nobody else is writing. */
  const QUESTIONS = [
    { text: '你们几点关门', locale: 'zh-CN' },
    { text: '店在哪里', locale: 'zh-CN' },
    { text: 'what are your opening hours', locale: 'en-US' },
  ];
  const expected = new Map<string, string[]>();

  it('answers the questions alone first (the reference answers)', async () => {
    for (const q of QUESTIONS) {
      const u = user(q.locale);
      const { status } = await u.post(u.activity({ text: q.text }));
      expect(status).toBe(200);
      const answer = replies(u);
      expect(answer.length).toBeGreaterThan(0);
      expect(answer.some((r) => BUSY.includes(r))).toBe(false);
      expected.set(q.text, answer);
    }
  }, 60_000);

  it('with many conversations at once: the rest wait without touching the database, each is told once, every message gets its real answer', async () => {
    const users = Array.from({ length: 12 }, (_, i) => ({ u: user(QUESTIONS[i % 3].locale), text: QUESTIONS[i % 3].text }));
    await bot.holdStatements();
    const posts = users.map(({ u, text }) => u.post(u.activity({ text })));
    await gateHoldsHere(MAX_RUNNING, users.length - MAX_RUNNING);
    // Only the admitted turns reached the database (each waits on its first statement).
    while (bot.held() < MAX_RUNNING) await pause();
    expect(bot.held()).toBe(MAX_RUNNING);
    bot.releaseStatements();
    const statuses = (await Promise.all(posts)).map((r) => r.status);
    expect(statuses).toEqual(users.map(() => 200));

    let busyReplies = 0;
    for (const { u, text } of users) {
      const said = replies(u);
      expect(said.filter((r) => TURN_ERROR.includes(r))).toEqual([]);
      const busy = said.filter((r) => BUSY.includes(r));
      expect(busy.length).toBeLessThanOrEqual(1);
      // The busy reply (in the customer's language) comes first, then the real answer.
      if (busy.length) expect(said[0]).toBe(t(text.startsWith('what') ? 'en' : 'zh', 'busy.queued'));
      expect(said.filter((r) => !BUSY.includes(r))).toEqual(expected.get(text));
      busyReplies += busy.length;
    }
    // Everyone who had to wait was told; the two admitted at once were not.
    expect(busyReplies).toBe(users.length - MAX_RUNNING);
    expect(bot.app.bot.gate.stats()).toMatchObject({ running: 0, waiting: 0 });
  }, 60_000);

  it('tells a conversation once per episode however many messages it sends, and again in the next episode', async () => {
    const [a, b, many, late] = [user(), user(), user(), user()];
    const manyTexts = ['你们几点关门', '店在哪里', '你们几点关门'];
    const episode = async () => {
      await bot.holdStatements();
      const posts: Array<Promise<{ status: number }>> = [];
      // One at a time, so the order of arrival (and so who waits) is known.
      posts.push(a.post(a.activity({ text: '你们几点关门' })));
      await gateHoldsHere(1, 0);
      posts.push(b.post(b.activity({ text: '店在哪里' })));
      await gateHoldsHere(2, 0);
      for (const [i, text] of manyTexts.entries()) {
        posts.push(many.post(many.activity({ text })));
        await gateHoldsHere(2, i + 1);
      }
      posts.push(late.post(late.activity({ text: '店在哪里' })));
      await gateHoldsHere(2, manyTexts.length + 1);
      bot.releaseStatements();
      expect((await Promise.all(posts)).map((r) => r.status)).toEqual(posts.map(() => 200));
    };

    for (let round = 1; round <= 2; round++) {
      await episode();
      const said = { a: replies(a), b: replies(b), many: replies(many), late: replies(late) };
      const busyCount = (list: string[]) => list.filter((r) => BUSY.includes(r)).length;
      expect([busyCount(said.a), busyCount(said.b), busyCount(said.many), busyCount(said.late)]).toEqual([0, 0, 1, 1]);
      // Three messages, one busy reply, then the three answers in the order they were sent.
      expect(said.many[0]).toBe(t('zh', 'busy.queued'));
      expect(said.many.slice(1)).toEqual(manyTexts.flatMap((text) => expected.get(text)!));
      expect(said.a).toEqual(expected.get('你们几点关门'));
      expect(said.late.slice(1)).toEqual(expected.get('店在哪里'));
      for (const list of Object.values(said)) expect(list.filter((r) => TURN_ERROR.includes(r))).toEqual([]);
    }
  }, 60_000);
});

describe(`a bot with thousands waiting (${ENGINE})`, () => {
  let bot: LatchedApp;
  beforeAll(async () => {
    bot = await startLatchedApp({ maxRunning: 1, maxWaiting: 1, busyAfterWaiting: 0 });
  }, 60_000);
  afterAll(async () => {
    await bot?.stop();
  });

  it('answers 503 with Retry-After beyond the hard cap, says nothing to that customer, and answers the message when it is delivered again', async () => {
    const [first, second, third] = [bot.user(), bot.user(), bot.user()];
    await bot.holdStatements();
    const admitted = first.post(first.activity({ text: '你们几点关门' }));
    await gateHolds(bot.app, 1, 0);
    const waiting = second.post(second.activity({ text: '你们几点关门' }));
    await gateHolds(bot.app, 1, 1);
    const refusedActivity = third.activity({ text: '你们几点关门' });
    const refused = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(refusedActivity) });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS));
    bot.releaseStatements();
    expect([(await admitted).status, (await waiting).status]).toEqual([200, 200]);
    expect(replies(third)).toEqual([]);
    // The channel delivers it again later: answered like the others.
    expect((await third.post(refusedActivity)).status).toBe(200);
    const answer = replies(third);
    expect(answer.length).toBeGreaterThan(0);
    expect(replies(first)).toEqual(answer);
    expect(replies(second)).toEqual([t('zh', 'busy.queued'), ...answer]);
    expect(answer.filter((r) => TURN_ERROR.includes(r))).toEqual([]);
  }, 60_000);
});
