/**
 * Proof before a new chat identity joins an existing customer profile. Knowing someone's
 * mobile number and plate is not proof (plates are on the car): a six-digit code goes to a
 * chat account the customer already uses, and when they have none an advisor calls them.
 * Codes are stored hashed, expire, and wrong guesses lock the identity out for a while.
 * The owner is told of every new link.
 */
import crypto from 'node:crypto';
import type { PrismaClient, RawSql } from '../db/client';
import { KEEP_PLAN } from '../db/plan-hint';
import type { Notify } from '../handoff';
import { callbackDeadline } from '../handoff';
import { shopCalendar } from '../shop-snapshot';
import { maskMobile } from '../registration';
import { createTask } from '../advisor-tasks';
import { linkIdentityToCustomer } from '../customers';
import { isLocale, type Locale } from '../locale';
import type { LinkStart, LinkVerify, Wording } from './types';

export const LINK_CODE_TTL_MS = 15 * 60_000;
export const LINK_MAX_ATTEMPTS = 5;
export const LINK_LOCK_MS = 60 * 60_000;

interface LinkState {
  customerId: string;
  hash: string | null;
  expiresAt: string;
  attempts: number;
  lockedUntil: string | null;
}

const keyFor = (identityId: string) => `link:${identityId}`;
const hashCode = (identityId: string, code: string) => crypto.createHash('sha256').update(`${identityId}:${code}`).digest('hex');

async function readState(prisma: PrismaClient, identityId: string): Promise<LinkState | null> {
  const row = await prisma.botState.findUnique({ where: { key: keyFor(identityId) } });
  return row ? (row.data as unknown as LinkState) : null;
}

async function writeState(prisma: PrismaClient, identityId: string, state: LinkState): Promise<void> {
  await prisma.botState.upsert({
    where: { key: keyFor(identityId) },
    create: { key: keyFor(identityId), data: state as unknown as object },
    update: { data: state as unknown as object, version: { increment: 1 } },
  });
}

function localeOf(value: string): Locale {
  return isLocale(value) ? value : 'zh';
}

export async function startLink(
  prisma: PrismaClient,
  sql: Pick<RawSql, 'query'>,
  input: { shopId: string; identityId: string; mobile: string; codeMessage: (code: string) => Wording; now: Date; notify?: Notify },
): Promise<LinkStart> {
  // Nearly every mobile asked for at registration is a new customer's: one plain read by the
  // shop's unique key (through Prisma's model API it cost four times the CPU of the read).
  const [customer] = await sql.query<{ id: string; name: string; mobile: string; locale: string; advisorId: string | null }>(
    `${KEEP_PLAN}SELECT "id", "name", "mobile", "locale", "advisorId" FROM "Customer" WHERE "shopId" = $1 AND "mobile" = $2`,
    [input.shopId, input.mobile],
  );
  if (!customer) return { kind: 'new' };
  const previous = await readState(prisma, input.identityId);
  if (previous?.lockedUntil && new Date(previous.lockedUntil) > input.now) return { kind: 'locked' };

  const audit = (action: string, data: object) =>
    prisma.auditEvent.create({ data: { shopId: input.shopId, actorType: 'system', action, entityType: 'ChannelIdentity', entityId: input.identityId, data: { customerId: customer.id, ...data }, at: input.now } });

  const others = await prisma.channelIdentity.findMany({ where: { customerId: customer.id, NOT: { id: input.identityId } } });
  const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
  let delivered = 0;
  if (input.notify) {
    const message = input.codeMessage(code)(localeOf(customer.locale));
    for (const identity of others.filter((i) => i.conversationReference)) {
      try {
        await input.notify(identity.id, message);
        delivered++;
      } catch {
        /* another of their accounts may still get it */
      }
    }
  }
  if (delivered > 0) {
    await writeState(prisma, input.identityId, {
      customerId: customer.id,
      hash: hashCode(input.identityId, code),
      expiresAt: new Date(input.now.getTime() + LINK_CODE_TTL_MS).toISOString(),
      attempts: previous?.attempts ?? 0,
      lockedUntil: null,
    });
    await audit('identity.link-code-sent', { delivered });
    return { kind: 'code-sent' };
  }
  // Nowhere to send a code (registered by the shop, or never chatted): an advisor calls the number on file.
  const calendar = await shopCalendar(prisma, input.shopId);
  const { task } = await createTask(prisma, {
    shopId: input.shopId,
    advisorId: customer.advisorId,
    customerId: customer.id,
    kind: 'REGISTRATION_HELP',
    title: `核实新聊天账号是否为客户本人：${customer.name}（${maskMobile(customer.mobile)}）`,
    details: { identityId: input.identityId, customerId: customer.id, check: 'link' },
    dedupeKey: `link-check:${input.identityId}:${customer.id}`,
    dueAt: callbackDeadline(calendar, input.now),
    now: input.now,
  });
  await audit('identity.link-advisor-check', { taskId: task.id });
  return { kind: 'advisor-check', taskId: task.id };
}

export async function verifyLink(
  prisma: PrismaClient,
  input: { shopId: string; identityId: string; code: string; ownerNotice: Wording; now: Date; notify?: Notify },
): Promise<LinkVerify> {
  const state = await readState(prisma, input.identityId);
  if (!state || !state.hash) return { ok: false, reason: 'expired' };
  if (state.lockedUntil && new Date(state.lockedUntil) > input.now) return { ok: false, reason: 'locked' };
  if (new Date(state.expiresAt) < input.now) return { ok: false, reason: 'expired' };
  const given = Buffer.from(hashCode(input.identityId, input.code), 'hex');
  const expected = Buffer.from(state.hash, 'hex');
  if (!crypto.timingSafeEqual(given, expected)) {
    const attempts = state.attempts + 1;
    const locked = attempts >= LINK_MAX_ATTEMPTS;
    await writeState(prisma, input.identityId, {
      ...state,
      attempts: locked ? 0 : attempts,
      hash: locked ? null : state.hash,
      lockedUntil: locked ? new Date(input.now.getTime() + LINK_LOCK_MS).toISOString() : null,
    });
    await prisma.auditEvent.create({
      data: { shopId: input.shopId, actorType: 'system', action: locked ? 'identity.link-locked' : 'identity.link-code-wrong', entityType: 'ChannelIdentity', entityId: input.identityId, data: { customerId: state.customerId, attempts }, at: input.now },
    });
    return locked ? { ok: false, reason: 'locked' } : { ok: false, reason: 'wrong', attemptsLeft: LINK_MAX_ATTEMPTS - attempts };
  }
  await prisma.botState.delete({ where: { key: keyFor(input.identityId) } }).catch(() => {});
  const customer = await linkIdentityToCustomer(prisma, { identityId: input.identityId, customerId: state.customerId, now: input.now });
  // Every new link is told to the owner's other accounts, so a takeover cannot go unnoticed.
  if (input.notify) {
    const others = await prisma.channelIdentity.findMany({ where: { customerId: state.customerId, NOT: { id: input.identityId } } });
    const message = input.ownerNotice(localeOf(customer.locale));
    for (const identity of others) await input.notify(identity.id, message).catch(() => {});
  }
  return { ok: true, customer: { id: customer.id, name: customer.name, locale: localeOf(customer.locale) } };
}
