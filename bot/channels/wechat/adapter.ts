/**
 * WeChat door for the bot: a botbuilder BotAdapter over a Wechaty instance, so the same
 * ActivityHandler that runs on Teams runs unchanged on WeChat (personal, WeCom or Official
 * Account puppets). WeChat carries text only: the bot renders choices for this channel as
 * numbered text (bot/render.ts) and the dialogs' reader maps a numbered reply back.
 */
import crypto from 'node:crypto';
import {
  ActivityTypes,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import { types as wechatyTypes, type Message, type Wechaty } from 'wechaty';
import { TextChannelAdapter, textOf } from '../text-adapter';

export const WECHAT_CHANNEL_ID = 'wechat';
/** Not http(s), so nothing in botbuilder ever tries to POST replies to a connector. */
export const WECHAT_SERVICE_URL = 'wechat://';
export const MAX_INBOUND_TEXT = 4000;
/** WeChat Official Accounts may send free-form customer-service messages for 48 h after the user's last message. */
export const OFFICIAL_ACCOUNT_WINDOW_MS = 48 * 60 * 60 * 1000;

export type WechatOutboxReason = 'template-required';

export interface WechatOutbox {
  /** Keep a message that could not be sent so someone can follow up (e.g. with a template message). */
  queue(contactId: string, text: string, reason: WechatOutboxReason): Promise<void>;
}

export interface WechatLogger {
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

export interface WechatAdapterOptions {
  wechaty: Wechaty;
  /** Bot's WeChat id for `recipient.id`; defaults to the logged-in user's id. */
  botId?: string;
  logger?: WechatLogger;
  outbox?: WechatOutbox;
  /** The puppet is an Official Account: enforce the 48-hour customer-service window on proactive messages. */
  officialAccount?: boolean;
  /** When the contact last wrote to us; required with `officialAccount`. */
  lastInboundAt?: (contactId: string) => Promise<Date | null>;
  /** Clock, for tests. */
  now?: () => Date;
  /** What to answer a picture or a voice message with (the bot's catalogue). */
  nonTextReply: NonTextReply;
}

type Logic = (context: TurnContext) => Promise<void>;

/** turnState keys; symbols so they cannot clash with the bot's own turn state. */
const INBOUND_MESSAGE = Symbol('wechat.inboundMessage');
const TURN_INFO = Symbol('wechat.turnInfo');

interface TurnInfo {
  proactive: boolean;
}

/** Said to media in a private chat; the words come from the bot's catalogue (nonText). */
export type NonTextReply = () => string;
/** Media a person sends expecting it to be read; stickers, recalls and system notices get no answer. */
const MEDIA_TYPES = new Set<wechatyTypes.Message>([
  wechatyTypes.Message.Image,
  wechatyTypes.Message.Audio,
  wechatyTypes.Message.Video,
  wechatyTypes.Message.Attachment,
]);

export function parseConversationId(id: string | undefined): { kind: 'room' | 'contact'; id: string } | null {
  const m = /^(room|contact):(.+)$/.exec(id ?? '');
  return m ? { kind: m[1] as 'room' | 'contact', id: m[2] } : null;
}

export class WechatAdapter extends TextChannelAdapter {
  readonly wechaty: Wechaty;
  private readonly options: WechatAdapterOptions;
  private readonly logger: WechatLogger;
  /** Inbound turns of one conversation run one after another, or dialog state would race. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(options: WechatAdapterOptions) {
    super();
    if (options.officialAccount && (!options.outbox || !options.lastInboundAt)) {
      // Without both, a proactive message outside the 48 h window could only be dropped.
      throw new Error('WechatAdapter: officialAccount requires both lastInboundAt and outbox');
    }
    this.wechaty = options.wechaty;
    this.options = options;
    this.logger = options.logger ?? console;
  }

  private now(): Date {
    return this.options.now ? this.options.now() : new Date();
  }

  private botId(): string {
    return this.options.botId ?? this.wechaty.currentUser.id;
  }

  private botName(): string {
    try {
      return this.wechaty.currentUser.name();
    } catch {
      return '';
    }
  }

  /** Turns one Wechaty message into a bot turn; resolves when the turn (and its replies) is done. */
  async handleMessage(msg: Message, logic: Logic): Promise<void> {
    if (msg.self()) return;
    const room = msg.room();
    const talker = msg.talker();
    const conversationId = room ? `room:${room.id}` : `contact:${talker.id}`;
    await this.serialize(conversationId, () => this.processMessage(msg, conversationId, logic));
  }

  private serialize(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }

  private async processMessage(msg: Message, conversationId: string, logic: Logic): Promise<void> {
    const room = msg.room();
    const talker = msg.talker();
    if (msg.type() !== wechatyTypes.Message.Text) {
      // In a room nobody can @-mention the bot with a picture, so media there is not for us.
      if (!room && MEDIA_TYPES.has(msg.type())) await talker.say(this.options.nonTextReply());
      return;
    }
    let text = msg.text();
    if (room) {
      if (!(await msg.mentionSelf())) return;
      text = await msg.mentionText();
    }
    text = text.trim();
    if (text.length > MAX_INBOUND_TEXT) text = text.slice(0, MAX_INBOUND_TEXT);

    const activity: Partial<Activity> = {
      type: ActivityTypes.Message,
      channelId: WECHAT_CHANNEL_ID,
      id: msg.id,
      serviceUrl: WECHAT_SERVICE_URL,
      from: { id: talker.id, name: talker.name(), role: 'user' },
      recipient: { id: this.botId(), name: this.botName(), role: 'bot' },
      conversation: { id: conversationId, isGroup: Boolean(room), conversationType: room ? 'groupChat' : 'personal', name: '' },
      text,
      timestamp: msg.date(),
      localTimestamp: msg.date(),
      channelData: { ...(room ? { roomId: room.id } : {}), talkerId: talker.id },
    };
    const context = new TurnContext(this, activity);
    context.turnState.set(INBOUND_MESSAGE, msg);
    context.turnState.set(TURN_INFO, { proactive: false } satisfies TurnInfo);
    await this.runMiddleware(context, logic);
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type !== ActivityTypes.Message) {
        // Typing indicators, delays, traces and invoke responses have no WeChat equivalent.
        responses.push({ id: '' });
        continue;
      }
      responses.push(await this.sendMessage(context, activity));
    }
    return responses;
  }

  private turnInfo(context: TurnContext): TurnInfo {
    let info = context.turnState.get(TURN_INFO) as TurnInfo | undefined;
    if (!info) {
      // A context this adapter did not create (e.g. a test harness): treat like a proactive turn.
      info = { proactive: true };
      context.turnState.set(TURN_INFO, info);
    }
    return info;
  }

  private async sendMessage(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse> {
    const conversationId = activity.conversation?.id ?? context.activity.conversation?.id;
    const target = parseConversationId(conversationId);
    if (!conversationId || !target) throw new Error(`WechatAdapter: cannot send to conversation '${conversationId ?? ''}'`);
    const info = this.turnInfo(context);
    const text = textOf(activity);
    if (!text) return { id: '' };

    if (info.proactive && this.options.officialAccount && target.kind === 'contact') {
      const last = await this.options.lastInboundAt!(target.id);
      if (!last || this.now().getTime() - last.getTime() > OFFICIAL_ACCOUNT_WINDOW_MS) {
        await this.options.outbox!.queue(target.id, text, 'template-required');
        this.logger.info(`WeChat: contact ${target.id} is outside the 48 h window; message queued for a template`);
        return { id: `queued:${crypto.randomUUID()}` };
      }
    }

    const sayer = await this.resolveSayer(context, target);
    const sent = await sayer.say(text);
    const id = sent && typeof sent === 'object' && 'id' in sent && typeof sent.id === 'string' ? sent.id : `wechat:${crypto.randomUUID()}`;
    return { id };
  }

  private async resolveSayer(context: TurnContext, target: { kind: 'room' | 'contact'; id: string }): Promise<{ say(text: string): Promise<unknown> }> {
    const inbound = context.turnState.get(INBOUND_MESSAGE) as Message | undefined;
    if (inbound) {
      const room = inbound.room();
      if (room && target.kind === 'room' && room.id === target.id) return room;
      if (!room && target.kind === 'contact' && inbound.talker().id === target.id) return inbound.talker();
    }
    const found = target.kind === 'room' ? await this.wechaty.Room.find({ id: target.id }) : await this.wechaty.Contact.find({ id: target.id });
    if (!found) throw new Error(`WechatAdapter: WeChat ${target.kind} '${target.id}' not found`);
    return found;
  }



  /** Proactive message: `reference.conversation.id` is 'contact:<id>' or 'room:<id>' as stored from an earlier turn. */
  override async continueConversation(reference: Partial<ConversationReference>, logic: Logic): Promise<void> {
    const conversationId = reference.conversation?.id;
    if (!parseConversationId(conversationId)) throw new Error(`WechatAdapter: not a WeChat conversation reference: '${conversationId ?? ''}'`);
    const ref: Partial<ConversationReference> = {
      channelId: WECHAT_CHANNEL_ID,
      serviceUrl: WECHAT_SERVICE_URL,
      ...reference,
      bot: reference.bot ?? { id: this.options.botId ?? '', name: '' },
    };
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, ref, true);
    const context = new TurnContext(this, activity);
    context.turnState.set(TURN_INFO, { proactive: true } satisfies TurnInfo);
    await this.runMiddleware(context, logic);
  }

}
