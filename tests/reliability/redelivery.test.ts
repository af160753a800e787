import { killAllBots, startBot, type BotProcess } from '../support/bot-process';
import { renderActivity, startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { TeamsUser } from '../support/teams-client';
import { createBotDatabase, ENGINE, expectContains, type BotDatabase } from './helpers';

/**
 * Channels redeliver an activity when they did not see our 200 in time, sometimes while
 * the first delivery is still running. A redelivered activity (same id) must have no
 * second effect: one set of replies, one booking.
 */
describe(`redelivered activities (${ENGINE}, bot process)`, () => {
  let db: BotDatabase;
  let connector: FakeConnector;
  let bot: BotProcess;

  beforeAll(async () => {
    db = await createBotDatabase('redeliver');
    connector = await startFakeConnector();
    bot = await startBot({ databaseUrl: db.url });
  }, 120_000);
  afterAll(async () => {
    await killAllBots();
    await connector?.close();
    await db?.dispose();
  });

  const texts = (user: TeamsUser) => user.newCalls().filter((c) => c.method === 'POST').map((c) => renderActivity(c.body));

  /** Registers and stops at the read-back card, ready for 确认. */
  async function toReadBack(user: TeamsUser, plate: string, mobile: string, when: string): Promise<void> {
    expectContains(await user.say(`${when}给${plate}做常规保养`), '手机号');
    expectContains(await user.say(mobile), '怎么称呼');
    expectContains(await user.say('张三'), '车架号');
    expectContains(await user.say('跳过'), '里程');
    expectContains(await user.say('跳过'), '[确认]');
  }

  function confirmActivity(user: TeamsUser): Record<string, unknown> {
    const card = user.lastCard()!;
    const action = (card.body.attachments[0].content.actions as Array<{ title: string; data: Record<string, unknown> }>).find((a) => a.title === '确认')!;
    return user.activity({ text: '', value: action.data, replyToId: card.id });
  }

  it('answers a message redelivered later, or five times at once, exactly once', async () => {
    const user = new TeamsUser(bot.url, connector);
    const hello = user.activity({ text: '你好' });
    expect((await user.post(hello)).status).toBe(200);
    const first = texts(user);
    expect(first.length).toBeGreaterThan(0);
    expect((await user.post(hello)).status).toBe(200);
    expect(texts(user)).toHaveLength(0);

    const book = user.activity({ text: '预约保养' });
    // Copies that arrive while the first is running are told to come again (503), never run twice.
    const statuses = await Promise.all(Array.from({ length: 5 }, () => user.post(book).then((r) => r.status)));
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    const replies = texts(user);
    expect(replies).toHaveLength(1);
    expectContains(replies[0], '手机号');
  }, 60_000);

  it('books once when the confirmation is redelivered, sequentially and concurrently', async () => {
    const user = new TeamsUser(bot.url, connector);
    await toReadBack(user, '沪C22222', '13722223333', '下周三上午10点');
    const confirm = confirmActivity(user);
    const statuses = await Promise.all(Array.from({ length: 5 }, () => user.post(confirm).then((r) => r.status)));
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect((await user.post(confirm)).status).toBe(200);
    const calls = user.newCalls();
    const posted = calls.filter((c) => c.method === 'POST').map((c) => renderActivity(c.body));
    expect(posted).toHaveLength(1);
    expectContains(posted[0], '预约成功');
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(1);
  }, 60_000);

  it('books once when the same card is pressed by several deliveries with different ids at once', async () => {
    const user = new TeamsUser(bot.url, connector);
    await toReadBack(user, '沪D33333', '13633334444', '下周三下午2点');
    const presses = Array.from({ length: 4 }, () => confirmActivity(user));
    const statuses = await Promise.all(presses.map((p) => user.post(p).then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const posted = texts(user);
    expect(posted.filter((t) => t.includes('预约成功'))).toHaveLength(1);
    expect(posted.filter((t) => t.includes('已经处理过'))).toHaveLength(3);
  }, 60_000);

  it('left exactly one booking per customer in the database', async () => {
    await bot.stop();
    expect((await bot.exited).code).toBe(0);
    const rows = await db.query<{ mobile: string; n: string | number }>(
      `SELECT c.mobile, count(b.id) AS n FROM "Customer" c LEFT JOIN "Booking" b ON b."customerId" = c.id GROUP BY c.mobile ORDER BY c.mobile`,
    );
    expect(rows.map((r) => [r.mobile, Number(r.n)])).toEqual([
      ['13633334444', 1],
      ['13722223333', 1],
    ]);
    // Occupancy: each booked unit of a bay is held once (the primary key guarantees it; count matches bookings).
    const dup = await db.query(`SELECT "bayId", "slotStart" FROM "BayOccupancy" GROUP BY 1, 2 HAVING count(*) > 1`);
    expect(dup).toHaveLength(0);
  }, 60_000);
});
