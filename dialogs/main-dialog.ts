import { DialogSet, DialogTurnStatus, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { InterruptibleDialog } from './interruptible-dialog';
import { turnServices, type CustomerRef } from './context';
import { t } from './i18n';
import { choicePrompt, isAnswer } from './prompts';
import { choiceActivity, type Choice } from './ui';
import { recognizeIntent, type Intent } from './intents';
import { RegistrationDialog, REGISTRATION_DIALOG } from './registration-dialog';
import { BookingDialog, BOOKING_DIALOG } from './booking-dialog';
import { MyBookingsDialog, MY_BOOKINGS_DIALOG } from './my-bookings-dialog';
import { PriceDialog, PRICE_DIALOG } from './price-dialog';
import { understandWhen } from '../services/when';
import { findPlate } from '../services/registration';

/**
 * The conversation's root: recognises what a message asks for, registers first-time
 * customers on the way, and starts the matching flow. It ends after each flow, so the
 * next message starts from the top.
 */
export const MAIN_DIALOG = 'mainDialog';
const STEPS = 'main.steps';
const MENU = 'main.menu';

export interface MainOutcome {
  handoff?: boolean;
  reason?: string;
  bookingId?: string;
}

interface MainState {
  intent?: Intent;
  text?: string;
}

export class MainDialog extends InterruptibleDialog {
  constructor() {
    super(MAIN_DIALOG);
    this.addDialog(new RegistrationDialog());
    this.addDialog(new BookingDialog());
    this.addDialog(new MyBookingsDialog());
    this.addDialog(new PriceDialog());
    this.addDialog(choicePrompt(MENU));
    this.addDialog(new WaterfallDialog(STEPS, [this.route.bind(this), this.afterMenu.bind(this), this.afterRegistration.bind(this), this.afterFlow.bind(this)]));
    this.initialDialogId = STEPS;
  }

  /**
   * Runs one turn: continues the active flow or starts a new one. Returns what a flow
   * ended with this turn (e.g. `{ handoff: true }`), for the bot to act on.
   */
  async run(context: TurnContext, accessor: StatePropertyAccessor): Promise<MainOutcome | undefined> {
    const dialogSet = new DialogSet(accessor);
    dialogSet.add(this);
    const dc = await dialogSet.createContext(context);
    let result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) result = await dc.beginDialog(this.id);
    return result.status === DialogTurnStatus.complete ? (result.result as MainOutcome | undefined) : undefined;
  }

  /** Drops whatever flow the conversation is in (handoff, or a reset). */
  static async reset(context: TurnContext, accessor: StatePropertyAccessor): Promise<void> {
    await accessor.delete(context);
  }

  private state(step: WaterfallStepContext): MainState {
    return step.values as MainState;
  }

  private async route(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const services = turnServices(step.context);
    const text = (step.context.activity.text ?? '').trim();
    let intent = recognizeIntent(text);
    // A date or plate alone still means a booking ("明天上午10点", "沪A12345").
    if (intent === 'unknown' && (understandWhen(text, { now: services.now(), timeZone: services.shop.timeZone }) || findPlate(text))) intent = 'book';
    this.state(step).intent = intent;
    this.state(step).text = text;
    if (intent === 'book' || intent === 'myBookings') return step.next();
    if (intent === 'handoff') return step.endDialog({ handoff: true, reason: 'customer-request' });
    const { locale } = services;
    if (intent === 'price') return step.replaceDialog(PRICE_DIALOG, { text });
    if (intent === 'thanks') {
      await step.context.sendActivity(t(locale, 'thanks'));
      return step.endDialog();
    }
    const shopName = locale === 'zh' ? services.shop.name : services.shop.nameEn ?? services.shop.name;
    if (intent === 'help') await step.context.sendActivity(t(locale, 'help'));
    else if (intent === 'greeting') await step.context.sendActivity(t(locale, 'welcome', { shop: shopName }));
    else await step.context.sendActivity(t(locale, 'notUnderstood'));
    const choices: Choice[] = [
      { value: 'book', title: t(locale, 'menu.book'), synonyms: ['预约', '保养', 'book', 'booking'] },
      { value: 'myBookings', title: t(locale, 'menu.mine'), synonyms: ['我的预约', 'my bookings'] },
      { value: 'handoff', title: t(locale, 'menu.human'), synonyms: ['人工', 'person', 'human'] },
    ];
    return step.prompt(MENU, { prompt: choiceActivity(step.context, locale, t(locale, 'menu'), choices), choices });
  }

  private async afterMenu(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const state = this.state(step);
    if (isAnswer<string>(step.result)) {
      state.intent = step.result.value as Intent;
      // "book an oil change tomorrow at 10am" picks "book" and still carries the details.
      const reply = (step.context.activity.text ?? '').trim();
      state.text = /^\s*\d{1,2}\s*$/.test(reply) ? '' : reply;
      if (state.intent === 'handoff') return step.endDialog({ handoff: true, reason: 'customer-request' });
    } else if (step.result !== undefined) {
      // Three replies in a row the bot could not place: a person takes over.
      return step.endDialog({ handoff: true, reason: 'not-understood' });
    }
    const services = turnServices(step.context);
    if (!services.customer) return step.beginDialog(REGISTRATION_DIALOG, { plate: findPlate(state.text ?? '') ?? undefined });
    return step.next(services.customer);
  }

  private async afterRegistration(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const customer = step.result as CustomerRef | null | undefined;
    if (!customer) return step.endDialog();
    const services = turnServices(step.context);
    services.customer = customer;
    const state = this.state(step);
    if (state.intent === 'myBookings') return step.beginDialog(MY_BOOKINGS_DIALOG, {});
    return step.beginDialog(BOOKING_DIALOG, { text: state.text });
  }

  private async afterFlow(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog(step.result);
  }
}
