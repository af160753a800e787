/**
 * Terminal door for the bot (`bin/aftercare chat`): the same ActivityHandler as on Teams and
 * WeChat, one input line per turn. Rendering is shared with WeChat (bot/card-text.ts) so the
 * console is a faithful local preview of what a WeChat customer sees and can answer.
 */
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import {
  ActivityTypes,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import { ActionMemory, activityToText, guessLocale } from './card-text';
import { TextChannelAdapter } from './text-channel-adapter';

export const CONSOLE_CHANNEL_ID = 'console';
const CONSOLE_SERVICE_URL = 'console://';

export interface ConsoleAdapterOptions {
  input: Readable;
  output: Writable;
  userId?: string;
  userName?: string;
  conversationId?: string;
  /** Locale used until the user types letters (a bare "1" keeps the previous one). */
  locale?: string;
  /** Written before each line is read; defaults to '> ' on a terminal and nothing otherwise. */
  prompt?: string;
}

type Logic = (context: TurnContext) => Promise<void>;

const TURN_INFO = Symbol('console.turnInfo');

interface TurnInfo {
  turn: number;
  sentMessages: number;
}

export class ConsoleAdapter extends TextChannelAdapter {
  private readonly input: Readable;
  private readonly output: Writable;
  private readonly userId: string;
  private readonly userName: string;
  private readonly conversationId: string;
  private readonly prompt: string;
  private locale: string;
  private readonly memory = new ActionMemory();
  private turnCounter = 0;
  private nextActivityId = 0;
  private readonly sessionId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

  constructor(options: ConsoleAdapterOptions) {
    super();
    this.input = options.input;
    this.output = options.output;
    this.userId = options.userId ?? 'console-user';
    this.userName = options.userName ?? 'Console user';
    this.conversationId = options.conversationId ?? 'console';
    this.locale = options.locale ?? 'zh-CN';
    this.prompt = options.prompt ?? ((this.output as Writable & { isTTY?: boolean }).isTTY ? '> ' : '');
  }

  /**
   * Runs one turn per input line, strictly in order (the next line waits for the previous
   * turn's replies). Resolves when the input ends or the user types "/quit"; rejects if a
   * turn throws and the bot set no onTurnError.
   */
  async listen(logic: Logic): Promise<void> {
    const rl = readline.createInterface({ input: this.input, crlfDelay: Infinity, terminal: false });
    try {
      this.writePrompt();
      for await (const raw of rl) {
        const line = raw.trim();
        if (line === '/quit') break;
        if (line) await this.processLine(line, logic);
        this.writePrompt();
      }
    } finally {
      rl.close();
    }
  }

  private writePrompt(): void {
    if (this.prompt) this.output.write(this.prompt);
  }

  private async processLine(line: string, logic: Logic): Promise<void> {
    this.locale = guessLocale(line) ?? this.locale;
    const now = new Date();
    const activity: Partial<Activity> = {
      type: ActivityTypes.Message,
      channelId: CONSOLE_CHANNEL_ID,
      // Unique across sessions: inbound ids are de-duplicated in the database.
      id: `${this.sessionId}-${++this.nextActivityId}`,
      serviceUrl: CONSOLE_SERVICE_URL,
      from: { id: this.userId, name: this.userName, role: 'user' },
      recipient: { id: 'bot', name: 'Aftercare', role: 'bot' },
      conversation: { id: this.conversationId, isGroup: false, conversationType: 'personal', name: '' },
      text: line,
      timestamp: now,
      localTimestamp: now,
      locale: this.locale,
    };
    const pressed = this.memory.resolve(this.conversationId, line);
    if (pressed) {
      // Same as pressing the card button on Teams: empty text, the button's data as value.
      activity.text = pressed.text;
      if (pressed.value !== undefined) activity.value = pressed.value;
      if (pressed.replyToId) activity.replyToId = pressed.replyToId;
    }
    const context = new TurnContext(this, activity);
    const info: TurnInfo = { turn: ++this.turnCounter, sentMessages: 0 };
    context.turnState.set(TURN_INFO, info);
    await this.runMiddleware(context, logic);
    this.memory.endTurn(this.conversationId, info.turn, info.sentMessages);
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    let info = context.turnState.get(TURN_INFO) as TurnInfo | undefined;
    if (!info) {
      info = { turn: ++this.turnCounter, sentMessages: 0 };
      context.turnState.set(TURN_INFO, info);
    }
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type !== ActivityTypes.Message) {
        // Typing indicators and delays would only slow a terminal down.
        responses.push({ id: '' });
        continue;
      }
      const locale = activity.locale ?? this.locale;
      const { text, actions } = activityToText(activity, locale, { firstNumber: this.memory.nextNumber(this.conversationId, info.turn) });
      if (!text) {
        responses.push({ id: '' });
        continue;
      }
      const id = `console-${++this.nextActivityId}`;
      await this.write(`${text}\n`);
      info.sentMessages++;
      this.memory.record(this.conversationId, info.turn, actions, id);
      responses.push({ id });
    }
    return responses;
  }

  private write(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.output.write(text, (error) => (error ? reject(error) : resolve()));
    });
  }



  /** Proactive messages go to the same output; there is only one conversation. */
  override async continueConversation(reference: Partial<ConversationReference>, logic: Logic): Promise<void> {
    const ref: Partial<ConversationReference> = {
      channelId: CONSOLE_CHANNEL_ID,
      serviceUrl: CONSOLE_SERVICE_URL,
      conversation: { id: this.conversationId, isGroup: false, conversationType: 'personal', name: '' },
      user: { id: this.userId, name: this.userName },
      bot: { id: 'bot', name: 'Aftercare' },
      locale: this.locale,
      ...reference,
    };
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, ref, true);
    const context = new TurnContext(this, activity);
    context.turnState.set(TURN_INFO, { turn: ++this.turnCounter, sentMessages: 0 } satisfies TurnInfo);
    await this.runMiddleware(context, logic);
  }

}
