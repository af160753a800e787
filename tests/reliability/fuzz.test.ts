import { killAllBots, startBot, type BotProcess } from '../support/bot-process';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { TeamsUser } from '../support/teams-client';
import { createBotDatabase, ENGINE, health, pool, prng, type BotDatabase } from './helpers';

/**
 * Random and hostile input, reproducible: FUZZ_SEED=<n> replays a run (the seed is in the
 * test name). Invalid HTTP bodies must get a 4xx with a JSON `error` and write nothing;
 * valid activities carrying hostile text must never produce a 5xx, a failed turn or a crash.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const INVALID_BODIES = 1500;
const HOSTILE_MESSAGES = 500;

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rand, n: number) => Math.floor(r() * n);

const NASTY_STRINGS = [
  "'; DROP TABLE \"Booking\"; --",
  "1' OR '1'='1",
  'SELECT * FROM "Customer" WHERE 1=1',
  '$1; COPY "Customer" TO PROGRAM \'id\'',
  '\u0007\u001b[31mred\u001b[0m',
  '\ud83d\ude97\ud83d\udd27\u2764\ufe0f\u200d\ud83d\udd25',
  '\u202egnp.exe',
  '<script>alert(1)</script>',
  '{{7*7}} ${7*7} #{7*7}',
  '%s%s%s%n',
  '../../../../etc/passwd',
  '\r\n\r\nHTTP/1.1 200 OK',
  '13812345678',
  '138 1234 5678',
  '99999999999999999999999999',
  '-1',
  '1e309',
  'NaN',
  '0x7fffffff',
  '沪A12345',
  'LSVAM4187C2184847',
  '明天上午10点',
  '2月30日',
  '下下下下下周',
  '取消',
  '转人工',
  '我的预约',
  '预约保养',
  '确认',
  '跳过',
  '1',
  '3',
  ' ',
  '\t\n',
  '保养'.repeat(2001),
  'ｓｅｌｅｃｔ',
];

function randomText(r: Rand): string {
  switch (int(r, 5)) {
    case 0:
      return pick(r, NASTY_STRINGS);
    case 1: {
      // Random code points, including controls and astral planes.
      let s = '';
      const n = 1 + int(r, 40);
      for (let i = 0; i < n; i++) {
        const kind = int(r, 4);
        const cp = kind === 0 ? 1 + int(r, 0x1f) : kind === 1 ? 0x4e00 + int(r, 0x5000) : kind === 2 ? 0x1f300 + int(r, 0x300) : 0x20 + int(r, 0x5f);
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    case 2:
      return `${pick(r, NASTY_STRINGS)} ${pick(r, NASTY_STRINGS)}`;
    case 3:
      return String(Math.floor(r() * 1e12));
    default:
      return pick(r, ['你好', '保养', 'hello', 'book a service', 'my bookings', 'cancel', '下周三上午10点给沪A12345做常规保养']);
  }
}

function validActivity(user: TeamsUser): Record<string, unknown> {
  return user.activity({ text: 'hi' });
}

const WRONG_VALUES: unknown[] = [null, 0, -1, 1.5, true, false, [], [1, 2], {}, { a: 1 }, '', 'x'.repeat(70_000), 1e308];

/** One invalid request: [body, content-type, description]. */
function invalidRequest(r: Rand, user: TeamsUser): [string | Buffer, string, string] {
  const base = validActivity(user);
  switch (int(r, 10)) {
    case 0: {
      const json = JSON.stringify(base);
      const cut = int(r, json.length - 1);
      return [json.slice(0, cut), 'application/json', `truncated JSON at ${cut}`];
    }
    case 1: {
      const bytes = Buffer.alloc(1 + int(r, 200));
      for (let i = 0; i < bytes.length; i++) bytes[i] = int(r, 256);
      return [bytes, 'application/json', 'random bytes'];
    }
    case 2: {
      const field = pick(r, ['type', 'channelId', 'from', 'conversation'] as const);
      delete (base as Record<string, unknown>)[field];
      return [JSON.stringify(base), 'application/json', `missing ${field}`];
    }
    case 3: {
      const field = pick(r, ['type', 'channelId', 'from', 'conversation', 'text', 'id', 'serviceUrl'] as const);
      let value = pick(r, WRONG_VALUES);
      if (field === 'text' || field === 'id' || field === 'serviceUrl') value = pick(r, [0, 1.5, true, [], {}, ['a']]);
      if ((field === 'from' || field === 'conversation') && (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value as object).length === 0)) {
        /* keep: a non-object or an object without id is invalid */
      } else if (field === 'from' || field === 'conversation') value = { id: pick(r, [0, null, '', [], {}]) };
      if ((field === 'type' || field === 'channelId') && typeof value === 'string' && value.length > 0 && value.length <= 64) value = 0;
      (base as Record<string, unknown>)[field] = value;
      return [JSON.stringify(base), 'application/json', `wrong ${field}: ${JSON.stringify(value)?.slice(0, 40)}`];
    }
    case 4: {
      const top = pick(r, ['null', '0', '"text"', '[]', '[{}]', 'true', '{}', '1e999', '"\\u0000"']);
      return [top, 'application/json', `top-level ${top}`];
    }
    case 5: {
      const depth = 1000 + int(r, 60_000);
      const open = pick(r, ['[', '{"a":']);
      const close = open === '[' ? ']' : '}';
      return [open.repeat(depth) + '1' + close.repeat(depth), 'application/json', `nesting ${depth}`];
    }
    case 6:
      return [JSON.stringify({ ...base, text: 'x'.repeat(1024 * 1024) }), 'application/json', '1 MB body'];
    case 7:
      return [JSON.stringify(base), pick(r, ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', '', 'application/xml']), 'wrong content type'];
    case 8:
      return ['', 'application/json', 'empty body'];
    default: {
      const field = pick(r, ['from', 'conversation'] as const);
      (base as Record<string, Record<string, unknown>>)[field] = { id: 'x'.repeat(2000) };
      return [JSON.stringify(base), 'application/json', `overlong ${field}.id`];
    }
  }
}

describe(`fuzzing /api/messages (${ENGINE}, bot process, seed ${SEED})`, () => {
  let db: BotDatabase;
  let connector: FakeConnector;
  let bot: BotProcess;

  beforeAll(async () => {
    db = await createBotDatabase('fuzz');
    connector = await startFakeConnector();
  }, 120_000);
  afterAll(async () => {
    await killAllBots();
    await connector?.close();
    await db?.dispose();
  });

  /** One at a time: an embedded directory opens in one place at once. */
  async function countAll(tables: string[]): Promise<number[]> {
    const counts: number[] = [];
    for (const t of tables) counts.push(await db.count(t));
    return counts;
  }

  it(`refuses ${INVALID_BODIES} invalid bodies with a 4xx JSON error and writes nothing`, async () => {
    const tables = ['ChannelIdentity', 'ProcessedActivity', 'BotState', 'Customer'];
    const before = await countAll(tables);
    bot = await startBot({ databaseUrl: db.url });
    const r = prng(SEED);
    const user = new TeamsUser(bot.url, connector);
    const requests = Array.from({ length: INVALID_BODIES }, () => invalidRequest(r, user));
    const failures: string[] = [];
    await pool(requests, 8, async ([body, type, what], i) => {
      const headers: Record<string, string> = type ? { 'content-type': type } : {};
      let res: Response;
      try {
        res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers, body });
      } catch (error) {
        failures.push(`#${i} ${what}: connection failed (${(error as Error).message})`);
        return;
      }
      const text = await res.text();
      let error: unknown;
      try {
        error = (JSON.parse(text) as { error?: unknown }).error;
      } catch {
        error = undefined;
      }
      if (res.status < 400 || res.status >= 500 || typeof error !== 'string' || !error) failures.push(`#${i} ${what}: HTTP ${res.status} ${text.slice(0, 120)}`);
    });
    expect(failures).toEqual([]);
    expect(bot.alive()).toBe(true);
    expect((await health(bot.url)).status).toBe(200);
    expect(connector.calls).toHaveLength(0);
    if (ENGINE === 'pglite') await bot.stop(); // the directory is single-process: count after the bot let go
    expect(await countAll(tables)).toEqual(before);
  }, 90_000);

  it(`survives ${HOSTILE_MESSAGES} hostile texts sent as valid activities into the dialogs`, async () => {
    if (!bot?.alive()) bot = await startBot({ databaseUrl: db.url });
    const r = prng(SEED + 1);
    const users = Array.from({ length: 10 }, (_, i) => new TeamsUser(bot.url, connector, undefined, pick(r, ['王先生', 'Jane', '\u0001', '🚗', "O'Brien"]) + i, pick(r, ['zh-CN', 'en-US'])));
    const messages = Array.from({ length: HOSTILE_MESSAGES }, () => ({ user: pick(r, users), text: randomText(r) }));
    const bad: string[] = [];
    // Per user in order (a conversation), users in parallel.
    await Promise.all(
      users.map(async (user) => {
        for (const [i, m] of messages.entries()) {
          if (m.user !== user) continue;
          const extra: Record<string, unknown> = { text: m.text };
          if (r() < 0.05) extra.value = pick(r, [{ choice: 'book' }, { choice: 42 }, { choice: null }, 'str', [1], { choice: '确认', prompt: '\u0001', title: {} }]);
          const res = await user.post(user.activity(extra));
          if (res.status >= 500) bad.push(`#${i} ${JSON.stringify(m.text).slice(0, 80)} → HTTP ${res.status}`);
        }
      }),
    );
    expect(bad).toEqual([]);
    expect(bot.alive()).toBe(true);
    expect((await health(bot.url)).status).toBe(200);
    // Every failure of a turn is logged as "turn failed" (and answered with an apology): none expected.
    const failedTurns = bot
      .stderr()
      .split('\n')
      .filter((l) => l.includes('"turn failed"'))
      .map((l) => l.slice(0, 300));
    expect(failedTurns).toEqual([]);
    await bot.stop();
    expect((await bot.exited).code).toBe(0);
  }, 90_000);

  // Found by this fuzzer, fixed, and kept as regressions.
  it('refuses a content type that merely contains "application/json" (application/jsonp-not) with 415', async () => {
    if (!bot?.alive()) bot = await startBot({ databaseUrl: db.url });
    const user = new TeamsUser(bot.url, connector);
    const res = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/jsonp-not' }, body: JSON.stringify(user.activity({ text: 'hi' })) });
    expect(res.status).toBe(415);
  });

  it('strips U+0000 from a display name instead of failing every turn of that user', async () => {
    if (!bot?.alive()) bot = await startBot({ databaseUrl: db.url });
    const user = new TeamsUser(bot.url, connector, undefined, 'x\u0000y');
    expect(await user.say('你好')).toContain('请问需要什么帮助');
  });

  it('makes text with a lone UTF-16 surrogate well-formed, so the state write (jsonb) succeeds', async () => {
    if (!bot?.alive()) bot = await startBot({ databaseUrl: db.url });
    const user = new TeamsUser(bot.url, connector);
    await user.say('你好');
    expect(await user.say('\ud800')).not.toContain('请稍后再试');
    expect(await user.say('预约保养 \ud800')).not.toContain('请稍后再试');
  });
});
