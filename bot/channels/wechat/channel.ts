import type { Wechaty } from 'wechaty';
import type { Config } from '../../../services/config';
import type { PrismaClient } from '../../../services/db/client';
import { t } from '../../../dialogs';
import { TurnInProgressError } from '../../turn-store';
import type { AftercareBot } from '../../aftercare-bot';
import type { Logger } from '../../logger';
import type { ProactiveMessenger } from '../../proactive';
import { WechatAdapter, WECHAT_CHANNEL_ID } from './adapter';
import { startWechaty } from './wechaty';

/**
 * Joins WeChat to the same bot: Wechaty messages become Bot Framework activities
 * (channel "wechat") and proactive messages reach a contact by its stored reference.
 */
export interface WechatChannel {
  wechaty: Wechaty;
  adapter: WechatAdapter;
  stop(): Promise<void>;
}

export async function startWechatChannel(options: {
  config: Config['wechat'];
  bot: AftercareBot;
  prisma: PrismaClient;
  logger: Logger;
  messenger: ProactiveMessenger;
  puppetInstance?: unknown;
}): Promise<WechatChannel> {
  const { prisma, logger } = options;
  const wechatLogger = {
    info: (message: string) => logger.info(message, { channel: 'wechat' }),
    warn: (message: string) => logger.warn(message, { channel: 'wechat' }),
    error: (message: string) => logger.error(message, { channel: 'wechat' }),
  };
  // The adapter needs the Wechaty object, which exists only once started; messages
  // cannot arrive before start() resolves, so the late binding is safe.
  let adapter: WechatAdapter | undefined;
  const wechaty = await startWechaty(
    { puppet: options.config.puppet, token: options.config.token, endpoint: options.config.endpoint, name: 'aftercare', puppetInstance: options.puppetInstance },
    async (msg) => {
      await adapter!.handleMessage(msg, (context) => options.bot.run(context));
    },
    { logger: wechatLogger },
  );
  adapter = new WechatAdapter({
    wechaty,
    logger: wechatLogger,
    // A contact's language is known only once they are a customer; Chinese is the channel's default.
    nonTextReply: () => t('zh', 'nonText'),
    officialAccount: options.config.officialAccount,
    lastInboundAt: async (contactId) =>
      (await prisma.channelIdentity.findUnique({ where: { channel_externalId: { channel: WECHAT_CHANNEL_ID, externalId: contactId } } }))?.lastInboundAt ?? null,
    // Outside WeChat's 48-hour window a free-form message may not be sent: keep it for a
    // template notice instead of dropping it.
    outbox: {
      queue: async (contactId, text) => {
        const identity = await prisma.channelIdentity.findUnique({ where: { channel_externalId: { channel: WECHAT_CHANNEL_ID, externalId: contactId } } });
        if (!identity) throw new Error(`no WeChat identity for contact ${contactId}`);
        await prisma.outboundMessage.create({ data: { identityId: identity.id, text, status: 'TEMPLATE_REQUIRED', lastError: 'outside the 48-hour customer-service window' } });
      },
    },
  });
  adapter.onTurnError = async (context, error) => {
    // WeChat does not redeliver: a message whose turn another process holds is logged, not answered twice.
    if (error instanceof TurnInProgressError) {
      logger.warn('wechat message already being handled', { activityId: error.activityId });
      return;
    }
    logger.error('wechat turn failed', { error });
    await context.sendActivity(t('zh', 'unavailable')).catch(() => {});
  };
  options.messenger.register(WECHAT_CHANNEL_ID, async (reference, text) => {
    await adapter!.continueConversationAsync('', reference, async (context) => {
      await context.sendActivity(text);
    });
    return 'sent';
  });
  logger.info('WeChat channel started', { puppet: options.config.puppet ?? 'instance' });
  return {
    wechaty,
    adapter,
    async stop() {
      await wechaty.stop().catch((error: unknown) => logger.warn('WeChat stop failed', { error: String(error) }));
    },
  };
}
