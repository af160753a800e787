import { killAllBots, startBot } from '../support/bot-process';
import { startFakeConnector, renderActivity, type FakeConnector } from '../support/fake-connector';
import { TeamsUser } from '../support/teams-client';
import { createBotDatabase, ENGINE, expectContains, type BotDatabase } from './helpers';

/**
 * A crash in the middle of a turn loses nothing and does nothing twice. The bot is killed
 * (SIGKILL) at three points of the customer's "确认" turn — before anything ran, after the
 * booking was made but before the conversation was saved, after it was saved but before the
 * reply went out — then restarted, and the channel redelivers the very same activity: each
 * time exactly one booking exists and the customer reads "预约成功".
 */
describe(`a crash inside a turn (${ENGINE})`, () => {
  let db: BotDatabase;
  let connector: FakeConnector;

  beforeAll(async () => {
    db = await createBotDatabase('crash');
    connector = await startFakeConnector();
  }, 120_000);
  afterEach(async () => {
    await killAllBots();
  });
  afterAll(async () => {
    await killAllBots();
    await connector?.close();
    await db?.dispose();
  });

  it.each([
    ['before-effects', '沪C10001', '13900010001', '下周二上午10点'],
    ['before-commit', '沪C10002', '13900010002', '下周三上午10点'],
    ['after-commit', '沪C10003', '13900010003', '下周四上午10点'],
  ])('killed %s: the redelivered 确认 books once and is answered', async (point, plate, mobile, when) => {
    // A short lease, so that on PostgreSQL the dead process's claim runs out quickly.
    const env = { AFTERCARE_TURN_LEASE_MS: '1000' };
    let bot = await startBot({ databaseUrl: db.url, env });
    const port = bot.port;
    const user = new TeamsUser(bot.url, connector, undefined, '周先生');
    for (const text of [`${when}给${plate}做常规保养`, mobile, '周杰', '跳过']) await user.say(text);
    expectContains(await user.say('跳过'), '请确认预约');
    await bot.stop();

    bot = await startBot({ databaseUrl: db.url, port, env: { ...env, AFTERCARE_FAILPOINT: point } });
    const confirm = user.activity({ text: '确认' });
    await user.post(confirm).catch(() => undefined);
    expect((await bot.exited).signal).toBe('SIGKILL');
    if (point !== 'after-commit') expect(user.newCalls().filter((c) => c.method === 'POST')).toHaveLength(0);
    else user.newCalls();

    bot = await startBot({ databaseUrl: db.url, port, env });
    let status = 503;
    for (let tries = 0; status === 503 && tries < 20; tries++) {
      // The channel redelivers until it gets an answer (503 while the dead process's lease lasts).
      ({ status } = await user.post(confirm));
      if (status === 503) await new Promise((r) => setTimeout(r, 300));
    }
    expect(status).toBe(200);
    const replies = user.newCalls().filter((c) => c.method === 'POST').map((c) => renderActivity(c.body)).join('\n');
    expectContains(replies, '预约成功');
    // And the conversation goes on from where the customer thinks it is.
    expectContains(await user.say('我的预约'), plate);
    await bot.stop();
    // (The embedded database is read once the bot has let go of it.)
    const rows = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "Booking" b JOIN "Vehicle" v ON v.id = b."vehicleId" WHERE v.plate = $1`, [plate]);
    expect(Number(rows[0].n)).toBe(1);
  }, 180_000);
});
