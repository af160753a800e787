import { StateConflictError, TurnStore } from '../../bot/turn-store';
import { createTestDatabase } from '../support/database';
import { killAllBots, startBot, type BotProcess } from '../support/bot-process';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { TeamsUser } from '../support/teams-client';
import { confirmBooking, createBotDatabase, expectContains, type BotDatabase } from './helpers';

/**
 * Two bot processes on one PostgreSQL database behind a round-robin: every turn of a
 * conversation lands on the other process than the one before. Conversations must still
 * complete (state lives in the database), popular slots must not be double-booked, and
 * turns that raced on one conversation's state are retried. PostgreSQL pass only: the
 * embedded database is single-process by design.
 */
const pgPass = Boolean(process.env.TEST_DATABASE_URL);
const maybe = pgPass ? it : it.skip;
const title = (t: string) => (pgPass ? t : `SKIPPED outside the PostgreSQL pass (set TEST_DATABASE_URL): ${t}`);

/** A Teams user whose every request goes to the next process in turn. */
class RoundRobinUser extends TeamsUser {
  private turn = 0;
  constructor(private readonly urls: string[], connector: FakeConnector, offset: number) {
    super(urls[0], connector);
    this.turn = offset;
  }
  override async post(activity: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    const url = this.urls[this.turn++ % this.urls.length];
    const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(activity) });
    return { status: res.status, body: await res.text() };
  }
}

describe('scale-out: two bot processes, one PostgreSQL database', () => {
  let db: BotDatabase | undefined;
  let connector: FakeConnector;
  let bots: BotProcess[] = [];

  afterAll(async () => {
    await killAllBots();
    await connector?.close();
    await db?.dispose();
  });

  maybe(
    title('completes concurrent conversations alternating between processes, with no double booking'),
    async () => {
      db = await createBotDatabase('scale', { engine: 'postgres' });
      connector = await startFakeConnector();
      bots = await Promise.all([startBot({ databaseUrl: db.url }), startBot({ databaseUrl: db.url })]);
      const urls = bots.map((b) => b.url);

      // Six customers; four want the same popular slot (two general bays fit two).
      const wanted = ['下周三上午10点', '下周三上午10点', '下周三上午10点', '下周三上午10点', '下周三下午2点', '下周四上午9点'];
      const refs = await Promise.all(
        wanted.map(async (when, i) => {
          const user = new RoundRobinUser(urls, connector, i);
          const plate = `沪E${String(10000 + i)}`;
          expectContains(await user.say(`${when}给${plate}做常规保养`), '手机号');
          expectContains(await user.say(`1370000${String(1000 + i)}`), '怎么称呼');
          expectContains(await user.say(`客户${'甲乙丙丁戊己'[i]}`), '车架号');
          expectContains(await user.say('跳过'), '里程');
          const readBack = await user.say('跳过');
          expectContains(readBack, '建档完成');
          return confirmBooking(user, readBack);
        }),
      );
      expect(new Set(refs).size).toBe(wanted.length);

      // One conversation double-tapped: two messages of it at once, one on each process.
      const tapper = new TeamsUser(urls[0], connector);
      await tapper.say('你好');
      for (let round = 0; round < 10; round++) {
        const statuses = await Promise.all(
          ['帮助', 'help', '你好', 'hi'].map((text, i) =>
            fetch(`${urls[i % 2]}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tapper.activity({ text })) }).then((r) => r.status),
          ),
        );
        expect(statuses).toEqual([200, 200, 200, 200]);
      }
      expect(bots.every((b) => b.alive())).toBe(true);
      const logs = bots.map((b) => b.stderr()).join('\n');
      // A conflict that was retried is logged as such; none may have failed the turn.
      expect(logs).not.toContain('"turn failed"');

      // Every booking confirmed, one per customer; no bay or technician held twice at once.
      const perCustomer = await db.query<{ mobile: string; n: string }>(
        `SELECT c.mobile, count(b.id) AS n FROM "Customer" c JOIN "Booking" b ON b."customerId" = c.id AND b.status = 'CONFIRMED' GROUP BY c.mobile`,
      );
      expect(perCustomer).toHaveLength(wanted.length);
      expect(perCustomer.every((r) => Number(r.n) === 1)).toBe(true);
      const overlaps = await db.query(
        `SELECT a.id, b.id FROM "Booking" a JOIN "Booking" b ON a.id < b.id AND a.status = 'CONFIRMED' AND b.status = 'CONFIRMED'
           AND a."startsAt" < b."endsAt" AND b."startsAt" < a."endsAt"
           AND (a."bayId" = b."bayId" OR a."technicianId" = b."technicianId")`,
      );
      expect(overlaps).toEqual([]);
      expect(await db.query(`SELECT "bayId", "slotStart" FROM "BayOccupancy" GROUP BY 1, 2 HAVING count(*) > 1`)).toEqual([]);
      expect(await db.query(`SELECT "technicianId", "slotStart" FROM "TechnicianOccupancy" GROUP BY 1, 2 HAVING count(*) > 1`)).toEqual([]);
      // Occupancy rows match the bookings that hold them.
      const orphaned = await db.query(`SELECT o."bookingId" FROM "BayOccupancy" o JOIN "Booking" b ON b.id = o."bookingId" WHERE b.status <> 'CONFIRMED'`);
      expect(orphaned).toEqual([]);
      // At most two regular services start at the contested 10:00 (two general bays).
      const atTen = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM "Booking" WHERE status = 'CONFIRMED' GROUP BY "startsAt" ORDER BY count(*) DESC LIMIT 1`,
      );
      expect(Number(atTen[0].n)).toBeLessThanOrEqual(2);

      await Promise.all(bots.map((b) => b.stop()));
      for (const b of bots) expect((await b.exited).code).toBe(0);
    },
    120_000,
  );
});

describe('optimistic concurrency of conversation state', () => {
  it('of two turns that read the same state, the second to commit gets StateConflictError and its activity stays unhandled', async () => {
    const db = await createTestDatabase({ seed: false });
    try {
      const store = new TurnStore(db.raw);
      const key = (id: string) => ({ channel: 'msteams', activityId: id, stateKey: 'conversation:msteams/c1' });
      const first = await store.claim(key('a0'));
      expect(first.kind).toBe('fresh');
      await store.commit(key('a0'), { stack: [], memory: {} }, null, []);
      const a = await store.claim(key('a1'));
      const b = await store.claim(key('a2'));
      if (a.kind !== 'fresh' || b.kind !== 'fresh') throw new Error('both turns should be fresh');
      expect(a.version).toBe(1);
      await store.commit(key('a1'), { stack: [], memory: { lastBookingId: 'x' } }, a.version, [{ type: 'message', text: 'one' }]);
      await expect(store.commit(key('a2'), { stack: [], memory: { lastBookingId: 'y' } }, b.version, [])).rejects.toBeInstanceOf(StateConflictError);
      // The winner is committed and, within its lease, still sending: a copy must wait (busy);
      // once its replies are out, a copy gets nothing to do. The loser's activity is still RUNNING.
      expect(await store.claim(key('a1'))).toEqual({ kind: 'busy' });
      await store.repliesSent(key('a1'));
      expect(await store.claim(key('a1'))).toEqual({ kind: 'done', replies: [] });
      expect(await store.claim(key('a2'))).toEqual({ kind: 'busy' });
    } finally {
      await db.close();
    }
  });
});
