import type { PrismaClient } from '../services/db/client';
import type { NoticeFacts } from '../services/config';
import type { Activity, ConversationReference } from 'botbuilder';
import { textOf } from './channels/text-adapter';
import type { Logger } from './logger';

/**
 * Proactive messages (reminders, approval requests, advisor pushes) by ChannelIdentity.
 * Each channel registers how it sends; a send that fails is kept as an OutboundMessage
 * for the job runner to retry, so a connector outage loses nothing.
 */
/** A sentence, or an activity already rendered for the identity's channel (a card on Teams). */
export type OutgoingMessage = string | Partial<Activity>;

/**
 * What became of a message: `sent`; `queued` — kept for a retry (or kept by the channel itself);
 * `waiting` — the channel may not deliver it now and will when the customer next writes (a
 * WeChat Official Account outside its reply window with no template for it).
 */
export type SendOutcome = 'sent' | 'queued' | 'waiting';

export interface SendOptions {
  /** The customer notice this message words: its kind and facts, for channels that send template messages. */
  notice?: NoticeFacts;
}

export type ChannelSender = (
  reference: Partial<ConversationReference>,
  message: OutgoingMessage,
  identity: { id: string; lastInboundAt: Date | null; advisorId: string | null },
  options: SendOptions,
) => Promise<SendOutcome>;

function stored(message: OutgoingMessage): { text: string; card?: object } {
  if (typeof message === 'string') return { text: message };
  return { text: textOf(message), ...(message.attachments?.length ? { card: message.attachments as unknown as object } : {}) };
}

function restored(row: { text: string; card: unknown }): OutgoingMessage {
  return row.card ? { type: 'message', text: '', attachments: row.card as Activity['attachments'] } : row.text;
}

function storedNotice(notice: NoticeFacts | undefined): { notice?: object } {
  return notice ? { notice } : {};
}

/** How long a flush may take to deliver a message it claimed before another flush may try it. */
export const LEASE_MS = 60_000;

export class ProactiveMessenger {
  private readonly senders = new Map<string, ChannelSender>();

  constructor(private readonly prisma: PrismaClient, private readonly logger: Logger) {}

  register(channel: string, sender: ChannelSender): void {
    this.senders.set(channel, sender);
  }

  /**
   * Sends now if possible; otherwise the message waits in OutboundMessage — for a retry, or
   * (`waiting`) for the customer's next message. `notice` travels with it, also into the row.
   */
  async send(identityId: string, message: OutgoingMessage, options: SendOptions = {}): Promise<SendOutcome> {
    const { text, card } = stored(message);
    const identity = await this.prisma.channelIdentity.findUnique({ where: { id: identityId } });
    if (!identity) throw new Error(`no channel identity ${identityId}`);
    const sender = this.senders.get(identity.channel);
    const reference = identity.conversationReference as Partial<ConversationReference> | null;
    const notice = storedNotice(options.notice);
    if (sender && reference) {
      try {
        const outcome = await sender(reference, message, identity, options);
        if (outcome === 'waiting') await this.prisma.outboundMessage.create({ data: { identityId, text, card, ...notice, status: 'WAITING_FOR_CUSTOMER' } });
        return outcome;
      } catch (error) {
        this.logger.warn('proactive send failed; queued for retry', { identityId, channel: identity.channel, error: String(error) });
        await this.prisma.outboundMessage.create({ data: { identityId, text, card, ...notice, status: 'QUEUED', attempts: 1, lastError: String(error).slice(0, 500) } });
        return 'queued';
      }
    }
    await this.prisma.outboundMessage.create({ data: { identityId, text, card, ...notice, status: 'QUEUED', lastError: sender ? 'no conversation reference yet' : `channel ${identity.channel} is not running` } });
    return 'queued';
  }

  /** A message the channel could not deliver outside a send (a turn's reply): it waits for the customer's next message. */
  async keepWaiting(identityId: string, message: OutgoingMessage, options: SendOptions = {}): Promise<void> {
    const { text, card } = stored(message);
    await this.prisma.outboundMessage.create({ data: { identityId, text, card, ...storedNotice(options.notice), status: 'WAITING_FOR_CUSTOMER' } });
  }

  /**
   * The customer wrote again: what waited for them goes out now, oldest first, as far as
   * the channel lets it (the rest keeps waiting). Returns how many were sent.
   */
  async wake(identityId: string, limit = 50): Promise<number> {
    const woken = await this.prisma.outboundMessage.updateMany({ where: { identityId, status: 'WAITING_FOR_CUSTOMER' }, data: { status: 'QUEUED', sentAt: null } });
    if (woken.count === 0) return 0;
    return this.flush(limit, { identityId });
  }

  /**
   * Retries queued messages, oldest first (called by the job runner and at start-up).
   * Every bot process flushes, so each attempt is claimed first: `attempts` acts as the
   * row's version and `sentAt` on a still-QUEUED row is the claim's lease. A flush that
   * loses the claim skips the message; a sender that died mid-send is retried once its
   * lease (LEASE_MS) has run out. Without the claim, two processes (or two overlapping
   * flushes) delivered the same reminder twice.
   */
  async flush(limit = 50, only?: { channel: string; externalIds: string[] } | { identityId: string }): Promise<number> {
    // A terminal (aftercare chat) flushes only what is addressed to its own user; a woken
    // identity only its own messages.
    const scope = !only ? {} : 'identityId' in only ? { identityId: only.identityId } : { identity: { channel: only.channel, externalId: { in: only.externalIds } } };
    const queued = await this.prisma.outboundMessage.findMany({ where: { status: 'QUEUED', ...scope }, orderBy: { createdAt: 'asc' }, take: limit, include: { identity: true } });
    let sent = 0;
    for (const message of queued) {
      const sender = this.senders.get(message.identity.channel);
      const reference = message.identity.conversationReference as Partial<ConversationReference> | null;
      if (!sender || !reference) continue;
      const claimed = await this.prisma.outboundMessage.updateMany({
        where: { id: message.id, status: 'QUEUED', attempts: message.attempts, OR: [{ sentAt: null }, { sentAt: { lt: new Date(Date.now() - LEASE_MS) } }] },
        data: { attempts: { increment: 1 }, sentAt: new Date() },
      });
      if (claimed.count !== 1) continue;
      try {
        const notice = (message.notice ?? undefined) as NoticeFacts | undefined;
        const outcome = await sender(reference, restored(message), message.identity, notice ? { notice } : {});
        if (outcome === 'sent') {
          await this.prisma.outboundMessage.update({ where: { id: message.id }, data: { status: 'SENT', sentAt: new Date() } });
          sent++;
        } else if (outcome === 'waiting') {
          await this.prisma.outboundMessage.update({ where: { id: message.id }, data: { status: 'WAITING_FOR_CUSTOMER', sentAt: null, attempts: { decrement: 1 } } });
        } else {
          // The channel kept it for later itself (e.g. WeChat's 48-hour window): not a failed attempt.
          await this.prisma.outboundMessage.update({ where: { id: message.id }, data: { sentAt: null, attempts: { decrement: 1 } } });
        }
      } catch (error) {
        await this.prisma.outboundMessage.update({
          where: { id: message.id },
          data: { sentAt: null, lastError: String(error).slice(0, 500), status: message.attempts + 1 >= 10 ? 'FAILED' : 'QUEUED' },
        });
      }
    }
    return sent;
  }
}
