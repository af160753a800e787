/**
 * The conversation's root: hands each recognised request to the flow that serves it,
 * answers the small things itself (opening hours, address, repair status, thanks), and
 * decides what a reply that does not answer the pending question means. Anything it does
 * not understand gets a short menu of what the bot can do — never silence, never a loop.
 */
import type { Flow, FlowContext, Step } from './core/flow';
import type { GiveUpInput, MainDialog } from './core/engine';
import type { Question } from './core/question';
import type { CustomerRequest, Intent } from '../services/understanding/types';
import { localParts, minuteToTime, weekdayOf } from '../services/time';
import type { OpeningWindow } from '../services/calendar';
import { BOOKING, type BookingInput } from './booking-dialog';
import { RESCHEDULE, type RescheduleInput } from './reschedule-dialog';
import { CANCEL_BOOKING, type CancelBookingInput } from './cancel-booking-dialog';
import { MY_BOOKINGS } from './my-bookings-dialog';
import { PRICE, sayEstimates, type PriceInput } from './price-dialog';
import { HANDOFF, type HandoffInput } from './handoff-dialog';
import { EXTRA_WORK, type ExtraWorkInput } from './extra-work-dialog';
import { SURVEY, type SurveyInput } from './survey-dialog';
import { COMPLAINT, type ComplaintInput } from './complaint-dialog';
import { REGISTRATION, type RegistrationInput, type RegistrationResult } from './registration-dialog';
import { day, hoursText, money, name, REPAIR_STATUS_KEYS as STATUS_KEYS, when as formatWhen } from './format';
import type { PlainKey } from './i18n';

export const MAIN = 'main';

interface MainState {
  /** An intent waiting for the customer to be identified first (repair status). */
  pending?: Intent;
}

type MainInput = CustomerRequest | GiveUpInput;

const MENU: Array<{ id: Intent; key: PlainKey; synonyms: string[] }> = [
  { id: 'book', key: 'menu.book', synonyms: ['预约', '保养', '预约保养', 'book', 'booking', 'book a service'] },
  { id: 'my_bookings', key: 'menu.mine', synonyms: ['我的预约', '查预约', 'my bookings', 'my booking'] },
  { id: 'price', key: 'menu.price', synonyms: ['价格', '费用', '多少钱', 'price', 'prices', 'cost'] },
  { id: 'hours', key: 'menu.hours', synonyms: ['营业时间', '地址', '几点', 'hours', 'address', 'opening hours'] },
  { id: 'handoff', key: 'menu.human', synonyms: ['人工', '顾问', '转人工', 'person', 'human', 'advisor'] },
];

function isGiveUp(input: MainInput): input is GiveUpInput {
  return typeof input === 'object' && input !== null && 'giveUp' in input;
}

export const mainDialog: Flow<MainState, MainInput, null> & MainDialog = {
  id: MAIN,

  async begin(ctx, input) {
    const state: MainState = {};
    if (isGiveUp(input)) return { state, next: { replace: HANDOFF, input: { reason: 'not-understood', said: null } satisfies HandoffInput } };
    return { state, next: await route(ctx, state, input) };
  },

  question(ctx): Question {
    return { id: 'menu', text: ctx.t('menu'), options: MENU.map((m) => ({ id: m.id, label: ctx.t(m.key), synonyms: m.synonyms })) };
  },

  async answer(ctx, state, _id, reply) {
    const intent = (reply.kind === 'option' ? reply.option.id : 'unknown') as Intent;
    // The menu's own words carry nothing else; a fuller reply ("预约明天上午10点") is kept whole.
    return route(ctx, state, { ...ctx.request, intent });
  },

  async resume(ctx, state, child, result) {
    if (child === REGISTRATION && (result as RegistrationResult | null) && state.pending) return route(ctx, state, { ...ctx.request, intent: state.pending });
    return { done: null };
  },

  interruption(_ctx, request, active) {
    // A bare code ("A12345" at the plate prompt) is a mistyped answer, not a new request.
    if (/^[A-Za-z0-9]{1,12}$/.test(request.text.trim())) return null;
    // At the bare menu anything understood is a request of its own ("回访", "退订", "5分").
    if (active.length === 1 && active[0].id === MAIN) return request.intent === 'unknown' ? null : 'switch';
    const served = new Set(active.flatMap((f) => f.serves ?? []));
    switch (request.intent) {
      case 'handoff':
      case 'complaint':
        return served.has(request.intent) ? null : 'switch';
      case 'cancel':
      case 'reschedule':
      case 'my_bookings':
        return served.has(request.intent) ? null : 'switch';
      case 'book':
        return served.has('book') || (!request.services.length && !request.when) ? null : 'switch';
      case 'hours':
      case 'location':
      case 'repair_status':
      case 'opt_out':
      case 'opt_in':
        return 'inline';
      case 'price':
        return served.has('price') ? null : 'inline';
      default:
        return null;
    }
  },

  async answerInline(ctx, request) {
    if (request.intent === 'hours') await answerHours(ctx, request);
    else if (request.intent === 'location') await answerLocation(ctx);
    else if (request.intent === 'repair_status') await answerRepairStatus(ctx);
    else if (request.intent === 'price') {
      // In passing: the estimate without the invitation to book, or, with no job named yet, how to ask.
      if (request.services.length) await sayEstimates(ctx, request.services);
      else ctx.say(ctx.t('price.inPassing'));
    }
    else if (request.intent === 'opt_out' || request.intent === 'opt_in') await answerFollowUpConsent(ctx, request.intent);
  },
};

