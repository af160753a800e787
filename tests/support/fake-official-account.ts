import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the WeChat Official Account platform on 127.0.0.1, both ways:
 *
 * - its HTTP API (POST /cgi-bin/stable_token, /cgi-bin/message/custom/send,
 *   /cgi-bin/message/template/send) with the platform's rules: tokens that expire (or are
 *   expired at will: 42001), customer-service messages only within 48 hours of the
 *   follower's last interaction and at most `limit` of them (45015, 45047), templates that
 *   must exist and be filled with exactly their fields (40037, 47003);
 * - its webhook client: a follower's message or menu click posted to the bot as signed XML,
 *   the way the platform posts it.
 *
 * The clock is the test's, so "three days later" is a clock change, not a wait.
 */
export interface FakeOaMessage {
  type: 'text' | 'template';
  openid: string;
  at: Date;
  /** Customer-service text. */
  text?: string;
  templateId?: string;
  data?: Record<string, string>;
}

export interface FakeOfficialAccount {
  url: string;
  appId: string;
  appSecret: string;
  /** The Token the shop entered on the platform (signs webhook requests). */
  token: string;
  /** The account's original id (ToUserName of inbound messages). */
  account: string;
  /** What reached followers, in order. */
  sent: FakeOaMessage[];
  /** Every API call and the errcode it got (0: ok). */
  calls: Array<{ api: string; errcode: number }>;
  tokenFetches: number;
  /** Customer-service messages a follower may get per window (the platform's 5). */
  limit: number;
  /** Every token handed out so far stops working (42001), as when the platform expires it early. */
  expireTokens(): void;
  /**
   * Every token handed out so far becomes unknown (40001 "not latest"), as when another client
   * forced a refresh. `stillHandedOut`: the platform keeps handing out the refused token until
   * a caller forces a new one.
   */
  revokeTokens(options?: { stillHandedOut?: boolean }): void;
  /** The platform's own idea of the window for `openid` ends now (its next customer-service message gets 45015). */
  closeWindow(openid: string): void;
  /** Texts a follower received, oldest first (templates shown as "[template id] field=value …"). */
  inbox(openid: string): string[];
  follower(openid?: string): FakeFollower;
  close(): Promise<void>;
}

export interface FakeFollower {
  openid: string;
  /** Posts a text message to the bot's webhook; resolves with the webhook's answer once the bot has handled it. */
  say(text: string): Promise<{ status: number; body: string }>;
  click(key: string): Promise<{ status: number; body: string }>;
  /** Says `text` and returns what reached this follower because of it. */
  ask(text: string): Promise<string>;
  /** A raw webhook request: any body, any query (for signature tests). */
  post(body: string, query?: string, contentType?: string): Promise<{ status: number; body: string }>;
  xml(text: string, msgId?: string): string;
}

export interface FakeOfficialAccountOptions {
  now: () => Date;
  /** The bot's webhook URL (set later with `webhook`). */
  webhookUrl?: string;
  /** template id → its field keys */
  templates: Record<string, string[]>;
  tokenSeconds?: number;
}

