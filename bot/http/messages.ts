import type { Activity, CloudAdapter, TurnContext } from 'botbuilder';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../logger';
import { errorResponses, type HttpApp } from './server';
import { TurnInProgressError } from '../turn-store';
import { RETRY_AFTER_SECONDS, TurnGateFullError } from '../turn-gate';

/** Minimal shape every inbound Bot Framework activity must have before the SDK sees it. */
export const inboundActivitySchema = z
  .looseObject({
    type: z.string().min(1).max(64),
    id: z.string().max(512).optional(),
    serviceUrl: z.string().max(2048).optional(),
    channelId: z.string().min(1).max(64),
    from: z.looseObject({ id: z.string().min(1).max(512), name: z.string().max(512).optional().nullable() }),
    conversation: z.looseObject({ id: z.string().min(1).max(1024) }),
    recipient: z.looseObject({ id: z.string().min(1).max(512) }).optional(),
    text: z.string().optional().nullable(),
  })
  .describe('A Bot Framework activity (only the fields checked here are listed; the rest pass through)');

/**
 * The express/restify-like response botbuilder's CloudAdapter.process() writes to. It is
 * collected and sent through fastify once process() resolves (the SDK always ends the
 * response last), so fastify's hooks and error handling see it like any other reply.
 */
class BotResponse {
  statusCode = 200;
  body: unknown = undefined;
  readonly headers: Record<string, string> = {};
  constructor(readonly socket: unknown) {}
  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  header(name: string, value: unknown): this {
    this.headers[name.toLowerCase()] = String(value);
    return this;
  }
  send(body?: unknown): this {
    if (body !== undefined && body !== null) this.body = body;
    return this;
  }
  end(): this {
    return this;
  }
}

export interface MessagesRouteOptions {
  adapter: CloudAdapter;
  /** The bot's turn handler (an ActivityHandler or anything with its run()). */
  bot: { run(context: TurnContext): Promise<void> };
  logger: Logger;
}

/** POST /api/messages: Teams, the Emulator and any Bot Framework channel. */
export function registerMessagesRoute(app: HttpApp, options: MessagesRouteOptions): void {
  const { adapter, bot, logger } = options;
  app.post(
    '/api/messages',
    {
      schema: {
        tags: ['Bot Framework'],
        summary: 'Receive an activity from a Bot Framework channel (Teams, Emulator)',
        description: 'With MicrosoftAppId set, every request must carry a Bot Framework token (else 401). Replies go to the activity’s serviceUrl.',
        body: inboundActivitySchema,
        response: { 200: z.unknown().describe('Empty, or the invoke response'), ...errorResponses(400, 401, 413, 415, 500, 503) },
      },
      config: { invalidBodyLabel: 'invalid activity' },
    },
    async (request, reply) => {
      const res = new BotResponse(reply.raw.socket);
      let inProgress = false;
      let full = false;
      await adapter.process(
        { body: request.body as unknown as Activity & Record<string, unknown>, headers: request.headers, method: request.method },
        res,
        (context) =>
          bot.run(context).catch((error: unknown) => {
            // The same activity is being handled right now (or by a process that died within
            // its lease): the channel is asked to deliver it again shortly, nothing is said.
            if (error instanceof TurnInProgressError) {
              inProgress = true;
              return;
            }
            // Thousands of turns wait already (bot/turn-gate.ts): the channel keeps this one and retries.
            if (error instanceof TurnGateFullError) {
              full = true;
              return;
            }
            throw error;
          }),
      );
      if (inProgress) return reply.code(503).header('retry-after', '5').send({ error: 'this activity is being handled; deliver it again shortly' });
      if (full) return reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send({ error: 'too many messages waiting; deliver this one again later' });
      return sendBotResponse(res, request, reply, logger);
    },
  );
}

function sendBotResponse(res: BotResponse, request: FastifyRequest, reply: FastifyReply, logger: Logger): FastifyReply {
  // The SDK answers a failed turn or a failed token check with the exception's message:
  // internal text for the caller. It stays in the log; the caller gets the request id.
  if (res.statusCode >= 500) {
    logger.error('bot framework request failed', { requestId: request.id, status: res.statusCode, error: typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? null) });
    // 503 (the token could not be checked now) stays 503: the channel retries it.
    const status = res.statusCode === 503 ? 503 : 500;
    return reply.code(status).send({ error: status === 503 ? 'temporarily unavailable, try again' : 'internal error', requestId: String(request.id) });
  }
  reply.code(res.statusCode).headers(res.headers);
  if (res.body === undefined) return reply.send();
  if (typeof res.body === 'string') {
    // A refusal (401 without a valid token, 400) reads as JSON like every other error reply.
    if (res.statusCode >= 400) return reply.send({ error: res.body });
    return reply.type('text/plain; charset=utf-8').send(res.body);
  }
  return reply.send(res.body);
}
