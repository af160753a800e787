import {
  ActivityEventNames,
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type ResourceResponse,
  type TurnContext,
} from 'botbuilder';
import type { Config } from '../../../services/config';
import type { Logger } from '../../logger';
import { t } from '../../../dialogs';
import { detectLocale } from '../../../services/understanding/locale';
import { localeFromTag } from '../../../services/locale';
import { ConnectorGuard, ConnectorRefusedError, type ConnectorGuardOptions } from './connector-guard';

type ConnectorFactory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;
type InvokeResponse = { status: number; body?: unknown };

/** Who the connector client acts for: the token audience and app id of the request's claims. */
function callerOf(identity: { claims?: Array<{ type: string; value: string }> } | undefined): string {
  const claim = (type: string) => identity?.claims?.find((c) => c.type === type)?.value ?? '';
  return `${claim('aud')}|${claim('appid')}|${claim('azp')}`;
}

/**
 * The client kept under `key`, made on first use. A failed one is forgotten, so the next turn
 * tries again. A few service URLs and callers per deployment: the bound of 64 only stops a
 * flood of forged ones growing the map.
 */
function kept<T>(clients: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let client = clients.get(key);
  if (!client) {
    client = make();
    client.catch(() => clients.delete(key));
    if (clients.size >= 64) clients.delete(clients.keys().next().value!);
    clients.set(key, client);
  }
  return client;
}

/**
 * Every connector client the SDK creates, for replies and proactive sends alike, passes
 * through here: the serviceUrl is checked before the client exists, and the client's HTTP
 * pipeline gets the guard's policy (checked agents, per-conversation concurrency).
 */
class GuardedAuthentication extends ConfigurationBotFrameworkAuthentication {
  constructor(options: ConfigurationBotFrameworkAuthenticationOptions, private readonly guard: ConnectorGuard) {
    super(options);
  }

  /**
   * Connector clients by service URL, audience and caller: the SDK asks for a new one on every
   * turn, and building its HTTP pipeline and serializers cost more than the reply it sends.
   * The client keeps no per-turn state (the guard's limit is per inbound request through
   * AsyncLocalStorage, tokens are cached by its credentials).
   */
  private readonly clients = new Map<string, Promise<Awaited<ReturnType<ConnectorFactory['create']>>>>();

  private wrap(factory: ConnectorFactory, caller: string): ConnectorFactory {
    const guard = this.guard;
    const clients = this.clients;
    const build = async (serviceUrl: string, audience?: string) => {
      const client = await factory.create(serviceUrl, audience);
      // botbuilder-stdlib's ServiceClientContext keeps its core-client ServiceClient in
      // `client`; without it the guard cannot see the requests, so refuse rather than go unguarded.
      const pipeline = (client as unknown as { client?: { pipeline?: { addPolicy(policy: unknown): void } } }).client?.pipeline;
      if (!pipeline) throw new ConnectorRefusedError(serviceUrl, 'the connector client has no pipeline to guard (SDK changed?)');
      pipeline.addPolicy(guard.policy());
      return client;
    };
    return {
      async create(serviceUrl: string, audience?: string) {
        await guard.assertAllowed(serviceUrl);
        return kept(clients, `${caller}\n${serviceUrl}\n${audience ?? ''}`, () => build(serviceUrl, audience));
      },
    } as ConnectorFactory;
  }

  /**
   * CloudAdapter asks for a user-token client (the OAuth sign-in service, which this bot does
   * not use) on every turn, and building one builds an HTTP pipeline: 4 % of a turn's CPU in
   * the bench's profile. It holds only the app's credentials, so one per caller serves all turns.
   */
  private readonly tokenClients = new Map<string, ReturnType<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>>();

  override createUserTokenClient(claimsIdentity: Parameters<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>[0]): ReturnType<ConfigurationBotFrameworkAuthentication['createUserTokenClient']> {
    return kept(this.tokenClients, callerOf(claimsIdentity), () => super.createUserTokenClient(claimsIdentity));
  }

