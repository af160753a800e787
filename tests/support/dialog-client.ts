/**
 * Drives the conversation (dialogs/) directly against a FakeDesk, like botbuilder-testing's
 * DialogTestClient: `await client.say('…')` returns exactly what a WeChat customer would
 * read (choices as numbered text), with the state carried from turn to turn.
 */
import { createConversation, type ConversationState } from '../../dialogs';
import { CARD_CHANNELS, numberedText } from '../../bot/channels/render';
import type { ChoiceView } from '../../dialogs';
import type { CustomerRef } from '../../services/desk/types';
import { FakeDesk } from './fake-desk';

const engine = createConversation();

export class DialogTestClient {
  state: ConversationState | null = null;
  customer: CustomerRef | null;
  readonly identityId: string;

  constructor(readonly desk: FakeDesk, options: { customer?: CustomerRef | null; identityId?: string; channel?: string } = {}) {
    this.customer = options.customer ?? null;
    this.identityId = options.identityId ?? 'identity-1';
    this.channel = options.channel ?? 'wechat';
  }

  /** The last reply's question, as a card would carry it (Teams). */
  lastChoice: ChoiceView | null = null;
  private turns = 0;

  private readonly channel: string;

  async say(text: string, pressed?: { questionId: string | null; optionId: string }): Promise<string> {
    const result = await engine.turn(
      this.desk,
      {
        text,
        pressed: pressed ?? null,
        identity: { id: this.identityId, channel: this.channel, displayName: '王先生', conversationKey: `${this.channel}/conv-${this.identityId}` },
        customer: this.customer,
        channelLocale: null,
        turnId: `${this.channel}:turn-${++this.turns}`,
        richChoices: CARD_CHANNELS.has(this.channel),
        now: this.desk.now(),
      },
      this.state,
    );
    this.state = result.state;
    this.customer = result.customer;
    this.lastChoice = result.replies.map((r) => r.choice).filter(Boolean).at(-1) ?? null;
    return result.replies.map(numberedText).join('\n');
  }

  /** A notice that opens a conversation (the bot's beginFlow): what the customer reads first. */
  async begin(flowId: string, input: unknown): Promise<string> {
    const result = await engine.begin(
      this.desk,
      {
        identity: { id: this.identityId, channel: this.channel, displayName: '王先生', conversationKey: `${this.channel}/conv-${this.identityId}` },
        customer: this.customer,
        channelLocale: null,
        turnId: null,
        richChoices: CARD_CHANNELS.has(this.channel),
        now: this.desk.now(),
      },
      this.state,
      flowId,
      input,
    );
    this.state = result.state;
    this.lastChoice = result.replies.map((r) => r.choice).filter(Boolean).at(-1) ?? null;
    return result.replies.map(numberedText).join('\n');
  }

  /** Presses a button of the last card, by its label (and group, for per-line buttons). */
  async press(label: string, group?: string): Promise<string> {
    const option = this.lastChoice?.options.find((o) => o.label === label && (group === undefined || o.group?.includes(group)));
    if (!option) throw new Error(`no button "${label}" in the last card: ${JSON.stringify(this.lastChoice)}`);
    return this.say('', { questionId: this.lastChoice!.questionId, optionId: option.id });
  }
}

/** Friday 27 November 2026, 10:00 in Shanghai, as in every conversation test. */
export const DIALOG_NOW = new Date('2026-11-27T02:00:00Z');

export function withCustomer(desk: FakeDesk, options: { locale?: 'zh' | 'en' } = {}): DialogTestClient {
  const customer = desk.addCustomer({ name: '王先生', mobile: '13800001111', plate: '沪A12345', locale: options.locale ?? 'zh', identityId: 'identity-1' });
  return new DialogTestClient(desk, { customer: { id: customer.id, name: customer.name, locale: customer.locale } });
}
