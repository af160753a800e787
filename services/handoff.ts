import type { PrismaClient } from './db/client';
import type { Handoff } from '../generated/prisma/client';
import { nextWorkingDayEnd, openingFor, type ShopCalendar } from './calendar';
import { shopCalendar } from './shop-snapshot';
import { localParts } from './time';
import { maskMobile } from './registration';
import { createTask } from './advisor-tasks';
import { plainName, plainText } from './text';

/**
 * 转人工: hands a conversation to the customer's advisor. While a handoff is open the bot
 * stays quiet in that conversation and relays the customer's messages to the advisor.
 * `notify` is injected by the channel layer; this module knows nothing of channels.
 */
export type Notify = (identityId: string, text: string) => Promise<void>;

/** How long a customer waits for an advisor before being promised a call back. */
export const ADVISOR_ANSWER_MINUTES = 10;
export const HANDOFF_TIMEOUT_JOB_KIND = 'handoff.timeout';

/** The shop's promise for a call back: by the close of the next working day. */
export function callbackDeadline(calendar: ShopCalendar, now: Date): Date {
  return nextWorkingDayEnd(calendar, now);
}

export async function activeHandoff(prisma: PrismaClient, conversationKey: string): Promise<Handoff | null> {
  return prisma.handoff.findFirst({ where: { conversationKey, status: { in: ['WAITING', 'ACTIVE'] } }, orderBy: { startedAt: 'desc' } });
}

async function advisorIdentities(prisma: PrismaClient, advisorId: string | null, shopId: string) {
  const advisors = advisorId
    ? [advisorId]
    : (await prisma.advisor.findMany({ where: { shopId, active: true }, select: { id: true } })).map((a) => a.id);
  return prisma.channelIdentity.findMany({ where: { advisorId: { in: advisors } } });
}

export interface StartHandoffInput {
  shopId: string;
  identityId: string;
  customerId: string | null;
  conversationKey: string;
  reason: string;
  /** What the customer said, for the advisor. */
  said?: string | null;
  /** A number to call back when the customer is not registered (the task's owner sees it in full). */
  contact?: { name: string | null; mobile: string } | null;
  now: Date;
  notify?: Notify;
  /** The push advisors read, in words the caller chose (services do not word messages). */
  advisorNotice?: (who: string) => string;
}

export interface HandoffOutcome {
  advisorName: string | null;
  /** False when no advisor can be reached in chat: the customer is promised a call instead. */
  live: boolean;
  /** When the customer will be called at the latest (one working day). */
  callbackBy: Date;
  /** A request from this conversation is already open: no second task or push was raised. */
  alreadyOpen: boolean;
}

/**
 * Opens the handoff, raises the advisor task and pushes the context. When no advisor is
 * reachable in chat the bot does not go quiet: the customer is promised a call back within
 * one working day and the task carries that due time.
 */
export async function startHandoff(prisma: PrismaClient, input: StartHandoffInput): Promise<HandoffOutcome> {
  // One open request per conversation: asking twenty times must not raise twenty tasks.
  const open = await prisma.advisorTask.findFirst({
    where: { kind: 'HANDOFF', status: 'OPEN', details: { path: ['conversationKey'], equals: input.conversationKey } },
    include: { advisor: true },
  });
  if (open) {
    const waiting = await activeHandoff(prisma, input.conversationKey);
    return { advisorName: open.advisor?.name ?? null, live: waiting !== null, callbackBy: open.dueAt, alreadyOpen: true };
  }
  const customer = input.customerId
    ? await prisma.customer.findUnique({ where: { id: input.customerId }, include: { vehicles: true, advisor: true } })
    : null;
  const advisor = customer?.advisor ?? (await prisma.advisor.findFirst({ where: { shopId: input.shopId, active: true, role: 'ADVISOR' }, orderBy: { createdAt: 'asc' } }));
  const identity = await prisma.channelIdentity.findUnique({ where: { id: input.identityId } });
  const targets = await advisorIdentities(prisma, advisor?.id ?? null, input.shopId);
  const calendar = await shopCalendar(prisma, input.shopId);
  // Outside opening hours nobody will answer within minutes: promise the call straight away.
  const here = localParts(input.now, calendar.timeZone);
  const hours = openingFor(calendar, here.date);
  const shopOpen = Boolean(hours && here.minute >= hours.openMinute && here.minute < hours.closeMinute);
  const live = targets.length > 0 && Boolean(customer) && shopOpen;
  const callbackBy = callbackDeadline(calendar, input.now);
  const existing = await activeHandoff(prisma, input.conversationKey);
  if (!existing && customer && live) {
    const handoff = await prisma.handoff.create({
      data: { customerId: customer.id, advisorId: advisor?.id ?? null, conversationKey: input.conversationKey, reason: input.reason, startedAt: input.now },
    });
    // If nobody takes it within the answer window the customer is told when they will be called.
    await prisma.job.create({
      data: {
        kind: HANDOFF_TIMEOUT_JOB_KIND,
        payload: { handoffId: handoff.id },
        runAt: new Date(input.now.getTime() + ADVISOR_ANSWER_MINUTES * 60_000),
        dedupeKey: `handoff-timeout:${handoff.id}`,
      },
    });
  }
  const who = customer
    ? `${plainName(customer.name)}（${customer.vehicles.map((v) => v.plate).join('、') || '无车辆'}）`
    : `${plainName(input.contact?.name ?? identity?.displayName) ?? '未建档客户'}（${input.contact?.mobile ? maskMobile(input.contact.mobile) : identity?.channel ?? ''}）`;
  await createTask(prisma, {
    shopId: input.shopId,
    advisorId: advisor?.id ?? null,
    customerId: customer?.id ?? null,
    kind: 'HANDOFF',
    title: `客户请求人工服务：${who}`,
    details: { identityId: input.identityId, reason: input.reason, conversationKey: input.conversationKey },
    said: input.said ?? null,
    // The owner calls this number back; every other reader sees it masked.
    contact: input.contact ?? null,
    dueAt: live ? new Date(input.now.getTime() + ADVISOR_ANSWER_MINUTES * 60_000) : callbackBy,
    now: input.now,
  });
  if (input.notify) {
    for (const target of targets) {
      if (input.advisorNotice) await input.notify(target.id, input.advisorNotice(who)).catch(() => {});
    }
  }
  return { advisorName: advisor?.name ?? null, live, callbackBy, alreadyOpen: false };
}

