import {
  ActivityTypes,
  ConversationState,
  TeamsActivityHandler,
  TurnContext,
  UserState,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type StatePropertyAccessor,
  type Storage,
} from 'botbuilder';
import type { PrismaClient, RawSql } from '../services/db/client';
import { touchIdentity } from '../services/customers';
import { setTurnServices, type ShopInfo, type TurnServices } from '../dialogs/context';
import { detectLocale, t, type Locale } from '../dialogs/i18n';
import { MainDialog, type MainOutcome } from '../dialogs/main-dialog';
import { decidedCard } from '../dialogs/ui';
import { StateConflictError } from './state-storage';
import { sanitizeStrings } from './http-server';
import { handleAdvisorMessage } from './advisor-commands';
import { redeemAdvisorInvite } from '../services/advisor-link';
import type { Logger } from './logger';
import { startHandoff, relayCustomerMessage, activeHandoff, endHandoff, callbackDeadline } from '../services/handoff';
import { loadShopCalendar } from '../services/calendar';
import { formatLocal } from '../services/time';
import { bareWord, CANCEL_WORDS, handoffRequested } from '../dialogs/interruptible-dialog';

/** Words that end a handoff from the customer's side. */
const END_HANDOFF_WORDS = [...CANCEL_WORDS, '结束人工', '不用人工了', 'end chat', 'back to bot'];

export const MAX_TEXT_LENGTH = 4000;

export interface AftercareBotOptions {
  prisma: PrismaClient;
  /** Plain SQL for the statements every turn runs (de-duplication, identity). */
  sql: Pick<RawSql, 'query'>;
  storage: Storage;
  shop: ShopInfo;
  logger: Logger;
  now?: () => Date;
  /** Sends a proactive message to an identity (the channel registry implements it). */
  notify?: (identityId: string, text: string) => Promise<void>;
}

interface CardSubmit {
  choice?: unknown;
  title?: unknown;
  prompt?: unknown;
}

/**
 * The one bot every channel runs: Teams through CloudAdapter, WeChat and the console
 * through their own adapters. It de-duplicates redelivered activities, records who wrote
 * (for proactive messages after a restart), turns card submissions into text, and runs
 * the dialogs.
 */
export class AftercareBot extends TeamsActivityHandler {
  readonly conversationState: ConversationState;
  readonly userState: UserState;
  private readonly dialogState: StatePropertyAccessor;
  /** The language this conversation was last answered in: "1" or a phone number keeps it. */
  private readonly conversationLocale: StatePropertyAccessor<Locale>;
  private readonly mainDialog = new MainDialog();
  private readonly now: () => Date;

