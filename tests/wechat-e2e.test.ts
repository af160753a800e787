import type { EventEmitter } from 'node:events';
import { log } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { startTestApp, type TestApp } from './support/app';

log.level('silent');

type MockContact = ReturnType<mock.Mocker['createContact']>;
interface MockMessage {
  payload: { talkerId: string; text?: string; roomId?: string };
}

/**
 * WeChat end to end: the running app with a Wechaty mock puppet. A customer contact books
 * maintenance in Chinese and receives the confirmation; a proactive message reaches them.
 */
describe('WeChat channel end to end (wechaty-puppet-mock)', () => {
  let t: TestApp;
  let mocker: mock.Mocker;
  let me: MockContact;
  let customer: MockContact;
  const inbox: string[] = [];

  beforeAll(async () => {
    mocker = new mock.Mocker();
    t = await startTestApp({}, undefined, { wechatPuppet: new PuppetMock({ mocker }) });
    me = mocker.createContact({ name: '安途售后' });
    const loggedIn = new Promise((resolve) => t.app.wechat!.wechaty.once('login', resolve));
    mocker.login(me);
    await loggedIn;
    customer = mocker.createContact({ name: '王先生' });
    (customer as unknown as EventEmitter).on('message', (m: MockMessage) => {
      if (m.payload.talkerId === me.id && !m.payload.roomId) inbox.push(m.payload.text ?? '');
    });
  });
  afterAll(async () => {
    await t.close();
  });

  /** Says something and waits until the bot has finished answering. */
  async function say(text: string): Promise<string> {
    const before = inbox.length;
    customer.say(text).to(me);
    const deadline = Date.now() + 15_000;
    let lastLength = before;
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      if (inbox.length !== lastLength) {
        lastLength = inbox.length;
        quietSince = Date.now();
      } else if (inbox.length > before && Date.now() - quietSince > 300) break;
    }
    return inbox.slice(before).join('\n');
  }

  it('books maintenance in Chinese and confirms it', async () => {
    expect(await say('明天上午10点给沪A12345做常规保养')).toContain('请输入您的手机号');
    expect(await say('13812345678')).toContain('怎么称呼');
    expect(await say('王建国')).toContain('车架号');
    expect(await say('跳过')).toContain('里程');
    const readBack = await say('跳过');
    expect(readBack).toMatch(/11月28日（周六）\s*10:00/);
    // Choices are numbered text on WeChat.
    expect(readBack).toMatch(/1\. 确认/);
    expect(await say('1')).toContain('预约成功');
    const identity = await t.db.prisma.channelIdentity.findFirstOrThrow({ where: { channel: 'wechat', externalId: customer.id }, include: { customer: { include: { bookings: true } } } });
    expect(identity.customer?.bookings).toHaveLength(1);
    expect(identity.conversationReference).toMatchObject({ conversation: { id: `contact:${customer.id}` } });
  });

  it('delivers a proactive message to the contact by its stored id', async () => {
    const identity = await t.db.prisma.channelIdentity.findFirstOrThrow({ where: { channel: 'wechat', externalId: customer.id } });
    const before = inbox.length;
    expect(await t.app.messenger.send(identity.id, '提醒：您明天 10:00 有保养预约。')).toBe('sent');
    for (let i = 0; i < 100 && inbox.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(inbox.slice(before).join('\n')).toContain('提醒');
  });

  it('ignores the bot\'s own messages (no reply loop)', async () => {
    const before = inbox.length;
    await say('你好');
    const after = inbox.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(inbox.length).toBe(after);
    expect(after).toBeGreaterThan(before);
  });
});
