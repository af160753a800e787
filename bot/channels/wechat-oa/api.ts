/**
 * The few calls of the WeChat Official Account HTTP API this channel needs: an access token
 * (cached, refreshed before it runs out and again when the platform says it is no longer
 * valid), customer-service text messages and template messages. The API host is a setting
 * (a local fake in tests). The AppSecret and access tokens never reach a log or an error text.
 */
import { z } from 'zod';
import type { Logger } from '../../logger';

/** Codes the platform answers with that this channel acts on. */
export const OA_ERROR = {
  /** Customer-service message outside the 48-hour window (or the follower left). */
  REPLY_TIME_LIMIT: 45015,
  /** Customer-service messages used up in this window. */
  OUT_OF_LIMIT: 45047,
  /** The access token is not valid (any more). */
  INVALID_CREDENTIAL: 40001,
  INVALID_ACCESS_TOKEN: 40014,
  ACCESS_TOKEN_EXPIRED: 42001,
  /** The follower unfollowed the account. */
  REQUIRE_SUBSCRIBE: 43004,
  /** System busy: try again. */
  BUSY: -1,
  /** Too many calls for now. */
  API_FREQUENCY: 45009,
} as const;

const TOKEN_ERRORS: ReadonlySet<number> = new Set([OA_ERROR.INVALID_CREDENTIAL, OA_ERROR.INVALID_ACCESS_TOKEN, OA_ERROR.ACCESS_TOKEN_EXPIRED]);
/** Worth trying again later; any other code will not change by retrying the same call. */
const TRANSIENT_ERRORS: ReadonlySet<number> = new Set([OA_ERROR.BUSY, OA_ERROR.API_FREQUENCY]);

/** The platform refused a call: `errcode` says why. */
export class OfficialAccountError extends Error {
  override name = 'OfficialAccountError';
  constructor(
    readonly api: string,
    readonly errcode: number,
    errmsg: string,
  ) {
    // errmsg is the platform's text (with its request id, useful to their support); it carries no secret.
    super(`Official Account ${api}: ${errcode} ${errmsg.slice(0, 200)}`);
  }

  /** The reply window is closed or used up: a template message is the only way now. */
  get windowClosed(): boolean {
    return this.errcode === OA_ERROR.REPLY_TIME_LIMIT || this.errcode === OA_ERROR.OUT_OF_LIMIT;
  }

  get transient(): boolean {
    return TRANSIENT_ERRORS.has(this.errcode);
  }
}

const resultSchema = z.looseObject({ errcode: z.number().int().optional(), errmsg: z.string().optional() });
const tokenSchema = z.looseObject({ access_token: z.string().min(1).max(1024), expires_in: z.number().int().positive() });
const templateResultSchema = z.looseObject({ msgid: z.union([z.number(), z.string()]).optional() });

/** A token is renewed this long before the platform would let it expire. */
export const TOKEN_MARGIN_MS = 5 * 60_000;

export interface OfficialAccountApiOptions {
  appId: string;
  appSecret: string;
  /** e.g. https://api.weixin.qq.com, without a trailing slash. */
  apiBase: string;
  logger: Logger;
  now?: () => Date;
  /** Time-out of one HTTP call. */
  timeoutMs?: number;
}

export class OfficialAccountApi {
  private token: { value: string; expiresAt: number } | null = null;
  private fetching: Promise<string> | null = null;
  private readonly now: () => Date;
  private readonly timeoutMs: number;

  constructor(private readonly options: OfficialAccountApiOptions) {
    this.now = options.now ?? (() => new Date());
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** Customer-service text message (客服消息). */
  async sendText(openid: string, content: string): Promise<void> {
    await this.call('message/custom/send', { touser: openid, msgtype: 'text', text: { content } });
  }

  /** Template message (模板消息); `data` maps the template's field keys to values. Returns the platform's message id. */
  async sendTemplate(openid: string, templateId: string, data: Record<string, string>): Promise<string> {
    const body = { touser: openid, template_id: templateId, data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, { value }])) };
    const result = templateResultSchema.parse(await this.call('message/template/send', body));
    return result.msgid === undefined ? '' : String(result.msgid);
  }

  /**
   * The cached access token, fetched when there is none or it is about to run out. One fetch
   * at a time: concurrent callers share it. `stable_token` hands every caller (every process
   * of a scaled-out bot) the same token until it expires, so processes do not invalidate
   * each other's; `force` asks for a new one when the platform refused the current one.
   */
  async accessToken(force = false): Promise<string> {
    if (!force && this.token && this.token.expiresAt - TOKEN_MARGIN_MS > this.now().getTime()) return this.token.value;
    this.fetching ??= this.fetchToken(force).finally(() => {
      this.fetching = null;
    });
    return this.fetching;
  }

  private async fetchToken(force: boolean): Promise<string> {
    const started = this.now().getTime();
    const body = await this.post('stable_token', `${this.options.apiBase}/cgi-bin/stable_token`, {
      grant_type: 'client_credential',
      appid: this.options.appId,
      secret: this.options.appSecret,
      force_refresh: force,
    });
    const token = tokenSchema.parse(body);
    this.token = { value: token.access_token, expiresAt: started + token.expires_in * 1000 };
    this.options.logger.info('wechat-oa access token fetched', { expiresInSeconds: token.expires_in, forced: force });
    return token.access_token;
  }

  /** A call with the access token; a token the platform refuses is replaced once and the call repeated. */
  private async call(api: string, payload: object): Promise<Record<string, unknown>> {
    const token = await this.accessToken();
    try {
      return await this.post(api, `${this.options.apiBase}/cgi-bin/${api}?access_token=${encodeURIComponent(token)}`, payload);
    } catch (error) {
      if (!(error instanceof OfficialAccountError) || !TOKEN_ERRORS.has(error.errcode)) throw error;
      this.options.logger.warn('wechat-oa access token refused; fetching a new one', { api, errcode: error.errcode });
      if (this.token?.value === token) this.token = null;
      // The stable token may still be the refused one until it is forced.
      let fresh = await this.accessToken();
      if (fresh === token) fresh = await this.accessToken(true);
      return this.post(api, `${this.options.apiBase}/cgi-bin/${api}?access_token=${encodeURIComponent(fresh)}`, payload);
    }
  }

  private async post(api: string, url: string, payload: object): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      // The URL carries the access token: only the call's name and the cause go into the error.
      throw new Error(`Official Account ${api}: ${(error as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : `request failed (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name})`}`);
    }
    if (!response.ok) throw new Error(`Official Account ${api}: HTTP ${response.status}`);
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new Error(`Official Account ${api}: the answer is not JSON`);
    }
    const result = resultSchema.safeParse(json);
    if (!result.success) throw new Error(`Official Account ${api}: unexpected answer`);
    if (result.data.errcode) throw new OfficialAccountError(api, result.data.errcode, result.data.errmsg ?? '');
    return result.data;
  }
}