  constructor(private readonly options: AftercareBotOptions) {
    super();
    this.now = options.now ?? (() => new Date());
    this.conversationState = new ConversationState(options.storage);
    this.userState = new UserState(options.storage);
    this.dialogState = this.conversationState.createProperty('dialogState');
    this.conversationLocale = this.conversationState.createProperty<Locale>('locale');

    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const locale = detectLocale(context.activity.locale?.startsWith('en') ? 'hello there' : undefined, 'zh');
      for (const member of context.activity.membersAdded ?? []) {
        if (member.id !== context.activity.recipient?.id) {
          await context.sendActivity(t(locale, 'welcome', { shop: locale === 'zh' ? this.options.shop.name : this.options.shop.nameEn ?? this.options.shop.name }));
        }
      }
      await next();
    });
  }

  /** Every turn: de-duplicate, run, save state; retry when another process raced us. */
  override async run(context: TurnContext): Promise<void> {
    const { activity } = context;
    const effectful = activity.type === ActivityTypes.Message || activity.type === ActivityTypes.Invoke;
    if (effectful && activity.id) {
      const fresh = await this.claimActivity(activity.channelId, activity.id);
      if (!fresh) {
        this.options.logger.info('duplicate activity ignored', { channel: activity.channelId, activityId: activity.id });
        if (activity.type === ActivityTypes.Invoke) await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body: {} } });
        return;
      }
    }
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await super.run(context);
          await this.conversationState.saveChanges(context);
          await this.userState.saveChanges(context);
          return;
        } catch (error) {
          if (!(error instanceof StateConflictError) || attempt >= 3) throw error;
          this.options.logger.warn('state conflict, retrying turn', { attempt });
          await this.conversationState.load(context, true);
          await this.userState.load(context, true);
        }
      }
    } catch (error) {
      // Let a redelivery of this activity try again.
      if (effectful && activity.id) await this.releaseActivity(activity.channelId, activity.id).catch(() => {});
      throw error;
    }
  }

  /** True the first time an activity id is seen; its row is the proof it was handled. */
  private async claimActivity(channel: string, activityId: string): Promise<boolean> {
    const rows = await this.options.sql.query(
      `INSERT INTO "ProcessedActivity" ("channel", "activityId", "processedAt") VALUES ($1, $2, now())
       ON CONFLICT DO NOTHING RETURNING 1 AS claimed`,
      [channel, activityId],
    );
    return rows.length === 1;
  }

  private async releaseActivity(channel: string, activityId: string): Promise<void> {
    await this.options.sql.query(`DELETE FROM "ProcessedActivity" WHERE "channel" = $1 AND "activityId" = $2`, [channel, activityId]);
  }

  /** Universal Actions (Action.Execute): the same choice as a submit, answered with the decided card. */
  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const data = (invokeValue?.action?.data ?? {}) as CardSubmit;
    context.activity.value = data;
    context.activity.text = '';
    const locale = await this.handleMessage(context);
    const card = decidedCard(String(data.prompt ?? ''), String(data.title ?? data.choice ?? ''), locale);
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card.content };
  }

  /** Returns the locale the turn was answered in. */
  private async handleMessage(context: TurnContext): Promise<Locale> {
    const { activity } = context;
    const now = this.now();
    const submit = (activity.value && typeof activity.value === 'object' ? activity.value : null) as CardSubmit | null;
    const fromCard = !activity.text?.trim() && submit && typeof submit.choice === 'string';
    if (fromCard) activity.text = String(submit!.choice);
    // WeChat and the console do not pass through the HTTP sanitiser.
    activity.text = sanitizeStrings(activity.text ?? '');
    if (activity.from.name) activity.from.name = sanitizeStrings(activity.from.name);
    const text = activity.text;

    const conversationKey = `${activity.channelId}/${activity.conversation.id}`;
    const identity = await touchIdentity(this.options.sql, {
      channel: activity.channelId,
      externalId: activity.from.id,
      displayName: activity.from.name,
      conversationReference: TurnContext.getConversationReference(activity),
      conversationKey,
      now,
    });
    const stored =
      (await this.conversationLocale.get(context)) ??
      (identity.customer?.locale as Locale | undefined) ??
      (activity.locale?.toLowerCase().startsWith('en') ? 'en' : 'zh');
    const locale = detectLocale(fromCard ? undefined : text, stored);
    await this.conversationLocale.set(context, locale);

    // A card decides once: replace it with its outcome, ignore a second press.
    if (fromCard && activity.replyToId) {
      const first = await this.claimActivity(`card:${activity.channelId}`, activity.replyToId);
      if (!first) {
        await context.sendActivity(t(locale, 'alreadyDecided'));
        return locale;
      }
      await context
        .updateActivity({ id: activity.replyToId, type: ActivityTypes.Message, attachments: [decidedCard(String(submit!.prompt ?? ''), String(submit!.title ?? submit!.choice), locale)] })
        .catch((error: unknown) => this.options.logger.warn('could not replace decided card', { error: String(error) }));
    }

    if (!text.trim()) {
      if (!fromCard) await context.sendActivity(t(locale, 'nonText'));
      return locale;
    }
    if (text.length > MAX_TEXT_LENGTH) {
      await context.sendActivity(t(locale, 'tooLong', { max: MAX_TEXT_LENGTH }));
      return locale;
    }
    if (identity.customer && identity.customer.locale !== locale && /\p{L}{2,}/u.test(text)) {
      await this.options.prisma.customer.update({ where: { id: identity.customer.id }, data: { locale } });
    }

    const invite = /^(绑定|绑定顾问|bind|link)\s*(ADV-\d{6})$/i.exec(text.trim());
    if (invite) {
      const linked = await redeemAdvisorInvite(this.options.prisma, { code: invite[2], identityId: identity.id, now });
      await context.sendActivity(linked.ok ? t(locale, 'advisor.linked', { name: linked.advisorName }) : t(locale, 'advisor.linkFailed'));
      return locale;
    }
    if (identity.advisorId) {
      await handleAdvisorMessage(context, {
        prisma: this.options.prisma,
        advisorId: identity.advisorId,
        text,
        now,
        timeZone: this.options.shop.timeZone,
        locale,
        notify: this.options.notify,
      });
      return locale;
    }

    const services: TurnServices = {
      prisma: this.options.prisma,
      shop: this.options.shop,
      now: this.now,
      identityId: identity.id,
      customer: identity.customer ? { id: identity.customer.id, name: identity.customer.name, locale: identity.customer.locale } : null,
      locale,
      log: (message, data) => this.options.logger.info(message, data),
    };
    setTurnServices(context, services);

    const handoff = identity.inHandoff ? await activeHandoff(this.options.prisma, conversationKey) : null;
    if (handoff && END_HANDOFF_WORDS.includes(bareWord(text))) {
      await endHandoff(this.options.prisma, handoff, now);
      await context.sendActivity(t(locale, 'handoff.ended'));
      return locale;
    }
    if (handoff) {
      const relayed = await relayCustomerMessage(this.options.prisma, { handoff, text, now, notify: this.options.notify });
      if (relayed === 'relayed') return locale;
      // Nobody answered in time: the task stays with the advisors and the bot takes over again.
      const callbackBy = callbackDeadline(await loadShopCalendar(this.options.prisma, this.options.shop.id), now);
      await context.sendActivity(t(locale, 'handoff.callback', { when: formatLocal(callbackBy, this.options.shop.timeZone, locale) }));
    }

    const outcome: MainOutcome | undefined = await this.mainDialog.run(context, this.dialogState);
    if (outcome?.handoff || handoffRequested(context)) {
      await MainDialog.reset(context, this.dialogState);
      const { advisorName, live, callbackBy } = await startHandoff(this.options.prisma, {
        shopId: this.options.shop.id,
        identityId: identity.id,
        customerId: services.customer?.id ?? null,
        conversationKey,
        reason: outcome?.reason ?? (outcome?.handoff ? 'dialog-gave-up' : 'customer-request'),
        now,
        notify: this.options.notify,
      });
      if (live) await context.sendActivity(advisorName ? t(locale, 'handoff.started', { advisor: advisorName }) : t(locale, 'handoff.noAdvisor'));
      else await context.sendActivity(t(locale, 'handoff.callback', { when: formatLocal(callbackBy, this.options.shop.timeZone, locale) }));
    }
    return locale;
  }
}
