import type { PrismaClient } from '../services/db/client';
import { atMostOnce, type JobHandler } from '../services/jobs';
import {
  DAILY_FOLLOW_UP_JOB_KIND,
  NO_SHOW_JOB_KIND,
  SURVEY_LOW_SCORE_JOB_KIND,
  SURVEY_SEND_JOB_KIND,
  handOverLowScore,
  noticeGate,
  recordNoShow,
  runDailyFollowUp,
  sendSurvey,
  type OnLowScore,
} from '../services/follow-up';
import { REMINDER_JOB_KIND } from '../services/booking';
import { callbackDeadline, HANDOFF_TIMEOUT_JOB_KIND } from '../services/handoff';
import { shopCalendar } from '../services/shop-snapshot';
import { APPROVAL_EXPIRY_JOB_KIND, PROMISE_CHECK_JOB_KIND, checkPromise, expireApproval } from '../services/repair-orders';
import { formatLocal } from '../services/time';
import { checkComplaintDeadline, COMPLAINT_SLA_JOB_KIND, openComplaint } from '../services/complaints';
import { complaintIn } from '../services/understanding';
import { formatFen } from '../services/costs';
import { CUSTOMER_NOTICE_JOB_KIND, type CustomerNotice } from '../services/repair-orders';
import { EXTRA_WORK } from '../dialogs/extra-work-dialog';
import { NO_SHOW, type NoShowInput } from '../dialogs/no-show-dialog';
import { MAINTENANCE_DUE, type MaintenanceDueInput } from '../dialogs/maintenance-due-dialog';
import { SURVEY, surveyComplaintWords, type SurveyInput } from '../dialogs/survey-dialog';
import { BOOKING_REMINDER, type BookingReminderInput } from '../dialogs/booking-reminder-dialog';
import type { Activity } from 'botbuilder';
import { t, type Locale } from '../dialogs/i18n';
import type { ProactiveMessenger } from './proactive';
import { TASK_PUSH_JOB_KIND, taskPushHandler } from './advisor-tasks-chat';
import type { NoticeFacts } from '../services/config';
import { bookingReference } from '../services/desk';

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
    case 'ro.checked-in': {
      const facts = { number: notice.number, plate: notice.plate, advisor: notice.advisor?.name ?? t(locale, 'status.anyAdvisor') };
      return notice.promisedAt ? t(locale, 'notice.checkedIn', { ...facts, promised: when(notice.promisedAt) }) : t(locale, 'notice.checkedInNoPromise', facts);
    }
    case 'ro.awaiting-approval':
      return null;
    case 'ro.ready':
      return t(locale, 'notice.ready', { plate: notice.plate, number: notice.number, total: fen(notice.totalFen), address: notice.shop.address ?? '', phone: notice.shop.phone ?? '' });
    case 'ro.delivered':
      return t(locale, 'notice.delivered', { plate: notice.plate, number: notice.number, total: fen(notice.totalFen) });
    case 'ro.promise-moved':
      return t(locale, 'notice.promiseMoved', { plate: notice.plate, number: notice.number, before: when(notice.previousPromisedAt), after: when(notice.promisedAt), reason: notice.reason });
    case 'booking.no-show':
    case 'maintenance.due':
    case 'survey.invite':
      // Each opens its conversation (conversationFor).
      return null;
    case 'complaint.followup':
      return t(locale, notice.restated ? 'complaint.restated' : 'complaint.followup', { advisor: notice.advisorName ?? t(locale, 'status.anyAdvisor'), due: when(notice.dueAt) });
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

/**
 * The sender for a conversation a notice opens: the notice's facts go with its first message
 * only, so a channel that must use a template sends one template, not one per message.
 */
function factsWithFirst(messenger: ProactiveMessenger, identityId: string, facts: NoticeFacts | undefined): (message: Partial<Activity>) => Promise<unknown> {
  let pending = facts;
  return (message) => {
    const notice = pending;
    pending = undefined;
    return messenger.send(identityId, message, { notice });
  };
}

