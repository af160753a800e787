import { EventEmitter } from 'node:events';
import { ActivityHandler, TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import { WechatyBuilder, log, types, type Wechaty } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { startWechaty, WechatPuppetNotInstalledError } from '../bot/channels/wechat/wechaty';
import { WechatAdapter, type WechatAdapterOptions, type WechatOutbox } from '../bot/channels/wechat/adapter';
import { decidedCard, renderOutbound } from '../bot/channels/render';

log.level('silent');

type MockContact = ReturnType<mock.Mocker['createContact']>;
type MockRoom = ReturnType<mock.Mocker['createRoom']>;
interface MockMessage {
  payload: { talkerId: string; text?: string; roomId?: string };
}
type Logic = (ctx: TurnContext) => Promise<void>;

interface Harness {
  mocker: mock.Mocker;
  bot: Wechaty;
  me: MockContact;
  customer: MockContact;
  adapter: WechatAdapter;
  /** Texts the bot sent to the customer (1:1). */
  inbox: string[];
  /** Activities the bot logic received. */
  received: Partial<Activity>[];
  turns: Promise<void>[];
  setLogic(logic: Logic): void;
}

const harnesses: Harness[] = [];

async function setup(options: Partial<WechatAdapterOptions> = {}): Promise<Harness> {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const bot = WechatyBuilder.build({ puppet });
  await bot.start();
  const me = mocker.createContact({ name: 'Aftercare' });
  // bot.ready() never resolves on the mock; the login event does.
  const loggedIn = new Promise((resolve) => bot.once('login', resolve));
  mocker.login(me);
  await loggedIn;
  const customer = mocker.createContact({ name: '王先生' });
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const adapter = new WechatAdapter({ wechaty: bot, logger: quiet, nonTextReply: () => '目前我只能阅读文字消息，请用文字告诉我需要什么帮助。', ...options });
  const inbox: string[] = [];
  (customer as unknown as EventEmitter).on('message', (m: MockMessage) => {
    if (m.payload.talkerId === me.id && !m.payload.roomId) inbox.push(m.payload.text ?? '');
  });
  const received: Partial<Activity>[] = [];
  let logic: Logic = async () => undefined;
  const turns: Promise<void>[] = [];
  bot.on('message', (msg) => {
    turns.push(
      adapter.handleMessage(msg, async (ctx) => {
        received.push(ctx.activity);
        await logic(ctx);
      }),
    );
  });
  const h: Harness = { mocker, bot, me, customer, adapter, inbox, received, turns, setLogic: (l) => (logic = l) };
  harnesses.push(h);
  return h;
}

afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    await Promise.allSettled(h.turns);
    await h.bot.stop();
  }
});

async function waitFor(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Customer says `text` to the bot and waits for `replies` more messages back. */
async function say(h: Harness, text: string, replies = 1): Promise<string[]> {
  const before = h.inbox.length;
  h.customer.say(text).to(h.me);
  await waitFor(() => h.inbox.length >= before + replies, `reply to "${text}"`);
  return h.inbox.slice(before);
}

/** Lets every message in flight reach the adapter, so "nothing happened" can be asserted. */
async function settle(h: Harness): Promise<void> {
  await new Promise((r) => setTimeout(r, 100));
  await Promise.all(h.turns);
}

class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (ctx, next) => {
      if (ctx.activity.value !== undefined) await ctx.sendActivity(`value:${JSON.stringify(ctx.activity.value)}`);
      else await ctx.sendActivity(`echo: ${ctx.activity.text}`);
      await next();
    });
  }
}

