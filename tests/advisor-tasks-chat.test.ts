import { startTestApp, FROZEN_NOW, type TestApp } from './support/app';
import { createAdvisorInvite } from '../services/advisor-link';
import { snoozeUntil } from '../bot/advisor-tasks-chat';
import type { TeamsUser } from './support/teams-client';

/**
 * Advisor tasks over the real Teams protocol (fake connector): a customer's complaint becomes the
 * owner's task, pushed at once as a card with done / snooze / note; the owner sees the full mobile,
 * the manager sees everyone's tasks with it masked; snooze brings the task back when it ends.
 */
describe('advisor tasks in chat (Teams)', () => {
  let t: TestApp;
  let clock = FROZEN_NOW.getTime();
  let customer: TeamsUser;
  let advisor: TeamsUser;
  let manager: TeamsUser;
  const MOBILE = '13800007777';

  beforeAll(async () => {
    t = await startTestApp({}, () => new Date(clock));
    customer = t.user('吴女士');
    for (const text of ['下周一上午10点给沪E30001做常规保养', MOBILE, '吴女士', '跳过', '跳过']) await customer.say(text);
    await customer.press('确认');
    const row = await t.db.prisma.customer.findFirstOrThrow({ where: { mobile: MOBILE }, include: { advisor: true } });
    advisor = t.user(row.advisor!.name);
    expect(await advisor.say(`绑定 ${(await createAdvisorInvite(t.db.prisma, { shopId: row.shopId, advisorName: row.advisor!.name, now: new Date(clock) })).code}`)).toContain('绑定成功');
    const boss = await t.db.prisma.advisor.findFirstOrThrow({ where: { shopId: row.shopId, role: 'MANAGER' } });
    manager = t.user(boss.name);
    expect(await manager.say(`绑定 ${(await createAdvisorInvite(t.db.prisma, { shopId: row.shopId, advisorName: boss.name, now: new Date(clock) })).code}`)).toContain('绑定成功');
    await t.app.jobs.runDue();
    advisor.newCalls();
    manager.newCalls();
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  it('pushes a complaint to its owner as a card with the full mobile; the manager hears of a 重大投诉 too', async () => {
    const reply = await customer.say('你们保养后刹车有异响，太危险了，我要打12315投诉');
    expect(reply).toContain('已登记为投诉');
    expect(reply).toContain('已同时报告服务经理');
    await t.app.jobs.runDue();

    const card = advisor.lastCard()!;
    const text = JSON.stringify(card.body.attachments[0].content);
    expect(text).toContain('【新任务】');
    expect(text).toContain('【重大】投诉');
    expect(text).toContain(MOBILE);
    expect(text).toContain('沪E30001');
    expect(text).toContain('太危险了');
    const managerCard = JSON.stringify(manager.lastCard()!.body.attachments[0].content);
    // The manager's alert is their own task: they may call too, so they get the number.
    expect(managerCard).toContain('【重大】投诉');
    expect(managerCard).toContain(MOBILE);
  });

  it('"任务" lists the owner\'s tasks with the full number; the manager sees everyone\'s, masked, with the owner', async () => {
    const mine = await advisor.say('任务');
    expect(mine).toContain('我的待办');
    expect(mine).toMatch(/1\. 【重大】投诉：吴女士 13800007777 沪E30001/);
    const all = await manager.say('我的任务');
    expect(all).toContain('全店待办');
    // The advisor's task masked, the manager's own alert in full.
    expect(all).toContain('吴女士 138****7777 沪E30001');
    expect(all).toContain('吴女士 13800007777 沪E30001');
    expect(all).toMatch(/负责人 \S+/);
  });

  it('snooze from the card, a note by text, the task back when the snooze ends, then done', async () => {
    const snoozed = await advisor.press('推迟2小时');
    expect(snoozed.reply).toContain('已推迟到');
    expect(await advisor.say('任务')).not.toContain('吴女士');

    const code = /#([a-z0-9]{6})/.exec(JSON.stringify(advisor.lastCard()!.body.attachments[0].content))![1];
    expect(await advisor.say(`备注 #${code} 已电话联系，约好周一来店检查`)).toBe('备注已保存。');

    clock += 2 * 3_600_000 + 60_000;
    await t.app.jobs.runDue();
    expect(JSON.stringify(advisor.lastCard()!.body.attachments[0].content)).toContain('【推迟的任务到时间了】');
    const details = await advisor.say('任务 1');
    expect(details).toContain('已电话联系，约好周一来店检查');

    expect(await advisor.press('完成').then((r) => r.reply)).toContain('已完成');
    const task = await t.db.prisma.advisorTask.findFirstOrThrow({ where: { kind: 'COMPLAINT', id: { endsWith: code } }, include: { notes: true } });
    expect(task.status).toBe('DONE');
    expect(task.notes.map((n) => n.text)).toEqual(['已电话联系，约好周一来店检查']);
    expect(await advisor.say(`完成 #${code}`)).toContain('已被处理');
  });

  it('a call-back promise missed: the task escalates to the manager and the customer is told the new time', async () => {
    clock += 3 * 3_600_000;
    const reply = await customer.say('上次说好打电话给我，到现在也没人联系，我要投诉');
    expect(reply).toContain('已登记为投诉');
    // A second complaint within 90 days is a 重大投诉.
    expect(reply).toContain('已同时报告服务经理');
    await t.app.jobs.runDue();
    customer.newCalls();
    manager.newCalls();
    const open = await t.db.prisma.advisorTask.findFirstOrThrow({ where: { kind: 'COMPLAINT', status: 'OPEN', details: { path: ['role'], equals: 'owner' } }, orderBy: { createdAt: 'desc' } });

    clock = open.dueAt.getTime() + 60_000;
    await t.app.jobs.runDue();
    const told = customer.newCalls().map((c) => c.body.text ?? '').join('\n');
    expect(told).toContain('非常抱歉，关于您的投诉我们没能按时联系您。');
    const escalated = manager.newCalls().map((c) => JSON.stringify(c.body)).join('\n');
    expect(escalated).toContain('【新任务】');
    expect(escalated).toContain('投诉');
    const after = await t.db.prisma.advisorTask.findUniqueOrThrow({ where: { id: open.id } });
    expect(after.escalationLevel).toBeGreaterThanOrEqual(1);
    expect(after.dueAt.getTime()).toBeGreaterThan(open.dueAt.getTime());
  });

  it('a snooze it cannot read is asked again with examples; an unknown task is named', async () => {
    expect(await advisor.say('推迟 1 下辈子')).toContain('推迟多久');
    expect(await advisor.say('完成 #zzzzzz')).toContain('没有找到任务 #zzzzzz');
    expect(await advisor.say('完成 #zz')).toContain('没有找到任务 #zz');
    expect(await advisor.say('备注 1')).toContain('备注不能为空');
  });
});

describe('snoozeUntil', () => {
  const now = new Date('2026-11-27T02:00:00Z'); // Fri 10:00 Shanghai
  it.each([
    ['', '2026-11-27T04:00:00.000Z'],
    ['30分钟', '2026-11-27T02:30:00.000Z'],
    ['3小时', '2026-11-27T05:00:00.000Z'],
    ['2h', '2026-11-27T04:00:00.000Z'],
    ['明天', '2026-11-28T01:00:00.000Z'],
    ['tomorrow', '2026-11-28T01:00:00.000Z'],
    ['1天', '2026-11-28T02:00:00.000Z'],
  ])('"%s" → %s', (words, expected) => {
    expect(snoozeUntil(words, now, 'Asia/Shanghai')?.toISOString()).toBe(expected);
  });
  it('"明天" on a Saturday is Monday at opening when Sunday is closed', () => {
    const saturday = new Date('2026-11-28T06:00:00Z');
    const opening = (date: string) => (date === '2026-11-29' ? null : { openMinute: 8 * 60 + 30, closeMinute: 18 * 60 });
    expect(snoozeUntil('明天', saturday, 'Asia/Shanghai', opening)?.toISOString()).toBe('2026-11-30T00:30:00.000Z');
  });
  it('refuses what it cannot read', () => {
    expect(snoozeUntil('下辈子', now, 'Asia/Shanghai')).toBeNull();
    expect(snoozeUntil('0小时', now, 'Asia/Shanghai')).toBeNull();
  });
});
