import crypto from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import secureJson from 'secure-json-parse';
import { z } from 'zod';
import type { Logger } from '../logger';
import { jsonNestedDeeperThan, MAX_JSON_DEPTH, sanitizeStrings } from './sanitize';

/**
 * The HTTP front door: fastify with zod schemas for every route, so that validation, the
 * TypeScript types and the OpenAPI document (GET /api/openapi.json) come from one source.
 * What the old hand-written server guaranteed is kept here: bodies over the limit get 413,
 * anything but JSON 415, malformed or too deeply nested JSON 400, every string in a body is
 * sanitised before a route sees it, and no error reply carries internal text.
 */

export const MAX_BODY_BYTES = 256 * 1024;

export type HttpApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/** An error whose message is written for the caller; anything else becomes a bare 500. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** A stable, machine-readable reason (e.g. "extra-work-pending") beside the words. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The body of every error reply. */
export const errorSchema = z
  .object({
    error: z.string().describe('What went wrong, in the caller’s terms'),
    code: z.string().optional().describe('Where a route names them: a stable reason code (e.g. extra-work-pending, illegal-transition)'),
    requestId: z.string().optional().describe('On 500 only: quote it to the operator, who finds the detail in the log'),
  })
  .meta({ id: 'Error' });

/** Response schemas for the error statuses a route can answer with (for the OpenAPI document). */
export function errorResponses<const C extends readonly number[]>(...codes: C): { [K in C[number]]: typeof errorSchema } {
  return Object.fromEntries(codes.map((c) => [c, errorSchema])) as { [K in C[number]]: typeof errorSchema };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Error text before a body validation failure ("invalid activity" for /api/messages). */
    invalidBodyLabel?: string;
  }
}

// `application/json`, with parameters, or a `+json` structured syntax type; nothing that
// merely starts with it (application/jsonp-not).
const JSON_SUFFIX_TYPE = /^application\/[\w.-]+\+json\s*(;|$)/i;

export interface HttpServerOptions {
  logger: Logger;
  bodyLimit?: number;
  /** Shown in the OpenAPI document. */
  version?: string;
}

export async function createHttpServer(options: HttpServerOptions): Promise<HttpApp> {
  const { logger } = options;
  const bodyLimit = options.bodyLimit ?? MAX_BODY_BYTES;
  const app = Fastify({
    logger: false,
    bodyLimit,
    // Our own id, not the caller's x-request-id: it must be unique to find the log line.
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    keepAliveTimeout: 65_000,
    // Node's own default, which fastify would turn off: a client that takes longer than
    // this to send one request (slowloris, an endless oversized body) is cut off.
    requestTimeout: 300_000,
    // At shutdown idle keep-alive connections close at once; busy ones finish their request.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.server.headersTimeout = 66_000;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // JSON only: a depth check, the parser fastify itself uses (secure-json-parse: a
  // `__proto__` key is refused), then every string made storable.
  app.removeAllContentTypeParsers();
  const parseJson = async (_request: FastifyRequest, body: string | Buffer): Promise<unknown> => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim().length === 0) throw new HttpError(400, 'request body is empty; expected a JSON object');
    if (jsonNestedDeeperThan(text, MAX_JSON_DEPTH)) throw new HttpError(400, `request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
    try {
      return sanitizeStrings(secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (error) {
      throw new HttpError(400, `request body is not valid JSON: ${(error as Error).message}`);
    }
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);
  app.addContentTypeParser(JSON_SUFFIX_TYPE, { parseAs: 'string' }, parseJson);

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, message, code } = describeError(error, request, bodyLimit);
    if (status === 413) {
      // fastify would close the connection while the client is still sending, and most
      // clients then report a broken connection instead of this answer: read the rest and
      // throw it away, as the old front door did, and keep the connection.
      reply.removeHeader('connection');
      request.raw.resume();
    }
    if (status >= 500) {
      logger.error('request failed', { requestId: request.id, method: request.method, url: request.routeOptions.url ?? request.url.split('?')[0], error });
      return reply.code(500).send({ error: 'internal error', requestId: String(request.id) });
    }
    return reply.code(status).send(code ? { error: message, code } : { error: message });
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'aftercare',
        version: options.version ?? '0.0.0',
        description:
          'Bot Framework endpoint, health, and the advisors’ REST API (workshop screens, DMS integration). ' +
          'The REST API is enabled by AFTERCARE_API_KEY or by a named key (`bin/aftercare apikey create <name>`); ' +
          'send the key as `x-api-key` or `Authorization: Bearer`.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

/** Status and caller-facing text for an error; 500 for anything not written for the caller. */
function describeError(error: FastifyError, request: FastifyRequest, bodyLimit: number): { status: number; message: string; code?: string } {
  if (error instanceof HttpError) return { status: error.status, message: error.message, code: error.code };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'body';
    const issues = error.validation.map((issue) => ({ path: issue.instancePath.replace(/^\//, '').replace(/\//g, '.'), message: issue.message ?? 'invalid' }));
    const label = request.routeOptions.config?.invalidBodyLabel;
    if (label && where === 'body') return { status: 400, message: `${label}: ${issues[0].path || 'body'} ${issues[0].message}` };
    return { status: 400, message: issues.map((i) => `${i.path || where}: ${i.message}`).join('; ') };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, message: `request body is larger than ${bodyLimit} bytes` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, message: 'content-type must be application/json' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, message: 'request body is empty; expected a JSON object' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, message: 'request body length does not match its content-length' };
  }
  // fastify's own client errors (bad URL, aborted upload…) are worded for the caller.
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 && error.code?.startsWith('FST_')) {
    return { status: error.statusCode, message: error.message };
  }
  return { status: 500, message: 'internal error' };
}

export interface RunningServer {
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

export async function listen(app: HttpApp, options: { port: number; host: string }): Promise<RunningServer> {
  await app.listen({ port: options.port, host: options.host });
  const port = (app.server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    port,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        const timer = setTimeout(() => app.server.closeAllConnections(), graceMs);
        try {
          await app.close();
        } finally {
          clearTimeout(timer);
        }
      })();
      return closing;
    },
  };
}