async function route(ctx: FlowContext, state: MainState, request: CustomerRequest): Promise<Step<null>> {
  switch (request.intent) {
    case 'book':
      return {
        replace: BOOKING,
        input: { services: request.services, plate: request.plate, wanted: request.when, mobile: request.mobile, mileageKm: request.mileageKm, pastDate: request.pastDate } satisfies BookingInput,
      };
    case 'reschedule':
      return { replace: RESCHEDULE, input: { bookingRef: request.bookingRef, wanted: request.when } satisfies RescheduleInput };
    case 'cancel':
      return { replace: CANCEL_BOOKING, input: { bookingRef: request.bookingRef } satisfies CancelBookingInput };
    case 'my_bookings':
      return { replace: MY_BOOKINGS, input: {} };
    case 'price':
      return { replace: PRICE, input: { services: request.services } satisfies PriceInput };
    case 'handoff':
      return { replace: HANDOFF, input: { reason: 'customer-request', said: null, mobile: request.mobile } satisfies HandoffInput };
    case 'complaint':
      return { replace: COMPLAINT, input: { said: request.text, signal: request.complaint, mobile: request.mobile } satisfies ComplaintInput };
    case 'survey_answer':
      // "5分" or "给你们打个分" while a survey waits: the survey, with the score as its first answer.
      if (ctx.customer && (await ctx.desk.openSurvey(ctx.customer.id))) return { replace: SURVEY, input: { score: request.score } satisfies SurveyInput };
      if (request.score !== null && request.score <= 2) return { replace: COMPLAINT, input: { said: request.text, signal: request.complaint, mobile: request.mobile } satisfies ComplaintInput };
      // "回访 / 给你们打个分" with nothing to rate: say so, and that anything can be told here.
      ctx.say(ctx.t(request.rule === 'survey_answer.rating' && request.score === null ? 'survey.noneOpen' : 'feedback.thanks'));
      return { done: null };
    case 'opt_out':
    case 'opt_in':
      await answerFollowUpConsent(ctx, request.intent);
      return { done: null };
    case 'approve':
    case 'decline':
    case 'defer':
      return { replace: EXTRA_WORK, input: { preset: request.intent } satisfies ExtraWorkInput };
    case 'hours':
      await answerHours(ctx, request);
      return { done: null };
    case 'location':
      await answerLocation(ctx);
      return { done: null };
    case 'repair_status':
      if (!ctx.customer) {
        state.pending = 'repair_status';
        return { call: REGISTRATION, input: { purpose: 'identify' } satisfies RegistrationInput };
      }
      // What waits for the customer's decision is put to them right away.
      if (await answerRepairStatus(ctx)) return { replace: EXTRA_WORK, input: {} satisfies ExtraWorkInput };
      return { done: null };
    case 'thanks':
      ctx.say(ctx.t('thanks'));
      return { done: null };
    case 'language':
      ctx.say(ctx.t('language.switched'));
      return { ask: 'menu' };
    case 'greeting': {
      const shop = await ctx.desk.shop();
      ctx.say(ctx.t('welcome', { shop: name(ctx.locale, shop.name) }));
      return { ask: 'menu' };
    }
    case 'help':
      ctx.say(ctx.t('help'));
      return { ask: 'menu' };
    case 'unknown':
      ctx.say(ctx.t('notUnderstood'));
      return { ask: 'menu' };
  }
}

/** "退订 / 恢复提醒": maintenance reminders and surveys off or on, said back either way. */
async function answerFollowUpConsent(ctx: FlowContext, intent: 'opt_out' | 'opt_in'): Promise<void> {
  if (!ctx.customer) {
    // Nobody registered on this chat account: there is nothing we would send.
    ctx.say(ctx.t('followUp.notRegistered'));
    return;
  }
  const input = { customerId: ctx.customer.id, channel: ctx.identity.channel };
  if (intent === 'opt_out') {
    const changed = (await ctx.desk.stopFollowUp(input)).changed;
    ctx.say(ctx.t(changed ? 'followUp.stopped' : 'followUp.alreadyStopped'));
    return;
  }
  const changed = (await ctx.desk.resumeFollowUp(input)).changed;
  ctx.say(ctx.t(changed ? 'followUp.resumed' : 'followUp.alreadyOn'));
}

const WEEKDAY_KEYS: readonly PlainKey[] = ['weekday.1', 'weekday.2', 'weekday.3', 'weekday.4', 'weekday.5', 'weekday.6', 'weekday.7'];

