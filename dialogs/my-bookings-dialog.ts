import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { InterruptibleDialog } from './interruptible-dialog';
import { turnServices } from './context';
import { t, type Locale } from './i18n';
import { choicePrompt, gaveUp, isAnswer, parsedPrompt, SKIP_WORDS } from './prompts';
import { choiceActivity, NO_WORDS, YES_WORDS, type Choice } from './ui';
import { bookingReference } from './booking-dialog';
import { cancelBooking, listUpcomingBookings, rescheduleBooking, SlotUnavailableError } from '../services/booking/bookings';
import { findSlots, type Slot } from '../services/booking/availability';
import type { WantedTime } from '../services/when';
import { parseWhenAnswer } from './when-answer';
import { formatLocal } from '../services/time';

/**
 * 我的预约: lists the customer's own upcoming bookings and reschedules or cancels one.
 * Every lookup is scoped to the customer, so another customer's booking id does nothing.
 */
export const MY_BOOKINGS_DIALOG = 'myBookingsDialog';
const STEPS = 'mine.steps';
const PICK = 'mine.pick';
const ACTION = 'mine.action';
const REASON = 'mine.reason';
const WHEN = 'mine.when';
const SLOT = 'mine.slot';
const CONFIRM_CANCEL = 'mine.confirmCancel';

interface MyBookingsState {
  bookingId?: string;
  action?: 'reschedule' | 'cancel';
  wanted?: WantedTime;
}

type BookingRow = Awaited<ReturnType<typeof listUpcomingBookings>>[number];

export function describeBooking(b: BookingRow, timeZone: string, locale: Locale): string {
  const services = b.lines.map((l) => (locale === 'zh' ? l.catalogItem.nameZh : l.catalogItem.nameEn)).join(locale === 'zh' ? '、' : ', ');
  return `${bookingReference(b.id)} ${formatLocal(b.startsAt, timeZone, locale)} ${b.vehicle.plate} ${services}`;
}

