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
});