/** Notices that ask the customer something open that conversation instead of a sentence. */
function conversationFor(notice: CustomerNotice): { id: string; input: unknown } | null {
  switch (notice.notice) {
    case 'ro.awaiting-approval':
      return { id: EXTRA_WORK, input: {} };
    case 'booking.no-show':
      return { id: NO_SHOW, input: { bookingId: notice.bookingId, ref: notice.ref, startsAt: notice.startsAt, plate: notice.plate } satisfies NoShowInput };
    case 'maintenance.due':
      return { id: MAINTENANCE_DUE, input: { vehicleId: notice.vehicleId, plate: notice.plate, services: notice.services, carried: notice.carried, reminderNumber: notice.reminderNumber } satisfies MaintenanceDueInput };
    case 'survey.invite':
      return { id: SURVEY, input: {} satisfies SurveyInput };
    default:
      return null;
  }
}

const DECISION_KEYS = { APPROVED: 'extra.approved', DEFERRED: 'extra.deferred', DECLINED: 'extra.declined' } as const;

/**
 * The facts a channel with template messages (the WeChat Official Account outside its reply
 * window) fills the shop's template with; undefined for a notice no template kind covers.
 */
function noticeFacts(notice: CustomerNotice, locale: Locale, timeZone: string): NoticeFacts | undefined {
  const when = (iso: string | null) => (iso ? formatLocal(new Date(iso), timeZone, locale) : t(locale, 'status.noPromise'));
  const status = (number: string, plate: string, key: 'status.CHECKED_IN' | 'status.IN_PROGRESS' | 'status.READY' | 'status.DELIVERED', time: string): NoticeFacts => ({
    kind: 'repair.status',
    fields: { number, plate, status: t(locale, key), time },
  });
  switch (notice.notice) {
    case 'ro.checked-in':
      return status(notice.number, notice.plate, 'status.CHECKED_IN', when(notice.promisedAt));
    case 'ro.promise-moved':
      return status(notice.number, notice.plate, 'status.IN_PROGRESS', when(notice.promisedAt));
    case 'ro.ready':
      return status(notice.number, notice.plate, 'status.READY', when(notice.readyAt));
    case 'ro.delivered':
      return status(notice.number, notice.plate, 'status.DELIVERED', when(notice.deliveredAt));
    case 'ro.awaiting-approval':
      // A summary without a link: the decision itself is made in the conversation.
      return {
        kind: 'extra-work.approval',
        fields: { number: notice.number, plate: notice.plate, items: String(notice.pendingItems), total: formatFen(notice.pendingTotalFen, locale), expires: when(notice.expiresAt) },
      };
    default:
      return undefined;
  }
}

/**
 * A low survey score is a complaint (issue 10): opened on the survey's thread, so one the
 * customer already heard about in the survey conversation is the same complaint, and the
 * customer who stopped half-way is told who will call and by when. At most one per survey's
 * repair order, however often the job runs.
 */
function complaintFromLowScore(prisma: PrismaClient): OnLowScore {
  return async (low, { now }) => {
    const already = await prisma.complaint.findFirst({ where: { repairOrderId: low.repairOrderId, source: 'survey' }, select: { id: true } });
    if (already) return;
    const customer = await prisma.customer.findUnique({ where: { id: low.customerId }, select: { locale: true } });
    const locale: Locale = customer?.locale === 'en' ? 'en' : 'zh';
    const comment = low.comment?.trim() || null;
    await openComplaint(prisma, {
      shopId: low.shopId,
      customerId: low.customerId,
      repairOrderId: low.repairOrderId,
      vehicleId: low.vehicleId,
      source: 'survey',
      said: surveyComplaintWords(locale, { overall: low.overall, recommend: low.recommend }, comment),
      signal: comment ? complaintIn(comment) : null,
      conversationKey: null,
      notifyCustomer: true,
      now,
    });
  };
}

