import crypto from 'node:crypto';
import type { Prisma, PrismaClient } from './db/client';
import { createTask } from './advisor-tasks';

/**
 * Linking an advisor's Teams or WeChat account to their Advisor row. A manager with server
 * access creates a one-time code (`aftercare advisor invite 张敏`); the advisor sends
 * "绑定 ADV-7KQ2-M9XD-4TAB" to the bot from their own account.
 *
 * Whoever redeems a code speaks as the shop to its customers, so a code must not be
 * guessable within its life: 12 characters of Crockford's base32 (60 bits; no I, L, O or U
 * to misread), valid 30 minutes by default, single use, stored only as a SHA-256 hash.
 * Wrong codes are limited per chat identity (5 an hour, then that identity is locked out
 * for an hour, even with the right code) and for the whole shop (50 an hour, then every
 * redemption pauses for an hour); each lockout is audited and raised as a task for the
 * shop's managers.
 */

export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 12;
export const DEFAULT_INVITE_TTL_MINUTES = 30;
export const IDENTITY_FAILURE_LIMIT = 5;
export const SHOP_FAILURE_LIMIT = 50;
export const FAILURE_WINDOW_MS = 3_600_000;
export const LOCKOUT_MS = 3_600_000;

const INVITE_PREFIX = 'advisor-invite:';
const FAILED = 'advisor.link.failed';

/** Crockford decoding: the letters people type for the digits they see. */
const LOOK_ALIKES: Record<string, string> = { O: '0', I: '1', L: '1' };

function canonical(chars: string): string {
  return chars.toUpperCase().replace(/[OIL]/g, (c) => LOOK_ALIKES[c]);
}

/** `ADV-7KQ2-M9XD-4TAB`: how a code is printed and written in the link command. */
export function formatInviteCode(chars: string): string {
  return `ADV-${chars.match(/.{1,4}/g)!.join('-')}`;
}

const COMMAND = /^\s*(?:绑定顾问|绑定|bind|link)\s*[:：]?\s*((?:adv)?[\s-]*[0-9a-z][0-9a-z\s-]{2,40})\s*$/i;

/**
 * The code in an advisor's link command ("绑定 ADV-7KQ2-M9XD-4TAB", "bind adv 7kq2m9xd4tab"),
 * in its printed form; null when the text is not a link command. Case, spaces and dashes
 * do not matter, and O/I/L read as 0/1/1. A malformed code is still returned (it cannot
 * match, and counts as a wrong attempt) so that a typo is answered, not taken for a
 * customer's message.
 */
export function parseLinkCommand(text: string): string | null {
  const m = COMMAND.exec(text.normalize('NFKC'));
  if (!m) return null;
  const body = m[1].replace(/[\s-]/g, '');
  const prefixed = /^adv/i.test(body);
  const chars = canonical(prefixed ? body.slice(3) : body);
  const wellFormed = chars.length === CODE_LENGTH && [...chars].every((c) => CODE_ALPHABET.includes(c));
  if (wellFormed) return formatInviteCode(chars);
  // Without the ADV prefix only a well-formed code makes it a command ("link to my booking" is not).
  return prefixed && chars ? `ADV-${chars}` : null;
}

function hashOf(printed: string): string {
  return crypto.createHash('sha256').update(printed.replace(/^ADV-/, '').replace(/-/g, '')).digest('hex');
}

const inviteKey = (printed: string) => `${INVITE_PREFIX}${hashOf(printed)}`;
const identityLockKey = (identityId: string) => `advisor-link-lockout:identity:${identityId}`;
const shopLockKey = (shopId: string) => `advisor-link-lockout:shop:${shopId}`;

interface InviteData {
  advisorId: string;
  shopId: string;
  expiresAt: string;
}

