import type { PrismaClient } from '../services/db/client';
import type { JobHandler } from '../services/jobs';
import { REMINDER_JOB_KIND } from '../services/booking';
import { callbackDeadline, HANDOFF_TIMEOUT_JOB_KIND } from '../services/handoff';
import { shopCalendar } from '../services/shop-snapshot';
import { APPROVAL_EXPIRY_JOB_KIND, PROMISE_CHECK_JOB_KIND, checkPromise, expireApproval } from '../services/repair-orders';
import { formatLocal } from '../services/time';
import { checkComplaintDeadline, COMPLAINT_SLA_JOB_KIND } from '../services/complaints';
import { formatFen } from '../services/costs';
import { CUSTOMER_NOTICE_JOB_KIND, type CustomerNotice } from '../services/repair-orders';
import { EXTRA_WORK } from '../dialogs/extra-work-dialog';
import type { Activity } from 'botbuilder';
import { t, type Locale } from '../dialogs/i18n';
import type { ProactiveMessenger } from './proactive';

/** The identity a customer last wrote from: the channel they are most likely to read. */
async function latestIdentity(prisma: PrismaClient, customerId: string) {
  return prisma.channelIdentity.findFirst({ where: { customerId }, orderBy: { lastInboundAt: { sort: 'desc', nulls: 'last' } } });
}

/** Starts a flow in the customer's conversation (the bot's beginFlow), for notices that ask a question. */
export type BeginFlow = (identityId: string, flowId: string, input: unknown, send: (message: Partial<Activity>) => Promise<unknown>) => Promise<void>;

/** A repair-order notice in the customer's words; null for the one that opens a conversation instead. */
function noticeText(notice: CustomerNotice, locale: Locale, timeZone: string): string | null {
  const when = (iso: string | null) => (iso ? formatLocal(new Date(iso), timeZone, locale) : t(locale, 'status.noPromise'));
  const fen = (n: number) => formatFen(n, locale);
  switch (notice.notice) {
    case 'ro.checked-in':
      return t(locale, 'notice.checkedIn', { number: notice.number, plate: notice.plate, advisor: notice.advisor?.name ?? t(locale, 'status.anyAdvisor'), promised: when(notice.promisedAt) });
    case 'ro.awaiting-approval':
      return null;
    case 'ro.ready':
      return t(locale, 'notice.ready', { plate: notice.plate, number: notice.number, total: fen(notice.totalFen), address: notice.shop.address ?? '', phone: notice.shop.phone ?? '' });
    case 'ro.delivered':
      return t(locale, 'notice.delivered', { plate: notice.plate, number: notice.number, total: fen(notice.totalFen) });
    case 'ro.promise-moved':
      return t(locale, 'notice.promiseMoved', { plate: notice.plate, number: notice.number, before: when(notice.previousPromisedAt), after: when(notice.promisedAt), reason: notice.reason });
    case 'ro.decided-on-behalf':
      return t(locale, 'notice.decidedOnBehalf', {
        number: notice.number,
        advisor: notice.advisor.name,
        reason: notice.reason,
        lines: notice.decisions.map((d) => t(locale, 'advisor.decisionLine', { title: d.title[locale], decision: t(locale, DECISION_KEYS[d.decision]), price: fen(d.priceFen) })).join('\n'),
      });
    case 'complaint.followup':
      // Not worded yet (the catalogue is the lead's): fail visibly rather than drop a promise.
      throw new Error('customer.notice complaint.followup has no wording in the catalogue yet');
  }
}

const DECISION_KEYS = { APPROVED: 'extra.approved', DEFERRED: 'extra.deferred', DECLINED: 'extra.declined' } as const;

