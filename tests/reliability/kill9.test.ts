import fs from 'node:fs';
import path from 'node:path';
import { killAllBots, startBot, type BotProcess } from '../support/bot-process';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { TeamsUser } from '../support/teams-client';
import { createBotDatabase, ENGINE, expectContains, confirmBooking, registerAndBook, type BotDatabase } from './helpers';
import { readLockOwner } from '../../services/db/lock';

/**
 * A bot process killed with SIGKILL in the middle of a conversation (no shutdown code
 * runs) and restarted on the same data resumes every conversation at its step, and keeps
 * what was confirmed before the kill. Embedded pass: a PGlite directory whose lock file
 * names the dead process; PostgreSQL pass: a database on TEST_DATABASE_URL.
 */
describe(`kill -9 mid-conversation (${ENGINE})`, () => {
  let db: BotDatabase;
  let connector: FakeConnector;
  let bot: BotProcess;

  beforeAll(async () => {
    db = await createBotDatabase('kill9');
    connector = await startFakeConnector();
  }, 120_000);
  afterAll(async () => {
    await killAllBots();
    await connector?.close();
    await db?.dispose();
  });

  it('resumes at the same step after SIGKILL and keeps a booking confirmed before it', async () => {
    bot = await startBot({ databaseUrl: db.url });
    const port = bot.port;

    // A books completely before any crash.
    const alice = new TeamsUser(bot.url, connector, undefined, '李女士');
    const aliceRef = await registerAndBook(alice, { when: '下周三上午10点', plate: '沪B11111', mobile: '13911112222', name: '李梅' });

    // B gets halfway: the mobile number is in, the name question is pending.
    const bob = new TeamsUser(bot.url, connector, undefined, '王先生');
    let reply = await bob.say('下周四上午10点给沪A12345做常规保养');
    expectContains(reply, '手机号');
    reply = await bob.say('138 1234 5678');
    expectContains(reply, '怎么称呼');

    await bot.kill9();
    expect((await bot.exited).signal).toBe('SIGKILL');
    if (db.dir) {
      // The crash left the lock file behind, naming the dead process.
      expect(readLockOwner(path.join(db.dir, 'aftercare.lock'))?.pid).toBe(bot.pid);
    }

    // Same data, same port: the stale lock is taken over and the conversation goes on.
    bot = await startBot({ databaseUrl: db.url, port });
    if (db.dir) expect(readLockOwner(path.join(db.dir, 'aftercare.lock'))?.pid).toBe(bot.pid);
    reply = await bob.say('王建国');
    // The name was the pending question: it is taken, and the next one (VIN) comes.
    expectContains(reply, '车架号');
    reply = await bob.say('跳过');
    expectContains(reply, '里程');
    reply = await bob.say('跳过');
    expectContains(reply, '建档完成');
    expectContains(reply, '沪A12345');
    const bobRef = await confirmBooking(bob, reply);

    // A second crash right after B's confirmation: both bookings survive it.
    await bot.kill9();
    bot = await startBot({ databaseUrl: db.url, port });
    const aliceList = await alice.say('我的预约');
    expectContains(aliceList, aliceRef);
    expect(aliceList).not.toContain(bobRef);
    await bot.stop();
    expect((await bot.exited).code).toBe(0);

    const bookings = await db.query<{ mobile: string; status: string }>(
      `SELECT c.mobile, b.status FROM "Booking" b JOIN "Customer" c ON c.id = b."customerId" ORDER BY c.mobile`,
    );
    expect(bookings).toEqual([
      { mobile: '13812345678', status: 'CONFIRMED' },
      { mobile: '13911112222', status: 'CONFIRMED' },
    ]);
    if (db.dir) expect(fs.existsSync(path.join(db.dir, 'aftercare.lock'))).toBe(false);
  }, 120_000);
});
