/**
 * The WeChat Official Account (服务号) channel: webhook events in (bot/http/wechat-oa.ts),
 * the same dialogs as every channel, and every outgoing message through one decision —
 *
 *   1. a free slot in the follower's reply window (5 customer-service messages within 48 hours
 *      of their last message, counted in the database) → a customer-service message;
 *   2. otherwise, or when the platform answers 45015/45047, a notice whose kind has a template
 *      in the shop's settings → that template message, filled with the notice's facts;
 *   3. otherwise the message waits for the customer (OutboundMessage WAITING_FOR_CUSTOMER) and
 *      their advisor is told (a task, pushed to the advisor's chat). Their next message reopens
 *      the window and what waited goes out, oldest first, as far as the window allows.
 */
import type { Activity } from 'botbuilder';
import type { NoticeFacts, OfficialAccountSettings } from '../../../services/config';
import type { PrismaClient, RawSql } from '../../../services/db/client';
import { callbackDeadline } from '../../../services/handoff';
import { shopCalendar } from '../../../services/shop-snapshot';
import { plainName } from '../../../services/text';
import { t, type PlainKey } from '../../../dialogs';
import { detectLocale } from '../../../services/understanding/locale';
import type { Logger } from '../../logger';
import type { ProactiveMessenger, SendOutcome } from '../../proactive';
import { TurnInProgressError } from '../../turn-store';
import { textOf } from '../text-adapter';
import { OfficialAccountAdapter, OA_CHANNEL_ID, OA_SERVICE_URL, conversationIdOf, openidOf } from './adapter';
import { OfficialAccountApi, OfficialAccountError } from './api';
import type { InboundEvent } from './inbound';
import { ReplyWindow } from './window';

/** Customer-service text is packed into messages of at most this many bytes (the platform's text limit). */
export const MAX_TEXT_BYTES = 2048;

/** Menu button keys with a meaning of their own; any other key is read as what the follower said. */
export const MENU_KEYS: Readonly<Record<string, PlainKey>> = {
  BOOK: 'menu.book',
  MY_BOOKINGS: 'menu.mine',
  PRICES: 'menu.price',
  HOURS: 'menu.hours',
  HUMAN: 'menu.human',
};

/** dedupeKey of the advisor task "messages wait for this customer": prefix, identity, window. */
const WAITING_TASK_PREFIX = 'wechat-oa-waiting:';

/** Events that count as the follower's interaction: they open the reply window. */
const OPENS_WINDOW: ReadonlySet<InboundEvent['kind']> = new Set(['text', 'media', 'click', 'subscribe']);

export interface OfficialAccountChannel {
  settings: OfficialAccountSettings;
  api: OfficialAccountApi;
  window: ReplyWindow;
  adapter: OfficialAccountAdapter;
  /** Handles one verified webhook event: the turn, its replies, then what waited for this follower. */
  handleEvent(event: InboundEvent): Promise<void>;
  /** The one way out: customer-service message, template message, or waiting for the customer. */
  deliver(openid: string, text: string, options?: { notice?: NoticeFacts; identity?: { id: string; advisorId: string | null } | null }): Promise<'sent' | 'waiting'>;
}

export interface OfficialAccountChannelOptions {
  settings: OfficialAccountSettings;
  bot: { run(context: import('botbuilder').TurnContext): Promise<void> };
  prisma: PrismaClient;
  sql: Pick<RawSql, 'query'>;
  logger: Logger;
  messenger: ProactiveMessenger;
  shopId: string;
  now: () => Date;
}

