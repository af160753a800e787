/**
 * 取消预约: which booking, a yes/no confirmation, an optional reason; the slot is free the
 * moment it is cancelled.
 */
import type { Flow, FlowContext, Step } from './core/flow';
import type { Question } from './core/question';
import { NO_WORDS, YES_WORDS } from './core/reader';
import { bookingOptions, describe, implied, summarise, type BookingSummary } from './booking-choice';
import { REGISTRATION, type RegistrationInput, type RegistrationResult } from './registration-dialog';

export const CANCEL_BOOKING = 'cancel-booking';

export interface CancelBookingInput {
  bookingId?: string;
  bookingRef?: string | null;
}

interface CancelState {
  bookingId?: string;
  bookingRef?: string | null;
  bookings?: BookingSummary[];
  confirmed?: boolean;
}

export const cancelBookingDialog: Flow<CancelState, CancelBookingInput, null> = {
  id: CANCEL_BOOKING,
  serves: ['cancel'],

  async begin(ctx, input) {
    const state: CancelState = { bookingId: input.bookingId, bookingRef: input.bookingRef };
    return { state, next: await plan(ctx, state) };
  },

  question(ctx, state, id): Question {
    switch (id) {
      case 'pick':
        return { id, text: ctx.t('cancel.pick'), options: bookingOptions(ctx, state.bookings ?? []) };
      case 'confirm':
        return {
          id,
          confirmation: true,
          text: ctx.t('mine.confirmCancel', { booking: describe(ctx, current(state)!) }),
          options: [
            { id: 'yes', label: ctx.t('yes'), synonyms: ['确认取消', '取消', 'cancel it'], exact: YES_WORDS },
            { id: 'no', label: ctx.t('no'), synonyms: ['不取消', '保留', 'keep'], exact: NO_WORDS },
          ],
        };
      case 'reason':
        return { id, text: ctx.t('mine.askReason'), field: 'text', optional: true };
    }
    throw new Error(`cancel-booking has no question ${id}`);
  },

  async answer(ctx, state, id, reply) {
    switch (id) {
      case 'pick':
        if (reply.kind === 'option') state.bookingId = reply.option.id;
        return plan(ctx, state);
      case 'confirm':
        if (reply.kind === 'option' && reply.option.id === 'yes') {
          state.confirmed = true;
          return { ask: 'reason' };
        }
        ctx.say(ctx.t('mine.kept'));
        return { done: null };
      case 'reason': {
        const reason = reply.kind === 'field' ? String(reply.value) : null;
        const outcome = await ctx.desk.cancel({ customerId: ctx.customer!.id, bookingId: state.bookingId!, reason });
        if (outcome.ok) ctx.say(ctx.t('mine.cancelled', { ref: outcome.booking.ref }));
        else ctx.say(ctx.t('reschedule.notChangeable', { booking: describe(ctx, current(state)!) }));
        return { done: null };
      }
    }
    throw new Error(`cancel-booking has no question ${id}`);
  },

  async resume(ctx, state, _child, result) {
    if (!(result as RegistrationResult | null)) return { done: null };
    return plan(ctx, state);
  },
};

function current(state: CancelState): BookingSummary | undefined {
  return state.bookings?.find((b) => b.id === state.bookingId);
}

async function plan(ctx: FlowContext, state: CancelState): Promise<Step<null>> {
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
      ctx.say(`${ctx.t('mine.list')}\n${state.bookings.map((b) => describe(ctx, b)).join('\n')}`);
      return { ask: 'pick' };
    }
    state.bookingId = found.id;
  }
  return { ask: 'confirm' };
}
