import http from 'node:http';
import net from 'node:net';

import type { AddressInfo } from 'node:net';
import { ActivityTypes, type Activity, type TurnContext } from 'botbuilder';
import { loadConfig } from '../services/config';
import { startApp, type App } from '../bot/app';
import { createLogger } from '../bot/logger';
import { createTeamsAdapter, RetryingCloudAdapter } from '../bot/channels/teams/adapter';
import { BOT_FRAMEWORK_CONNECTOR_HOSTS, ConnectorGuard, type Lookup } from '../bot/channels/teams/connector-guard';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startFakeConnector, type FakeConnector } from './support/fake-connector';
import { TeamsUser } from './support/teams-client';
import { FROZEN_NOW } from './support/app';

/**
 * Issue 11 item 3: the bot POSTed reply text to whatever serviceUrl an activity named (a
 * local PostgreSQL port, a link-local metadata address). Replies now go to allowed
 * connector hosts only, and a refused activity runs nothing and opens no connection.
 */

/** A TCP listener that only counts who connects to it. */
async function countingListener(): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, connections: () => connections, close: () => new Promise((r) => server.close(() => r())) };
}

/** Every outgoing TCP connection this process starts while `fn` runs (host:port or path). */
async function connectionsDuring(fn: () => Promise<void>): Promise<string[]> {
  const targets: string[] = [];
  const original = net.Socket.prototype.connect;
  const spy = jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
    const first = (Array.isArray(args[0]) ? args[0][0] : args[0]) as { host?: string; port?: number; path?: string } | number;
    targets.push(typeof first === 'object' ? (first.path ?? `${first.host ?? 'localhost'}:${first.port}`) : `localhost:${String(first)}`);
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return targets;
}

describe('replies go only to allowed connector hosts (in-process bot over HTTP)', () => {
  let db: TestDatabase;
  let connector: FakeConnector;
  let app: App;
  let url: string;
  let listener: Awaited<ReturnType<typeof countingListener>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    connector = await startFakeConnector();
    listener = await countingListener();
    const connectorPort = new URL(connector.url).port;
    // Local mode, with the Emulator's port named (as an operator would to pin it).
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', AFTERCARE_CONNECTOR_HOSTS: `127.0.0.1:${connectorPort},*.botframework.com` });
    const shop = await db.prisma.shop.findFirstOrThrow();
    app = await startApp(config, createLogger('silent'), {
      now: () => FROZEN_NOW,
      jobs: false,
      database: { db, shop: { id: shop.id, name: shop.name, nameEn: shop.nameEn, timeZone: shop.timeZone, bookingHorizonDays: shop.bookingHorizonDays } },
    });
    url = `http://127.0.0.1:${app.server.port}`;
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await connector?.close();
    await listener?.close();
  });

  const tables = ['ChannelIdentity', 'ProcessedActivity', 'BotState', 'OutboundMessage', 'AuditEvent'];
  const counts = async () => Promise.all(tables.map(async (t) => Number((await db.raw.query<{ n: string }>(`SELECT count(*) AS n FROM "${t}"`))[0].n)));

  it('answers through the allowed connector as before', async () => {
    expect(await new TeamsUser(url, connector).say('你好')).toContain('请问需要什么帮助');
  });

  it('refuses an activity naming another local port, a private or link-local address, or an unlisted host: 403, nothing written, no connection', async () => {
    const user = new TeamsUser(url, connector);
    const before = await counts();
    const callsBefore = connector.calls.length;
    const refused = [
      `http://127.0.0.1:${listener.port}`,
      `http://localhost:${listener.port}/v3/`,
      `http://2130706433:${listener.port}`, // 127.0.0.1 written as one number
      `http://[::ffff:127.0.0.1]:${listener.port}`,
      'http://169.254.169.254/latest/meta-data/',
      'https://169.254.169.254',
      'https://[fe80::1]',
      'https://10.1.2.3',
      'http://10.0.0.1:5432',
      'https://192.168.1.1:8443',
      'https://user:pw@smba.trafficmanager.net/amer/',
      'http://smba.trafficmanager.net/amer/', // not https
      'https://evil.example.com/',
      'file:///etc/passwd',
    ];
    const statuses: number[] = [];
    const targets = await connectionsDuring(async () => {
      for (const serviceUrl of refused) statuses.push((await user.post({ ...user.activity({ text: '我的预约' }), serviceUrl })).status);
    });
    expect(statuses).toEqual(refused.map(() => 403));
    // The only connections were the test's own requests to the bot.
    expect(targets.filter((t) => t !== `127.0.0.1:${app.server.port}` && t !== `localhost:${app.server.port}`)).toEqual([]);
    expect(listener.connections()).toBe(0);
    expect(connector.calls.length).toBe(callsBefore);
    expect(await counts()).toEqual(before);
  });
});

