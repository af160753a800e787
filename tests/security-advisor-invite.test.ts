import { createTestDatabase, SEED_NOW, type TestDatabase } from './support/database';
import {
  CODE_ALPHABET,
  createAdvisorInvite,
  FAILURE_WINDOW_MS,
  IDENTITY_FAILURE_LIMIT,
  parseLinkCommand,
  redeemAdvisorInvite,
  SHOP_FAILURE_LIMIT,
} from '../services/advisor-link';

/**
 * Issue 11 item 1: advisor invite codes must not be guessable. Before the fix a code was
 * ADV + 6 digits for 24 hours with no attempt limit: 1,000 wrong codes from one chat
 * identity, then the real one bound that identity as the advisor.
 */
describe('advisor invite codes', () => {
  let db: TestDatabase;
  let shopId: string;
  let advisorName: string;
  let seq = 0;
  const log: Array<{ message: string; data: Record<string, unknown> }> = [];
  const record = (message: string, data: Record<string, unknown>) => log.push({ message, data });

  beforeAll(async () => {
    db = await createTestDatabase();
    const advisor = await db.prisma.advisor.findFirstOrThrow({ where: { role: 'ADVISOR' } });
    shopId = advisor.shopId;
    advisorName = advisor.name;
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  const identity = async () =>
    (await db.prisma.channelIdentity.create({ data: { channel: 'msteams', externalId: `invite-test-${++seq}-${Math.random().toString(36).slice(2)}` } })).id;

  /** A well-formed code that is not the real one. */
  const wrongCode = (i: number) => {
    const chars = Array.from({ length: 12 }, (_, k) => CODE_ALPHABET[(i * 7 + k * 13 + (i >> 5)) % 32]).join('');
    return `ADV-${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
  };

  const clearLimits = async () => {
    await db.prisma.auditEvent.deleteMany({ where: { action: 'advisor.link.failed' } });
    await db.prisma.botState.deleteMany({ where: { key: { startsWith: 'advisor-link-lockout:' } } });
  };
  beforeEach(clearLimits);

  it('prints long single-use codes without look-alike letters, valid 30 minutes, stored only as a hash', async () => {
    const now = SEED_NOW;
    const invite = await createAdvisorInvite(db.prisma, { shopId, advisorName, now });
    expect(invite.code).toMatch(/^ADV-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(invite.expiresAt.getTime() - now.getTime()).toBe(30 * 60_000);
    const rows = await db.prisma.botState.findMany({ where: { key: { startsWith: 'advisor-invite:' } } });
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(invite.code.replace(/-/g, '').slice(3));
    expect(stored).not.toContain(invite.code.slice(4, 8));

    const who = await identity();
    expect(await redeemAdvisorInvite(db.prisma, { code: invite.code, identityId: who, shopId, now })).toEqual({ ok: true, advisorName });
    // Single use.
    expect(await redeemAdvisorInvite(db.prisma, { code: invite.code, identityId: await identity(), shopId, now })).toMatchObject({ ok: false, reason: 'unknown' });
    expect(await db.prisma.auditEvent.count({ where: { action: 'advisor.linked', entityId: who } })).toBe(1);
  });

  it('expires after the configured time; a new code replaces the advisor\'s previous one', async () => {
    const first = await createAdvisorInvite(db.prisma, { shopId, advisorName, now: SEED_NOW, ttlMinutes: 10 });
    const second = await createAdvisorInvite(db.prisma, { shopId, advisorName, now: SEED_NOW, ttlMinutes: 10 });
    expect(await redeemAdvisorInvite(db.prisma, { code: first.code, identityId: await identity(), shopId, now: SEED_NOW })).toMatchObject({ ok: false, reason: 'unknown' });
    const late = new Date(SEED_NOW.getTime() + 10 * 60_000 + 1);
    expect(await redeemAdvisorInvite(db.prisma, { code: second.code, identityId: await identity(), shopId, now: late })).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('binds once when two redeem the same code at the same moment', async () => {
    const invite = await createAdvisorInvite(db.prisma, { shopId, advisorName, now: SEED_NOW });
    const results = await Promise.all([identity(), identity(), identity()].map(async (p) => redeemAdvisorInvite(db.prisma, { code: invite.code, identityId: await p, shopId, now: SEED_NOW })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('locks an identity out after wrong codes: 1,000 guesses, then the real code does not bind it; the lockout is audited and told to the managers', async () => {
    const now = new Date(SEED_NOW.getTime() + 2 * FAILURE_WINDOW_MS);
    const invite = await createAdvisorInvite(db.prisma, { shopId, advisorName, now });
    const attacker = await identity();
    const outcomes: string[] = [];
    let taskId: string | undefined;
    for (let i = 0; i < 1000; i++) {
      const r = await redeemAdvisorInvite(db.prisma, { code: wrongCode(i), identityId: attacker, shopId, now: new Date(now.getTime() + i), log: record });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        outcomes.push(r.reason);
        taskId ??= r.managerTaskId;
      }
    }
    // Five wrong, then locked for the rest.
    expect(outcomes.slice(0, IDENTITY_FAILURE_LIMIT - 1).every((o) => o === 'unknown')).toBe(true);
    expect(outcomes.slice(IDENTITY_FAILURE_LIMIT - 1).every((o) => o === 'locked')).toBe(true);

    const real = await redeemAdvisorInvite(db.prisma, { code: invite.code, identityId: attacker, shopId, now: new Date(now.getTime() + 1000) });
    expect(real).toMatchObject({ ok: false, reason: 'locked' });
    expect((await db.prisma.channelIdentity.findUniqueOrThrow({ where: { id: attacker } })).advisorId).toBeNull();

    // Audited once, logged once, one task per manager.
    expect(await db.prisma.auditEvent.count({ where: { action: 'advisor.link.locked', entityId: attacker } })).toBe(1);
    expect(log.filter((l) => l.data.identityId === attacker)).toHaveLength(1);
    const managers = await db.prisma.advisor.findMany({ where: { shopId, role: 'MANAGER', active: true } });
    expect(managers.length).toBeGreaterThan(0);
    const tasks = await db.prisma.advisorTask.findMany({ where: { dedupeKey: { startsWith: `advisor-link-lockout:${attacker}:` } } });
    expect(tasks.map((t) => t.advisorId).sort()).toEqual(managers.map((m) => m.id).sort());
    expect(tasks.map((t) => t.id)).toContain(taskId);
    expect(tasks[0]).toMatchObject({ status: 'OPEN', kind: 'OTHER' });
    // Only the failures before the lockout were stored: a flood writes nothing more.
    expect(await db.prisma.auditEvent.count({ where: { action: 'advisor.link.failed', entityId: attacker } })).toBe(IDENTITY_FAILURE_LIMIT);

    // Someone else still binds with the code: the shop-wide limit is far away.
    const advisorPhone = await identity();
    expect(await redeemAdvisorInvite(db.prisma, { code: invite.code, identityId: advisorPhone, shopId, now: new Date(now.getTime() + 1001) })).toEqual({ ok: true, advisorName });

    // An hour later the attacker may try again (and is counted afresh).
    const later = new Date(now.getTime() + FAILURE_WINDOW_MS + 2000);
    expect(await redeemAdvisorInvite(db.prisma, { code: wrongCode(5000), identityId: attacker, shopId, now: later })).toMatchObject({ ok: false, reason: 'unknown' });
  }, 240_000);

  it('pauses every redemption after too many wrong codes shop-wide, and tells the managers once', async () => {
    const now = new Date(SEED_NOW.getTime() + 5 * FAILURE_WINDOW_MS);
    const invite = await createAdvisorInvite(db.prisma, { shopId, advisorName, now });
    const perIdentity = IDENTITY_FAILURE_LIMIT - 1;
    let failures = 0;
    let paused: { reason: string; managerTaskId?: string } | undefined;
    while (!paused) {
      const who = await identity();
      for (let i = 0; i < perIdentity && !paused; i++) {
        const r = await redeemAdvisorInvite(db.prisma, { code: wrongCode(failures + 7000), identityId: who, shopId, now: new Date(now.getTime() + failures), log: record });
        failures++;
        if (!r.ok && r.reason === 'locked') paused = r;
      }
      expect(failures).toBeLessThanOrEqual(SHOP_FAILURE_LIMIT);
    }
    expect(failures).toBe(SHOP_FAILURE_LIMIT);
    expect(paused.managerTaskId).toBeDefined();
    // A new identity with the real code waits too.
    const honest = await identity();
    expect(await redeemAdvisorInvite(db.prisma, { code: invite.code, identityId: honest, shopId, now: new Date(now.getTime() + 100) })).toMatchObject({ ok: false, reason: 'locked' });
    expect(await db.prisma.auditEvent.count({ where: { action: 'advisor.link.paused', entityId: shopId } })).toBe(1);
    expect(log.some((l) => /paused shop-wide/.test(l.message))).toBe(true);
  }, 120_000);
});

describe('parseLinkCommand', () => {
  it.each([
    ['绑定 ADV-7KQ2-M9XD-4TAB', 'ADV-7KQ2-M9XD-4TAB'],
    ['绑定ADV7KQ2M9XD4TAB', 'ADV-7KQ2-M9XD-4TAB'],
    ['bind adv-7kq2-m9xd-4tab', 'ADV-7KQ2-M9XD-4TAB'],
    ['Link ADV 7KQ2 M9XD 4TAB', 'ADV-7KQ2-M9XD-4TAB'],
    ['绑定顾问 7KQ2-M9XD-4TAB', 'ADV-7KQ2-M9XD-4TAB'],
    // Look-alikes read as the digits they stand for.
    ['绑定 ADV-7KQ2-M9XD-4TAO', 'ADV-7KQ2-M9XD-4TA0'],
    ['绑定 ADV-IKQ2-M9XD-4TAL', 'ADV-1KQ2-M9XD-4TA1'],
    // Full-width characters typed on a Chinese keyboard.
    ['绑定 ＡＤＶ－７ＫＱ２－Ｍ９ＸＤ－４ＴＡＢ', 'ADV-7KQ2-M9XD-4TAB'],
    // A malformed code is still a link command (answered as a wrong code).
    ['绑定 ADV-123456', 'ADV-123456'],
  ])('%s → %s', (text, code) => {
    expect(parseLinkCommand(text)).toBe(code);
  });

  it.each(['我想绑定手机号', '绑定', 'bind', 'hello ADV-7KQ2-M9XD-4TAB', '明天上午10点保养', 'link to my booking please'])('%s is not a link command', (text) => {
    expect(parseLinkCommand(text)).toBeNull();
  });
});
