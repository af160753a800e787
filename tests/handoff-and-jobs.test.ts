import { startTestApp, FROZEN_NOW, type TestApp } from './support/app';
import { createAdvisorInvite } from '../services/advisor-link';
import type { TeamsUser } from './support/teams-client';

/**
 * 转人工 over Teams with a linked advisor, the 10-minute answer window, and the booking
 * reminder job — with a clock the test moves.
 */
describe('human handoff and scheduled jobs', () => {
  let t: TestApp;
  let clock = FROZEN_NOW.getTime();
  let customer: TeamsUser;
  let advisorUser: TeamsUser;
  let advisorName: string;

  beforeAll(async () => {
    t = await startTestApp({}, () => new Date(clock));
    customer = t.user('王先生');
    for (const text of ['明天上午10点给沪D20001做常规保养', '13800002222', '王先生', '跳过', '跳过']) await customer.say(text);
    expect((await customer.press('确认')).reply).toContain('预约成功');
    const row = await t.db.prisma.customer.findFirstOrThrow({ where: { mobile: '13800002222' }, include: { advisor: true } });
    advisorName = row.advisor!.name;
    const invite = await createAdvisorInvite(t.db.prisma, { shopId: row.shopId, advisorName, now: new Date(clock) });
    advisorUser = t.user(advisorName);
    expect(await advisorUser.say(`绑定 ${invite.code}`)).toContain(`您已作为服务顾问 ${advisorName} 登录`);
    // A code works once.
    expect(await t.user('其他人').say(`绑定 ${invite.code}`)).toContain('绑定码无效或已过期');
  });
  afterAll(async () => {
    await t.close();
  });

  it('hands the customer to the advisor and relays both ways until the advisor ends it', async () => {
    expect(await customer.say('转人工')).toContain(`正在为您转接服务顾问${advisorName}`);
    const push = advisorUser.newCalls().map((c) => c.body.text).join('\n');
    expect(push).toContain('【转人工】王先生（沪D20001）');

    // Relayed to the advisor; until one answers the customer sees it went somewhere.
    expect(await customer.say('我的车刹车有异响')).toBe('（已转给服务顾问，请稍候）');
    expect(advisorUser.newCalls().map((c) => c.body.text).join('\n')).toContain('【王先生】我的车刹车有异响');

    expect(await advisorUser.say('接入')).toContain('已接入 王先生（138****2222）');
    expect(customer.newCalls().map((c) => c.body.text).join('\n')).toContain(`服务顾问${advisorName}已接入`);

    await advisorUser.say('明天上午可以来店里检查一下');
    expect(customer.newCalls().map((c) => c.body.text).join('\n')).toContain(`【顾问 ${advisorName}】明天上午可以来店里检查一下`);

    expect(await advisorUser.say('结束')).toContain('人工服务已结束');
    expect(customer.newCalls().map((c) => c.body.text).join('\n')).toContain('人工服务已结束');
    expect(await customer.say('你好')).toContain('请问需要什么帮助');
  });

  it('promises a call back when nobody answers within 10 minutes', async () => {
    expect(await customer.say('找顾问')).toContain('正在为您转接');
    advisorUser.newCalls();
    clock += 11 * 60_000;
    expect(await t.app.jobs.runDue()).toBeGreaterThanOrEqual(1);
    expect(customer.newCalls().map((c) => c.body.text).join('\n')).toMatch(/服务顾问会在 .* 前给您回电/);
    const handoff = await t.db.prisma.handoff.findFirstOrThrow({ orderBy: { startedAt: 'desc' } });
    expect(handoff.status).toBe('ENDED');
    // The advisor task stays open for the call.
    expect(await t.db.prisma.advisorTask.count({ where: { kind: 'HANDOFF', status: 'OPEN' } })).toBeGreaterThanOrEqual(1);
    expect(await customer.say('你好')).toContain('请问需要什么帮助');
  });

  it('sends the booking reminder the evening before, once', async () => {
    // The booking is Saturday 10:00; its reminder is due Friday 18:00 Shanghai time.
    clock = new Date('2026-11-27T10:05:00Z').getTime();
    await t.app.jobs.runDue();
    // On Teams the reminder is a card: confirm, change the time or cancel right from it.
    const texts = customer.newCalls().map((c) => JSON.stringify(c.body)).join('\n');
    expect(texts).toContain('温馨提醒');
    expect(texts).toMatch(/11月28日（周六）\s*10:00/);
    expect(texts).toContain('沪D20001');
    expect(texts).toContain('确认到店');
    await t.app.jobs.runDue();
    expect(customer.newCalls()).toHaveLength(0);
    expect((await customer.press('确认到店')).reply).toContain('见！');
    const job = await t.db.prisma.job.findFirstOrThrow({ where: { kind: 'booking.reminder' } });
    expect(job.status).toBe('DONE');
  });

  it('advisor commands are refused for customers', async () => {
    const answer = await customer.say('任务');
    expect(answer).not.toContain('待办任务');
    expect(await customer.say('接入')).not.toContain('已接入');
  });
});

describe('handoff outside opening hours', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Friday 21:00 in Shanghai: the workshop is closed.
    t = await startTestApp({}, () => new Date('2026-11-27T13:00:00Z'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('promises a call on the next working day instead of waiting', async () => {
    const user = t.user('夜间客户');
    for (const text of ['下周一上午10点给沪D30003做常规保养', '13800003333', '陈女士', '跳过', '跳过']) await user.say(text);
    const answer = await user.say('转人工');
    expect(answer).toMatch(/服务顾问会在 11月28日（周六）\s*\d{2}:\d{2} 前给您回电/);
    expect(await t.db.prisma.handoff.count()).toBe(0);
    const task = await t.db.prisma.advisorTask.findFirstOrThrow({ where: { kind: 'HANDOFF' } });
    expect(task.status).toBe('OPEN');
  });
});
