import { PassThrough, Readable } from 'node:stream';
import { runUnderstandCommand, loadUnderstandingShop } from '../bot/cli/understand';
import { main } from '../bot/cli';
import { understand } from '../services/understanding';
import { createTestDatabase, type TestDatabase } from './support/database';

const NOW = '2026-11-27T10:00:00+08:00';

async function run(args: string[], stdinText = '', env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const code = await runUnderstandCommand(args, { stdin: Readable.from([stdinText]), stdout, stderr }, env);
  return { code, out, err };
}

describe('understand CLI', () => {
  it('prints the request as one JSON line with the contract keys in order', async () => {
    const r = await run(['明天上午10点给沪A12345做常规保养', '--now', NOW, '--tz', 'Asia/Shanghai']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toBe(
      '{"intent":"book","locale":"zh","services":["PM-REGULAR"],"plate":"沪A12345","when":{"date":"2026-11-28","time":"10:00","part":"morning"},"bookingRef":null}\n',
    );
  });

  it('prints a voice-to-text run-on with its service, time and passing mention', async () => {
    const r = await run(['嗯那个我想问一下就是下周三上午能不能给我的车做个保养然后顺便看看轮胎', `--now=${NOW}`]);
    expect(JSON.parse(r.out)).toEqual({
      intent: 'book',
      locale: 'zh',
      services: ['PM-REGULAR', 'TYRES'],
      plate: null,
      when: { date: '2026-12-02', time: null, part: 'morning' },
      bookingRef: null,
    });
  });

  it('reads the words of several arguments as one message and takes options anywhere', async () => {
    const r = await run(['cancel', 'booking', '--now', NOW, 'ref', 'HUAFGT']);
    expect(JSON.parse(r.out)).toMatchObject({ intent: 'cancel', locale: 'en', bookingRef: 'HUAFGT' });
  });

  it('defaults the zone to the shop\'s (the demo shop is in Asia/Shanghai)', async () => {
    const r = await run(['明天', '--now', '2026-11-27T16:30:00Z']); // 00:30 on the 28th in Shanghai
    expect(JSON.parse(r.out).when).toEqual({ date: '2026-11-29', time: null, part: null });
  });

  it('takes the previous intent and the conversation language', async () => {
    const followUp = await run(['换刹车片呢？', '--now', NOW, '--previous', 'price']);
    expect(JSON.parse(followUp.out)).toMatchObject({ intent: 'price', services: ['BRAKE-PAD-F'] });
    const name = await run(['王建国', '--now', NOW, '--fallback', 'en']);
    expect(JSON.parse(name.out)).toMatchObject({ intent: 'unknown', locale: 'en' });
  });

  it.each([
    [['明天', '--now', 'yesterday-ish']],
    [['明天', '--now', '2026-13-45T10:00:00Z']],
    [['明天', '--tz', 'Mars/Olympus']],
    [['明天', '--now']],
    [['明天', '--bogus']],
    [['明天', '--previous', 'shopping']],
    [['明天', '--fallback', 'fr']],
    [[]],
  ])('exits 2 with a message for bad arguments %j', async (args) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^understand: .+/);
  });

  it('--help names the intents and says where the catalogue comes from', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/repair_status/);
    expect(r.out).toMatch(/DATABASE_URL/);
    expect(r.out).toMatch(/demo shop/);
  });

  it('processes JSON lines in --batch mode, one result per line in order, errors inline, exit 1 at the end', async () => {
    const input = [
      JSON.stringify({ text: '明天3点保养', now: NOW, tz: 'Asia/Shanghai' }),
      'not json',
      JSON.stringify({ text: 'I want to cancel my booking', now: '2026-11-27T02:00:00Z', tz: 'UTC' }),
      '',
      JSON.stringify({ text: '明天', now: 'bad', tz: 'Asia/Shanghai' }),
      JSON.stringify({ text: '明天', now: NOW, tz: 'Nowhere/Land' }),
      JSON.stringify({ now: NOW }),
      JSON.stringify(42),
      JSON.stringify({ text: '换刹车片呢？', now: NOW, previousIntent: 'price' }),
      JSON.stringify({ text: '👍', now: NOW }),
    ].join('\n');
    const r = await run(['--batch'], `${input}\n`);
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(9);
    expect(lines[0]).toEqual({ intent: 'book', locale: 'zh', services: ['PM-REGULAR'], plate: null, when: { date: '2026-11-28', time: '15:00', part: null }, bookingRef: null });
    expect(lines[1].error).toMatch(/invalid JSON/);
    expect(lines[2]).toMatchObject({ intent: 'cancel', locale: 'en' });
    expect(lines[3].error).toMatch(/now/);
    expect(lines[4].error).toMatch(/time zone/);
    expect(lines[5].error).toMatch(/text/);
    expect(lines[6].error).toBeDefined();
    expect(lines[7]).toMatchObject({ intent: 'price', services: ['BRAKE-PAD-F'] });
    expect(lines[8]).toMatchObject({ intent: 'thanks' });
  });

  it('exits 0 in --batch mode when every line was good', async () => {
    const r = await run(['--batch', '--now', NOW], `${JSON.stringify({ text: '你们几点关门' })}\n${JSON.stringify({ text: 'where are you located?' })}\n`);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n').map((l) => JSON.parse(l).intent)).toEqual(['hours', 'location']);
  });

  it('is registered in bin/aftercare and its usage', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c) => (out += c));
    expect(await main(['help'], { stdin: Readable.from(['']), stdout, stderr: new PassThrough() })).toBe(0);
    expect(out).toMatch(/understand "<text>"/);
  });
});

describe('understand with a database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("uses the shop's own catalogue and calendar", async () => {
    const shop = await db.prisma.shop.findUniqueOrThrow({ where: { code: 'DEMO' } });
    await db.prisma.serviceCatalogItem.update({
      where: { shopId_code: { shopId: shop.id, code: 'WIPERS' } },
      data: { aliases: { push: '挡风玻璃刮水器' } },
    });
    const loaded = await loadUnderstandingShop(db.prisma, 'DEMO', 'test database');
    expect(loaded).not.toBeNull();
    expect(loaded!.timeZone).toBe('Asia/Shanghai');
    const item = loaded!.catalogue.find((i) => i.code === 'WIPERS')!;
    expect(item.id).not.toBe('WIPERS'); // real ids
    expect(loaded!.shopHours('2026-11-29')).toBeNull(); // Sunday closed
    expect(loaded!.shopHours('2026-11-28')).toEqual({ openMinute: 540, closeMinute: 1020 });
    const request = understand('换挡风玻璃刮水器', {
      now: new Date(NOW),
      timeZone: loaded!.timeZone,
      shopHours: loaded!.shopHours,
      catalogue: loaded!.catalogue,
      fallbackLocale: 'zh',
    });
    expect(request.services.map((s) => [s.code, s.id])).toEqual([['WIPERS', item.id]]);
    expect(await loadUnderstandingShop(db.prisma, 'NOPE', 'test database')).toBeNull();
  });

  // An embedded test database is in memory: only the PostgreSQL run has a URL another connection can use.
  const onPostgreSQL = process.env.TEST_DATABASE_URL ? it : it.skip;
  onPostgreSQL('reads the shop of DATABASE_URL from the command line', async () => {
    const r = await run(['换机油', '--now', NOW], '', { DATABASE_URL: db.url, SHOP_CODE: 'DEMO' });
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toMatchObject({ intent: 'book', services: ['OIL-CHANGE'] });
    const missing = await run(['换机油'], '', { DATABASE_URL: db.url, SHOP_CODE: 'NOPE' });
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no shop with code "NOPE"/);
  });
});
