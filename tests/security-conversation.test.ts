import { AftercareBot } from '../bot/aftercare-bot';
import { createLogger } from '../bot/logger';
import { ProactiveMessenger } from '../bot/proactive';
import { createAdvisorInvite } from '../services/advisor-link';
import { Conversation, registerCustomer, useBot } from './support/conversation';
import { FROZEN_NOW } from './support/app';

/** Floods, markup and handoff messages, as an attacker or an unlucky customer would meet them (issue 11, items 8 and 10). */
describe('conversation safety', () => {
  const h = useBot(() => FROZEN_NOW);

  it('twenty requests for a person from one chat raise one task and one push per advisor account', async () => {
    const c = new Conversation(h.bot);
    await c.say('转人工');
    const noticesBefore = h.notices.length;
    expect(await c.say('13912341234')).toContain('服务顾问会在');
    for (let i = 0; i < 19; i++) expect(await c.say('转人工')).toContain('您的请求已经登记');
    const identity = await h.db.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: c.userId } });
    const tasks = await h.db.prisma.advisorTask.findMany({ where: { kind: 'HANDOFF', details: { path: ['identityId'], equals: identity.id } } });
    expect(tasks).toHaveLength(1);
    // The owner sees the number to call back in full; nobody else is pushed twenty times.
    expect(tasks[0].contactMobile).toBe('13912341234');
    const pushes = h.notices.slice(noticesBefore).filter((n) => n.text.includes('请求人工服务'));
    expect(new Set(pushes.map((p) => p.identityId)).size).toBe(pushes.length);
  });

  it('a flood from one chat account is answered once, then ignored; others are unaffected', async () => {
    const c = new Conversation(h.bot);
    const answers: string[] = [];
    for (let i = 0; i < 40; i++) answers.push(await c.say(`你好 ${i}`));
    expect(answers.slice(0, 30).every((a) => a.length > 0)).toBe(true);
    expect(answers[30]).toContain('您发得太快了');
    expect(answers.slice(31).every((a) => a === '')).toBe(true);
    expect(await new Conversation(h.bot).say('你好')).toContain('请问需要什么帮助');
  });

  it('a display name full of markup reaches advisors as plain text', async () => {
    const c = new Conversation(h.bot, 'test', '[点击领奖](https://evil.example/x) [x](javascript:alert(1)) **急**');
    await c.say('转人工');
    await c.say('13912345670');
    const identity = await h.db.prisma.channelIdentity.findFirstOrThrow({ where: { externalId: c.userId } });
    expect(identity.displayName).not.toMatch(/\]\(|https?:|javascript:|\*\*急/);
    const task = await h.db.prisma.advisorTask.findFirstOrThrow({ where: { kind: 'HANDOFF', details: { path: ['identityId'], equals: identity.id } } });
    expect(task.title).not.toMatch(/\]\(|https?:|javascript:|\*\*急/);
    expect(task.title).toContain('点击领奖');
  });
});

describe('handoff messages that cannot be delivered now', () => {
  const h = useBot(() => FROZEN_NOW);

  it('are queued, never dropped, both ways', async () => {
    // No channel is running: every message to another person waits in OutboundMessage.
    const shop = await h.db.prisma.shop.findFirstOrThrow();
    const messenger = new ProactiveMessenger(h.db.prisma, createLogger('silent'));
    const bot = new AftercareBot({ prisma: h.db.prisma, sql: h.db.raw, shop, logger: createLogger('silent'), now: () => FROZEN_NOW, notify: async (id, text) => void (await messenger.send(id, text)) });
    const customer = new Conversation(bot);
    const { customer: row } = await registerCustomer(h.db, customer, { name: '韩先生' });
    const advisor = await h.db.prisma.advisor.findFirstOrThrow({ where: { shopId: shop.id, role: 'ADVISOR' }, orderBy: { createdAt: 'asc' } });
    await h.db.prisma.customer.update({ where: { id: row.id }, data: { advisorId: advisor.id } });
    const advisorChat = new Conversation(bot);
    const invite = await createAdvisorInvite(h.db.prisma, { shopId: shop.id, advisorName: advisor.name, now: FROZEN_NOW });
    expect(await advisorChat.say(`绑定 ${invite.code}`)).toContain('绑定成功');

    expect(await customer.say('转人工')).toContain('正在为您转接');
    expect(await customer.say('我的车刹车有异响')).toContain('已转给服务顾问');
    expect(await advisorChat.say('接入')).toContain('已接入 韩先生');
    await advisorChat.say('明天上午来店里看看');
    const queued = await h.db.prisma.outboundMessage.findMany({ where: { status: 'QUEUED' }, include: { identity: true } });
    expect(queued.some((m) => m.text.includes('【韩先生】我的车刹车有异响'))).toBe(true);
    expect(queued.some((m) => m.text.includes('明天上午来店里看看') && m.identity.externalId === customer.userId)).toBe(true);
  });
});
