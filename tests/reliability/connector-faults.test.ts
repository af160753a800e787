import { useTestApp } from '../support/app';
import { createLogger } from '../../bot/logger';
import { ProactiveMessenger } from '../../bot/proactive';
import { killAllBots, startBot } from '../support/bot-process';
import { renderActivity, startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { TeamsUser } from '../support/teams-client';
import { createBotDatabase, startHangingProxy, viaUrl, type BotDatabase } from './helpers';

/**
 * The Bot Framework connector fails (5xx, 429 throttling) or hangs: replies are retried
 * with backoff and arrive exactly once; a proactive message that cannot be delivered is
 * queued as an OutboundMessage and delivered by messenger.flush() later.
 */
describe('connector faults (in-process app)', () => {
  const t = useTestApp();

  const posts = (user: TeamsUser) => user.newCalls().filter((c) => c.method === 'POST').map((c) => renderActivity(c.body));

  it('retries a reply the connector answers with 500/503 (SDK pipeline) and delivers it once', async () => {
    const user = t.user();
    await user.say('你好');
    t.connector.failNext(2, 503);
    const res = await user.post(user.activity({ text: '我的预约' }));
    expect(res.status).toBe(200);
    const replies = posts(user);
    expect(replies).toHaveLength(1); // registration intro with the mobile question, once
    expect(replies.join('\n')).toContain('手机号');
    // Both injected failures were retried through.
    expect(t.connector.failuresLeft()).toBe(0);
  }, 30_000);

  it('retries a reply throttled with 429 (no Retry-After) with backoff and delivers it once', async () => {
    const user = t.user();
    await user.say('你好');
    t.connector.failNext(2, 429);
    const res = await user.post(user.activity({ text: '转人工' }));
    expect(res.status).toBe(200);
    const replies = posts(user);
    expect(replies).toHaveLength(1);
    expect(replies[0]).not.toContain('请稍后再试');
    expect(t.connector.failuresLeft()).toBe(0);
  }, 30_000);

  it('retries a failed card update (PUT) as well', async () => {
    const user = t.user();
    await user.say('你好');
    t.connector.failNext(1, 429);
    const { updates } = await user.press('我的预约');
    expect(updates).toHaveLength(1);
    expect(renderActivity(updates[0].body)).toContain('已选择');
  }, 30_000);

  it('queues a proactive message the connector refuses and delivers it on flush', async () => {
    const user = t.user();
    await user.say('你好');
    user.newCalls();
    const identity = await t.db.prisma.channelIdentity.findFirstOrThrow({ where: { channel: 'msteams', externalId: user.userId } });

    // More failures than the SDK's retries (4 attempts of a 5xx): the send fails.
    t.connector.failNext(4, 500);
    expect(await t.app.messenger.send(identity.id, '提醒：您明天 10:00 有保养预约。')).toBe('queued');
    // Throttled beyond our retries (4 attempts of a 429): queued too.
    t.connector.failNext(4, 429);
    expect(await t.app.messenger.send(identity.id, '提醒：请带上保养手册。')).toBe('queued');
    expect(user.newCalls()).toHaveLength(0);
    const queued = await t.db.prisma.outboundMessage.findMany({ where: { identityId: identity.id }, orderBy: { createdAt: 'asc' } });
    expect(queued.map((m) => [m.status, m.attempts])).toEqual([
      ['QUEUED', 1],
      ['QUEUED', 1],
    ]);

    // Connector still refusing on the first flush (a 400 is not retried): nothing lost, attempts counted.
    t.connector.failNext(2, 400);
    expect(await t.app.messenger.flush()).toBe(0);
    expect(await t.db.prisma.outboundMessage.count({ where: { identityId: identity.id, status: 'QUEUED', attempts: 2 } })).toBe(2);

    // Back up: delivered once each, in order.
    expect(await t.app.messenger.flush()).toBe(2);
    expect(posts(user)).toEqual(['提醒：您明天 10:00 有保养预约。', '提醒：请带上保养手册。']);
    expect(await t.db.prisma.outboundMessage.count({ where: { identityId: identity.id, status: 'SENT' } })).toBe(2);
    expect(await t.app.messenger.flush()).toBe(0);
    expect(user.newCalls()).toHaveLength(0);
  }, 60_000);
});

describe('flushing the outbound queue from several processes', () => {
  const t = useTestApp();

  it('delivers each queued message once when two processes flush at the same time', async () => {
    const user = t.user();
    await user.say('你好');
    const identity = await t.db.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: user.userId } });
    await t.db.prisma.outboundMessage.createMany({ data: Array.from({ length: 5 }, (_, i) => ({ identityId: identity.id, text: `提醒 ${i}`, status: 'QUEUED' as const })) });
    const delivered: string[] = [];
    // Two messengers on one database, as two bot processes have; a connector taking 50 ms.
    const messengers = [0, 1].map(() => {
      const m = new ProactiveMessenger(t.db.prisma, createLogger('silent'));
      m.register('msteams', async (_ref, text) => {
        await new Promise((r) => setTimeout(r, 50));
        delivered.push(typeof text === 'string' ? text : String(text.text));
        return 'sent';
      });
      return m;
    });
    const sent = await Promise.all([messengers[0].flush(), messengers[1].flush(), messengers[0].flush()]);
    expect(sent.reduce((a, b) => a + b, 0)).toBe(5);
    expect(delivered.sort()).toEqual(['提醒 0', '提醒 1', '提醒 2', '提醒 3', '提醒 4']);
    expect(await t.db.prisma.outboundMessage.count({ where: { identityId: identity.id, status: 'SENT' } })).toBe(5);
  }, 30_000);
});

describe('connector that hangs (bot process with a 1 s connector timeout)', () => {
  let db: BotDatabase;
  let connector: FakeConnector;
  afterAll(async () => {
    await killAllBots();
    await connector?.close();
    await db?.dispose();
  });

  it('times out a hung reply request, retries it, and the reply arrives once', async () => {
    db = await createBotDatabase('hang');
    connector = await startFakeConnector();
    const proxy = await startHangingProxy(connector);
    try {
      const bot = await startBot({ databaseUrl: db.url, env: { AFTERCARE_CONNECTOR_TIMEOUT_MS: '1000' } });
      const user = new TeamsUser(bot.url, viaUrl(connector, proxy.url));
      proxy.hangNext(1);
      const res = await user.post(user.activity({ text: '你好' }));
      expect(res.status).toBe(200);
      expect(proxy.hung()).toBe(1);
      // The welcome with its menu card, exactly once (the hung attempt never reached the connector).
      const replies = user.newCalls().filter((c) => c.method === 'POST').map((c) => renderActivity(c.body));
      expect(replies).toHaveLength(1);
      expect(replies[0]).toContain('服务顾问助手');
      expect(replies[0]).toContain('请问需要什么帮助');
      expect(bot.stderr()).toContain('connector call failed, retrying');
      // The abandoned request's socket would keep the process alive until the connector drops it.
      await proxy.close();
      await bot.stop();
      expect((await bot.exited).code).toBe(0);
    } finally {
      await proxy.close();
    }
  }, 120_000);
});
