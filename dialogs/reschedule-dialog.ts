/**
 * 改期: moves one of the customer's bookings. Which booking (quoted, just made, the only one,
 * or picked), when (asked unless said), then the shared slot offer with the booking's own
 * slot not counting against it. A time the customer named exactly is confirmed before the
 * move; a time picked from the offer is the confirmation.
 */
import type { Flow, FlowContext, Step } from './core/flow';
import type { Question } from './core/question';
import { NO_WORDS, YES_WORDS } from './core/reader';
import type { WantedTime } from '../services/time';
import { localParts } from '../services/time';
import { bookingOptions, describe, implied, summarise, type BookingSummary } from './booking-choice';
import { SLOT_OFFER, type SlotOfferInput, type SlotOfferResult } from './slot-offer-dialog';
import { REGISTRATION, type RegistrationInput, type RegistrationResult } from './registration-dialog';
import { when as formatWhen } from './format';

export const RESCHEDULE = 'reschedule';

export interface RescheduleInput {
  bookingId?: string;
  bookingRef?: string | null;
  wanted?: WantedTime | null;
}

interface RescheduleState {
  bookingId?: string;
  bookingRef?: string | null;
  bookings?: BookingSummary[];
  wanted?: WantedTime;
  slotStart?: string;
  confirmed?: boolean;
}

export const rescheduleDialog: Flow<RescheduleState, RescheduleInput, { bookingId: string } | null> = {
  id: RESCHEDULE,
  serves: ['reschedule', 'book'],

  async begin(ctx, input) {
    const state: RescheduleState = { bookingId: input.bookingId, bookingRef: input.bookingRef, wanted: input.wanted ?? undefined };
    return { state, next: await plan(ctx, state) };
  },

  next: (ctx, state) => plan(ctx, state),
  focusDate: (state) => state.wanted?.date ?? null,

  absorb(_ctx, state, request) {
    if (request.when && JSON.stringify(request.when) !== JSON.stringify(state.wanted)) {
      state.wanted = request.when;
      state.slotStart = undefined;
      return ['when'];
    }
    return null;
  },

  question(ctx, state, id): Question {
    switch (id) {
      case 'pick':
        return { id, text: ctx.t('reschedule.pick'), options: bookingOptions(ctx, state.bookings ?? []) };
      case 'when':
        return { id, text: ctx.t('reschedule.askWhen', { ref: current(state)?.ref ?? '' }), field: 'when', example: ctx.t('when.example') };
      case 'confirm': {
        const booking = current(state)!;
        return {
          id,
          confirmation: true,
          text: ctx.t('reschedule.confirm', { ref: booking.ref, from: formatWhen(ctx, new Date(booking.startsAt)), to: formatWhen(ctx, new Date(state.slotStart!)) }),
          options: [
            { id: 'yes', label: ctx.t('yes'), synonyms: ['确认', 'confirm'], exact: YES_WORDS },
            { id: 'no', label: ctx.t('no'), exact: NO_WORDS },
          ],
          field: 'when',
        };
      }
    }
    throw new Error(`reschedule has no question ${id}`);
  },

  async answer(ctx, state, id, reply) {
    switch (id) {
      case 'pick':
        if (reply.kind === 'option') state.bookingId = reply.option.id;
        return plan(ctx, state);
      case 'when':
        if (reply.kind === 'field') state.wanted = reply.value as WantedTime;
        return plan(ctx, state);
      case 'confirm':
        if (reply.kind === 'field') {
          state.wanted = reply.value as WantedTime;
          state.slotStart = undefined;
          return plan(ctx, state);
        }
        if (reply.kind === 'option' && reply.option.id === 'yes') {
          state.confirmed = true;
          return plan(ctx, state);
        }
        ctx.say(ctx.t('reschedule.kept'));
        return { done: null };
    }
    throw new Error(`reschedule has no question ${id}`);
  },

  async resume(ctx, state, child, result) {
    if (child === REGISTRATION) {
      if (!(result as RegistrationResult | null)) return { done: null };
      return plan(ctx, state);
    }
    const offer = result as SlotOfferResult | null;
    if (!offer) return { done: null };
    state.wanted = offer.wanted;
    state.slotStart = offer.slotStart;
    // Picking an offered time is itself the confirmation.
    state.confirmed = offer.picked;
    return plan(ctx, state);
  },
};

function current(state: RescheduleState): BookingSummary | undefined {
  return state.bookings?.find((b) => b.id === state.bookingId);
}

async function plan(ctx: FlowContext, state: RescheduleState): Promise<Step<{ bookingId: string } | null>> {
  if (!ctx.customer) return { call: REGISTRATION, input: { purpose: 'identify' } satisfies RegistrationInput };
  if (!state.bookings) state.bookings = (await ctx.desk.upcomingBookings(ctx.customer.id)).map(summarise);
  if (state.bookings.length === 0) {
    ctx.say(ctx.t('mine.none'));
    return { done: null };
  }
  if (!state.bookingId || !current(state)) {
    const found = implied(state.bookings, state.bookingRef, ctx.memory.lastBookingId);
    if (!found) {
      if (state.bookingRef) ctx.say(ctx.t('reschedule.refUnknown', { ref: state.bookingRef }));
      state.bookingRef = null;
      return { ask: 'pick' };
    }
    state.bookingId = found.id;
  }
  if (!state.wanted) return { ask: 'when' };
  if (!state.slotStart) {
    const booking = current(state)!;
    const serviceIds = await serviceIdsOf(ctx, booking.id);
    return { call: SLOT_OFFER, input: { serviceIds, wanted: state.wanted, ignoreBookingId: booking.id } satisfies SlotOfferInput };
  }
  if (!state.confirmed) return { ask: 'confirm' };
  const outcome = await ctx.desk.reschedule({ customerId: ctx.customer.id, bookingId: state.bookingId, startsAt: new Date(state.slotStart) });
  if (outcome.ok) {
    ctx.memory.lastBookingId = outcome.booking.id;
    ctx.memory.lastBookingDate = localParts(outcome.booking.startsAt, ctx.timeZone).date;
    ctx.say(ctx.t('mine.rescheduled', { ref: outcome.booking.ref, when: formatWhen(ctx, outcome.booking.startsAt) }));
    return { done: { bookingId: outcome.booking.id } };
  }
  if (outcome.reason === 'slot-taken') {
    ctx.say(ctx.t('book.slotTaken'));
    state.slotStart = undefined;
    state.confirmed = false;
    return plan(ctx, state);
  }
  ctx.say(ctx.t('reschedule.notChangeable', { booking: describe(ctx, current(state)!) }));
  return { done: null };
}

async function serviceIdsOf(ctx: FlowContext, bookingId: string): Promise<string[]> {
  const booking = (await ctx.desk.upcomingBookings(ctx.customer!.id)).find((b) => b.id === bookingId);
  return booking ? booking.services.map((s) => s.id) : [];
}