export function jobHandlers(prisma: PrismaClient, messenger: ProactiveMessenger, options: { beginFlow?: BeginFlow } = {}): Record<string, JobHandler> {
  return {
    /**
     * What a repair order's customer must hear (checked in, waiting for your decision, ready,
     * delivered, a moved promise), on the channel they last used; a decision to make opens the
     * extra-work conversation there.
     */
    [CUSTOMER_NOTICE_JOB_KIND]: async (payload) => {
      const notice = payload as unknown as CustomerNotice;
      const customer = await prisma.customer.findUnique({ where: { id: notice.customerId }, include: { shop: true } });
      if (!customer) return;
      const identity = await latestIdentity(prisma, customer.id);
      // Nobody to write to in chat: the advisor's task list and the phone carry it.
      if (!identity) return;
      const locale: Locale = customer.locale === 'en' ? 'en' : 'zh';
      if (notice.notice === 'ro.awaiting-approval') {
        if (!options.beginFlow) throw new Error('customer.notice ro.awaiting-approval needs the bot to open the conversation');
        await options.beginFlow(identity.id, EXTRA_WORK, {}, (message) => messenger.send(identity.id, message));
        return;
      }
      const text = noticeText(notice, locale, customer.shop.timeZone);
      if (text) await messenger.send(identity.id, text);
    },
    /** The evening before a booking: remind the customer, with how to change it. */
    [REMINDER_JOB_KIND]: async (payload) => {
      const booking = await prisma.booking.findUnique({
        where: { id: String(payload.bookingId) },
        include: { customer: true, vehicle: true, shop: true, lines: { include: { catalogItem: true } } },
      });
      if (!booking || booking.status !== 'CONFIRMED') return;
      const identity = await latestIdentity(prisma, booking.customerId);
      if (!identity) return;
      const locale: Locale = booking.customer.locale === 'en' ? 'en' : 'zh';
      const services = booking.lines.map((l) => (locale === 'zh' ? l.catalogItem.nameZh : l.catalogItem.nameEn)).join(locale === 'zh' ? '、' : ', ');
      await messenger.send(
        identity.id,
        t(locale, 'reminder.booking', {
          when: formatLocal(booking.startsAt, booking.shop.timeZone, locale),
          plate: booking.vehicle.plate,
          services,
          shop: locale === 'zh' ? booking.shop.name : booking.shop.nameEn ?? booking.shop.name,
        }),
      );
    },
    /** Nobody took the handoff in time: promise a call and give the conversation back to the bot. */
    [HANDOFF_TIMEOUT_JOB_KIND]: async (payload, { now }) => {
      const handoff = await prisma.handoff.findUnique({ where: { id: String(payload.handoffId) }, include: { customer: { include: { shop: true } } } });
      if (!handoff || handoff.status !== 'WAITING') return;
      await prisma.handoff.update({ where: { id: handoff.id }, data: { status: 'ENDED', endedAt: now } });
      const identity = await latestIdentity(prisma, handoff.customerId);
      if (!identity) return;
      const shop = handoff.customer.shop;
      const callbackBy = callbackDeadline(await shopCalendar(prisma, shop.id), now);
      const locale: Locale = handoff.customer.locale === 'en' ? 'en' : 'zh';
      await messenger.send(identity.id, t(locale, 'handoff.callback', { when: formatLocal(callbackBy, shop.timeZone, locale) }));
    },
    /** Extra work unanswered for the shop's approval window: an advisor task to call the customer. */
    [APPROVAL_EXPIRY_JOB_KIND]: async (payload, { now }) => {
      await expireApproval(prisma, { requestId: String(payload.requestId), version: Number(payload.version), now });
    },
    /** A complaint's call-back time has come: escalate and re-state the promise if the call was not made. */
    [COMPLAINT_SLA_JOB_KIND]: async (payload, { now }) => {
      await checkComplaintDeadline(prisma, { complaintId: String(payload.complaintId), taskId: String(payload.taskId), dueAt: String(payload.dueAt), now });
    },
    /** Shortly before a promised time: a task for the advisor when the car will not be ready. */
    [PROMISE_CHECK_JOB_KIND]: async (payload, { now }) => {
      await checkPromise(prisma, { repairOrderId: String(payload.repairOrderId), promisedAt: String(payload.promisedAt), now });
    },
  };
}
