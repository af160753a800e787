import { ComponentDialog, DialogTurnStatus, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { turnServices } from './context';
import { t } from './i18n';

/**
 * Base for every flow: "取消/cancel" and "帮助/help" work at every prompt
 * (the core-bot sample's CancelAndHelpDialog). Only a reply that is just the word counts:
 * "取消预约" is a request to cancel a booking, not to leave the flow.
 */
export const CANCEL_WORDS = ['取消', '算了', '不用了', '退出', '结束', '停', 'cancel', 'quit', 'stop', 'exit', 'never mind', 'nevermind'];
export const HELP_WORDS = ['帮助', '帮忙', '怎么用', '?', '？', 'help', 'what can you do'];
export const HANDOFF_WORDS = ['转人工', '人工', '人工客服', '人工服务', '找顾问', '找人工', '真人', 'talk to a person', 'human', 'agent', 'real person', 'speak to someone'];

const HANDOFF_FLAG = Symbol.for('aftercare.handoffRequested');

/** Set when a customer asked for a person mid-flow; the bot starts the handoff after the turn. */
export function handoffRequested(context: { turnState: Map<unknown, unknown> }): boolean {
  return context.turnState.get(HANDOFF_FLAG) === true;
}

export function bareWord(text: string | undefined): string {
  return (text ?? '').trim().toLowerCase().replace(/[。.!！~～]+$/, '');
}

export class InterruptibleDialog extends ComponentDialog {
  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const interrupted = await this.interrupt(innerDc);
    return interrupted ?? super.onContinueDialog(innerDc);
  }

  private async interrupt(innerDc: DialogContext): Promise<DialogTurnResult | undefined> {
    const word = bareWord(innerDc.context.activity.text);
    if (!word) return undefined;
    const { locale } = turnServices(innerDc.context);
    if (HELP_WORDS.includes(word)) {
      await innerDc.context.sendActivity(t(locale, 'help'));
      // Re-ask the pending question so the customer knows where they are.
      await innerDc.repromptDialog();
      return { status: DialogTurnStatus.waiting };
    }
    if (HANDOFF_WORDS.includes(word)) {
      innerDc.context.turnState.set(HANDOFF_FLAG, true);
      return innerDc.cancelAllDialogs();
    }
    if (CANCEL_WORDS.includes(word)) {
      await innerDc.context.sendActivity(t(locale, 'cancelled'));
      return innerDc.cancelAllDialogs();
    }
    return undefined;
  }
}
