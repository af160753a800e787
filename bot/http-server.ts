import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/**
 * A small HTTP front door over node:http: no framework, because the bot serves three
 * routes and must control body size and error replies exactly.
 */

export const MAX_BODY_BYTES = 256 * 1024;

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface JsonRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/** The request/response shapes botbuilder's CloudAdapter.process() expects. */
export interface BotRequest {
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
  method?: string;
}
export interface BotResponse {
  socket: unknown;
  end(...args: unknown[]): unknown;
  header(name: string, value: unknown): unknown;
  send(body?: unknown): unknown;
  status(code: number): unknown;
}

export type RouteHandler = (req: JsonRequest, raw: { req: http.IncomingMessage; res: http.ServerResponse }) => Promise<void>;

export function readBody(req: http.IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new HttpError(413, `request body is larger than ${limit} bytes`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, `request body is larger than ${limit} bytes`));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const type = String(req.headers['content-type'] ?? '');
  if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type.trim())) throw new HttpError(415, 'content-type must be application/json');
  const body = await readBody(req);
  if (body.length === 0) throw new HttpError(400, 'request body is empty; expected a JSON object');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new HttpError(400, `request body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Strings that PostgreSQL cannot store (NUL) or that are not valid UTF-16 (lone surrogates,
 * which jsonb rejects) are made safe on the way in, so one odd character cannot break every
 * later turn of a conversation.
 */
export function sanitizeStrings<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return value.replace(/\u0000/g, '').toWellFormed() as T;
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => sanitizeStrings(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[sanitizeStrings(k, depth + 1)] = sanitizeStrings(v, depth + 1);
  return out as T;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Adapts node's response to the express-like interface botbuilder writes to. */
export function botResponse(res: http.ServerResponse): BotResponse {
  let status = 200;
  return {
    socket: res.socket,
    status(code: number) {
      status = code;
      return this;
    },
    header(name: string, value: unknown) {
      if (!res.headersSent) res.setHeader(name, String(value));
      return this;
    },
    send(body?: unknown) {
      if (res.headersSent) return this;
      if (body === undefined || body === null) {
        res.writeHead(status);
        res.end();
      } else {
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        if (!res.getHeader('content-type')) res.setHeader('content-type', 'application/json; charset=utf-8');
        res.writeHead(status);
        res.end(text);
      }
      return this;
    },
    end() {
      if (!res.writableEnded) {
        if (!res.headersSent) res.writeHead(status);
        res.end();
      }
      return this;
    },
  };
}

export interface Route {
  method: string;
  path: string | RegExp;
  handler: (req: http.IncomingMessage, res: http.ServerResponse, params: string[]) => Promise<void>;
}

export interface RunningServer {
  server: http.Server;
  port: number;
  /** Stops accepting, waits for in-flight requests (up to `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
  inFlight(): number;
}

export function startHttpServer(routes: Route[], options: { port: number; host: string; log?: (msg: string, err?: unknown) => void }): Promise<RunningServer> {
  let inFlight = 0;
  let idle: (() => void) | null = null;
  const log = options.log ?? (() => {});
  const server = http.createServer((req, res) => {
    inFlight++;
    res.on('close', () => {
      inFlight--;
      if (inFlight === 0 && idle) idle();
    });
    const url = new URL(req.url ?? '/', 'http://localhost');
    let matchedPath = false;
    for (const route of routes) {
      const params = typeof route.path === 'string' ? (route.path === url.pathname ? [] : null) : route.path.exec(url.pathname)?.slice(1) ?? null;
      if (!params) continue;
      matchedPath = true;
      if (route.method !== req.method) continue;
      route.handler(req, res, params).catch((error: unknown) => {
        if (error instanceof HttpError) {
          sendJson(res, error.status, { error: error.message });
          return;
        }
        log(`unhandled error on ${req.method} ${url.pathname}`, error);
        sendJson(res, 500, { error: 'internal error' });
      });
      return;
    }
    sendJson(res, matchedPath ? 405 : 404, { error: matchedPath ? `method ${req.method} not allowed` : `no route ${url.pathname}` });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        server,
        port,
        inFlight: () => inFlight,
        close: (graceMs = 10_000) =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections?.();
            if (inFlight === 0) return;
            const timer = setTimeout(() => server.closeAllConnections?.(), graceMs);
            idle = () => {
              clearTimeout(timer);
              server.closeIdleConnections?.();
            };
          }),
      });
    });
  });
}

/** Minimal shape every inbound Bot Framework activity must have before the SDK sees it. */
export const inboundActivitySchema = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().max(512).optional(),
    serviceUrl: z.string().max(2048).optional(),
    channelId: z.string().min(1).max(64),
    from: z.object({ id: z.string().min(1).max(512), name: z.string().max(512).optional().nullable() }).passthrough(),
    conversation: z.object({ id: z.string().min(1).max(1024) }).passthrough(),
    recipient: z.object({ id: z.string().min(1).max(512) }).passthrough().optional(),
    text: z.string().optional().nullable(),
  })
  .passthrough();
