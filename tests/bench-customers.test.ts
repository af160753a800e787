import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLoadConnector, type LoadConnector } from '../bench/connector';
import { BUSY_MARKERS, classifyReply, destroyAgent, EchoCustomer, ERROR_REPLIES } from '../bench/customers';
import { t } from '../dialogs/i18n';

/**
 * The bench's reading of the bot's replies: a busy reply followed by the answer is an answered
 * turn, the bot's turn-error reply is a failed one, and a busy reply alone is failed too.
 */

type Behaviour = 'answer' | 'busy-then-answer' | 'busy-only' | 'error-zh' | 'error-en';

const BUSY_TEXT = BUSY_MARKERS[0];

async function startFakeBot(behaviour: () => Behaviour): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const activity = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const reply = (text: string) =>
        fetch(`${activity.serviceUrl}/v3/conversations/${encodeURIComponent(activity.conversation.id)}/activities/${activity.id}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'message', text }),
        });
      const b = behaviour();
      if (b === 'answer') await reply(`收到：${activity.text}`);
      if (b === 'busy-then-answer' || b === 'busy-only') await reply(BUSY_TEXT);
      if (b === 'error-zh') await reply(t('zh', 'unavailable'));
      if (b === 'error-en') await reply(t('en', 'unavailable'));
      res.writeHead(200).end();
      // The answer follows after the POST was answered, in two parts.
      if (b === 'busy-then-answer') setTimeout(() => void reply(`收到：${activity.text}`).then(() => reply('还有一句')), 50);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('bench customers', () => {
  let connector: LoadConnector;
  let bot: { url: string; close: () => Promise<void> };
  let behaviour: Behaviour = 'answer';

  beforeAll(async () => {
    connector = await startLoadConnector();
    bot = await startFakeBot(() => behaviour);
  });
  afterAll(async () => {
    destroyAgent();
    await bot.close();
    await connector.close();
  });

  it('classifies the error reply before the busy words (the English error says "busy")', () => {
    expect(ERROR_REPLIES.every((e) => classifyReply(e) === 'error')).toBe(true);
    expect(classifyReply(`前缀 ${t('en', 'unavailable')}`)).toBe('error');
    expect(classifyReply(BUSY_TEXT)).toBe('busy');
    expect(classifyReply('预约成功！')).toBe('answer');
  });

  it('a plain answer is an answered turn without a busy reply', async () => {
    behaviour = 'answer';
    const c = new EchoCustomer(bot.url, connector, 5_000);
    const r = await c.turn();
    c.dispose();
    expect(r).toMatchObject({ ok: true, busy: false, errorReply: false });
  });

  it('waits for the answer that follows a busy reply and counts the turn as answered', async () => {
    behaviour = 'busy-then-answer';
    const c = new EchoCustomer(bot.url, connector, 2_000);
    const first = await c.turn();
    // The first turn's second late part belongs to it: had it leaked into the next turn, that
    // turn (busy, never answered) would look answered.
    behaviour = 'busy-only';
    const second = await c.turn();
    c.dispose();
    expect(first).toMatchObject({ ok: true, busy: true, errorReply: false });
    expect(second).toMatchObject({ ok: false, busy: true });
  });

  it('a busy reply with no answer before the timeout is a failed turn', async () => {
    behaviour = 'busy-only';
    const c = new EchoCustomer(bot.url, connector, 300);
    const r = await c.turn();
    c.dispose();
    expect(r).toMatchObject({ ok: false, busy: true, errorReply: false });
  });

  it.each(['error-zh', 'error-en'] as const)('the bot’s turn-error reply (%s) is a failed turn, not a busy one', async (b) => {
    behaviour = b;
    const c = new EchoCustomer(bot.url, connector, 5_000);
    const r = await c.turn();
    c.dispose();
    expect(r).toMatchObject({ ok: false, errorReply: true, busy: false });
  });
});