export interface RelayInput {
  handoff: Handoff;
  text: string;
  now: Date;
  notify?: Notify;
  /** How the advisor sees the customer's words (the caller words it). */
  relayText: (customerName: string, text: string) => string;
}

/** The customer's chat identity in the conversation a handoff belongs to. */
export async function handoffCustomerIdentity(prisma: PrismaClient, handoff: Handoff) {
  const [channel, ...rest] = handoff.conversationKey.split('/');
  const conversationId = rest.join('/');
  const identities = await prisma.channelIdentity.findMany({ where: { customerId: handoff.customerId, channel }, orderBy: { lastInboundAt: 'desc' } });
  return identities.find((i) => (i.conversationReference as { conversation?: { id?: string } } | null)?.conversation?.id === conversationId) ?? identities[0] ?? null;
}

/** An advisor takes the oldest waiting handoff of theirs (or an unassigned one). */
export async function acceptHandoff(prisma: PrismaClient, input: { advisorId: string; now: Date }) {
  const advisor = await prisma.advisor.findUniqueOrThrow({ where: { id: input.advisorId } });
  const waiting = await prisma.handoff.findFirst({
    where: { status: 'WAITING', OR: [{ advisorId: input.advisorId }, { advisorId: null }], customer: { shopId: advisor.shopId } },
    orderBy: { startedAt: 'asc' },
    include: { customer: true },
  });
  if (!waiting) return null;
  // Only one advisor wins a handoff, even if two press at once.
  const taken = await prisma.handoff.updateMany({ where: { id: waiting.id, status: 'WAITING' }, data: { status: 'ACTIVE', advisorId: input.advisorId, acceptedAt: input.now } });
  if (taken.count === 0) return null;
  await prisma.job.updateMany({ where: { dedupeKey: `handoff-timeout:${waiting.id}`, status: 'PENDING' }, data: { status: 'CANCELLED' } });
  return { handoff: { ...waiting, status: 'ACTIVE' as const }, advisor };
}

export async function activeHandoffOfAdvisor(prisma: PrismaClient, advisorId: string) {
  return prisma.handoff.findFirst({ where: { advisorId, status: 'ACTIVE' }, orderBy: { acceptedAt: 'desc' }, include: { customer: true } });
}

/** Ends a handoff at the customer's request ("结束人工", "取消") or the advisor's ("结束"). */
export async function endHandoff(prisma: PrismaClient, handoff: Handoff, now: Date): Promise<void> {
  await prisma.handoff.update({ where: { id: handoff.id }, data: { status: 'ENDED', endedAt: now } });
  await prisma.job.updateMany({ where: { dedupeKey: `handoff-timeout:${handoff.id}`, status: 'PENDING' }, data: { status: 'CANCELLED' } });
  // The request was answered in the chat (or withdrawn before anyone took it): its task is closed,
  // so the next request from this conversation raises a new one.
  await prisma.advisorTask.updateMany({
    where: { kind: 'HANDOFF', status: 'OPEN', details: { path: ['conversationKey'], equals: handoff.conversationKey } },
    data: handoff.status === 'ACTIVE' ? { status: 'DONE', completedAt: now } : { status: 'CANCELLED', completedAt: now },
  });
}

/** Passes a customer's message on; after the answer window closes the bot takes the conversation back. */
export async function relayCustomerMessage(prisma: PrismaClient, input: RelayInput): Promise<'relayed' | 'expired'> {
  const { handoff } = input;
  if (handoff.status === 'WAITING' && input.now.getTime() - handoff.startedAt.getTime() > ADVISOR_ANSWER_MINUTES * 60_000) {
    await prisma.handoff.update({ where: { id: handoff.id }, data: { status: 'ENDED', endedAt: input.now } });
    return 'expired';
  }
  const customer = await prisma.customer.findUnique({ where: { id: handoff.customerId } });
  if (input.notify) {
    for (const target of await prisma.channelIdentity.findMany({ where: { advisorId: handoff.advisorId ?? '__none__' } })) {
      await input.notify(target.id, input.relayText(plainName(customer?.name) ?? '', plainText(input.text, 2000))).catch(() => {});
    }
  }
  return 'relayed';
}
