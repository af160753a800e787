import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import { InterruptibleDialog } from './interruptible-dialog';
import { turnServices } from './context';
import { t } from './i18n';
import { gaveUp, isAnswer, parsedPrompt } from './prompts';
import { explainCosts } from './cost-text';
import { matchServices } from '../services/catalog';
import { estimateServices } from '../services/booking';
import type { ParseResult } from '../services/registration';

/** "保养多少钱?": the itemised estimate for the services named, then an offer to book. */
export const PRICE_DIALOG = 'priceDialog';
const SERVICE = 'price.service';

async function servicesIn(text: string, context: TurnContext): Promise<ParseResult<string[]>> {
  const services = turnServices(context);
  const found = await matchServices(services.prisma, services.shop.id, text);
  return found.length ? { ok: true, value: found.map((s) => s.id) } : { ok: false, reason: 'price.which' };
}

export class PriceDialog extends InterruptibleDialog {
  constructor() {
    super(PRICE_DIALOG);
    this.addDialog(parsedPrompt(SERVICE, { parse: servicesIn }));
    this.addDialog(new WaterfallDialog('price.steps', [this.ask.bind(this), this.explain.bind(this)]));
    this.initialDialogId = 'price.steps';
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const found = await servicesIn((step.options as { text?: string }).text ?? '', step.context);
    if (found.ok) return step.next(found);
    return step.prompt(SERVICE, { prompt: t(turnServices(step.context).locale, 'price.which') });
  }

  private async explain(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (gaveUp(step.result) || !isAnswer<string[]>(step.result)) return step.endDialog();
    const services = turnServices(step.context);
    const breakdown = await estimateServices(services.prisma, services.shop.id, step.result.value);
    await step.context.sendActivity(`${t(services.locale, 'price.intro')}\n${explainCosts(breakdown, services.locale)}\n${t(services.locale, 'price.book')}`);
    return step.endDialog();
  }
}
