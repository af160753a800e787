import { StateConflictError, TurnStore } from '../bot/turn-store';
import { createTestDatabase, type TestDatabase } from './support/database';

/**
 * The embedded database's turn store (exclusive: the only process on its database): a turn's
 * lease is held in memory, the claim only reads, and the commit writes the activity DONE.
 * What a redelivery gets must be what the shared store gives (scale-out.test.ts).
 */
describe('TurnStore, exclusive', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ seed: false });
  });
  afterAll(async () => {
    await db.close();
  });
  const key = (id: string, conversation = 'c1') => ({ channel: 'msteams', activityId: id, stateKey: `conversation:msteams/${conversation}` });
  const rows = (id: string) => db.raw.query<{ status: string }>(`SELECT "status"::text AS status FROM "ProcessedActivity" WHERE "channel" = 'msteams' AND "activityId" = $1`, [id]);

  it('a delivery of an activity still running is busy; the claim writes nothing, the commit writes it DONE', async () => {
    const store = new TurnStore(db.raw, 30_000, true);
    const [first, second] = await Promise.all([store.claim(key('x1')), store.claim(key('x1'))]);
    expect(first.kind).toBe('fresh');
    expect(second).toEqual({ kind: 'busy' });
    expect(await rows('x1')).toEqual([]);
    await store.commit(key('x1'), { stack: [], memory: {} }, null, [{ type: 'message', text: 'hi' }]);
    expect(await rows('x1')).toEqual([{ status: 'DONE' }]);
    // Committed and within its lease: still being sent. Once sent, a copy gets nothing to do.
    expect(await store.claim(key('x1'))).toEqual({ kind: 'busy' });
    await store.repliesSent(key('x1'));
    expect(await store.claim(key('x1'))).toEqual({ kind: 'done', replies: [] });
  });

  it('a turn that failed (released) or a process that crashed (memory gone) runs the activity again', async () => {
    const store = new TurnStore(db.raw, 30_000, true);
    expect((await store.claim(key('x2', 'c2'))).kind).toBe('fresh');
    await store.release(key('x2', 'c2'));
    expect((await store.claim(key('x2', 'c2'))).kind).toBe('fresh');
    const restarted = new TurnStore(db.raw, 30_000, true);
    expect((await restarted.claim(key('x2', 'c2'))).kind).toBe('fresh');
    expect(await rows('x2')).toEqual([]);
  });

  it('a commit that lost the race to another turn leaves the activity unhandled and still leased', async () => {
    const store = new TurnStore(db.raw, 30_000, true);
    const a = await store.claim(key('x3', 'c3'));
    const b = await store.claim(key('x4', 'c3'));
    if (a.kind !== 'fresh' || b.kind !== 'fresh') throw new Error('both turns should be fresh');
    await store.commit(key('x3', 'c3'), { stack: [], memory: {} }, a.version, []);
    await expect(store.commit(key('x4', 'c3'), { stack: [], memory: {} }, b.version, [])).rejects.toBeInstanceOf(StateConflictError);
    expect(await rows('x4')).toEqual([]);
    expect(await store.claim(key('x4', 'c3'))).toEqual({ kind: 'busy' });
  });

  it('a turn that changed no state still closes its activity', async () => {
    const store = new TurnStore(db.raw, 30_000, true);
    expect((await store.claim(key('x5', 'c5'))).kind).toBe('fresh');
    await store.commit(key('x5', 'c5'), undefined, null, [{ type: 'message', text: 'refused' }]);
    expect(await rows('x5')).toEqual([{ status: 'DONE' }]);
    await store.repliesSent(key('x5', 'c5'));
    expect(await store.claim(key('x5', 'c5'))).toEqual({ kind: 'done', replies: [] });
  });
});
