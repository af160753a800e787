import {
  ActivityTypes,
  TeamsActivityHandler,
  TurnContext,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
} from 'botbuilder';
import { z } from 'zod';
import type { PrismaClient, RawSql } from '../services/db/client';
import { RecentIdentities, touchedIdentity, touchIdentity, type ConversationIdentityInput, type TouchedIdentity } from '../services/customers';
import { ServiceDesk } from '../services/desk';
import type { CustomerRef } from '../services/desk/types';
import { isLocale, localeFromTag, type Locale } from '../services/locale';
import { createConversation, t, type ConversationState as DialogState } from '../dialogs';
import { CANCEL_WORDS } from '../dialogs/core/engine';
import { bare } from '../dialogs/core/fields';
import { sanitizeStrings } from './http/sanitize';
import { handleAdvisorMessage } from './advisor-commands';
import { parseLinkCommand, redeemAdvisorInvite } from '../services/advisor-link';
import type { Logger } from './logger';
import { relayCustomerMessage, activeHandoff, endHandoff, callbackDeadline } from '../services/handoff';
import { shopCalendar } from '../services/shop-snapshot';
import { formatLocal } from '../services/time';
import { CARD_CHANNELS, decidedCard, renderOutbound } from './channels/render';
import { cardClaimPart, StateConflictError, TurnInProgressError, TurnStore, type TurnKey } from './turn-store';
import { RateLimiter } from './rate-limit';
import { ConversationQueue } from './conversation-queue';
import { TurnGate, type TurnGateOptions } from './turn-gate';
import { detectLocale } from '../services/understanding/locale';

/** Words that end a handoff from the customer's side. */
const END_HANDOFF_WORDS = [...CANCEL_WORDS, '结束人工', '不用人工了', 'end chat', 'back to bot'];

export const MAX_TEXT_LENGTH = 4000;

export interface ShopInfo {
  id: string;
  name: string;
  nameEn: string | null;
  timeZone: string;
  bookingHorizonDays: number;
}

export interface AftercareBotOptions {
  prisma: PrismaClient;
  /** Plain SQL for the statements every turn runs (claim and commit, identity). */
  sql: Pick<RawSql, 'query'>;
  shop: ShopInfo;
  logger: Logger;
  now?: () => Date;
  /** Sends a proactive message to an identity (the channel registry implements it). */
  notify?: (identityId: string, text: string) => Promise<void>;
  /** How long a claimed turn is another process's before a redelivery may run it (ms). */
  turnLeaseMs?: number;
  /** This process is the only one on its database (embedded): turns are leased in memory (TurnStore). */
  exclusiveDatabase?: boolean;
  /** Messages one chat identity may send per minute before the bot asks them to slow down. */
  messagesPerMinute?: number;
  /** Admission of customer turns (bot/turn-gate.ts); the app derives maxRunning from the database. */
  turnGate?: Partial<TurnGateOptions>;
}

/** What one of our card buttons sends back (bot/channels/render.ts); anything else in `value` is not a choice. */
const cardSubmitSchema = z.object({
  choice: z.string().min(1).max(200),
  q: z.string().max(200).optional(),
  title: z.string().max(300).optional(),
  prompt: z.string().max(400).optional(),
  /** The note typed into an advisor task card. */
  note: z.string().max(1000).optional(),
});

/** Who wrote this activity, for the identity upsert (names sanitised: WeChat and the console skip the HTTP sanitiser). */
function identityInput(activity: Activity, now: Date): ConversationIdentityInput {
  if (activity.from.name) activity.from.name = sanitizeStrings(activity.from.name);
  return {
    channel: activity.channelId,
    externalId: activity.from.id,
    displayName: activity.from.name,
    conversationReference: TurnContext.getConversationReference(activity),
    conversationKey: `${activity.channelId}/${activity.conversation.id}`,
    now,
  };
}

/** Per turn: the state key, the state read with the claim, and the replies held back until the commit. */
interface TurnRecord {
  key: TurnKey;
  state: DialogState | null;
  version: number | null;
  /** Set by the dialogs; undefined means the turn did not touch the conversation state. */
  next?: DialogState;
  /** Who wrote, upserted by the claim's statement (absent on a retried claim: then it is read again). */
  identity?: TouchedIdentity;
  /** The pressed card's claim, made by the turn's claim statement (absent: claim it in the turn). */
  cardFirst?: { cardId: string; first: boolean };
  replies: Array<Partial<Activity>>;
}