export class MyBookingsDialog extends InterruptibleDialog {
  constructor() {
    super(MY_BOOKINGS_DIALOG);
    this.addDialog(choicePrompt(PICK));
    this.addDialog(choicePrompt(ACTION));
    this.addDialog(choicePrompt(CONFIRM_CANCEL));
    this.addDialog(parsedPrompt(REASON, { parse: (text) => ({ ok: true, value: text.slice(0, 500) }), optional: true }));
    this.addDialog(parsedPrompt(WHEN, { parse: (text, ctx) => parseWhenAnswer(text, ctx) }));
    this.addDialog(
      choicePrompt(SLOT, (text, ctx, _choices, known) => {
        const parsed = parseWhenAnswer(text, ctx, known as WantedTime | undefined);
        return parsed.ok ? { ok: true, value: JSON.stringify(parsed.value) } : parsed;
      }),
    );
    this.addDialog(
      new WaterfallDialog(STEPS, [
        this.pick.bind(this),
        this.chooseAction.bind(this),
        this.act.bind(this),
        this.afterAct.bind(this),
        this.finish.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  private state(step: WaterfallStepContext): MyBookingsState {
    return step.options as MyBookingsState;
  }

  private async pick(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const services = turnServices(step.context);
    const { locale } = services;
    if (this.state(step).bookingId) return step.next({ ok: true, value: this.state(step).bookingId });
    const bookings = await listUpcomingBookings(services.prisma, services.customer!.id, services.now());
    if (bookings.length === 0) {
      await step.context.sendActivity(t(locale, 'mine.none'));
      return step.endDialog();
    }
    const choices: Choice[] = bookings.map((b) => ({ value: b.id, title: describeBooking(b, services.shop.timeZone, locale), synonyms: [bookingReference(b.id).toLowerCase()] }));
    if (bookings.length === 1) {
      await step.context.sendActivity(`${t(locale, 'mine.list')}\n${choices[0].title}`);
      return step.next({ ok: true, value: bookings[0].id });
    }
    return step.prompt(PICK, { prompt: choiceActivity(step.context, locale, `${t(locale, 'mine.list')}\n${t(locale, 'mine.pick')}`, choices), choices });
  }

  private async chooseAction(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (!isAnswer<string>(step.result)) return step.endDialog();
    const services = turnServices(step.context);
    const { locale } = services;
    const state = this.state(step);
    state.bookingId = step.result.value;
    if (state.action) return step.next({ ok: true, value: state.action });
    const choices: Choice[] = [
      { value: 'reschedule', title: t(locale, 'mine.reschedule'), synonyms: ['改时间', '换时间', '改期', 'change', 'move'] },
      { value: 'cancel', title: t(locale, 'mine.cancel'), synonyms: ['取消', 'cancel'] },
      { value: 'keep', title: t(locale, 'mine.keep'), synonyms: NO_WORDS },
    ];
    return step.prompt(ACTION, { prompt: choiceActivity(step.context, locale, t(locale, 'mine.whatToDo'), choices), choices });
  }

  private async act(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (!isAnswer<string>(step.result) || step.result.value === 'keep') return step.endDialog();
    const services = turnServices(step.context);
    const { locale } = services;
    const state = this.state(step);
    state.action = step.result.value as 'reschedule' | 'cancel';
    if (state.action === 'cancel') {
      const choices: Choice[] = [
        { value: 'yes', title: t(locale, 'yes'), synonyms: YES_WORDS },
        { value: 'no', title: t(locale, 'no'), synonyms: NO_WORDS },
      ];
      const booking = (await listUpcomingBookings(services.prisma, services.customer!.id, services.now())).find((b) => b.id === state.bookingId);
      if (!booking) return step.endDialog();
      return step.prompt(CONFIRM_CANCEL, {
        prompt: choiceActivity(step.context, locale, t(locale, 'mine.confirmCancel', { booking: describeBooking(booking, services.shop.timeZone, locale) }), choices),
        choices,
      });
    }
    if (state.wanted) return step.next({ ok: true, value: state.wanted });
    return step.prompt(WHEN, { prompt: t(locale, 'book.askWhen') });
  }

  private async afterAct(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const services = turnServices(step.context);
    const { locale } = services;
    const state = this.state(step);
    if (gaveUp(step.result) || !isAnswer<unknown>(step.result)) return step.endDialog();
    if (state.action === 'cancel') {
      if (step.result.value !== 'yes') return step.endDialog();
      return step.prompt(REASON, { prompt: t(locale, 'mine.askReason') });
    }
    // Reschedule: look for the wanted time and offer it or the nearest alternatives.
    const wanted = step.result.value as WantedTime;
    const booking = await services.prisma.booking.findFirst({
      where: { id: state.bookingId, customerId: services.customer!.id },
      include: { lines: true },
    });
    if (!booking) return step.endDialog();
    const search = await findSlots(services.prisma, {
      shopId: services.shop.id,
      catalogItemIds: booking.lines.map((l) => l.catalogItemId),
      wanted,
      now: services.now(),
      ignoreBookingId: booking.id,
    });
    const offer = [search.requested, ...search.alternatives].filter((s): s is Slot => Boolean(s)).slice(0, 3);
    if (offer.length === 0) {
      await step.context.sendActivity(t(locale, 'book.noAlternatives'));
      return step.replaceDialog(STEPS, { bookingId: state.bookingId, action: 'reschedule' });
    }
    const choices: Choice[] = [
      ...offer.map((s) => ({ value: s.startsAt.toISOString(), title: formatLocal(s.startsAt, services.shop.timeZone, locale) })),
      { value: 'other', title: t(locale, 'book.otherTime') },
    ];
    const intro = search.requested && wanted.time ? '' : `${t(locale, 'book.alternatives')}`;
    return step.prompt(SLOT, { prompt: choiceActivity(step.context, locale, intro || t(locale, 'book.alternatives'), choices), choices, validations: wanted });
  }

  private async finish(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const services = turnServices(step.context);
    const { locale } = services;
    const state = this.state(step);
    if (gaveUp(step.result)) return step.endDialog();
    if (state.action === 'cancel') {
      const reason = isAnswer<string>(step.result) && !SKIP_WORDS.includes(step.result.value.toLowerCase()) ? step.result.value : null;
      await cancelBooking(services.prisma, { bookingId: state.bookingId!, customerId: services.customer!.id, reason, now: services.now() });
      await step.context.sendActivity(t(locale, 'mine.cancelled', { ref: bookingReference(state.bookingId!) }));
      return step.endDialog();
    }
    if (!isAnswer<string>(step.result)) return step.endDialog();
    const value = step.result.value;
    if (value === 'other') return step.replaceDialog(STEPS, { bookingId: state.bookingId, action: 'reschedule' });
    if (value.startsWith('{')) return step.replaceDialog(STEPS, { bookingId: state.bookingId, action: 'reschedule', wanted: JSON.parse(value) });
    try {
      const booking = await rescheduleBooking(services.prisma, { bookingId: state.bookingId!, customerId: services.customer!.id, startsAt: new Date(value), now: services.now() });
      await step.context.sendActivity(t(locale, 'mine.rescheduled', { ref: bookingReference(booking.id), when: formatLocal(booking.startsAt, services.shop.timeZone, locale) }));
    } catch (error) {
      if (!(error instanceof SlotUnavailableError)) throw error;
      await step.context.sendActivity(t(locale, 'book.slotTaken'));
      return step.replaceDialog(STEPS, { bookingId: state.bookingId, action: 'reschedule' });
    }
    return step.endDialog();
  }
}