export async function createAdvisorInvite(
  prisma: PrismaClient,
  input: { shopId: string; advisorName: string; now: Date; ttlMinutes?: number; createdBy?: string },
): Promise<{ code: string; advisorId: string; expiresAt: Date }> {
  const advisor = await prisma.advisor.findFirst({ where: { shopId: input.shopId, name: input.advisorName, active: true } });
  if (!advisor) throw new Error(`no active advisor named "${input.advisorName}"`);
  const chars = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)]).join('');
  const code = formatInviteCode(chars);
  const expiresAt = new Date(input.now.getTime() + (input.ttlMinutes ?? DEFAULT_INVITE_TTL_MINUTES) * 60_000);
  const data: InviteData = { advisorId: advisor.id, shopId: advisor.shopId, expiresAt: expiresAt.toISOString() };
  await prisma.$transaction([
    // One live code per advisor, and no expired ones left lying about.
    prisma.$executeRaw`DELETE FROM "BotState" WHERE key LIKE ${`${INVITE_PREFIX}%`} AND (data->>'advisorId' = ${advisor.id} OR data->>'expiresAt' < ${input.now.toISOString()})`,
    prisma.botState.create({ data: { key: inviteKey(code), data: data as unknown as Prisma.InputJsonValue } }),
    prisma.auditEvent.create({
      data: { shopId: advisor.shopId, actorType: 'system', actorId: input.createdBy ?? 'cli', action: 'advisor.invite.created', entityType: 'Advisor', entityId: advisor.id, data: { expiresAt: data.expiresAt } },
    }),
  ]);
  return { code, advisorId: advisor.id, expiresAt };
}

export type LinkResult =
  | { ok: true; advisorName: string }
  | {
      ok: false;
      reason: 'unknown' | 'expired' | 'locked';
      /** Set when this attempt started a lockout: the task raised for the shop's managers (the first, when there are several). */
      managerTaskId?: string;
      managerTaskIds?: string[];
      /** For 'locked': when redemption is possible again. */
      lockedUntil?: Date;
    };

interface Lockout {
  until: string;
  since: string;
  scope: 'identity' | 'shop';
}

async function activeLockout(prisma: PrismaClient, key: string, now: Date): Promise<Lockout | null> {
  const row = await prisma.botState.findUnique({ where: { key } });
  const data = row?.data as Lockout | undefined;
  return data && new Date(data.until) > now ? data : null;
}

/**
 * Starts a lockout unless one is running; true when this call started it (several processes
 * may count the same failures at once: one of them wins the row and raises the task).
 */
async function startLockout(prisma: PrismaClient, key: string, lockout: Lockout, now: Date): Promise<boolean> {
  const existing = await prisma.botState.findUnique({ where: { key } });
  if (!existing) {
    try {
      await prisma.botState.create({ data: { key, data: lockout as unknown as Prisma.InputJsonValue } });
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') return false;
      throw error;
    }
  }
  if (new Date((existing.data as unknown as Lockout).until) > now) return false;
  const renewed = await prisma.botState.updateMany({ where: { key, version: existing.version }, data: { data: lockout as unknown as Prisma.InputJsonValue, version: existing.version + 1 } });
  return renewed.count === 1;
}

/** One task per active manager (one for the whole shop when it has none), so the bot can push it. */
async function raiseLockoutTasks(prisma: PrismaClient, input: { shopId: string; lockout: Lockout; identityId: string; failures: number; now: Date }): Promise<string[]> {
  const managers = await prisma.advisor.findMany({ where: { shopId: input.shopId, role: 'MANAGER', active: true }, select: { id: true } });
  const identity = await prisma.channelIdentity.findUnique({ where: { id: input.identityId }, select: { channel: true, externalId: true } });
  const title =
    input.lockout.scope === 'identity'
      ? `Advisor linking locked for one ${identity?.channel ?? 'chat'} account after ${input.failures} wrong codes`
      : `Advisor linking paused for the whole shop after ${input.failures} wrong codes in an hour`;
  const details = { scope: input.lockout.scope, identityId: input.identityId, channel: identity?.channel ?? null, externalId: identity?.externalId ?? null, failures: input.failures, until: input.lockout.until };
  const ids: string[] = [];
  for (const advisorId of managers.length ? managers.map((m) => m.id) : [null]) {
    const { task } = await createTask(prisma, {
      shopId: input.shopId,
      advisorId,
      kind: 'OTHER',
      title,
      details,
      dedupeKey: `advisor-link-lockout:${input.lockout.scope === 'identity' ? input.identityId : input.shopId}:${input.lockout.since}:${advisorId ?? 'shop'}`,
      dueAt: input.now,
      now: input.now,
    });
    ids.push(task.id);
  }
  return ids;
}

export interface RedeemInput {
  code: string;
  identityId: string;
  /**
   * The shop this bot serves: wrong codes count against it and its managers are told of
   * lockouts. May be left out only while the database holds a single shop.
   */
  shopId?: string;
  now: Date;
  /** Told of every lockout started (the bot's logger). */
  log?: (message: string, data: Record<string, unknown>) => void;
}

async function soleShopId(prisma: PrismaClient): Promise<string> {
  const shops = await prisma.shop.findMany({ select: { id: true }, take: 2 });
  if (shops.length !== 1) throw new Error('redeemAdvisorInvite needs shopId when the database does not hold exactly one shop');
  return shops[0].id;
}

