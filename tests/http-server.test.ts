import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { z } from 'zod';
import { createLogger } from '../bot/logger';
import { registerMessagesRoute } from '../bot/http/messages';
import { createHttpServer, HttpError, listen, MAX_BODY_BYTES, type HttpApp, type RunningServer } from '../bot/http/server';
import { healthReason } from '../bot/http/health';
import { jsonNestedDeeperThan, MAX_JSON_DEPTH, sanitizeStrings } from '../bot/http/sanitize';

/**
 * The front door on its own (no database): what every route gets from bot/http/server.ts,
 * over real HTTP.
 */
describe('HTTP front door', () => {
  const logLines: string[] = [];
  let app: HttpApp;
  let server: RunningServer;
  let url: string;
  const echoed: unknown[] = [];

  beforeAll(async () => {
    const logger = createLogger('debug', (line) => logLines.push(line));
    app = await createHttpServer({ logger });
    app.post('/echo', { schema: { body: z.looseObject({ a: z.unknown() }) } }, async (request) => {
      echoed.push(request.body);
      return request.body;
    });
    app.get('/boom', async () => {
      throw new Error('connect ECONNREFUSED 10.9.8.7:5432 at Pool.connect (/srv/aftercare/node_modules/pg/lib/pool.js:45)');
    });
    app.get('/teapot', async () => {
      throw new HttpError(409, 'this booking can no longer be cancelled');
    });
    // A Bot Framework adapter whose turn fails the way CloudAdapter reports it: status 500
    // and the exception's own text as the body.
    const failing = { process: async (_req: unknown, res: { status(n: number): void; send(b: unknown): void; end(): void }) => {
      res.status(500);
      res.send('Error: getaddrinfo ENOTFOUND login.botframework.com at 10.1.2.3');
      res.end();
    } };
    registerMessagesRoute(app, { adapter: failing as never, bot: { run: async () => {} }, logger });
    server = await listen(app, { port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server?.close();
  });

  const post = (path: string, body: string | Buffer, type?: string) =>
    fetch(`${url}${path}`, { method: 'POST', headers: type ? { 'content-type': type } : {}, body });

  it('answers an unexpected error with 500, a request id and nothing internal; the detail goes to the log', async () => {
    const res = await fetch(`${url}/boom`);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: string; requestId: string };
    expect(Object.keys(body).sort()).toEqual(['error', 'requestId']);
    expect(body.error).toBe('internal error');
    expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const line = logLines.find((l) => l.includes(body.requestId));
    expect(line).toContain('ECONNREFUSED 10.9.8.7:5432');
    // Two failures, two ids: each one finds its own log line.
    const again = (await (await fetch(`${url}/boom`)).json()) as { requestId: string };
    expect(again.requestId).not.toBe(body.requestId);
  });

  it('passes an error written for the caller through with its status', async () => {
    const res = await fetch(`${url}/teapot`);
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: 'this booking can no longer be cancelled' });
  });

  it('hides the Bot Framework SDK’s exception text behind the same 500 body', async () => {
    const res = await post('/api/messages', JSON.stringify({ type: 'message', channelId: 'msteams', from: { id: 'u' }, conversation: { id: 'c' }, serviceUrl: 'http://127.0.0.1:9' }), 'application/json');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/ENOTFOUND|botframework|10\.1\.2\.3/);
    const { requestId } = JSON.parse(text) as { requestId: string };
    expect(logLines.find((l) => l.includes(requestId))).toContain('ENOTFOUND');
  });

  it.each([
    ['a 40,000-deep array', '['.repeat(40_000) + ']'.repeat(40_000), /nested deeper than 64 levels/],
    ['a 40,000-deep object inside an object', `{"a":${'{"x":'.repeat(40_000)}1${'}'.repeat(40_000)}}`, /nested deeper than 64 levels/],
    ['a __proto__ key', '{"a":1,"__proto__":{"admin":true}}', /not valid JSON.*prototype/],
    ['malformed JSON', '{"a":', /not valid JSON/],
    ['an empty body', '', /empty/],
    ['only white space', ' \n ', /empty/],
  ])('refuses %s with 400 and a reason', async (_label, body, reason) => {
    const before = echoed.length;
    const res = await post('/echo', body, 'application/json');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(reason);
    expect(echoed.length).toBe(before);
  });

  it('accepts nesting up to the limit', async () => {
    const depth = MAX_JSON_DEPTH - 1; // plus the outer object
    const res = await post('/echo', `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`, 'application/json');
    expect(res.status).toBe(200);
  });

  it.each([
    ['text/plain', 415],
    ['application/jsonp-not', 415],
    ['application/x-www-form-urlencoded', 415],
    ['application/json; charset=utf-8', 200],
    ['Application/JSON', 200],
    ['application/vnd.api+json', 200],
  ])('content type %s → %d', async (type, status) => {
    const res = await post('/echo', '{"a":1}', type);
    expect(res.status).toBe(status);
    if (status === 415) expect(((await res.json()) as { error: string }).error).toBe('content-type must be application/json');
  });

  it('refuses a body with no content type', async () => {
    const res = await post('/echo', Buffer.from('{"a":1}'));
    expect(res.status).toBe(415);
  });

  it('refuses a body over the limit with 413 and answers the next request on the same server', async () => {
    const res = await post('/echo', JSON.stringify({ a: 'x'.repeat(MAX_BODY_BYTES) }), 'application/json');
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toBe(`request body is larger than ${MAX_BODY_BYTES} bytes`);
    expect((await post('/echo', '{"a":2}', 'application/json')).status).toBe(200);
  });

  it('makes every string in a body storable: NUL removed, lone surrogates replaced, keys included', async () => {
    const res = await post('/echo', '{"a":{"deep":["x\\u0000y","\\ud800z"],"k\\u0000ey":"\\udc00"}}', 'application/json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ a: { deep: ['xy', '\ufffdz'], key: '\ufffd' } });
  });

  it('answers an unknown route with 404 and JSON', async () => {
    const res = await fetch(`${url}/nothing/here?x=1`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no route GET /nothing/here' });
  });
});