describe('WechatAdapter on wechaty-puppet-mock', () => {
  test('a customer says something and receives the bot reply; the activity is well-formed', async () => {
    const h = await setup();
    const echo = new EchoBot();
    h.setLogic((ctx) => echo.run(ctx));
    expect(await say(h, '  你好，我想预约保养  ')).toEqual(['echo: 你好，我想预约保养']);
    const a = h.received[0];
    expect(a).toMatchObject({
      type: 'message',
      channelId: 'wechat',
      serviceUrl: 'wechat://',
      text: '你好，我想预约保养',
      from: { id: h.customer.id, name: '王先生' },
      recipient: { id: h.me.id },
      conversation: { id: `contact:${h.customer.id}`, isGroup: false },
      channelData: { talkerId: h.customer.id },
    });
    expect(a.id).toEqual(expect.any(String));
    expect(a.timestamp).toBeInstanceOf(Date);
    // The language is the dialogs' decision (one detector), not the adapter's.
    expect(h.received[0].locale).toBeUndefined();
  });

  test("the bot's own messages are ignored", async () => {
    const h = await setup();
    const echo = new EchoBot();
    h.setLogic((ctx) => echo.run(ctx));
    await say(h, '在吗');
    // The reply the bot just sent came back as a self message: the logic must not have seen it.
    h.me.say('我是机器人自己发的').to(h.customer);
    await settle(h);
    expect(h.received.map((a) => a.text)).toEqual(['在吗']);
    expect(h.inbox).toEqual(['echo: 在吗', '我是机器人自己发的']);
  });

  test('very long text is capped at 4000 characters', async () => {
    const h = await setup();
    h.setLogic(async (ctx) => void (await ctx.sendActivity(`len ${ctx.activity.text?.length}`)));
    expect(await say(h, '长'.repeat(5000))).toEqual(['len 4000']);
  });

  test('images get a polite text-only reply and never reach the bot', async () => {
    const h = await setup();
    const msg = h.mocker.MessageMock.create({
      id: 'img-1',
      talkerId: h.customer.id,
      listenerId: h.me.id,
      timestamp: Date.now(),
      type: types.Message.Image,
    });
    h.mocker.puppet.emit('message', { messageId: msg.id });
    await waitFor(() => h.inbox.length === 1, 'polite reply');
    expect(h.inbox[0]).toContain('只能阅读文字');
    await settle(h);
    expect(h.received).toHaveLength(0);
  });

  test('a question reaches WeChat as numbered text; the reply "2" reaches the bot as the text "2"', async () => {
    const h = await setup();
    h.setLogic(async (ctx) => {
      if (ctx.activity.text === '预约') {
        await ctx.sendActivity(renderOutbound({ text: '请选择服务项目', choice: { questionId: 'q1', options: [{ id: 'a', label: '保养' }, { id: 'b', label: '维修' }], hint: '请回复数字选择。' } }, 'wechat'));
      } else await ctx.sendActivity(`text:${ctx.activity.text}`);
    });
    expect(await say(h, '预约')).toEqual(['请选择服务项目\n1. 保养\n2. 维修\n请回复数字选择。']);
    // The dialogs' reader maps numbers back (dialogs/core/reader.ts); the adapter passes text through.
    expect(await say(h, '2')).toEqual(['text:2']);
    expect(h.received.at(-1)?.value).toBeUndefined();
  });

  test('a decided card reaching a text channel is shown as its text', async () => {
    const h = await setup();
    h.setLogic(async (ctx) => void (await ctx.sendActivity({ attachments: [decidedCard('请确认预约：明天10:00', '确认', 'zh')] })));
    expect(await say(h, '1')).toEqual(['请确认预约：明天10:00\n✅ 已选择：确认']);
  });

  test('updateActivity sends the new content as a fresh message; deleteActivity is a no-op', async () => {
    const h = await setup();
    h.setLogic(async (ctx) => {
      const sent = await ctx.sendActivity('请确认：更换机油');
      await ctx.updateActivity({ id: sent?.id, type: 'message', text: '✅ 已确认：更换机油' });
      await ctx.deleteActivity(sent!.id);
    });
    expect(await say(h, '确认', 2)).toEqual(['请确认：更换机油', '✅ 已确认：更换机油']);
  });

  test('in a room the bot answers only when mentioned, without the mention text', async () => {
    const h = await setup();
    const echo = new EchoBot();
    h.setLogic((ctx) => echo.run(ctx));
    const room: MockRoom = h.mocker.createRoom({ topic: '车主群', memberIdList: [h.me.id, h.customer.id] });
    const roomInbox: string[] = [];
    (room as unknown as EventEmitter).on('message', (m: MockMessage) => {
      if (m.payload.talkerId === h.me.id) roomInbox.push(m.payload.text ?? '');
    });
    h.customer.say('大家好').to(room);
    await settle(h);
    expect(roomInbox).toEqual([]);
    h.customer.say('@Aftercare 保养多少钱', [h.me]).to(room);
    await waitFor(() => roomInbox.length === 1, 'room reply');
    expect(roomInbox).toEqual(['echo: 保养多少钱']);
    expect(h.received).toHaveLength(1);
    expect(h.received[0]).toMatchObject({
      conversation: { id: `room:${room.id}`, isGroup: true },
      channelData: { roomId: room.id, talkerId: h.customer.id },
      from: { id: h.customer.id },
    });
    expect(h.inbox).toEqual([]);
  });

  test('a proactive continueConversation reaches the contact by its stored reference', async () => {
    const h = await setup();
    let stored = '';
    h.setLogic(async (ctx) => {
      stored = JSON.stringify(TurnContext.getConversationReference(ctx.activity));
      await ctx.sendActivity('收到');
    });
    await say(h, '车什么时候好');
    // A new adapter (as after a restart): only the stored id is needed.
    const adapter = new WechatAdapter({ wechaty: h.bot, nonTextReply: () => '' });
    const reference = JSON.parse(stored) as ConversationReference;
    expect(reference.conversation.id).toBe(`contact:${h.customer.id}`);
    await adapter.continueConversationAsync('', reference, async (ctx) => {
      expect(ctx.activity.type).toBe('event');
      await ctx.sendActivity('您的车已经保养完毕，可以来取车了。');
    });
    await waitFor(() => h.inbox.length === 2, 'proactive message');
    expect(h.inbox[1]).toBe('您的车已经保养完毕，可以来取车了。');
  });

  describe('Official Account 48-hour window', () => {
    const reference = (h: Harness) => ({ conversation: { id: `contact:${h.customer.id}` } }) as ConversationReference;
    const now = new Date('2026-11-27T10:00:00Z');
    const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3600_000);

    test('older than 48 h: the proactive message is queued, not sent', async () => {
      const queued: [string, string, string][] = [];
      const outbox: WechatOutbox = { queue: async (...args) => void queued.push(args) };
      const h = await setup({ officialAccount: true, outbox, lastInboundAt: async () => hoursAgo(49), now: () => now });
      await h.adapter.continueConversation(reference(h), async (ctx) => void (await ctx.sendActivity('保养提醒：距上次保养已满半年')));
      await settle(h);
      expect(queued).toEqual([[h.customer.id, '保养提醒：距上次保养已满半年', 'template-required']]);
      expect(h.inbox).toEqual([]);
    });

    test('within 48 h the proactive message is sent; replies within a turn are always sent', async () => {
      const queued: unknown[] = [];
      let last = hoursAgo(47);
      const h = await setup({
        officialAccount: true,
        outbox: { queue: async (...args) => void queued.push(args) },
        lastInboundAt: async () => last,
        now: () => now,
      });
      await h.adapter.continueConversation(reference(h), async (ctx) => void (await ctx.sendActivity('您的车已完工')));
      await waitFor(() => h.inbox.length === 1, 'proactive within window');
      last = hoursAgo(100);
      h.setLogic(async (ctx) => void (await ctx.sendActivity('好的')));
      expect(await say(h, '谢谢')).toEqual(['好的']);
      expect(queued).toEqual([]);
    });

    test('officialAccount without outbox or lastInboundAt is refused at construction', async () => {
      const h = await setup();
      expect(() => new WechatAdapter({ wechaty: h.bot, officialAccount: true, nonTextReply: () => '' })).toThrow(/lastInboundAt and outbox/);
    });
  });
});