const TURN = Symbol('aftercare.turn');

/**
 * How often a turn is run again after losing the conversation state to another process's
 * turn. Each conflict means some other turn of the conversation did commit, so the
 * conversation as a whole always progresses; but one turn can lose once to every other
 * message of the conversation in flight on other processes (a double tap lands several at
 * once), so a small bound like 3 failed real turns under load.
 */
const MAX_CONFLICT_ATTEMPTS = 8;

/**
 * Random wait before a retry (full jitter, growing with the attempt): two processes that
 * just raced would otherwise re-read and re-run in lockstep and race again.
 */
function conflictBackoff(attempt: number): Promise<void> {
  const ceiling = Math.min(400, 10 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/**
 * Crash points for the reliability tests (AFTERCARE_FAILPOINT=before-effects|before-commit|
 * after-commit kills the process with SIGKILL there, once per process). Never set in production.
 */
type FailPoint = 'before-effects' | 'before-commit' | 'after-commit';
// Read once: process.env is a slow lookup, and this is asked three times a turn.
const FAILPOINT = process.env.AFTERCARE_FAILPOINT;
function failpoint(at: FailPoint): void {
  if (FAILPOINT === at) process.kill(process.pid, 'SIGKILL');
}

/**
 * The one bot every channel runs: Teams through CloudAdapter, WeChat and the console
 * through their own adapters. Per turn it claims the activity (a redelivery has no second
 * effect), records who wrote (for proactive messages after a restart), turns a card press
 * into a choice, keeps advisors and handoffs apart from the customer conversation, and runs
 * the dialogs — which recognise the message once and answer in words this class only
 * renders. Replies are sent only after the turn's state is committed.
 */
export class AftercareBot extends TeamsActivityHandler {
  private readonly conversation = createConversation();
  private readonly desk: ServiceDesk;
  private readonly now: () => Date;
  readonly turns: TurnStore;
  private readonly limiter: RateLimiter;
  private readonly queue = new ConversationQueue();
  private readonly identities = new RecentIdentities();
  /** Customer turns only: proactive flows and jobs use the pool's reserve, outside it. */
  readonly gate: TurnGate;

  constructor(private readonly options: AftercareBotOptions) {
    super();
    this.now = options.now ?? (() => new Date());
    this.turns = new TurnStore(options.sql, options.turnLeaseMs, options.exclusiveDatabase ?? false);
    this.limiter = new RateLimiter(options.messagesPerMinute ?? 30, 60_000);
    this.gate = new TurnGate(options.turnGate);
    this.desk = new ServiceDesk({ prisma: options.prisma, sql: options.sql, shopId: options.shop.id, now: this.now, notify: options.notify });

    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const locale = localeFromTag(context.activity.locale) ?? 'zh';
      for (const member of context.activity.membersAdded ?? []) {
        if (member.id !== context.activity.recipient?.id) {
          await context.sendActivity(t(locale, 'welcome', { shop: locale === 'zh' ? this.options.shop.name : this.options.shop.nameEn ?? this.options.shop.name }));
        }
      }
      await next();
    });
  }

  /** Every turn: claim, run, commit state and replies together, then send; retry when another process raced us. */
  override async run(context: TurnContext): Promise<void> {
    const { activity } = context;
    const effectful = activity.type === ActivityTypes.Message || activity.type === ActivityTypes.Invoke;
    if (!effectful) return super.run(context);
    const key: TurnKey = { channel: activity.channelId, activityId: activity.id ?? null, stateKey: `conversation:${activity.channelId}/${activity.conversation.id}` };
    // Admitted before any database access; a long wait is announced once per conversation (it changes no state).
    const busy = async () => {
      const locale = detectLocale(activity.text, localeFromTag(activity.locale) ?? 'zh').locale;
      await context.sendActivity(t(locale, 'busy.queued')).catch((error: unknown) => this.options.logger.warn('busy reply not sent', { error: String(error) }));
    };
    await this.gate.run(key.stateKey, activity.id ? `${activity.channelId}:${activity.id}` : null, activity.type === ActivityTypes.Message ? busy : null, async () => {
      // From the state read to its commit, one turn per conversation at a time in this process.
      const replies = await this.queue.run(key.stateKey, () => this.runClaimed(context, key));
      if (replies?.length) await context.sendActivities(replies);
      // Best effort, batched with other turns' marks (not awaited): if it is lost, a redelivery
      // after the lease repeats the replies rather than dropping them.
      if (replies) this.turns.repliesSent(key).catch((error: unknown) => this.options.logger.warn('could not mark replies sent', { error: String(error) }));
    });
  }

  /**
   * Claims the activity, runs it and commits its state: returns the replies to send, or
   * null when there is nothing more to do (a redelivery, answered here).
   */
  private async runClaimed(context: TurnContext, key: TurnKey): Promise<Array<Partial<Activity>> | null> {
    const { activity } = context;
    // The identity upsert rides with the claim: one round trip for both on every message.
    const who = activity.type === ActivityTypes.Message || activity.type === ActivityTypes.Invoke ? identityInput(activity, this.now()) : null;
    // A card press on a Message names its card now; an Invoke's is known only inside its handler.
    const submitted = activity.type === ActivityTypes.Message && !activity.text?.trim() ? cardSubmitSchema.safeParse(activity.value ?? null) : null;
    const card = submitted?.success && activity.replyToId ? { channel: `card:${activity.channelId}`, id: activity.replyToId, by: activity.id ?? `${Date.now()}` } : null;
    const claimed = await this.turns.claim(key, [
      ...(who ? [this.identities.part(who)] : []),
      ...(card ? [cardClaimPart(card.channel, card.id, card.by)] : []),
    ]);
    const [identityRow, cardRow] = claimed.kind === 'fresh' ? [who ? claimed.riders?.[0] : undefined, card ? claimed.riders?.[who ? 1 : 0] : undefined] : [];
    // Answered by this process a moment ago, its "sent" mark still on its way to the database.
    const claim = claimed.kind === 'busy' && this.turns.sentPending(key) ? { kind: 'done' as const, replies: [] } : claimed;
    if (claim.kind === 'busy') throw new TurnInProgressError(activity.id ?? '');
    if (claim.kind === 'done') {
      this.options.logger.info('redelivered activity: replies sent again, nothing run', { channel: activity.channelId, activityId: activity.id });
      if (activity.type === ActivityTypes.Invoke) await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body: {} } });
      else if (claim.replies.length) {
        // Committed but the process died before (or while) sending: the customer gets the answer now.
        await context.sendActivities(claim.replies);
        await this.turns.repliesSent(key).catch(() => {});
      }
      return null;
    }
    let record: TurnRecord = {
      key,
      state: claim.state,
      version: claim.version,
      replies: [],
      identity: identityRow ? touchedIdentity(identityRow) : undefined,
      cardFirst: card && cardRow !== undefined ? { cardId: card.id, first: cardRow === card.by } : undefined,
    };
    // Replies wait for the commit: a crash before it must leave nothing said that the state does not know.
    context.onSendActivities(async (_ctx, activities, next) => {
      const held = context.turnState.get(TURN) as TurnRecord | undefined;
      if (!held) return next();
      const messages = activities.filter((a) => a.type === ActivityTypes.Message || a.type === undefined);
      held.replies.push(...messages.map((a) => ({ type: ActivityTypes.Message, text: a.text, attachments: a.attachments })));
      const rest = activities.filter((a) => !messages.includes(a));
      const sent = rest.length ? await next() : [];
      return activities.map((a) => (messages.includes(a) ? { id: '' } : sent.shift() ?? { id: '' }));
    });
    try {
      for (let attempt = 1; ; attempt++) {
        context.turnState.set(TURN, record);
        try {
          if (activity.type === ActivityTypes.Message) failpoint('before-effects');
          await super.run(context);
          context.turnState.delete(TURN);
          if (activity.type === ActivityTypes.Message) failpoint('before-commit');
          await this.turns.commit(key, record.next as DialogState, record.version, record.replies);
          if (activity.type === ActivityTypes.Message) failpoint('after-commit');
          break;
        } catch (error) {
          context.turnState.delete(TURN);
          if (!(error instanceof StateConflictError) || attempt >= MAX_CONFLICT_ATTEMPTS) throw error;
          this.options.logger.warn('state conflict, retrying turn', { attempt });
          await conflictBackoff(attempt);
          const fresh = await this.turns.claim({ ...key, activityId: null });
          record = { key, state: fresh.kind === 'fresh' ? fresh.state : null, version: fresh.kind === 'fresh' ? fresh.version : null, replies: [] };
        }
      }
    } catch (error) {
      // Let a redelivery of this activity try again at once.
      await this.turns.release(key).catch(() => {});
      throw error;
    }
    return record.replies;
  }

  /**
   * Starts a flow in a customer's conversation without a message from them — a notice that
   * expects an answer (extra work to decide). Its question is rendered for the identity's
   * channel and sent through `send`; the conversation then waits for the reply like any other.
   */
  async beginFlow(identityId: string, flowId: string, input: unknown, send: (message: Partial<Activity>) => Promise<unknown>): Promise<void> {
    const identity = await this.options.prisma.channelIdentity.findUniqueOrThrow({ where: { id: identityId }, include: { customer: true } });
    const conversationId = (identity.conversationReference as { conversation?: { id?: string } } | null)?.conversation?.id;
    if (!conversationId) throw new Error(`identity ${identityId} has no conversation to write to`);
    const key: TurnKey = { channel: identity.channel, activityId: null, stateKey: `conversation:${identity.channel}/${conversationId}` };
    const customer: CustomerRef | null = identity.customer
      ? { id: identity.customer.id, name: identity.customer.name, locale: isLocale(identity.customer.locale) ? identity.customer.locale : 'zh' }
      : null;
    // Queued with the conversation's incoming turns, retried like them when another process wins.
    const replies = await this.queue.run(key.stateKey, async () => {
      for (let attempt = 1; ; attempt++) {
        const claim = await this.turns.claim(key);
        if (claim.kind !== 'fresh') throw new Error('unexpected claim for a proactive turn');
        const result = await this.conversation.begin(
          this.desk,
          {
            identity: { id: identity.id, channel: identity.channel, displayName: identity.displayName, conversationKey: `${identity.channel}/${conversationId}` },
            customer,
            channelLocale: null,
            turnId: null,
            richChoices: CARD_CHANNELS.has(identity.channel),
            now: this.now(),
          },
          claim.state,
          flowId,
          input,
        );
        try {
          await this.turns.commit(key, result.state, claim.version, []);
        } catch (error) {
          if (!(error instanceof StateConflictError) || attempt >= MAX_CONFLICT_ATTEMPTS) throw error;
          await conflictBackoff(attempt);
          continue;
        }
        return result.replies;
      }
    });
    for (const reply of replies) await send(renderOutbound(reply, identity.channel));
  }

  /** Universal Actions (Action.Execute): the same choice as a submit, answered with the decided card. */
  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const data = cardSubmitSchema.safeParse(invokeValue?.action?.data ?? {});
    context.activity.value = data.success ? data.data : {};
    context.activity.text = '';
    const locale = await this.handleMessage(context);
    const card = decidedCard(data.success ? data.data.prompt ?? '' : '', data.success ? data.data.title ?? data.data.choice : '', locale);
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card.content };
  }

  /** Returns the locale the turn was answered in. */
  private async handleMessage(context: TurnContext): Promise<Locale> {
    const { activity } = context;
    const now = this.now();
    const submitted = !activity.text?.trim() ? cardSubmitSchema.safeParse(activity.value ?? null) : null;
    const press = submitted?.success ? submitted.data : null;
    // WeChat and the console do not pass through the HTTP sanitiser.
    const text = sanitizeStrings(activity.text ?? '').trim();
    const conversationKey = `${activity.channelId}/${activity.conversation.id}`;
    const record = context.turnState.get(TURN) as TurnRecord;
    const identity = record.identity ?? (await touchIdentity(this.options.sql, identityInput(activity, now)));
    const stored = record.state;
    const customer: CustomerRef | null = identity.customer
      ? { id: identity.customer.id, name: identity.customer.name, locale: isLocale(identity.customer.locale) ? identity.customer.locale : 'zh' }
      : null;
    // The language for what is said before the dialogs run; they decide it for their own replies.
    const locale: Locale = stored?.locale ?? customer?.locale ?? localeFromTag(activity.locale) ?? 'zh';

    // A card decides once: replace it with its outcome, ignore a second press.
    if (press && activity.replyToId) {
      const first =
        record.cardFirst?.cardId === activity.replyToId
          ? record.cardFirst.first
          : await this.turns.claimCard(`card:${activity.channelId}`, activity.replyToId, activity.id ?? `${Date.now()}`);
      if (!first) {
        await context.sendActivity(t(locale, 'alreadyDecided'));
        return locale;
      }
      await context
        .updateActivity({ id: activity.replyToId, type: ActivityTypes.Message, attachments: [decidedCard(press.prompt ?? '', press.title ?? press.choice, locale)] })
        .catch((error: unknown) => this.options.logger.warn('could not replace decided card', { error: String(error) }));
    }

    if (!text && !press) {
      await context.sendActivity(t(locale, 'nonText'));
      return locale;
    }
    if (text.length > MAX_TEXT_LENGTH) {
      await context.sendActivity(t(locale, 'tooLong', { max: MAX_TEXT_LENGTH }));
      return locale;
    }
    // A flood from one chat account is answered once, then ignored until it calms down.
    const allowed = this.limiter.take(identity.id, now.getTime());
    if (allowed !== 'ok') {
      if (allowed === 'first-refusal') await context.sendActivity(t(locale, 'slowDown'));
      this.options.logger.warn('message rate limit', { identityId: identity.id, channel: activity.channelId });
      return locale;
    }

    const code = parseLinkCommand(text);
    if (code) {
      const linked = await redeemAdvisorInvite(this.options.prisma, {
        code,
        identityId: identity.id,
        shopId: this.options.shop.id,
        now,
        log: (message, data) => this.options.logger.warn(message, data),
      });
      if (linked.ok) await context.sendActivity(t(locale, 'advisor.linked', { name: linked.advisorName }));
      else await context.sendActivity(t(locale, linked.reason === 'locked' ? 'advisor.linkLocked' : 'advisor.linkFailed'));
      // A lockout is the managers' business at once: their tasks are pushed by the advisor.task-push job.
      return locale;
    }
    if (identity.advisorId) {
      // An advisor's card buttons carry the command they stand for ("done #k3x9qa"), a note its text.
      const command = text || (press ? [press.choice, press.note?.trim()].filter(Boolean).join(' ') : '');
      await handleAdvisorMessage(context, {
        prisma: this.options.prisma,
        advisorId: identity.advisorId,
        shopId: this.options.shop.id,
        text: command,
        activityId: activity.id ?? null,
        now,
        timeZone: this.options.shop.timeZone,
        locale,
        notify: this.options.notify,
      });
      return locale;
    }

    const handoff = identity.inHandoff ? await activeHandoff(this.options.prisma, conversationKey) : null;
    if (handoff && END_HANDOFF_WORDS.includes(bare(text))) {
      await endHandoff(this.options.prisma, handoff, now);
      await context.sendActivity(t(locale, 'handoff.ended'));
      return locale;
    }
    if (handoff) {
      const relayed = await relayCustomerMessage(this.options.prisma, {
        handoff,
        text,
        now,
        notify: this.options.notify,
        relayText: (name, said) => t('zh', 'advisor.relay', { name: name || t('zh', 'advisor.aCustomer'), text: said }),
      });
      if (relayed === 'relayed') {
        // Until an advisor answers, the customer sees that their words went somewhere.
        if (handoff.status === 'WAITING') await context.sendActivity(t(locale, 'handoff.relayed'));
        return locale;
      }
      // Nobody answered in time: the task stays with the advisors and the bot takes over again.
      const callbackBy = callbackDeadline(await shopCalendar(this.options.prisma, this.options.shop.id), now);
      await context.sendActivity(t(locale, 'handoff.callback', { when: formatLocal(callbackBy, this.options.shop.timeZone, locale) }));
    }

    const result = await this.conversation.turn(
      this.desk,
      {
        text: press ? '' : text,
        pressed: press ? { questionId: press.q ?? null, optionId: press.choice } : null,
        identity: { id: identity.id, channel: activity.channelId, displayName: activity.from.name ?? null, conversationKey },
        customer,
        channelLocale: localeFromTag(activity.locale),
        turnId: activity.id ? `${activity.channelId}:${activity.id}` : null,
        richChoices: CARD_CHANNELS.has(activity.channelId),
        now,
      },
      stored,
    );
    record.next = result.state;
    for (const outbound of result.replies) await context.sendActivity(renderOutbound(outbound, activity.channelId));
    return result.locale;
  }
}