describe('the Bot Framework route with authentication on', () => {
  it('answers a request without a token 401 with a JSON reason', async () => {
    const logger = createLogger('silent');
    const app = await createHttpServer({ logger });
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'x' }));
    let turns = 0;
    registerMessagesRoute(app, { adapter, bot: { run: async () => void turns++ }, logger });
    const server = await listen(app, { port: 0, host: '127.0.0.1' });
    const spy = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', channelId: 'msteams', from: { id: 'u' }, conversation: { id: 'c' }, serviceUrl: 'http://127.0.0.1:9' }),
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toMatch(/unauthorized/i);
      expect(turns).toBe(0);
    } finally {
      spy.mockRestore();
      await server.close();
    }
  });
});

describe('body helpers', () => {
  it('measures nesting outside strings only', () => {
    expect(jsonNestedDeeperThan('[[["[[[[[["]]]', 3)).toBe(false);
    expect(jsonNestedDeeperThan('[[[["\\"["]]]]', 3)).toBe(true);
    expect(jsonNestedDeeperThan('{"a":{"b":{"c":1}}}', 3)).toBe(false);
    expect(jsonNestedDeeperThan('{"a":{"b":{"c":[1]}}}', 3)).toBe(true);
  });

  it('leaves numbers, booleans and null alone', () => {
    expect(sanitizeStrings({ n: 1, b: true, z: null, s: 'a\u0000' })).toEqual({ n: 1, b: true, z: null, s: 'a' });
  });
});

describe('health reasons', () => {
  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.5:5432' }, /unreachable/],
    [{ code: '57P01', message: 'terminating connection due to administrator command' }, /unreachable/],
    [{ code: '25006', message: 'cannot execute INSERT in a read-only transaction' }, /not accepting writes: it is read-only/],
    [{ code: '53100', message: 'could not extend file "base/16384/2619": No space left on device' }, /not accepting writes: disk full or read-only/],
    [{ message: "ENOSPC: no space left on device, write '/var/lib/aftercare/pgdata/pg_wal/000000010000000000000001'" }, /disk full/],
    [{ code: '57014', message: 'canceling statement due to statement timeout' }, /did not complete a write within 3 s/],
    [{ code: '28P01', message: 'password authentication failed for user "aftercare"' }, /credentials/],
    [{ code: '42P01', message: 'relation "Heartbeat" does not exist' }, /aftercare db migrate/],
    [{ code: 'XX000', message: 'something at db.internal:5432' }, /SQLSTATE XX000/],
  ])('%j → %s, with no address', (error, reason) => {
    const text = healthReason(error);
    expect(text).toMatch(reason);
    expect(text).not.toMatch(/\d+\.\d+\.\d+\.\d+|:5432|\/var\/|db\.internal|aftercare"/);
  });
});