describe('startWechaty', () => {
  const logger = () => {
    const lines: string[] = [];
    return { lines, info: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(m), error: (m: string) => void lines.push(m) };
  };

  test('a puppet that is not installed gives an install instruction, not a stack trace', async () => {
    await expect(startWechaty({ puppet: 'wechaty-puppet-not-installed-here' }, async () => undefined)).rejects.toThrow(
      new WechatPuppetNotInstalledError('wechaty-puppet-not-installed-here'),
    );
    await expect(startWechaty({ puppet: 'wechaty-puppet-not-installed-here' }, async () => undefined)).rejects.toThrow(
      "WeChat puppet 'wechaty-puppet-not-installed-here' is not installed: npm install wechaty-puppet-not-installed-here",
    );
    await expect(startWechaty({}, async () => undefined)).rejects.toThrow(/WECHATY_PUPPET/);
  });

  test('starts the named puppet, logs the QR code URL and login, and forwards messages', async () => {
    const log = logger();
    const messages: string[] = [];
    const bot = await startWechaty({ puppet: 'wechaty-puppet-mock' }, async (msg) => void messages.push(msg.text()), { logger: log });
    try {
      const { mocker } = bot.puppet as PuppetMock;
      mocker.scan('https://login.weixin.qq.com/l/abc');
      const me = mocker.createContact({ name: 'Aftercare' });
      const loggedIn = new Promise((resolve) => bot.once('login', resolve));
      mocker.login(me);
      await loggedIn;
      mocker.createContact({ name: '李女士' }).say('你好').to(me);
      await waitFor(() => messages.length === 1, 'forwarded message');
      expect(messages).toEqual(['你好']);
      expect(log.lines[0]).toMatch(/^WeChat: scan this QR code to log in: https:\/\/.+abc/);
      expect(log.lines).toContain(`WeChat: logged in as Aftercare (${me.id})`);
    } finally {
      await bot.stop();
    }
  });
});
