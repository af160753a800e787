/**
 * Terminal door for the bot (`bin/aftercare chat`): the same ActivityHandler as on Teams and
 * WeChat, one input line per turn. The bot renders choices for this channel as numbered text
 * (bot/render.ts), exactly as WeChat shows them, so the console is a faithful local preview.
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
import { TextChannelAdapter, textOf } from '../text-adapter';

export const CONSOLE_CHANNEL_ID = 'console';
const CONSOLE_SERVICE_URL = 'console://';

export interface ConsoleAdapterOptions {
  input: Readable;
  output: Writable;
  userId?: string;
  userName?: string;
  conversationId?: string;
  /** Reported as the activity's locale (the dialogs decide the answer language themselves). */
  locale?: string;
  /** Written before each line is read; defaults to '> ' on a terminal and nothing otherwise. */
  prompt?: string;
}

type Logic = (context: TurnContext) => Promise<void>;



export class ConsoleAdapter extends TextChannelAdapter {
  private readonly input: Readable;
  private readonly output: Writable;
  private readonly userId: string;
  private readonly userName: string;
  private readonly conversationId: string;
  private readonly prompt: string;
  private readonly locale: string;
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
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  override async sendActivities(_context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      const text = activity.type === ActivityTypes.Message ? textOf(activity) : '';
      // Typing indicators and delays would only slow a terminal down.
      if (!text) {
        responses.push({ id: '' });
        continue;
      }
      const id = `console-${++this.nextActivityId}`;
      await this.write(`${text}\n`);
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
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

}
