import type { TestDatabase } from './support/database';
import { Conversation, registerCustomer, useBot } from './support/conversation';
import { FROZEN_NOW } from './support/app';
import { bookingCases, promptsToCancelAt } from './support/booking-dialog-cases';

/** Registers the conversation's user directly, so the cases start at the booking. */
async function registered(db: TestDatabase, conversation: Conversation, locale: 'zh' | 'en', plate = '沪A12345') {
  return (await registerCustomer(db, conversation, { locale, plate })).customer;
}

describe('booking dialog', () => {
  const h = useBot(() => FROZEN_NOW);
  // Each case books its own slots: clear them so cases do not compete for capacity.
  afterEach(async () => {
    await h.db.prisma.booking.deleteMany({});
    await h.db.prisma.handoff.deleteMany({});
    await h.db.prisma.advisorTask.deleteMany({});
    await h.db.prisma.channelIdentity.deleteMany({});
    await h.db.prisma.vehicle.deleteMany({});
    await h.db.prisma.customer.deleteMany({});
  });

  it.each(bookingCases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const conversation = new Conversation(h.bot);
    const customer = await registered(h.db, conversation, testCase.locale ?? 'zh');
    const transcript: string[] = [];
    for (const turn of testCase.turns) {
      const answer = await conversation.say(turn.say);
      transcript.push(`> ${turn.say}\n${answer}`);
      for (const pattern of turn.expect) {
        if (typeof pattern === 'string' ? !answer.includes(pattern) : !pattern.test(answer)) {
          throw new Error(`expected ${String(pattern)} after "${turn.say}"\n--- transcript ---\n${transcript.join('\n')}`);
        }
      }
      for (const pattern of turn.not ?? []) {
        if (typeof pattern === 'string' ? answer.includes(pattern) : pattern.test(answer)) throw new Error(`unexpected ${String(pattern)} after "${turn.say}"\n${transcript.join('\n')}`);
      }
    }
    expect(await h.db.prisma.booking.count({ where: { customerId: customer.id, status: 'CONFIRMED' } })).toBe(testCase.bookings);
  });

  it.each(promptsToCancelAt.map((p) => [p.prompt, p] as const))('"取消" at the %s prompt leaves the flow and books nothing', async (_prompt, { reach }) => {
    const conversation = new Conversation(h.bot);
    const customer = await registered(h.db, conversation, 'zh');
    for (const text of reach) await conversation.say(text);
    expect(await conversation.say('取消')).toContain('已退出当前操作');
    // The next message starts afresh.
    expect(await conversation.say('你好')).toContain('请问需要什么帮助');
    expect(await h.db.prisma.booking.count({ where: { customerId: customer.id } })).toBe(0);
  });

  it('offers the nearest alternatives when the wanted slot is full', async () => {
    // Fill Saturday 10:00 for a regular service: both general bays taken.
    const first = new Conversation(h.bot);
    await registered(h.db, first, 'zh', '沪A11111');
    const second = new Conversation(h.bot);
    await registered(h.db, second, 'zh', '沪A22222');
    for (const c of [first, second]) {
      expect(await c.say('明天上午10点做常规保养')).toContain('请确认预约');
      expect(await c.say('1')).toContain('预约成功');
    }
    const third = new Conversation(h.bot);
    const customer = await registered(h.db, third, 'zh', '沪A33333');
    const answer = await third.say('明天上午10点做常规保养');
    expect(answer).toMatch(/11月28日（周六）\S*10:00已约满/);
    expect(answer).toMatch(/1\. 11月28日（周六）\s*\d{2}:\d{2}/);
    expect(answer).toContain('换个时间');
    expect(answer).not.toMatch(/1\. 11月28日（周六）\s*10:00/);
    expect(await third.say('1')).toContain('请确认预约');
    expect(await third.say('1')).toContain('预约成功');
    expect(await h.db.prisma.booking.count({ where: { customerId: customer.id } })).toBe(1);
  });

  it('flags a booking whose parts are out of stock for the advisor', async () => {
    const conversation = new Conversation(h.bot);
    const customer = await registered(h.db, conversation, 'zh', '沪A44444');
    await conversation.say('12月3日上午10点换后刹车片');
    expect(await conversation.say('1')).toContain('预约成功');
    const booking = await h.db.prisma.booking.findFirstOrThrow({ where: { customerId: customer.id } });
    expect(booking.partsFlagged).toBe(true);
    const task = await h.db.prisma.advisorTask.findFirstOrThrow({ where: { kind: 'PARTS_SHORTAGE', customerId: customer.id } });
    expect(task.title).toContain('BRK-PAD-R');
    expect(task.dueAt.getTime()).toBeLessThanOrEqual(booking.startsAt.getTime());
  });

  it('asks for the person when the customer says 转人工 mid-flow', async () => {
    const conversation = new Conversation(h.bot);
    const customer = await registered(h.db, conversation, 'zh');
    await conversation.say('预约');
    const answer = await conversation.say('转人工');
    expect(answer).toMatch(/服务顾问会在 .* 前给您回电|正在为您转接/);
    const task = await h.db.prisma.advisorTask.findFirstOrThrow({ where: { customerId: customer.id, kind: 'HANDOFF' } });
    expect(task.title).toContain('王先生');
    // The bot still answers afterwards.
    expect(await conversation.say('你好')).toContain('请问需要什么帮助');
  });
});
