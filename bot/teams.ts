import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import type { Config } from '../services/config';
import type { Logger } from './logger';
import { t } from '../dialogs/i18n';

/**
 * Microsoft Teams / Bot Framework door. Without an app id the endpoint runs
 * unauthenticated, as the Bot Framework Emulator expects; with one, every request needs a
 * valid Bot Framework token (CloudAdapter answers 401 otherwise).
 */
export function createTeamsAdapter(config: Config['teams'], logger: Logger): CloudAdapter {
  // Only the settings the SDK needs: never hand it the whole environment.
  const auth: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: config.appId,
    MicrosoftAppPassword: config.appPassword,
    MicrosoftAppType: config.appId ? config.appType : undefined,
    MicrosoftAppTenantId: config.tenantId,
  } as ConfigurationBotFrameworkAuthenticationOptions;
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(auth));
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error('turn failed', { error, channel: context.activity.channelId, activityType: context.activity.type });
    // The customer hears something rather than silence; nothing they sent is lost.
    if (context.activity.type === 'message') {
      const zh = !/^en/i.test(context.activity.locale ?? '') && !/^[\x00-\x7f]*[a-z]{3,}/i.test(context.activity.text ?? '');
      await context.sendActivity(t(zh ? 'zh' : 'en', 'unavailable')).catch(() => {});
    }
  };
  return adapter;
}