export function jobHandlers(prisma: PrismaClient, messenger: ProactiveMessenger, options: { beginFlow?: BeginFlow; onLowScore?: OnLowScore } = {}): Record<string, JobHandler> {
  const onLowScore = options.onLowScore ?? complaintFromLowScore(prisma);
  return {
    /**
     * What a repair order's customer must hear (checked in, waiting for your decision, ready,
     * delivered, a moved promise), on the channel they last used; a decision to make opens the
     * extra-work conversation there.
     */
    [CUSTOMER_NOTICE_JOB_KIND]: atMostOnce(async (payload, { now }) => {
      const notice = payload as unknown as CustomerNotice;
      const gate = await noticeGate(prisma, notice, now);
      if (gate.action !== 'send') return gate.action === 'defer' ? { deferUntil: gate.deferUntil } : undefined;
      const customer = await prisma.customer.findUnique({ where: { id: notice.customerId }, include: { shop: true } });
      if (!customer) return;
      const identity = await latestIdentity(prisma, customer.id);
      // Nobody to write to in chat: the advisor's task list and the phone carry it.
      if (!identity) return;
      const locale: Locale = customer.locale === 'en' ? 'en' : 'zh';
      const flow = conversationFor(notice);
      if (flow) {
        if (!options.beginFlow) throw new Error(`customer.notice ${notice.notice} needs the bot to open the conversation`);
        await options.beginFlow(identity.id, flow.id, flow.input, factsWithFirst(messenger, identity.id, noticeFacts(notice, locale, customer.shop.timeZone)));
        return;
      }
      const text = noticeText(notice, locale, customer.shop.timeZone);
      if (text) await messenger.send(identity.id, text, { notice: noticeFacts(notice, locale, customer.shop.timeZone) });
    }),
    /** A new (or un-snoozed) advisor task: a card or text to its owner's chat accounts. */
    [TASK_PUSH_JOB_KIND]: taskPushHandler(prisma, messenger),
    /** The evening before a booking: remind the customer, with how to change it. */
    [REMINDER_JOB_KIND]: atMostOnce(async (payload, { now }) => {
      const booking = await prisma.booking.findUnique({
        where: { id: String(payload.bookingId) },
        include: { customer: true, vehicle: true, shop: true, lines: { include: { catalogItem: true } } },
      });
      if (!booking || booking.status !== 'CONFIRMED') return;
      // Outside the notice window it waits for the morning, unless the booking is over by then.
      const gate = await noticeGate(prisma, { notice: 'booking.reminder', customerId: booking.customerId }, now);
      if (gate.action === 'defer') return gate.deferUntil < booking.startsAt ? { deferUntil: gate.deferUntil } : undefined;
      const identity = await latestIdentity(prisma, booking.customerId);
      if (!identity) return;
      const locale: Locale = booking.customer.locale === 'en' ? 'en' : 'zh';
      const services = booking.lines.map((l) => (locale === 'zh' ? l.catalogItem.nameZh : l.catalogItem.nameEn)).join(locale === 'zh' ? '、' : ', ');
      const when = formatLocal(booking.startsAt, booking.shop.timeZone, locale);
      const shop = locale === 'zh' ? booking.shop.name : booking.shop.nameEn ?? booking.shop.name;
      const notice: NoticeFacts = { kind: 'booking.reminder', fields: { ref: bookingReference(booking.id), when, plate: booking.vehicle.plate, services } };
      // The reminder asks: confirm, change or cancel right from it.
      if (options.beginFlow) {
        await options.beginFlow(identity.id, BOOKING_REMINDER, { bookingId: booking.id, when, plate: booking.vehicle.plate, services, shop } satisfies BookingReminderInput, factsWithFirst(messenger, identity.id, notice));
        return;
      }
      await messenger.send(identity.id, t(locale, 'reminder.booking', { when, plate: booking.vehicle.plate, services, shop }), { notice });
    }),
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
    // Follow-up (issue 10): the logic is in services/follow-up; each is at-least-once and idempotent.
    /** A confirmed booking not checked in: NO_SHOW, an advisor task and one notice offering a new time. */
    [NO_SHOW_JOB_KIND]: async (payload, { now }) => {
      const result = await recordNoShow(prisma, { bookingId: String(payload.bookingId), startsAt: String(payload.startsAt), now });
      return result.outcome === 'not-yet' ? { deferUntil: result.dueAt } : undefined;
    },
    /** Once a day per shop: maintenance-due reminders, expired surveys; schedules the next day. */
    [DAILY_FOLLOW_UP_JOB_KIND]: async (payload, { now }) => {
      await runDailyFollowUp(prisma, { shopId: String(payload.shopId), date: String(payload.date), now });
    },
    /** A working day after delivery: the survey is sent (its invitation is a customer.notice). */
    [SURVEY_SEND_JOB_KIND]: async (payload, { now }) => {
      await sendSurvey(prisma, { surveyId: String(payload.surveyId), now });
    },
    /** A low survey score: a complaint (complaintFromLowScore unless the caller gives another hook). */
    [SURVEY_LOW_SCORE_JOB_KIND]: async (payload, { now }) => {
      await handOverLowScore(prisma, { surveyId: String(payload.surveyId), now }, onLowScore);
    },
  };
}
