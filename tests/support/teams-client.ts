import crypto from 'node:crypto';
import { renderActivity, type FakeConnector, type RecordedCall } from './fake-connector';

/**
 * A Teams user talking to the bot over the real Bot Framework protocol: Activity JSON
 * posted to /api/messages, replies read back from the fake connector.
 */
type CardAction = { title: string; data: Record<string, unknown> };

/** The card's buttons: its own, and those in containers (under the heading `under`, when given). */
export function cardActions(card: Record<string, any>, under?: string): CardAction[] {
  const inContainers: CardAction[] = [];
  for (const element of card.body ?? []) {
    if (element.type !== 'Container') continue;
    const heading = (element.items ?? []).filter((i: any) => i.type === 'TextBlock').map((i: any) => i.text).join(' ');
    if (under && !heading.includes(under)) continue;
    for (const item of element.items ?? []) if (item.type === 'ActionSet') inContainers.push(...item.actions);
  }
  return under ? inContainers : [...inContainers, ...((card.actions ?? []) as CardAction[])];
}

export class TeamsUser {
  private seen = 0;
  readonly conversationId: string;

  constructor(
    private readonly appUrl: string,
    private readonly connector: FakeConnector,
    readonly userId = `29:${crypto.randomBytes(6).toString('hex')}`,
    readonly name = '王先生',
    private readonly locale = 'zh-CN',
  ) {
    this.conversationId = `a:${crypto.randomBytes(8).toString('hex')}`;
  }

  activity(extra: Record<string, unknown>): Record<string, unknown> {
    return {
      type: 'message',
      id: `act-${crypto.randomBytes(6).toString('hex')}`,
      timestamp: new Date().toISOString(),
      serviceUrl: this.connector.url,
      channelId: 'msteams',
      from: { id: this.userId, name: this.name, aadObjectId: crypto.randomUUID() },
      conversation: { id: this.conversationId, conversationType: 'personal', tenantId: 'tenant-1' },
      recipient: { id: '28:aftercare-bot', name: 'aftercare' },
      locale: this.locale,
      channelData: { tenant: { id: 'tenant-1' } },
      ...extra,
    };
  }

  async post(activity: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    const res = await fetch(`${this.appUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(activity),
    });
    return { status: res.status, body: await res.text() };
  }

  /** Calls the connector received for this conversation since the last look. */
  newCalls(): RecordedCall[] {
    const mine = this.connector.calls.filter((c) => c.conversationId === this.conversationId);
    const fresh = mine.slice(this.seen);
    this.seen = mine.length;
    return fresh;
  }

  async say(text: string): Promise<string> {
    const { status } = await this.post(this.activity({ text }));
    if (status >= 300) throw new Error(`bot answered HTTP ${status} to "${text}"`);
    return this.newCalls()
      .filter((c) => c.method === 'POST')
      .map((c) => renderActivity(c.body))
      .join('\n');
  }

  lastCard(): RecordedCall | undefined {
    return [...this.connector.calls].reverse().find((c) => c.conversationId === this.conversationId && c.method === 'POST' && c.body.attachments?.length);
  }

  /**
   * Presses a button of the latest card (Action.Submit), by title or by its choice value; `under`
   * picks a button in the container whose heading contains it (per-line buttons).
   */
  async press(label: string, under?: string): Promise<{ reply: string; updates: RecordedCall[] }> {
    const card = this.lastCard();
    if (!card) throw new Error('no card to press');
    const actions = cardActions(card.body.attachments[0].content, under);
    const action = actions.find((a) => a.title === label || a.data.choice === label || a.title.includes(label));
    if (!action) throw new Error(`no button "${label}" on card: ${actions.map((a) => a.title).join(', ')}`);
    const { status } = await this.post(this.activity({ text: '', value: action.data, replyToId: card.id }));
    if (status >= 300) throw new Error(`bot answered HTTP ${status} to button "${label}"`);
    const calls = this.newCalls();
    return {
      reply: calls.filter((c) => c.method === 'POST').map((c) => renderActivity(c.body)).join('\n'),
      updates: calls.filter((c) => c.method === 'PUT'),
    };
  }
}
