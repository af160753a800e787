/**
 * 我的预约: lists the customer's upcoming bookings and hands one to rescheduling or
 * cancelling. Every lookup is the customer's own; another customer's reference does nothing.
 */
import type { Flow, FlowContext, Step } from './core/flow';
import type { Question } from './core/question';
import { NO_WORDS } from './core/reader';
import type { WantedTime } from '../services/time';
import { bookingOptions, describe, summarise, type BookingSummary } from './booking-choice';
import { REGISTRATION, type RegistrationInput, type RegistrationResult } from './registration-dialog';
import { RESCHEDULE, type RescheduleInput } from './reschedule-dialog';
import { CANCEL_BOOKING, type CancelBookingInput } from './cancel-booking-dialog';

export const MY_BOOKINGS = 'my-bookings';

interface MyBookingsState {
  bookings: BookingSummary[];
  bookingId?: string;
}

export const myBookingsDialog: Flow<MyBookingsState, Record<string, never>, null> = {
  id: MY_BOOKINGS,
  serves: ['my_bookings'],

  async begin(ctx) {
    const state: MyBookingsState = { bookings: [] };
    if (!ctx.customer) return { state, next: { call: REGISTRATION, input: { purpose: 'identify' } satisfies RegistrationInput } };
    return { state, next: await list(ctx, state) };
  },

  async resume(ctx, state, _child, result) {
    if (!(result as RegistrationResult | null)) return { done: null };
    return list(ctx, state);
  },

  question(ctx, state, id): Question {
    if (id === 'pick') return { id, text: ctx.t('mine.pick'), options: bookingOptions(ctx, state.bookings) };
    const booking = state.bookings.find((b) => b.id === state.bookingId)!;
    return {
      id: 'action',
      text: ctx.t('mine.whatToDo', { ref: booking.ref }),
      options: [
        { id: 'reschedule', label: ctx.t('mine.reschedule'), synonyms: ['改期', '改时间', '换时间', '推迟', '提前', 'reschedule', 'move', 'change'] },
        { id: 'cancel', label: ctx.t('mine.cancel'), synonyms: ['取消', '取消预约', 'cancel'] },
        { id: 'keep', label: ctx.t('mine.keep'), synonyms: ['不用了', '没事', '保留', 'nothing', 'keep', 'keep it'], exact: NO_WORDS },
      ],
      // "改到周四上午" at this prompt is a reschedule to that time.
      field: 'when',
    };
  },

  async answer(ctx, state, id, reply) {
    if (id === 'pick') {
      if (reply.kind === 'option') state.bookingId = reply.option.id;
      return { ask: 'action' };
    }
    const bookingId = state.bookingId!;
    if (reply.kind === 'field') return { replace: RESCHEDULE, input: { bookingId, wanted: reply.value as WantedTime } satisfies RescheduleInput };
    const action = reply.kind === 'option' ? reply.option.id : 'keep';
    if (action === 'reschedule') return { replace: RESCHEDULE, input: { bookingId } satisfies RescheduleInput };
    if (action === 'cancel') return { replace: CANCEL_BOOKING, input: { bookingId } satisfies CancelBookingInput };
    ctx.say(ctx.t('mine.kept'));
    return { done: null };
  },
};

async function list(ctx: FlowContext, state: MyBookingsState): Promise<Step<null>> {
  state.bookings = (await ctx.desk.upcomingBookings(ctx.customer!.id)).map(summarise);
  if (state.bookings.length === 0) {
    ctx.say(ctx.t('mine.none'));
    return { done: null };
  }
  ctx.say(`${ctx.t('mine.list')}\n${state.bookings.map((b) => describe(ctx, b)).join('\n')}`);
  if (state.bookings.length === 1) {
    state.bookingId = state.bookings[0].id;
    return { ask: 'action' };
  }
  return { ask: 'pick' };
}
