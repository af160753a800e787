import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../logger';
import type { OfficialAccountChannel } from '../channels/wechat-oa/channel';
import { InboundXmlError, MAX_XML_BYTES, parseInbound } from '../channels/wechat-oa/inbound';
import { checkWebhookRequest, FRESHNESS_SECONDS, ReplayGuard, requestKey, webhookSignature } from '../channels/wechat-oa/signature';
import { errorResponses, HttpError, type HttpApp } from './server';

/** What the platform adds to the webhook URL of every request. */
const signedQuerySchema = z.looseObject({
  signature: z.string().regex(/^[0-9a-fA-F]{40}$/),
  timestamp: z.string().regex(/^\d{1,12}$/),
  nonce: z.string().regex(/^[0-9A-Za-z_-]{1,64}$/),
  echostr: z.string().max(512).optional(),
  encrypt_type: z.string().max(16).optional(),
});

const webhookQueryDoc = z.object({
  signature: z.string().describe('sha1 of the Token, timestamp and nonce, sorted and joined'),
  timestamp: z.string().describe(`Unix seconds; refused when more than ${FRESHNESS_SECONDS} s from the server's clock`),
  nonce: z.string(),
  openid: z.string().optional(),
  echostr: z.string().optional().describe('GET only: echoed back when the signature is valid (the platform’s URL check)'),
  encrypt_type: z.string().optional(),
  msg_signature: z.string().optional(),
});

export interface OfficialAccountRouteOptions {
  channel: OfficialAccountChannel;
  logger: Logger;
  now: () => Date;
}

const CHECKED = Symbol('wechat-oa.checked');
type CheckedRequest = FastifyRequest & { [CHECKED]?: { key: string; echostr?: string; encrypted: boolean } };

/**
 * The Official Account webhook (WECHAT_OA_PATH, default /wechat/oa): GET is the platform's
 * URL check, POST a follower's message or event as XML. The signature, the timestamp's
 * freshness and replays are checked before the body is read: anything else gets 401 and
 * changes nothing. A handled POST is answered "success" (the replies go out through the
 * customer-service API, within the reply window's rules).
 */
export async function registerOfficialAccountRoute(app: HttpApp, options: OfficialAccountRouteOptions): Promise<void> {
  const { channel, logger, now } = options;
  const guard = new ReplayGuard();
  await app.register(async (scope) => {
    // XML only here; the rest of the server stays JSON-only.
    scope.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string', bodyLimit: MAX_XML_BYTES }, (_request, body, done) => done(null, body));

    scope.addHook('onRequest', async (request: CheckedRequest, reply: FastifyReply) => {
      const query = signedQuerySchema.safeParse(request.query);
      const refuse = (why: string) => {
        logger.warn('wechat-oa webhook request refused', { why, ip: request.ip });
        return reply.code(401).send({ error: 'not signed by the Official Account platform' });
      };
      if (!query.success) return refuse('no signature');
      // The URL check is repeated by the platform at will: only signature and freshness count there.
      const check = checkWebhookRequest(channel.settings.token, query.data, now().getTime(), request.method === 'POST' ? guard : null);
      if (check !== 'ok') return refuse(check);
      request[CHECKED] = { key: requestKey(query.data), echostr: query.data.echostr, encrypted: Boolean(query.data.encrypt_type && query.data.encrypt_type !== 'raw') };
      return undefined;
    });

    const schema = {
      tags: ['WeChat Official Account'],
      querystring: webhookQueryDoc,
    };

    scope.get(
      channel.settings.path,
      { schema: { ...schema, summary: 'The platform’s server URL check', response: { 200: z.string(), ...errorResponses(401) } } },
      async (request: CheckedRequest, reply) => {
        const echostr = request[CHECKED]?.echostr;
        if (!echostr) throw new HttpError(400, 'echostr is missing');
        return reply.type('text/plain; charset=utf-8').send(echostr);
      },
    );

    scope.post(
      channel.settings.path,
      {
        bodyLimit: MAX_XML_BYTES,
        schema: { ...schema, summary: 'A follower’s message or event (XML, plain-text mode)', response: { 200: z.string().describe('"success"'), ...errorResponses(400, 401, 413, 415, 500) } },
      },
      async (request: CheckedRequest, reply) => {
        const checked = request[CHECKED]!;
        try {
          if (checked.encrypted) throw new HttpError(400, 'encrypted (safe mode) messages are not supported: set the message encryption mode to plain text (明文模式)');
          if (typeof request.body !== 'string') throw new HttpError(415, 'content-type must be text/xml');
          let event;
          try {
            event = parseInbound(request.body);
          } catch (error) {
            if (error instanceof InboundXmlError) throw new HttpError(400, `invalid message: ${error.message}`);
            throw error;
          }
          await channel.handleEvent(event);
        } catch (error) {
          // A request that did not go through may come again (the platform retries): not a replay.
          if (!(error instanceof HttpError) || error.status >= 500) guard.forget(checked.key);
          throw error;
        }
        return reply.type('text/plain; charset=utf-8').send('success');
      },
    );
  });
}

/** The query string the platform would add to a request at `timestampSeconds` (tests and the README's fake). */
export function signedQuery(token: string, timestampSeconds: number, nonce: string): string {
  const timestamp = String(timestampSeconds);
  return new URLSearchParams({ signature: webhookSignature(token, timestamp, nonce), timestamp, nonce }).toString();
}