describe('ConnectorGuard', () => {
  const answers = (table: Record<string, string[]>): Lookup => (hostname, _options, callback) => {
    const found = table[hostname];
    if (!found) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, found.map((address) => ({ address, family: net.isIP(address) as 4 | 6 })));
  };

  it('allows Bot Framework and Teams hosts over https by default, on their default port', async () => {
    const guard = new ConnectorGuard({ auth: 'on', hosts: null, concurrency: 4, lookup: answers({ 'smba.trafficmanager.net': ['52.112.0.1'], 'webchat.botframework.com': ['20.42.0.1'], 'smba.infra.gov.teams.microsoft.us': ['52.127.0.1'] }) });
    for (const ok of ['https://smba.trafficmanager.net/amer/', 'https://webchat.botframework.com/', 'https://smba.infra.gov.teams.microsoft.us/teams', 'https://api.botframework.azure.cn/'])
      expect(await guard.check(ok)).toMatchObject({ ok: true });
    for (const no of ['https://smba.trafficmanager.net:8443/amer/', 'https://evil.trafficmanager.net/', 'https://botframework.com.evil.io/', 'http://127.0.0.1:3978', 'http://localhost:9000'])
      expect(await guard.check(no)).toMatchObject({ ok: false });
  });

  it('limits connector calls per conversation: another conversation is not held up, and an idle one is forgotten', async () => {
    const guard = new ConnectorGuard({ auth: 'on', hosts: null, concurrency: 1 });
    const base = 'https://smba.trafficmanager.net/amer/v3/conversations';
    let release!: () => void;
    const held = guard.limit(`${base}/a/activities/1`, () => new Promise<string>((resolve) => (release = () => resolve('a1'))));
    const order: string[] = [];
    const sameConversation = guard.limit(`${base}/a/activities/2`, async () => void order.push('a2'));
    await guard.limit(`${base}/b/activities/1`, async () => void order.push('b1'));
    expect(order).toEqual(['b1']);
    release();
    expect(await held).toBe('a1');
    await sameConversation;
    expect(order).toEqual(['b1', 'a2']);
    expect((guard as unknown as { limiters: Map<string, unknown> }).limiters.size).toBe(0);
  });

  it("covers the hosts in the SDK's own constants", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { AuthenticationConstants, GovernmentConstants } = require('botframework-connector');
    const guard = new ConnectorGuard({ auth: 'on', hosts: null, concurrency: 4, lookup: (_h, _o, cb) => cb(null, [{ address: '20.0.0.1', family: 4 }]) });
    for (const u of [AuthenticationConstants.ToChannelFromBotOAuthScope, AuthenticationConstants.OAuthUrl, GovernmentConstants.ChannelService, GovernmentConstants.ToChannelFromBotOAuthScope, GovernmentConstants.OAuthUrl])
      expect({ u, verdict: await guard.check(u) }).toMatchObject({ verdict: { ok: true } });
    expect(BOT_FRAMEWORK_CONNECTOR_HOSTS).toContain('smba.trafficmanager.net');
  });

  it('refuses an allowed name that resolves to a private, loopback or link-local address', async () => {
    const guard = new ConnectorGuard({
      auth: 'on',
      hosts: null,
      concurrency: 4,
      lookup: answers({ 'metadata.botframework.com': ['169.254.169.254'], 'internal.botframework.com': ['10.0.0.8'], 'self.botframework.com': ['127.0.0.1'], 'mixed.botframework.com': ['20.0.0.1', '192.168.0.9'] }),
    });
    for (const host of ['metadata', 'internal', 'self', 'mixed']) expect(await guard.check(`https://${host}.botframework.com/`)).toMatchObject({ ok: false });
  });

  it('allows a private address only for a host the operator listed by exact name', async () => {
    const lookup = answers({ 'connector.corp.example': ['10.20.0.5'], 'a.corp.example': ['10.20.0.6'] });
    const guard = new ConnectorGuard({ auth: 'on', hosts: loadConfig({ MicrosoftAppId: 'x', MicrosoftAppPassword: 'y', AFTERCARE_CONNECTOR_HOSTS: 'connector.corp.example,*.corp.example' }).teams.connectorHosts, concurrency: 4, lookup });
    expect(await guard.check('https://connector.corp.example/')).toMatchObject({ ok: true });
    expect(await guard.check('https://a.corp.example/')).toMatchObject({ ok: false });
  });

  it('checks the addresses again when it connects: a name that resolves differently the second time gets no connection', async () => {
    const listener = await countingListener();
    let calls = 0;
    // First answer public (passes the check), then this machine (DNS rebinding).
    const rebinding: Lookup = (_hostname, _options, callback) => callback(null, [{ address: ++calls === 1 ? '93.184.216.34' : '127.0.0.1', family: 4 }]);
    const config = loadConfig({ LOG_LEVEL: 'silent', AFTERCARE_CONNECTOR_HOSTS: 'rebind.example:*' });
    const adapter = createTeamsAdapter(config.teams, createLogger('silent'), { delaysMs: [], timeoutMs: 2000 }, { lookup: rebinding });
    const reference = {
      serviceUrl: `http://rebind.example:${listener.port}`,
      channelId: 'emulator',
      conversation: { id: 'c1' } as never,
      bot: { id: 'bot', name: 'bot' },
      user: { id: 'u1', name: 'u' },
    };
    // Plain http to a non-loopback name is refused outright; over https the connect-time check is what stops it.
    await expect(adapter.continueConversationAsync('', reference, async (context) => void (await context.sendActivity('hi')))).rejects.toThrow(/plain http/);
    await expect(
      adapter.continueConversationAsync('', { ...reference, serviceUrl: `https://rebind.example:${listener.port}` }, async (context) => void (await context.sendActivity('hi'))),
    ).rejects.toThrow(/refused at connect/);
    expect(listener.connections()).toBe(0);
    await listener.close();
  });

  it('keeps at most AFTERCARE_CONNECTOR_CONCURRENCY connector calls to one conversation in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    let served = 0;
    const slow = http.createServer((req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      req.resume();
      setTimeout(() => {
        inFlight--;
        served++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `r${served}` }));
      }, 50);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const port = (slow.address() as AddressInfo).port;
    const config = loadConfig({ LOG_LEVEL: 'silent', AFTERCARE_CONNECTOR_CONCURRENCY: '2' });
    const adapter = createTeamsAdapter(config.teams, createLogger('silent'), { delaysMs: [], timeoutMs: 5000 }) as RetryingCloudAdapter;
    const activity = {
      type: ActivityTypes.Message,
      id: 'in-1',
      text: 'hi',
      serviceUrl: `http://127.0.0.1:${port}`,
      channelId: 'emulator',
      conversation: { id: 'conv-1' },
      from: { id: 'u1' },
      recipient: { id: 'bot' },
    } as Activity;
    await adapter.processActivity('', activity, async (context: TurnContext) => {
      await Promise.all(Array.from({ length: 8 }, (_, i) => context.sendActivity(`part ${i}`)));
    });
    expect(served).toBe(8);
    expect(peak).toBe(2);
    await new Promise<void>((resolve) => slow.close(() => resolve()));
  });
});


