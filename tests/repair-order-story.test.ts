import { startTestApp, FROZEN_NOW, type TestApp } from './support/app';
import { createAdvisorInvite } from '../services/advisor-link';
import type { TeamsUser } from './support/teams-client';

/**
 * A repair order from check-in to delivery over the real Teams protocol (fake connector):
 * the advisor works from chat, the customer decides on three extra-work lines from the card
 * (one approved, one for next visit, one declined), every notice arrives, and the audit trail
 * answers who approved what, when, at which price.
 */
describe('a repair order on Teams, check-in to delivery', () => {
  const KEY = 'story-test-key-0123456789';
  let t: TestApp;
  let clock = FROZEN_NOW.getTime();
  let customer: TeamsUser;
  let advisor: TeamsUser;
  let ref = '';

  beforeAll(async () => {
    t = await startTestApp({ AFTERCARE_API_KEY: KEY }, () => new Date(clock));
    customer = t.user('周先生');
    for (const text of ['下周一上午10点给沪E20001做常规保养', '13800005555', '周先生', '跳过', '跳过']) await customer.say(text);
    const booked = (await customer.press('确认')).reply;
    ref = /预约号 (\w{6})/.exec(booked)![1];
    const row = await t.db.prisma.customer.findFirstOrThrow({ where: { mobile: '13800005555' }, include: { advisor: true } });
    const invite = await createAdvisorInvite(t.db.prisma, { shopId: row.shopId, advisorName: row.advisor!.name, now: new Date(clock) });
    advisor = t.user(row.advisor!.name);
    expect(await advisor.say(`绑定 ${invite.code}`)).toContain('绑定成功');
    clock = new Date('2026-11-30T01:30:00Z').getTime(); // Monday 09:30 in Shanghai
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  it('goes from check-in to delivered with an approved, a deferred and a declined line', async () => {
    const checkedIn = await advisor.say(`接车 ${ref} 里程 3.2万 诉求 刹车有点响`);
    const number = /维修单 (RO-\d{8}-\d{4})/.exec(checkedIn)![1];
    await t.app.jobs.runDue();
    expect(customer.newCalls().map((c) => c.body.text).join('\n')).toContain(`【接车】沪E20001 已接车，维修单 ${number}`);

    expect(await advisor.say(`开工 ${number}`)).toContain('维修中');
    const proposed = await advisor.say(
      `追加 ${number} 红 BRAKE-PAD-F 前刹车片剩余2mm，建议更换 照片 https://shop.example/p/1.jpg；黄 WIPERS 雨刮片老化；绿 CABIN-FILTER 空调滤芯有些脏`,
    );
    expect(proposed).toContain('已把追加项目发给客户确认');
    // The approval card opens the customer's conversation.
    await t.app.jobs.runDue();
    const card = customer.lastCard()!;
    expect(card.body.attachments[0].content.body.map((b: { items?: unknown[]; text?: string }) => b.text ?? '').join('')).toContain(number);

    expect((await customer.press('同意', '更换前刹车片')).reply).toContain('已记录：更换前刹车片 —— 同意');
    expect(advisor.newCalls().map((c) => c.body.text).join('\n')).toContain('更换前刹车片：同意');
    expect((await customer.press('下次再做', '更换雨刮片')).reply).toContain('已记录：更换雨刮片 —— 下次再做');
    const last = (await customer.press('不做', '更换空调滤芯')).reply;
    expect(last).toContain('已记录：更换空调滤芯 —— 不做');
    expect(last).toContain('同意 1 项');

    expect(await advisor.say(`完工 ${number}`)).toContain('已完工');
    await t.app.jobs.runDue();
    expect(customer.newCalls().map((c) => c.body.text).join('\n')).toMatch(/【完工】沪E20001.*应付 ¥[\d,]+\.\d{2}/);

    // The cost explanation and the settlement list give the same total.
    const explained = await customer.say('费用明细');
    const settlement = await advisor.say(`结算单 ${number}`);
    const total = (text: string) => /合计 (¥[\d,]+\.\d{2})/.exec(text)![1];
    expect(total(explained)).toBe(total(settlement));
    expect(settlement).toContain('更换前刹车片');
    expect(settlement).not.toContain('雨刮');

    expect(await advisor.say(`交车 ${number}`)).toContain('已交车');
    await t.app.jobs.runDue();
    expect(customer.newCalls().map((c) => c.body.text).join('\n')).toContain('【交车】沪E20001');

    // Who approved what, when, at which price: the API's audit trail.
    const order = await t.db.prisma.repairOrder.findFirstOrThrow({ where: { number } });
    const res = await fetch(`${t.url}/api/v1/repair-orders/${order.id}`, { headers: { 'x-api-key': KEY } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { audit: Array<{ decision: { decision: string; priceFen: number; channel: string; versionHash: string } | null; actor: { type: string } }> };
    const decisions = body.audit.filter((e) => e.decision).map((e) => [e.decision!.decision, e.decision!.channel, e.actor.type]);
    expect(decisions).toEqual(expect.arrayContaining([['APPROVED', 'msteams', 'customer'], ['DEFERRED', 'msteams', 'customer'], ['DECLINED', 'msteams', 'customer']]));
    // The deferred and declined lines became follow-ups for the advisor.
    expect(await t.db.prisma.advisorTask.count({ where: { kind: 'DECLINED_WORK' } })).toBe(2);
  }, 120_000);

  it("counts in the advisor's KPIs the same day, and the survey comes as a card after a working day", async () => {
    const kpis = await advisor.say('业绩');
    expect(kpis).toContain('2026-11-01 至 2026-11-30');
    expect(kpis).toContain('受理 1 台');
    expect(kpis).toContain('预约率 100.0% (1/1)');
    expect(kpis).toContain('追加项目同意率 33.3% (1/3)');

    // One working day after delivery (Tuesday 1 Dec), in the notice hours: the survey opens as a card.
    clock = new Date('2026-12-01T02:30:00Z').getTime();
    await t.app.jobs.runDue();
    await t.app.jobs.runDue();
    const card = customer.lastCard()!;
    expect(JSON.stringify(card.body.attachments[0].content)).toContain('这次服务您总体满意吗？');
    expect((await customer.press('5')).reply).toContain('您有多大可能把我们推荐给亲友？');
    expect((await customer.press('9')).reply).toContain('讲清楚');
    await customer.press('讲清楚了');
    expect(await customer.say('刹车不响了，谢谢')).toContain('感谢您的评价');
    const survey = await t.db.prisma.survey.findFirstOrThrow({ include: { responses: true } });
    expect(survey.status).toBe('ANSWERED');
    expect(Object.fromEntries(survey.responses.map((r) => [r.question, r.score ?? r.comment]))).toEqual({ overall: 5, recommend: 9, explained: 1, comment: '刹车不响了，谢谢' });

    const december = await advisor.say('业绩');
    expect(december).toContain('满意度 5.00 (n=1)，NPS +100.0');
    expect(await advisor.say('上月业绩')).toContain('受理 1 台');
  }, 120_000);
});
