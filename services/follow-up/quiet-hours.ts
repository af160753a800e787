import type { PrismaClient } from '../db/client';
import { addDays, localParts, zonedInstant } from '../time';

/**
 * When a customer may be written to by the bot on its own initiative. Customer messages from
 * jobs go out only inside the shop's daily window (Shop.noticeWindowStartMinute–EndMinute,
 * default 09:00–20:00 shop time), every day of the week: the window is about people's
 * evenings and nights, not about the workshop's opening hours.
 */
export interface NoticeWindow {
  timeZone: string;
  /** Minutes after local midnight; the window is [start, end). */
  startMinute: number;
  endMinute: number;
}

/** null: now is inside the window; otherwise the instant the window next opens. */
export function nextSendTime(window: NoticeWindow, now: Date): Date | null {
  if (!(window.startMinute >= 0 && window.startMinute < window.endMinute && window.endMinute <= 1440)) {
    throw new RangeError(`notice window must satisfy 0 ≤ start < end ≤ 1440: ${window.startMinute}–${window.endMinute}`);
  }
  const { date, minute } = localParts(now, window.timeZone);
  if (minute >= window.startMinute && minute < window.endMinute) return null;
  const day = minute < window.startMinute ? date : addDays(date, 1);
  return zonedInstant(day, window.startMinute, window.timeZone);
}

export function shopNoticeWindow(shop: { timeZone: string; noticeWindowStartMinute: number; noticeWindowEndMinute: number }): NoticeWindow {
  return { timeZone: shop.timeZone, startMinute: shop.noticeWindowStartMinute, endMinute: shop.noticeWindowEndMinute };
}

/** Notices that are follow-up the customer can decline ("不用了 / stop"), unlike news about their own booking or car. */
export const FOLLOW_UP_NOTICES: ReadonlySet<string> = new Set(['maintenance.due', 'survey.invite']);

export type NoticeGate = { action: 'send' } | { action: 'defer'; deferUntil: Date } | { action: 'skip'; reason: 'no-customer' | 'opted-out' };

/**
 * What the customer.notice handler does with a notice now, asked before anything is sent:
 * skip it (the customer is gone, or opted out of follow-up after it was queued), defer it to
 * the next opening of the shop's notice window, or send it.
 */
export async function noticeGate(prisma: Pick<PrismaClient, 'customer'>, notice: { notice: string; customerId: string }, now: Date): Promise<NoticeGate> {
  const customer = await prisma.customer.findUnique({
    where: { id: notice.customerId },
    select: { consentService: true, shop: { select: { timeZone: true, noticeWindowStartMinute: true, noticeWindowEndMinute: true } } },
  });
  if (!customer) return { action: 'skip', reason: 'no-customer' };
  if (FOLLOW_UP_NOTICES.has(notice.notice) && !customer.consentService) return { action: 'skip', reason: 'opted-out' };
  const deferUntil = nextSendTime(shopNoticeWindow(customer.shop), now);
  return deferUntil ? { action: 'defer', deferUntil } : { action: 'send' };
}
