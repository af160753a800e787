import type { EventEmitter } from 'node:events';
import { log } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { FROZEN_NOW, startTestApp, type TestApp } from './support/app';
import { checkIn, proposeExtraWork, transitionRepairOrder } from '../services/repair-orders';

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

  it('decides extra work line by line in numbered text: approve, next visit, decline', async () => {
    const shop = await t.db.prisma.shop.findFirstOrThrow();
    const owner = await t.db.prisma.customer.findFirstOrThrow({ where: { mobile: '13812345678' }, include: { bookings: true } });
    const advisor = await t.db.prisma.advisor.findFirstOrThrow({ where: { shopId: shop.id, role: 'ADVISOR' } });
    const actor = { type: 'advisor' as const, id: advisor.id };
    // The check-in notice, then the proposal: both reach WeChat through the job runner.
    const { repairOrderId, number } = await checkIn(t.db.prisma, { shopId: shop.id, bookingId: owner.bookings[0].id, advisorId: advisor.id, mileageInKm: 32_000, concern: '常规保养', actor, now: FROZEN_NOW });
    await transitionRepairOrder(t.db.prisma, { repairOrderId, to: 'IN_PROGRESS', actor, now: FROZEN_NOW });
    await proposeExtraWork(t.db.prisma, {
      repairOrderId,
      advisorId: advisor.id,
      actor,
      now: FROZEN_NOW,
      items: [
        { operationCode: 'BRAKE-PAD-F', urgency: 'RED', reason: '前刹车片剩余2mm，建议更换' },
        { operationCode: 'WIPERS', urgency: 'YELLOW', reason: '雨刮片老化' },
        { operationCode: 'CABIN-FILTER', urgency: 'GREEN', reason: '空调滤芯有些脏' },
      ],
    });
    const before = inbox.length;
    await t.app.jobs.runDue();
    for (let i = 0; i < 200 && inbox.length < before + 2; i++) await new Promise((r) => setTimeout(r, 20));
    const shown = inbox.slice(before).join('\n');
    expect(shown).toContain(`【接车】沪A12345 已接车，维修单 ${number}`);
    expect(shown).toContain('1. 更换前刹车片（🔴 安全相关，建议马上做）：前刹车片剩余2mm，建议更换');
    expect(shown).toContain('1. 同意全部\n2. 逐项选择\n3. 稍后再说');
    expect(await say('2')).toContain('第 1 项，共 3 项');
    expect(await say('1')).toContain('已记录：更换前刹车片 —— 同意');
    expect(await say('2')).toContain('已记录：更换雨刮片 —— 下次再做');
    const done = await say('3');
    expect(done).toContain('已记录：更换空调滤芯 —— 不做');
    expect(done).toContain('同意 1 项');
    const decisions = await t.db.prisma.extraWorkDecision.findMany({ where: { customerId: owner.id } });
    expect(decisions.map((d) => [d.decision, d.channel]).sort()).toEqual([
      ['APPROVED', 'wechat'],
      ['DECLINED', 'wechat'],
      ['DEFERRED', 'wechat'],
    ]);
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