/** Splits text into pieces of at most `maxBytes` UTF-8 bytes, at line ends where it can. */
export function packText(text: string, maxBytes = MAX_TEXT_BYTES): string[] {
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
  if (bytes(text) <= maxBytes) return [text];
  const pieces: string[] = [];
  let current = '';
  const push = (line: string) => {
    const joined = current ? `${current}\n${line}` : line;
    if (bytes(joined) <= maxBytes) {
      current = joined;
      return;
    }
    if (current) pieces.push(current);
    current = '';
    // A single line longer than a message: cut it by characters.
    let rest = line;
    while (bytes(rest) > maxBytes) {
      let cut = 0;
      let size = 0;
      for (const ch of rest) {
        const b = bytes(ch);
        if (size + b > maxBytes) break;
        size += b;
        cut += ch.length;
      }
      pieces.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    current = rest;
  };
  for (const line of text.split('\n')) push(line);
  if (current) pieces.push(current);
  return pieces;
}

/** A fact as the template field takes it: at most `max` characters. */
function fit(value: string, max: number | undefined): string {
  const chars = [...value];
  if (!max || chars.length <= max) return value;
  return `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

export function startOfficialAccountChannel(options: OfficialAccountChannelOptions): OfficialAccountChannel {
  const { settings, prisma, logger, messenger, now } = options;
  const api = new OfficialAccountApi({ appId: settings.appId, appSecret: settings.appSecret, apiBase: settings.apiBase, logger, now });
  const window = new ReplyWindow(options.sql, settings.appId);

  const identityOf = (openid: string) =>
    prisma.channelIdentity.findUnique({ where: { channel_externalId: { channel: OA_CHANNEL_ID, externalId: openid } }, select: { id: true, advisorId: true } });

  /** Sends the template for `notice`; false when the shop has none for its kind or the platform refuses it for good. */
  async function sendTemplate(openid: string, notice: NoticeFacts): Promise<boolean> {
    const template = settings.templates[notice.kind];
    if (!template) return false;
    const facts = notice.fields as Record<string, string>;
    const data = Object.fromEntries(Object.entries(template.fields).map(([fact, field]) => [field.key, fit(facts[fact] ?? '', field.max)]));
    try {
      const msgid = await api.sendTemplate(openid, template.templateId, data);
      logger.info('wechat-oa template message sent', { kind: notice.kind, msgid });
      return true;
    } catch (error) {
      // Busy or a network fault: the messenger keeps the message and tries again. A refusal
      // (unknown template, a field the template does not take, the follower left) will not
      // change by retrying: the message waits for the customer and the advisor is told.
      if (error instanceof OfficialAccountError && !error.transient) {
        logger.error('wechat-oa template message refused', { kind: notice.kind, errcode: error.errcode, error: error.message });
        return false;
      }
      throw error;
    }
  }

  /** A customer's message waits: their advisor gets a task (once per silence) and a push. */
  async function tellAdvisor(identityId: string, openid: string): Promise<void> {
    const identity = await prisma.channelIdentity.findUnique({ where: { id: identityId }, include: { customer: { include: { vehicles: true } } } });
    // An advisor's own message simply waits: telling them about it would go the same way.
    if (!identity || identity.advisorId) return;
    const opened = await window.state(openid);
    const customer = identity.customer;
    const who = customer
      ? `${plainName(customer.name) ?? t('zh', 'advisor.aCustomer')}（${customer.vehicles.map((v) => v.plate).join('、') || '—'}）`
      : plainName(identity.displayName) ?? t('zh', 'advisor.aCustomer');
    const title = t('zh', 'oa.waitingTitle', { who });
    const at = now();
    // One open task per customer: more messages that wait before they write add none.
    const open = await prisma.advisorTask.findFirst({ where: { dedupeKey: { startsWith: `${WAITING_TASK_PREFIX}${identityId}:` }, status: 'OPEN' }, select: { id: true } });
    if (open) return;
    try {
      await prisma.advisorTask.create({
        data: {
          shopId: options.shopId,
          advisorId: customer?.advisorId ?? null,
          customerId: customer?.id ?? null,
          kind: 'OTHER',
          title,
          details: { identityId, channel: OA_CHANNEL_ID, reason: 'wechat-oa-reply-window', windowOpenedAt: opened?.openedAt.toISOString() ?? null },
          dueAt: callbackDeadline(await shopCalendar(prisma, options.shopId), at),
          dedupeKey: `${WAITING_TASK_PREFIX}${identityId}:${opened?.openedAt.toISOString() ?? 'never'}`,
        },
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') return;
      throw error;
    }
    const advisors = customer?.advisorId
      ? [customer.advisorId]
      : (await prisma.advisor.findMany({ where: { shopId: options.shopId, active: true, role: 'ADVISOR' }, select: { id: true } })).map((a) => a.id);
    const targets = await prisma.channelIdentity.findMany({ where: { advisorId: { in: advisors } } });
    for (const target of targets) {
      await messenger.send(target.id, t('zh', 'oa.waitingPush', { who })).catch((error: unknown) => logger.warn('could not tell the advisor', { error: String(error) }));
    }
    logger.info('wechat-oa message waits for the customer; advisor told', { identityId, advisors: targets.length });
  }

  async function deliver(openid: string, text: string, deliverOptions: { notice?: NoticeFacts; identity?: { id: string; advisorId: string | null } | null } = {}): Promise<'sent' | 'waiting'> {
    const pieces = packText(text);
    const at = now();
    const slot = await window.take(openid, pieces.length, at);
    if (slot) {
      let sent = 0;
      try {
        for (const piece of pieces) {
          await api.sendText(openid, piece);
          sent++;
        }
        return 'sent';
      } catch (error) {
        if (!(error instanceof OfficialAccountError && error.windowClosed)) {
          await window.giveBack(openid, { openedAt: slot.openedAt, count: slot.count - sent }, at);
          throw error;
        }
        // The platform's clock or count says no: believe it until the follower writes again.
        logger.info('wechat-oa reply window closed by the platform', { errcode: error.errcode });
        await window.close(openid, slot, at);
        if (sent > 0) text = pieces.slice(sent).join('\n');
      }
    }
    if (deliverOptions.notice && (await sendTemplate(openid, deliverOptions.notice))) return 'sent';
    const identity = deliverOptions.identity === undefined ? await identityOf(openid) : deliverOptions.identity;
    if (identity) await tellAdvisor(identity.id, openid);
    return 'waiting';
  }

  const adapter = new OfficialAccountAdapter({
    reply: async (openid, text) => {
      const identity = await identityOf(openid);
      const outcome = await deliver(openid, text, { identity });
      if (outcome === 'waiting') {
        if (identity) await messenger.keepWaiting(identity.id, text);
        else logger.warn('wechat-oa reply for an unknown follower could not be sent', {});
      }
    },
  });
  adapter.onTurnError = async (context, error) => {
    const { activity } = context;
    // Another process has this message (the platform's retry): it is answered there, once.
    // A proactive turn must fail loudly so the messenger keeps its message.
    if (error instanceof TurnInProgressError || activity.type === 'event') throw error;
    logger.error('wechat-oa turn failed', { error, activityType: activity.type });
    // The follower hears something rather than silence, as on every channel.
    if (activity.type === 'message') await context.sendActivity(t(detectLocale(activity.text ?? '', 'zh').locale, 'unavailable')).catch(() => {});
  };

  messenger.register(OA_CHANNEL_ID, async (reference, message, identity, sendOptions): Promise<SendOutcome> => {
    const openid = openidOf(reference);
    if (!openid) throw new Error('not an Official Account conversation reference');
    const text = typeof message === 'string' ? message : textOf(message);
    if (!text) return 'sent';
    return deliver(openid, text, { notice: sendOptions.notice, identity });
  });

  function activityOf(event: InboundEvent): Partial<Activity> | null {
    const common: Partial<Activity> = {
      channelId: OA_CHANNEL_ID,
      id: event.id,
      serviceUrl: OA_SERVICE_URL,
      from: { id: event.openid, name: '', role: 'user' },
      recipient: { id: event.account, name: '', role: 'bot' },
      conversation: { id: conversationIdOf(event.openid), isGroup: false, conversationType: 'personal', name: '' },
      timestamp: event.createdAt,
      localTimestamp: event.createdAt,
    };
    switch (event.kind) {
      case 'text':
        return { ...common, type: 'message', text: event.text };
      case 'media':
        // No words: the bot asks for text.
        return { ...common, type: 'message', text: '' };
      case 'click': {
        const key = MENU_KEYS[event.key.trim().toUpperCase()];
        return { ...common, type: 'message', text: key ? t('zh', key) : event.key.trim() };
      }
      case 'subscribe':
        return { ...common, type: 'conversationUpdate', membersAdded: [{ id: event.openid, name: '' }] };
      default:
        return null;
    }
  }

  async function handleEvent(event: InboundEvent): Promise<void> {
    if (event.kind === 'template-finished' || event.kind === 'unsubscribe' || event.kind === 'other') {
      logger.info('wechat-oa event', { event: event.kind === 'other' ? event.event : event.kind, ...(event.kind === 'template-finished' ? { status: event.status } : {}) });
      return;
    }
    await adapter.serialize(event.openid, async () => {
      if (OPENS_WINDOW.has(event.kind)) await window.open(event.openid, event.createdAt, event.id, now());
      const activity = activityOf(event);
      if (!activity) return;
      try {
        await adapter.runTurn(activity, (context) => options.bot.run(context));
      } catch (error) {
        // The same message is being handled (the platform's retry while the first still runs): it will be answered once.
        if (error instanceof TurnInProgressError) {
          logger.info('wechat-oa message already being handled', { activityId: error.activityId });
          return;
        }
        throw error;
      }
      // The follower wrote: what waited for them goes out now, after the answer, oldest first.
      const identity = await identityOf(event.openid);
      if (!identity) return;
      await messenger.wake(identity.id);
      // Nothing waits any more: the advisor's task about it is moot.
      if ((await prisma.outboundMessage.count({ where: { identityId: identity.id, status: 'WAITING_FOR_CUSTOMER' } })) === 0) {
        await prisma.advisorTask.updateMany({
          where: { dedupeKey: { startsWith: `${WAITING_TASK_PREFIX}${identity.id}:` }, status: 'OPEN' },
          data: { status: 'CANCELLED', completedAt: now() },
        });
      }
    });
  }

  logger.info('WeChat Official Account channel started', { path: settings.path, apiBase: settings.apiBase, templates: Object.keys(settings.templates) });
  return { settings, api, window, adapter, handleEvent, deliver };
}
