/**
 * The Official Account door for the bot: a botbuilder adapter like the WeChat and console
 * ones, so the same AftercareBot runs unchanged. A webhook event becomes an activity on the
 * channel "wechat-oa" (the follower's openid is the user id); the turn's replies leave
 * together as one customer-service message (they share the reply window's five slots with
 * every notice), through the channel's `deliver`.
 */
import { ActivityTypes, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder';
import { TextChannelAdapter, textOf } from '../text-adapter';

export const OA_CHANNEL_ID = 'wechat-oa';
/** Not http(s), so nothing in botbuilder ever tries to POST replies to a connector. */
export const OA_SERVICE_URL = 'wechat-oa://';

type Logic = (context: TurnContext) => Promise<void>;

/** The conversation of a follower (one-to-one: an Official Account has no group chats). */
export function conversationIdOf(openid: string): string {
  return `oa:${openid}`;
}

export function openidOf(reference: Partial<ConversationReference>): string | null {
  const m = /^oa:(.+)$/.exec(reference.conversation?.id ?? '');
  return m ? m[1] : null;
}

export interface OfficialAccountAdapterOptions {
  /** Sends a turn's words to a follower; `waiting` when the reply window lets nothing through. */
  reply(openid: string, text: string): Promise<void>;
}

export class OfficialAccountAdapter extends TextChannelAdapter {
  /** A follower's turns run one after another in this process, or dialog state would race. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly options: OfficialAccountAdapterOptions) {
    super();
  }

  /** Runs `task` after every earlier task of the same follower. */
  serialize(openid: string, task: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(openid) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    this.queues.set(openid, tail);
    void tail.then(() => {
      if (this.queues.get(openid) === tail) this.queues.delete(openid);
    });
    return run;
  }

  /** One turn for an inbound activity (built by the channel from the webhook's XML). */
  async runTurn(activity: Partial<Activity>, logic: Logic): Promise<void> {
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    // Typing indicators, traces and invoke responses have no WeChat equivalent.
    const messages = activities.filter((a) => a.type === ActivityTypes.Message);
    const text = messages.map((a) => textOf(a)).filter(Boolean).join('\n\n');
    if (text) {
      const openid = openidOf(TurnContext.getConversationReference({ ...context.activity, ...(messages[0]?.conversation ? { conversation: messages[0].conversation } : {}) }));
      if (!openid) throw new Error(`OfficialAccountAdapter: cannot send to conversation '${context.activity.conversation?.id ?? ''}'`);
      await this.options.reply(openid, text);
    }
    return activities.map(() => ({ id: '' }));
  }

  /** Proactive turns (continueConversationAsync) send through the same reply path. */
  override async continueConversation(reference: Partial<ConversationReference>, logic: Logic): Promise<void> {
    if (!openidOf(reference)) throw new Error(`OfficialAccountAdapter: not an Official Account conversation: '${reference.conversation?.id ?? ''}'`);
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, { channelId: OA_CHANNEL_ID, serviceUrl: OA_SERVICE_URL, ...reference }, true);
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }
}