export function oaSignature(token: string, timestamp: string, nonce: string): string {
  return crypto.createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

export async function startFakeOfficialAccount(options: FakeOfficialAccountOptions): Promise<FakeOfficialAccount & { webhook(url: string): void }> {
  const appId = 'wx' + crypto.randomBytes(8).toString('hex');
  const appSecret = crypto.randomBytes(16).toString('hex');
  const token = 'shop' + crypto.randomBytes(6).toString('hex');
  const account = 'gh_' + crypto.randomBytes(6).toString('hex');
  const tokenSeconds = options.tokenSeconds ?? 7200;
  const tokens = new Map<string, number>(); // token → expires at (ms, test clock)
  let stable: string | null = null;
  let staleStable = false;
  const lastInteraction = new Map<string, number>();
  const sentInWindow = new Map<string, number>();
  const closed = new Set<string>();
  let webhookUrl = options.webhookUrl ?? '';
  let msgSeq = 6_000_000_000_000_000_000n;
  const now = () => options.now().getTime();

  const fake: FakeOfficialAccount & { webhook(url: string): void } = {
    url: '',
    appId,
    appSecret,
    token,
    account,
    sent: [],
    calls: [],
    tokenFetches: 0,
    limit: 5,
    expireTokens() {
      for (const key of tokens.keys()) tokens.set(key, 0);
    },
    revokeTokens({ stillHandedOut = false } = {}) {
      tokens.clear();
      staleStable = stillHandedOut;
      if (!stillHandedOut) stable = null;
    },
    closeWindow(openid) {
      closed.add(openid);
    },
    inbox(openid) {
      return fake.sent
        .filter((m) => m.openid === openid)
        .map((m) => (m.type === 'text' ? m.text! : `[${m.templateId}] ${Object.entries(m.data ?? {}).map(([k, v]) => `${k}=${v}`).join(' ')}`));
    },
    follower(openid = 'o' + crypto.randomBytes(14).toString('base64url').slice(0, 27)) {
      const interact = () => {
        lastInteraction.set(openid, now());
        sentInWindow.set(openid, 0);
        closed.delete(openid);
      };
      // The platform posts because the follower did something: that opens its window.
      const post = async (body: string, query?: string, contentType = 'text/xml') => {
        interact();
        const timestamp = String(Math.floor(now() / 1000));
        const nonce = String(crypto.randomInt(1e9));
        const q = query ?? new URLSearchParams({ signature: oaSignature(token, timestamp, nonce), timestamp, nonce, openid }).toString();
        const res = await fetch(`${webhookUrl}?${q}`, { method: 'POST', headers: { 'content-type': contentType }, body });
        return { status: res.status, body: await res.text() };
      };
      const created = () => Math.floor(now() / 1000);
      const xml = (text: string, msgId = String(++msgSeq)) =>
        `<xml><ToUserName><![CDATA[${account}]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName><CreateTime>${created()}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>${msgId}</MsgId></xml>`;
      const follower: FakeFollower = {
        openid,
        xml,
        post,
        async say(text) {
          return post(xml(text));
        },
        async click(key) {
          return post(
            `<xml><ToUserName><![CDATA[${account}]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName><CreateTime>${created()}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[${key}]]></EventKey></xml>`,
          );
        },
        async ask(text) {
          const before = fake.inbox(openid).length;
          const answer = await follower.say(text);
          if (answer.status !== 200) throw new Error(`webhook answered ${answer.status}: ${answer.body}`);
          return fake.inbox(openid).slice(before).join('\n');
        },
      };
      return follower;
    },
    webhook(url) {
      webhookUrl = url;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  const answer = (res: http.ServerResponse, api: string, body: Record<string, unknown>) => {
    fake.calls.push({ api, errcode: typeof body.errcode === 'number' ? body.errcode : 0 });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      let body: Record<string, any> = {};
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      } catch {
        return answer(res, url.pathname, { errcode: 47001, errmsg: 'data format error' });
      }
      if (url.pathname === '/cgi-bin/stable_token') {
        if (body.grant_type !== 'client_credential' || body.appid !== appId || body.secret !== appSecret) return answer(res, 'stable_token', { errcode: 40125, errmsg: 'invalid appsecret' });
        fake.tokenFetches++;
        // The stable token: the same one until it expires, unless a new one is forced.
        if (staleStable && stable && body.force_refresh !== true) return answer(res, 'stable_token', { access_token: stable, expires_in: tokenSeconds });
        staleStable = false;
        if (!stable || body.force_refresh === true || (tokens.get(stable) ?? 0) <= now()) {
          stable = `TOKEN_${crypto.randomBytes(12).toString('hex')}`;
          tokens.set(stable, now() + tokenSeconds * 1000);
        }
        return answer(res, 'stable_token', { access_token: stable, expires_in: Math.max(1, Math.round(((tokens.get(stable) ?? 0) - now()) / 1000)) });
      }
      const api = url.pathname.replace('/cgi-bin/', '');
      const accessToken = url.searchParams.get('access_token') ?? '';
      if (!tokens.has(accessToken)) return answer(res, api, { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
      if ((tokens.get(accessToken) ?? 0) <= now()) return answer(res, api, { errcode: 42001, errmsg: 'access_token expired' });
      const openid = String(body.touser ?? '');
      if (api === 'message/custom/send') {
        const last = lastInteraction.get(openid);
        if (last === undefined || closed.has(openid) || now() - last > 48 * 3600_000) return answer(res, api, { errcode: 45015, errmsg: 'response out of time limit or subscription is canceled' });
        const count = sentInWindow.get(openid) ?? 0;
        if (count >= fake.limit) return answer(res, api, { errcode: 45047, errmsg: 'out of response count limit' });
        if (body.msgtype !== 'text' || typeof body.text?.content !== 'string') return answer(res, api, { errcode: 40008, errmsg: 'invalid message type' });
        sentInWindow.set(openid, count + 1);
        fake.sent.push({ type: 'text', openid, text: body.text.content, at: options.now() });
        return answer(res, api, { errcode: 0, errmsg: 'ok' });
      }
      if (api === 'message/template/send') {
        const fields = options.templates[String(body.template_id)];
        if (!fields) return answer(res, api, { errcode: 40037, errmsg: 'invalid template_id' });
        const data = (body.data ?? {}) as Record<string, { value?: unknown }>;
        const keys = Object.keys(data).sort();
        if (keys.join() !== [...fields].sort().join() || keys.some((k) => typeof data[k]?.value !== 'string')) return answer(res, api, { errcode: 47003, errmsg: 'argument invalid! data.keys' });
        if ('url' in body || 'miniprogram' in body) return answer(res, api, { errcode: 47003, errmsg: 'this fake expects link-free templates' });
        fake.sent.push({ type: 'template', openid, templateId: String(body.template_id), data: Object.fromEntries(keys.map((k) => [k, String(data[k].value)])), at: options.now() });
        return answer(res, api, { errcode: 0, errmsg: 'ok', msgid: fake.sent.length });
      }
      return answer(res, api, { errcode: 48001, errmsg: 'api unauthorized' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
