import { WaterfallDialog, type WaterfallStepContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import { InterruptibleDialog } from './interruptible-dialog';
import { turnServices, type CustomerRef } from './context';
import { t } from './i18n';
import { gaveUp, isAnswer, parsedPrompt } from './prompts';
import { parseMileage, parseMobile, parseName, parsePlate, parseVin, type ParseResult } from '../services/registration';
import { linkIdentityToCustomer, plateOwner, raiseRegistrationHelpTask, registerCustomer, vinTaken } from '../services/customers';

/**
 * First contact (建档): mobile, name, plate, optional VIN and mileage. A mobile number
 * already on file links this chat to that customer only after they name one of its plates,
 * so knowing someone's number is not enough to see their bookings.
 */
export const REGISTRATION_DIALOG = 'registrationDialog';

interface RegistrationState {
  mobile?: string;
  name?: string;
  plate?: string;
  vin?: string | null;
  mileageKm?: number | null;
  existingCustomerId?: string;
}

const MOBILE = 'reg.mobile';
const NAME = 'reg.name';
const PLATE = 'reg.plate';
const VIN = 'reg.vin';
const MILEAGE = 'reg.mileage';
const VERIFY = 'reg.verifyPlate';

export class RegistrationDialog extends InterruptibleDialog {
  constructor() {
    super(REGISTRATION_DIALOG);
    this.addDialog(parsedPrompt(MOBILE, { parse: parseMobile }));
    this.addDialog(parsedPrompt(NAME, { parse: parseName }));
    this.addDialog(parsedPrompt(PLATE, { parse: (text, ctx) => freePlate(text, ctx) }));
    this.addDialog(parsedPrompt(VIN, { parse: (text, ctx) => freeVin(text, ctx), optional: true }));
    this.addDialog(parsedPrompt(MILEAGE, { parse: parseMileage, optional: true }));
    this.addDialog(parsedPrompt(VERIFY, { parse: parsePlate }));
    this.addDialog(
      new WaterfallDialog('reg.steps', [
        this.askMobile.bind(this),
        this.afterMobile.bind(this),
        this.afterNameOrVerify.bind(this),
        this.afterPlate.bind(this),
        this.afterVin.bind(this),
        this.finish.bind(this),
      ]),
    );
    this.initialDialogId = 'reg.steps';
  }

  private state(step: WaterfallStepContext): RegistrationState {
    return step.values as RegistrationState;
  }

  private async giveUp(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const services = turnServices(step.context);
    await raiseRegistrationHelpTask(services.prisma, {
      shopId: services.shop.id,
      identityId: services.identityId,
      collected: { ...this.state(step) },
      now: services.now(),
    });
    await step.context.sendActivity(t(services.locale, 'reg.gaveUp'));
    return step.endDialog(null);
  }

  private async askMobile(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { locale } = turnServices(step.context);
    return step.prompt(MOBILE, { prompt: `${t(locale, 'reg.intro')}\n${t(locale, 'reg.askMobile')}` });
  }

  private async afterMobile(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (gaveUp(step.result)) return this.giveUp(step);
    if (!isAnswer<string>(step.result)) return step.endDialog(null);
    const services = turnServices(step.context);
    const mobile = step.result.value;
    this.state(step).mobile = mobile;
    const existing = await services.prisma.customer.findUnique({ where: { shopId_mobile: { shopId: services.shop.id, mobile } } });
    if (existing) {
      this.state(step).existingCustomerId = existing.id;
      return step.prompt(VERIFY, { prompt: t(services.locale, 'reg.verifyPlate') });
    }
    return step.prompt(NAME, { prompt: t(services.locale, 'reg.askName') });
  }

  private async afterNameOrVerify(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (gaveUp(step.result)) return this.giveUp(step);
    if (!isAnswer<string>(step.result)) return step.endDialog(null);
    const services = turnServices(step.context);
    const state = this.state(step);
    if (state.existingCustomerId) {
      const owner = await plateOwner(services.prisma, services.shop.id, step.result.value);
      if (owner?.id !== state.existingCustomerId) {
        await step.context.sendActivity(t(services.locale, 'reg.verifyFailed'));
        return this.giveUp(step);
      }
      const customer = await linkIdentityToCustomer(services.prisma, { identityId: services.identityId, customerId: owner.id, now: services.now() });
      await step.context.sendActivity(t(services.locale, 'reg.linked', { name: customer.name }));
      return step.endDialog(customer satisfies CustomerRef);
    }
    state.name = step.result.value;
    // The opening message may already have named the car ("给沪A12345做保养").
    const prefilled = (step.options as { plate?: string } | undefined)?.plate;
    if (prefilled && !(await plateOwner(services.prisma, services.shop.id, prefilled))) return step.next({ ok: true, value: prefilled });
    return step.prompt(PLATE, { prompt: t(services.locale, 'reg.askPlate') });
  }

  private async afterPlate(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (gaveUp(step.result)) return this.giveUp(step);
    if (!isAnswer<string>(step.result)) return step.endDialog(null);
    this.state(step).plate = step.result.value;
    return step.prompt(VIN, { prompt: t(turnServices(step.context).locale, 'reg.askVin') });
  }

  private async afterVin(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (gaveUp(step.result)) return this.giveUp(step);
    this.state(step).vin = isAnswer<string>(step.result) ? step.result.value : null;
    return step.prompt(MILEAGE, { prompt: t(turnServices(step.context).locale, 'reg.askMileage') });
  }

  private async finish(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (gaveUp(step.result)) return this.giveUp(step);
    const services = turnServices(step.context);
    const state = this.state(step);
    state.mileageKm = isAnswer<number>(step.result) ? step.result.value : null;
    const customer = await registerCustomer(services.prisma, {
      shopId: services.shop.id,
      identityId: services.identityId,
      mobile: state.mobile!,
      name: state.name!,
      locale: services.locale,
      plate: state.plate!,
      vin: state.vin ?? null,
      mileageKm: state.mileageKm,
      now: services.now(),
    });
    await step.context.sendActivity(t(services.locale, 'reg.done', { name: customer.name, plate: state.plate! }));
    return step.endDialog(customer satisfies CustomerRef);
  }
}

async function freePlate(text: string, context: TurnContext): Promise<ParseResult<string>> {
  const parsed = parsePlate(text);
  if (!parsed.ok) return parsed;
  const services = turnServices(context);
  const owner = await plateOwner(services.prisma, services.shop.id, parsed.value);
  // A plate on someone else's file: say so without revealing whose.
  if (owner) {
    await context.sendActivity(t(services.locale, 'reg.plateTaken', { plate: parsed.value }));
    return { ok: false, reason: '' };
  }
  return parsed;
}

async function freeVin(text: string, context: TurnContext): Promise<ParseResult<string>> {
  const parsed = parseVin(text);
  if (!parsed.ok) return parsed;
  const services = turnServices(context);
  return (await vinTaken(services.prisma, services.shop.id, parsed.value)) ? { ok: false, reason: 'vin.taken' } : parsed;
}