/** "周一至周五 08:30–18:00，周六 09:00–17:00，周日休息": consecutive days with the same hours grouped. */
function weeklyText(ctx: FlowContext, weekly: ReadonlyArray<{ weekday: number } & OpeningWindow>): string {
  const byDay = new Map(weekly.map((h) => [h.weekday, hoursText(h)]));
  const groups: Array<{ from: number; to: number; text: string }> = [];
  for (let d = 1; d <= 7; d++) {
    const text = byDay.get(d) ?? ctx.t('hours.closed');
    const last = groups.at(-1);
    if (last && last.text === text && last.to === d - 1) last.to = d;
    else groups.push({ from: d, to: d, text });
  }
  return groups
    .map((g) => {
      const days = g.from === g.to ? ctx.t(WEEKDAY_KEYS[g.from - 1]) : ctx.t('hours.range', { from: ctx.t(WEEKDAY_KEYS[g.from - 1]), to: ctx.t(WEEKDAY_KEYS[g.to - 1]) });
      return `${days} ${g.text}`;
    })
    .join(ctx.t('list.separator'));
}

async function answerHours(ctx: FlowContext, request: CustomerRequest): Promise<void> {
  const shop = await ctx.desk.shop();
  const today = localParts(ctx.now, shop.timeZone).date;
  const asked = request.when?.date;
  const lines: string[] = [ctx.t('hours.weekly', { hours: weeklyText(ctx, shop.weeklyHours) })];
  const [todayInfo] = await ctx.desk.openingDays(today, 1);
  if (asked && asked !== today) {
    const [info] = await ctx.desk.openingDays(asked, 1);
    lines.push(info.opening ? ctx.t('hours.onDay', { date: day(ctx, asked), hours: hoursText(info.opening) }) : ctx.t('hours.closedOn', { date: day(ctx, asked), why: info.name ?? '' }));
  } else if (todayInfo.opening) {
    const minute = localParts(ctx.now, shop.timeZone).minute;
    lines.push(minute < todayInfo.opening.closeMinute ? ctx.t('hours.today', { close: minuteToTime(todayInfo.opening.closeMinute) }) : ctx.t('hours.closedNow', { hours: hoursText(todayInfo.opening) }));
  } else {
    lines.push(ctx.t('hours.closedOn', { date: day(ctx, today), why: todayInfo.name ?? '' }));
  }
  // Holidays and make-up days in the coming two weeks change the usual pattern: say which.
  const special = (await ctx.desk.openingDays(today, 14)).filter((d) => {
    const usual = shop.weeklyHours.find((h) => h.weekday === weekdayOf(d.date));
    return d.name && Boolean(usual) !== Boolean(d.opening);
  });
  for (const d of special) lines.push(d.opening ? ctx.t('hours.makeUpDay', { date: day(ctx, d.date), name: d.name ?? '' }) : ctx.t('hours.holiday', { date: day(ctx, d.date), name: d.name ?? '' }));
  ctx.say(lines.join('\n'));
}

async function answerLocation(ctx: FlowContext): Promise<void> {
  const shop = await ctx.desk.shop();
  ctx.say(ctx.t('location', { shop: name(ctx.locale, shop.name), address: shop.address ?? '—', phone: shop.phone ?? '—' }));
}


/** Says where the customer's cars are; true when extra work waits for their decision. */
async function answerRepairStatus(ctx: FlowContext): Promise<boolean> {
  if (!ctx.customer) {
    ctx.say(ctx.t('status.whoAreYou'));
    return false;
  }
  const orders = await ctx.desk.repairOrders(ctx.customer.id);
  if (orders.length === 0) {
    const next = (await ctx.desk.upcomingBookings(ctx.customer.id))[0];
    ctx.say(next ? ctx.t('status.noneButBooked', { ref: next.ref, when: formatWhen(ctx, next.startsAt), plate: next.plate }) : ctx.t('status.none'));
    return false;
  }
  for (const o of orders) {
    const facts = { plate: o.plate, number: o.number, status: ctx.t(STATUS_KEYS[o.status]), advisor: o.advisor?.name ?? ctx.t('status.anyAdvisor') };
    // A finished car needs no promise; the pick-up line below says what to do.
    if (o.status === 'READY') ctx.say(ctx.t('status.orderDone', facts));
    else ctx.say(o.promisedAt ? ctx.t('status.order', { ...facts, promised: formatWhen(ctx, o.promisedAt) }) : ctx.t('status.orderNoPromise', facts));
    if (o.waiting.decisions) ctx.say(ctx.t('status.waitingDecision', { n: o.waiting.decisions, total: money(ctx, o.waiting.decisionsTotalFen) }));
    if (o.waiting.pickUp) ctx.say(ctx.t('status.pickUp', { total: money(ctx, o.totalFen) }));
  }
  return orders.some((o) => o.waiting.decisions > 0);
}