  override createConnectorFactory(claimsIdentity: Parameters<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>[0]): ConnectorFactory {
    return this.wrap(super.createConnectorFactory(claimsIdentity), callerOf(claimsIdentity));
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await super.authenticateRequest(activity, authHeader);
    return { ...result, connectorFactory: result.connectorFactory ? this.wrap(result.connectorFactory, callerOf(result.claimsIdentity)) : result.connectorFactory };
  }
}

export interface ConnectorRetryOptions {
  /** Waits before the 2nd, 3rd, … attempt of one outgoing activity. */
  delaysMs: number[];
  /** Per-request limit for a connector call (AFTERCARE_CONNECTOR_TIMEOUT_MS); a hung connector counts as a failure. */
  timeoutMs: number;
}

export const DEFAULT_CONNECTOR_RETRY: ConnectorRetryOptions = {
  delaysMs: [100, 400, 1600],
  timeoutMs: 5_000,
};

/**
 * Failures worth another attempt here. The SDK's own pipeline already retries 5xx/408
 * and connection errors (3 retries after ~1 s, 2 s, 4 s) and a 429 that carries
 * Retry-After; it does not retry a 429 without Retry-After, and it sets no timeout: the
 * reply was then dropped (the customer got "系统繁忙") or the turn hung for ever.
 * Retrying 5xx here as well would multiply the SDK's retries beyond the 15 s a channel
 * waits for a turn.
 */
export function isTransientConnectorError(error: unknown): boolean {
  const e = error as { statusCode?: number; name?: string } | null;
  return e?.statusCode === 429 || e?.name === 'AbortError';
}

/** The part of botframework-connector's ConnectorClient used here (options carry the timeout). */
interface ConnectorOperations {
  conversations: {
    replyToActivity(conversationId: string, activityId: string, activity: Partial<Activity>, options?: { timeout?: number }): Promise<ResourceResponse | undefined>;
    sendToConversation(conversationId: string, activity: Partial<Activity>, options?: { timeout?: number }): Promise<ResourceResponse | undefined>;
    updateActivity(conversationId: string, activityId: string, activity: Partial<Activity>, options?: { timeout?: number }): Promise<ResourceResponse | undefined>;
  };
}

/**
 * CloudAdapter whose replies, proactive sends and card updates survive a connector hiccup:
 * every connector request has a timeout (the request is aborted, not abandoned), and each
 * outgoing activity is sent on its own (so a retry never repeats one already delivered)
 * with bounded exponential backoff. Other activity kinds (delay, invokeResponse, trace)
 * keep CloudAdapter's handling.
 */
export class RetryingCloudAdapter extends CloudAdapter {
  constructor(
    auth: ConstructorParameters<typeof CloudAdapter>[0],
    private readonly retry: ConnectorRetryOptions,
    private readonly logger: Logger,
    private readonly guard?: ConnectorGuard,
  ) {
    super(auth);
  }

  /**
   * CloudAdapter.process calls this with the request's Authorization header. Here, in this
   * order: the token is checked (a rejected one is one warn line and 401, where the SDK
   * printed a stack trace to the console and answered 401 or 500 with its internal message);
   * then the serviceUrl (a refused one is 403 before anything runs: no turn, no write, no
   * outbound call); then the turn runs (its connector calls are limited per conversation, in the guard).
   */
  override async processActivity(authHeaderOrResult: string | AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    let authenticated: AuthenticateRequestResult;
    if (typeof authHeaderOrResult === 'string') {
      try {
        authenticated = await this.botFrameworkAuthentication.authenticateRequest(activity, authHeaderOrResult);
      } catch (error) {
        const e = error as { name?: string; statusCode?: number; message?: string };
        if (e?.name === 'AuthenticationError' || e?.statusCode === 401) {
          this.logger.warn('request rejected: no valid Bot Framework token', { reason: String(e.message ?? error).slice(0, 200), channel: activity.channelId });
          return { status: 401 };
        }
        // Typically the signing keys could not be fetched: the request may be genuine, so try again later.
        this.logger.error('could not check the Bot Framework token', { error: String(e?.message ?? error).slice(0, 300), channel: activity.channelId });
        return { status: 503 };
      }
    } else {
      authenticated = authHeaderOrResult;
    }
    const guard = this.guard;
    if (!guard) return (await super.processActivity(authenticated, activity, logic)) as InvokeResponse | undefined;
    const verdict = await guard.check(activity.serviceUrl);
    if (!verdict.ok) {
      this.logger.warn('activity refused: serviceUrl is not an allowed connector', { reason: verdict.reason, channel: activity.channelId, activityType: activity.type });
      return { status: 403, body: { error: 'serviceUrl is not an allowed Bot Framework connector for this bot' } };
    }
    return (await super.processActivity(authenticated, activity, logic)) as InvokeResponse | undefined;
  }

