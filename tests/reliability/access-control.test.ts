import { useTestApp } from '../support/app';
import { killAllBots, startBot, type BotProcess } from '../support/bot-process';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { TeamsUser } from '../support/teams-client';
import { createLogger } from '../../bot/logger';
import { BookingNotFoundError, cancelBooking, rescheduleBooking, listUpcomingBookings } from '../../services/booking/bookings';
import { createBotDatabase, ENGINE, expectContains, registerAndBook, type BotDatabase } from './helpers';

/**
 * Who may do what: unauthenticated requests are refused before anything runs, one
 * customer never sees or changes another's booking, and logs never carry a full mobile
 * number or VIN.
 */
describe(`Teams authentication on a bot process (${ENGINE})`, () => {
  let db: BotDatabase;
  let connector: FakeConnector;
  let bot: BotProcess;
  afterAll(async () => {
    await killAllBots();
    await connector?.close();
    await db?.dispose();
  });

  it('refuses requests without a valid Bot Framework token (401) and writes nothing', async () => {
    db = await createBotDatabase('auth');
    connector = await startFakeConnector();
    const tables = ['ChannelIdentity', 'ProcessedActivity', 'BotState'];
    const before: number[] = [];
    for (const t of tables) before.push(await db.count(t));
    bot = await startBot({
      databaseUrl: db.url,
      env: { MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'not-a-secret-for-tests' },
    });
    const user = new TeamsUser(bot.url, connector);
    const forged = [{}, { authorization: 'Bearer not-a-real-token' }, { authorization: 'Bearer a.b.c' }, { authorization: 'Basic dXNlcjpwYXNz' }];
    for (const headers of forged) {
      const res = await user.post(user.activity({ text: '我的预约' }), headers as Record<string, string>);
      expect(res.status).toBe(401);
    }
    // A well-formed but unsigned JWT ("alg":"none") claiming the right audience: the SDK
    // fetches Bot Framework's OpenID metadata to check it. Offline (as here) that fetch
    // fails and the request gets a 503 (try again later); online it gets 401. Either way nothing runs.
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ aud: '00000000-0000-0000-0000-000000000001', iss: 'https://api.botframework.com', exp: 4102444800 })).toString('base64url')}.`;
    const res = await user.post(user.activity({ text: '我的预约' }), { authorization: `Bearer ${unsigned}` });
    expect([401, 503]).toContain(res.status);
    expect(connector.calls).toHaveLength(0);
    expect(bot.alive()).toBe(true);
    if (ENGINE === 'pglite') await bot.stop();
    const after: number[] = [];
    for (const t of tables) after.push(await db.count(t));
    expect(after).toEqual(before);
  }, 120_000);
});

describe('customers are kept apart (in-process app)', () => {
  const t = useTestApp();

  it("never shows or lets A cancel or reschedule B's booking", async () => {
    const a = t.user('A');
    const b = t.user('B');
    const aRef = await registerAndBook(a, { when: '下周三上午10点', plate: '沪A10001', mobile: '13800001111', name: '安娜' });
    const bRef = await registerAndBook(b, { when: '下周四上午10点', plate: '沪B20002', mobile: '13900002222', name: '白杰' });
    const customerA = await t.db.prisma.customer.findFirstOrThrow({ where: { mobile: '13800001111' } });
    const customerB = await t.db.prisma.customer.findFirstOrThrow({ where: { mobile: '13900002222' } });
    const bBooking = await t.db.prisma.booking.findFirstOrThrow({ where: { customerId: customerB.id } });

    // A's list holds A's booking only.
    const aList = await a.say('我的预约');
    expectContains(aList, aRef);
    expect(aList).not.toContain(bRef);
    expect(aList).not.toContain('沪B20002');
    // A names B's reference and plate: nothing of B's comes back, nothing changes.
    await a.say('取消');
    for (const probe of [bRef, bRef.toLowerCase(), '沪B20002', bBooking.id]) {
      const reply = await a.say(probe);
      expect(reply).not.toContain('沪B20002');
      expect(reply).not.toMatch(/已取消预约|已改期/);
    }
    expect((await listUpcomingBookings(t.db.prisma, customerA.id, new Date())).map((x) => x.id)).not.toContain(bBooking.id);

    // The services refuse a foreign customerId with the same error as an unknown id.
    const now = new Date();
    await expect(cancelBooking(t.db.prisma, { bookingId: bBooking.id, customerId: customerA.id, reason: 'probe', now })).rejects.toBeInstanceOf(BookingNotFoundError);
    await expect(
      rescheduleBooking(t.db.prisma, { bookingId: bBooking.id, customerId: customerA.id, startsAt: new Date(bBooking.startsAt.getTime() + 3_600_000), now }),
    ).rejects.toBeInstanceOf(BookingNotFoundError);
    await expect(cancelBooking(t.db.prisma, { bookingId: 'no-such-booking', customerId: customerA.id, reason: null, now })).rejects.toBeInstanceOf(BookingNotFoundError);

    const after = await t.db.prisma.booking.findUniqueOrThrow({ where: { id: bBooking.id } });
    expect(after.status).toBe('CONFIRMED');
    expect(after.startsAt).toEqual(bBooking.startsAt);
    // B still sees it.
    expectContains(await b.say('我的预约'), bRef);
  }, 60_000);
});

describe(`logs mask personal data (${ENGINE}, bot process at LOG_LEVEL=debug)`, () => {
  let db: BotDatabase;
  let connector: FakeConnector;
  afterAll(async () => {
    await killAllBots();
    await connector?.close();
    await db?.dispose();
  });

  it('never writes a full mobile number or VIN to the log, only the masked form', async () => {
    db = await createBotDatabase('logs');
    connector = await startFakeConnector();
    const bot = await startBot({ databaseUrl: db.url, logLevel: 'debug' });
    const user = new TeamsUser(bot.url, connector);
    const vin = 'LSVAM4187C2184847';
    await registerAndBook(user, { when: '下周三上午10点', plate: '沪A12345', mobile: '13812345678', name: '王建国', vin });
    // A second customer typing the number with spaces, a wrong VIN, and a failed turn.
    const other = new TeamsUser(bot.url, connector);
    await other.say('预约保养');
    await other.say('139 8765 4321');
    await other.say('赵六');
    await other.say('LSVAM4187C2184848');
    connector.failNext(8, 400);
    await other.say('13812345678 LSVAM4187C2184847');
    await bot.stop();

    const log = bot.stderr() + bot.stdout();
    expect(log.length).toBeGreaterThan(0);
    for (const secret of ['13812345678', '13987654321', '139 8765 4321', vin, 'LSVAM4187C2184848']) expect(log).not.toContain(secret);
    // Digits split by other characters must not slip through either (e.g. JSON-escaped or spaced).
    expect(log.replace(/[\s"\\-]/g, '')).not.toMatch(/1[3-9]\d{9}/);
    // Whatever is logged about them is in the masked form.
    const masked = log.match(/1[3-9]\d\*{4}\d{4}/g) ?? [];
    for (const m of masked) expect(m).toMatch(/^1[3-9]\d\*\*\*\*\d{4}$/);
  }, 120_000);
});

describe('the logger masks what reaches it', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, logger: createLogger('debug', (line) => lines.push(line)) };
  };

  it('writes mobile numbers and VINs in messages, data and errors as 138****5678 / LSV**********4847', () => {
    const { lines, logger } = capture();
    logger.info('registered 13812345678 with VIN LSVAM4187C2184847', {
      customer: { mobile: '13812345678', vehicles: [{ vin: 'LSVAM4187C2184847' }] },
      error: new Error('unique violation on mobile 13812345678'),
    });
    const out = lines.join('\n');
    expect(out).not.toContain('13812345678');
    expect(out).not.toContain('LSVAM4187C2184847');
    expect(out.match(/138\*{4}5678/g)).toHaveLength(3);
    expect(out.match(/LSV\*{10}4847/g)).toHaveLength(2);
  });

  it('masks a mobile written with spaces, dashes or +86, and a lower-case VIN', () => {
    const { lines, logger } = capture();
    logger.info('x', { a: '138 1234 5678', b: '+86-138-1234-5678', c: '8613812345678', d: 'lsvam4187c2184847' });
    const out = lines.join('\n');
    expect(out).not.toMatch(/1234|lsvam4187c2184847/);
  });
});
