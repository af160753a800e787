/**
 * The reminder the evening before a booking, as a question: the customer confirms, moves or
 * cancels it right from the reminder. A time in the reply ("改到后天上午") moves it to that time;
 * words that are not an answer go on as a new request, the booking untouched.
 */
import type { Flow } from './core/flow';
import type { Question } from './core/question';
import { YES_WORDS } from './core/reader';
import type { WantedTime } from '../services/time';
import { RESCHEDULE, type RescheduleInput } from './reschedule-dialog';
import { CANCEL_BOOKING, type CancelBookingInput } from './cancel-booking-dialog';

export const BOOKING_REMINDER = 'booking-reminder';

/** What the reminder job knows, already in the customer's language. */
export interface BookingReminderInput {
  bookingId: string;
  when: string;
  plate: string;
  services: string;
  shop: string;
}

type BookingReminderState = BookingReminderInput;

export const bookingReminderDialog: Flow<BookingReminderState, BookingReminderInput, null> = {
  id: BOOKING_REMINDER,
  serves: ['reschedule', 'cancel'],

  async begin(_ctx, input) {
    return { state: { ...input }, next: { ask: 'reminder' } };
  },

  question(ctx, state): Question {
    return {
      id: 'reminder',
      text: ctx.t('reminder.ask', { shop: state.shop, when: state.when, plate: state.plate, services: state.services }),
      field: 'when',
      confirmation: true,
      options: [
        { id: 'confirm', label: ctx.t('reminder.confirm'), exact: [...YES_WORDS, '会来', '准时到', '按时到', '明天见', 'see you', "i'll be there", 'will be there'], synonyms: ['确认到店', '准时到', '按时来', 'confirm', 'see you tomorrow'] },
        { id: 'reschedule', label: ctx.t('reminder.reschedule'), synonyms: ['改期', '改时间', '换个时间', '改约', 'reschedule', 'change the time', 'another time'] },
        { id: 'cancel', label: ctx.t('reminder.cancel'), synonyms: ['取消', '取消预约', '不去了', '来不了', 'cancel', "can't make it"] },
      ],
    };
  },

  async answer(ctx, state, _id, reply) {
    if (reply.kind === 'field') return { replace: RESCHEDULE, input: { bookingId: state.bookingId, wanted: reply.value as WantedTime } satisfies RescheduleInput };
    const picked = reply.kind === 'option' ? reply.option.id : 'confirm';
    if (picked === 'reschedule') return { replace: RESCHEDULE, input: { bookingId: state.bookingId } satisfies RescheduleInput };
    if (picked === 'cancel') return { replace: CANCEL_BOOKING, input: { bookingId: state.bookingId } satisfies CancelBookingInput };
    ctx.say(ctx.t('reminder.confirmed', { when: state.when }));
    return { done: null };
  },
};
