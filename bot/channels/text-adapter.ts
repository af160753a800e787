import { ActivityTypes, BotAdapter, type Activity, type ConversationReference, type ResourceResponse, type TurnContext } from 'botbuilder';

type Logic = (context: TurnContext) => Promise<void>;

/**
 * The words of an outgoing message on a text-only channel. The bot renders choices for these
 * channels as numbered text already (bot/render.ts); a card reaching here (a decided-card
 * update) contributes its text blocks so nothing is silently dropped.
 */
export function textOf(activity: Partial<Activity>): string {
  const parts = [activity.text ?? ''];
  for (const attachment of activity.attachments ?? []) {
    const body = (attachment.content as { body?: Array<{ text?: unknown }> } | undefined)?.body ?? [];
    for (const block of body) if (typeof block.text === 'string') parts.push(block.text);
  }
  return parts.map((p) => p.trim()).filter(Boolean).join('\n');
}

/**
 * What the text-only doors (WeChat, the terminal) share: a sent message cannot be edited or
 * taken back, so an update goes out as a new message (a decided card's outcome still reaches
 * the user) and a delete does nothing.
 */
export abstract class TextChannelAdapter extends BotAdapter {
  override async updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> {
    const [response] = await this.sendActivities(context, [{ ...activity, type: ActivityTypes.Message }]);
    return response;
  }

  override async deleteActivity(_context: TurnContext, _reference: Partial<ConversationReference>): Promise<void> {
    return;
  }

  /** Same signature as CloudAdapter's, so callers need not know which door they hold. */
  override async continueConversationAsync(
    _botAppIdOrClaims: string | object,
    reference: Partial<ConversationReference>,
    logicOrAudience: Logic | string,
    maybeLogic?: Logic,
  ): Promise<void> {
    const logic = typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic;
    if (!logic) throw new Error(`${this.constructor.name}.continueConversationAsync: missing logic`);
    await this.continueConversation(reference, logic);
  }
}