export async function redeemAdvisorInvite(prisma: PrismaClient, given: RedeemInput): Promise<LinkResult> {
  const input = { ...given, shopId: given.shopId ?? (await soleShopId(prisma)) };
  const { now } = input;
  const locked =
    (await activeLockout(prisma, identityLockKey(input.identityId), now)) ?? (await activeLockout(prisma, shopLockKey(input.shopId), now));
  if (locked) return { ok: false, reason: 'locked', lockedUntil: new Date(locked.until) };

  const key = inviteKey(parseLinkCommand(`bind ${input.code}`) ?? input.code);
  const row = await prisma.botState.findUnique({ where: { key } });
  const invite = row?.data as InviteData | undefined;
  if (invite && invite.shopId === input.shopId) {
    // A real code, so not a guess: nothing is counted whatever happens to it now.
    // Single use: of two concurrent redemptions only the one that deletes the row goes on.
    const taken = await prisma.botState.deleteMany({ where: { key } });
    if (taken.count !== 1) return { ok: false, reason: 'unknown' };
    if (new Date(invite.expiresAt) <= now) return { ok: false, reason: 'expired' };
    const advisor = await prisma.advisor.findUnique({ where: { id: invite.advisorId } });
    if (!advisor?.active) return { ok: false, reason: 'unknown' };
    await prisma.$transaction([
      prisma.channelIdentity.update({ where: { id: input.identityId }, data: { advisorId: advisor.id, customerId: null } }),
      prisma.auditEvent.create({
        data: { shopId: advisor.shopId, actorType: 'advisor', actorId: advisor.id, action: 'advisor.linked', entityType: 'ChannelIdentity', entityId: input.identityId },
      }),
    ]);
    return { ok: true, advisorName: advisor.name };
  }

  // A wrong code: counted for this identity and for the shop.
  await prisma.auditEvent.create({ data: { shopId: input.shopId, actorType: 'system', action: FAILED, entityType: 'ChannelIdentity', entityId: input.identityId, at: now } });
  const since = new Date(now.getTime() - FAILURE_WINDOW_MS);
  const [identityFailures, shopFailures] = await Promise.all([
    prisma.auditEvent.count({ where: { entityType: 'ChannelIdentity', entityId: input.identityId, action: FAILED, at: { gt: since } } }),
    prisma.auditEvent.count({ where: { shopId: input.shopId, action: FAILED, at: { gt: since } } }),
  ]);
  const lockouts: Array<{ key: string; lockout: Lockout; failures: number; entityType: string; entityId: string }> = [];
  const until = new Date(now.getTime() + LOCKOUT_MS).toISOString();
  if (identityFailures >= IDENTITY_FAILURE_LIMIT) {
    lockouts.push({ key: identityLockKey(input.identityId), lockout: { scope: 'identity', since: now.toISOString(), until }, failures: identityFailures, entityType: 'ChannelIdentity', entityId: input.identityId });
  }
  if (shopFailures >= SHOP_FAILURE_LIMIT) {
    lockouts.push({ key: shopLockKey(input.shopId), lockout: { scope: 'shop', since: now.toISOString(), until }, failures: shopFailures, entityType: 'Shop', entityId: input.shopId });
  }
  const taskIds: string[] = [];
  for (const l of lockouts) {
    if (!(await startLockout(prisma, l.key, l.lockout, now))) continue;
    await prisma.auditEvent.create({
      data: { shopId: input.shopId, actorType: 'system', action: l.lockout.scope === 'identity' ? 'advisor.link.locked' : 'advisor.link.paused', entityType: l.entityType, entityId: l.entityId, data: { failures: l.failures, until, identityId: input.identityId }, at: now },
    });
    const ids = await raiseLockoutTasks(prisma, { shopId: input.shopId, lockout: l.lockout, identityId: input.identityId, failures: l.failures, now });
    taskIds.push(...ids);
    input.log?.(l.lockout.scope === 'identity' ? 'advisor linking locked for an identity after wrong codes' : 'advisor linking paused shop-wide after wrong codes', {
      identityId: input.identityId,
      shopId: input.shopId,
      failures: l.failures,
      until,
      managerTaskIds: ids,
    });
  }
  if (taskIds.length) return { ok: false, reason: 'locked', managerTaskId: taskIds[0], managerTaskIds: taskIds, lockedUntil: new Date(until) };
  return { ok: false, reason: 'unknown' };
}
