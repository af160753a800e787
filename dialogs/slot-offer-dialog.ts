/**
 * The slot offer booking and rescheduling share: looks for the wanted time; when it is free
 * (and a time was said) takes it at once, otherwise says why — closed, full, not open yet,
 * would not finish before closing, too soon, too far ahead, waiting for parts — and offers
 * the nearest free times in time order, or another time the customer names.
 */
import type { Flow, FlowContext, Step } from './core/flow';
import type { Question } from './core/question';
import { YES_WORDS } from './core/reader';
import type { WantedTime } from '../services/time';
import type { SlotOffer } from '../services/desk/types';
import { day, hoursText, when as formatWhen, wanted as formatWanted } from './format';

export const SLOT_OFFER = 'slot-offer';

export interface SlotOfferInput {
  serviceIds: string[];
  wanted: WantedTime;
  /** A booking being moved: its own slot does not count against it. */
  ignoreBookingId?: string;
}

export interface SlotOfferResult {
  slotStart: string;
  wanted: WantedTime;
  /** The customer picked it from offered times (rather than naming it exactly). */
  picked: boolean;
}

interface SlotOfferState extends SlotOfferInput {
  offered: string[];
}

export const slotOfferDialog: Flow<SlotOfferState, SlotOfferInput, SlotOfferResult | null> = {
  id: SLOT_OFFER,
  serves: ['book', 'reschedule'],

  async begin(ctx, input) {
    const state: SlotOfferState = { ...input, offered: [] };
    return { state, next: await search(ctx, state) };
  },

  focusDate: (state) => state.wanted.date,

  question(ctx, state, id): Question {
    if (id === 'when') return { id, text: ctx.t('book.askWhen'), field: 'when', example: ctx.t('when.example') };
    return {
      id: 'slot',
      text: ctx.t('book.alternatives'),
      options: [
        // "好 / OK" to an offer takes the first (nearest) time.
        ...state.offered.map((iso, i) => ({ id: iso, label: formatWhen(ctx, new Date(iso)), exact: i === 0 ? YES_WORDS : undefined })),
        { id: 'other', label: ctx.t('book.otherTime'), synonyms: ['换个时间', '其他时间', '别的时间', 'another time', 'other time', 'none of these'] },
      ],
      field: 'when',
      missReason: ctx.t('slot.pickOrName'),
      example: ctx.t('slot.example', { first: formatWhen(ctx, new Date(state.offered[0] ?? Date.now())) }),
    };
  },

  async answer(ctx, state, id, reply) {
    if (reply.kind === 'option' && reply.option.id === 'other') return { ask: 'when' };
    if (reply.kind === 'option') return { done: { slotStart: reply.option.id, wanted: state.wanted, picked: true } };
    if (reply.kind === 'field' && reply.field === 'when') {
      state.wanted = reply.value as WantedTime;
      return search(ctx, state);
    }
    return { ask: id };
  },
};

async function search(ctx: FlowContext, state: SlotOfferState): Promise<Step<SlotOfferResult | null>> {
  const offer = await ctx.desk.findSlots({ serviceIds: state.serviceIds, wanted: state.wanted, ignoreBookingId: state.ignoreBookingId });
  if (offer.requested && state.wanted.time) {
    notePartsShortage(ctx, offer, false);
    return { done: { slotStart: offer.requested.startsAt.toISOString(), wanted: state.wanted, picked: false } };
  }
  // Before a restock the parts are the reason; "fully booked" would be untrue.
  const waitingForParts = Boolean(offer.parts?.restockDate && state.wanted.date < offer.parts.restockDate);
  if (!waitingForParts) {
    const reason = await explainMiss(ctx, offer, state.wanted);
    if (reason) ctx.say(reason);
  }
  const slots = [offer.requested, ...offer.alternatives].filter((s): s is NonNullable<typeof s> => Boolean(s));
  const unique = [...new Map(slots.map((s) => [s.startsAt.getTime(), s])).values()].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()).slice(0, 3);
  if (unique.length === 0) {
    ctx.say(ctx.t('book.noAlternatives'));
    return { ask: 'when' };
  }
  notePartsShortage(ctx, offer, waitingForParts);
  state.offered = unique.map((s) => s.startsAt.toISOString());
  return { ask: 'slot' };
}

function notePartsShortage(ctx: FlowContext, offer: SlotOffer, waiting: boolean): void {
  if (!offer.parts) return;
  if (offer.parts.restockDate) {
    if (waiting) ctx.say(ctx.t('book.partsRestock', { date: day(ctx, offer.parts.restockDate) }));
  } else {
    ctx.say(ctx.t('book.partsShort', { parts: offer.parts.skus.join(', ') }));
  }
}

async function explainMiss(ctx: FlowContext, offer: SlotOffer, wanted: WantedTime): Promise<string | null> {
  switch (offer.reason) {
    case 'closed':
      return ctx.t('book.closed', { date: day(ctx, wanted.date) });
    case 'full':
      return ctx.t('book.full', { when: formatWanted(ctx, wanted) });
    case 'past':
      return ctx.t('book.past');
    case 'before-opening':
      return ctx.t('book.beforeOpening', { date: day(ctx, wanted.date), time: wanted.time ?? '', hours: offer.opening ? hoursText(offer.opening) : '—' });
    case 'after-closing':
      return ctx.t('book.afterClosing', { hours: offer.opening ? hoursText(offer.opening) : '—' });
    case 'beyond-horizon':
      return ctx.t('book.beyondHorizon', { days: (await ctx.desk.shop()).bookingHorizonDays });
    default:
      return null;
  }
}