  private async withRetry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        const delay = this.retry.delaysMs[attempt];
        if (delay === undefined || !isTransientConnectorError(error)) throw error;
        this.logger.warn('connector call failed, retrying', { what, attempt: attempt + 1, delayMs: delay, status: (error as { statusCode?: number }).statusCode, error: String((error as Error).message ?? error) });
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private client(context: TurnContext): ConnectorOperations | undefined {
    return context.turnState.get(this.ConnectorClientKey) as ConnectorOperations | undefined;
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const client = this.client(context);
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      const direct = activity.type === 'delay' || activity.type === ActivityTypes.InvokeResponse || (activity.type === ActivityTypes.Trace && activity.channelId !== 'emulator');
      if (direct || !client || !activity.conversation) {
        responses.push(...(await super.sendActivities(context, [activity])));
        continue;
      }
      delete activity.id;
      const options = { timeout: this.retry.timeoutMs };
      const conversationId = activity.conversation.id;
      const response = await this.withRetry(`send ${activity.type}`, () =>
        activity.replyToId
          ? client.conversations.replyToActivity(conversationId, activity.replyToId, activity, options)
          : client.conversations.sendToConversation(conversationId, activity, options),
      );
      responses.push(response ?? { id: activity.id ?? '' });
    }
    return responses;
  }

  override async updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> {
    const client = this.client(context);
    if (!client || !activity.conversation || !activity.id) return super.updateActivity(context, activity);
    const conversationId = activity.conversation.id;
    const activityId = activity.id;
    const response = await this.withRetry('update activity', () => client.conversations.updateActivity(conversationId, activityId, activity, { timeout: this.retry.timeoutMs }));
    return response?.id ? { id: response.id } : undefined;
  }
}

/**
 * Microsoft Teams / Bot Framework door. Without an app id the endpoint runs
 * unauthenticated, as the Bot Framework Emulator expects; with one, every request needs a
 * valid Bot Framework token (CloudAdapter answers 401 otherwise).
 */
export function createTeamsAdapter(
  config: Config['teams'],
  logger: Logger,
  retry: ConnectorRetryOptions = { ...DEFAULT_CONNECTOR_RETRY, timeoutMs: config.connectorTimeoutMs },
  guardOptions: Partial<ConnectorGuardOptions> = {},
): CloudAdapter {
  // Only the settings the SDK needs: never hand it the whole environment.
  const auth: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: config.appId,
    MicrosoftAppPassword: config.appPassword,
    MicrosoftAppType: config.appId ? config.appType : undefined,
    MicrosoftAppTenantId: config.tenantId,
  } as ConfigurationBotFrameworkAuthenticationOptions;
  const guard = new ConnectorGuard({ auth: config.auth, hosts: config.connectorHosts, concurrency: config.connectorConcurrency, ...guardOptions });
  const adapter = new RetryingCloudAdapter(new GuardedAuthentication(auth, guard), retry, logger, guard);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    const { activity } = context;
    // A proactive send (continueConversationAsync) must fail loudly: the messenger then
    // queues it as an OutboundMessage. Swallowing it here reported a lost message as sent.
    if (activity.type === ActivityTypes.Event && activity.name === ActivityEventNames.ContinueConversation) throw error;
    logger.error('turn failed', { error, channel: activity.channelId, activityType: activity.type });
    // The customer hears something rather than silence; nothing they sent is lost.
    if (activity.type === 'message') {
      const locale = detectLocale(activity.text, localeFromTag(activity.locale) ?? 'zh').locale;
      await context.sendActivity(t(locale, 'unavailable')).catch(() => {});
    }
  };
  return adapter;
}
