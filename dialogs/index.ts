/**
 * The conversation every channel runs: the engine with the main dialog and its flows.
 * bot/ builds one per process and calls `turn` for each message.
 */
import { ConversationEngine } from './core/engine';
import { mainDialog } from './main-dialog';
import { bookingDialog } from './booking-dialog';
import { slotOfferDialog } from './slot-offer-dialog';
import { registrationDialog } from './registration-dialog';
import { myBookingsDialog } from './my-bookings-dialog';
import { rescheduleDialog } from './reschedule-dialog';
import { cancelBookingDialog } from './cancel-booking-dialog';
import { priceDialog } from './price-dialog';
import { handoffDialog } from './handoff-dialog';
import { extraWorkDialog } from './extra-work-dialog';
import { surveyDialog } from './survey-dialog';
import { complaintDialog } from './complaint-dialog';
import { bookingReminderDialog } from './booking-reminder-dialog';
import { noShowDialog } from './no-show-dialog';
import { maintenanceDueDialog } from './maintenance-due-dialog';

export function createConversation(): ConversationEngine {
  return new ConversationEngine(
    [mainDialog, bookingDialog, slotOfferDialog, registrationDialog, myBookingsDialog, rescheduleDialog, cancelBookingDialog, priceDialog, handoffDialog, extraWorkDialog, surveyDialog, complaintDialog, bookingReminderDialog, noShowDialog, maintenanceDueDialog],
    mainDialog,
  );
}

export { ConversationEngine, emptyState, type ConversationState, type TurnInput, type TurnResult } from './core/engine';
export type { Outbound, ChoiceView } from './core/question';
export { t, type MessageKey, type PlainKey, type Locale } from './i18n';
