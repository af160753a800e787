import { useTestApp } from './support/app';
import { renderActivity } from './support/fake-connector';

/**
 * Microsoft Teams over its real protocol: Activity JSON posted to /api/messages of the
 * running server, replies received by a fake Bot Framework Connector on 127.0.0.1.
 */
describe('Teams channel over HTTP', () => {
  const t = useTestApp();

  it('welcomes a user who installs the bot', async () => {
    const user = t.user();
    const { status } = await user.post(
      user.activity({ type: 'conversationUpdate', text: undefined, membersAdded: [{ id: user.userId, name: user.name }, { id: '28:aftercare-bot' }] }),
    );
    expect(status).toBe(200);
    const calls = user.newCalls();
    expect(calls).toHaveLength(1);
    expect(renderActivity(calls[0].body)).toContain('服务顾问助手');
  });

  it('books maintenance end to end in one opening message, with registration on first contact', async () => {
    const user = t.user('王先生');
    let reply = await user.say('明天上午10点给沪A12345做常规保养');
    expect(reply).toContain('建立客户档案');
    expect(reply).toContain('手机号');
    reply = await user.say('138 1234 5678');
    expect(reply).toContain('怎么称呼');
    reply = await user.say('王建国');
    // The plate came with the opening message: not asked again.
    expect(reply).toContain('车架号');
    reply = await user.say('跳过');
    expect(reply).toContain('里程');
    reply = await user.say('3.2万公里');
    expect(reply).toContain('建档完成');
    expect(reply).toMatch(/11月28日（周六）\s*10:00/);
    expect(reply).toContain('沪A12345');
    expect(reply).toContain('常规保养');
    expect(reply).toContain('[确认]');
    const { reply: done, updates } = await user.press('确认');
    expect(done).toContain('预约成功');
    // The decided card is replaced so it cannot be pressed twice.
    expect(updates).toHaveLength(1);
    expect(renderActivity(updates[0].body)).toContain('已选择：确认');

    const customer = await t.db.prisma.customer.findFirstOrThrow({ where: { mobile: '13812345678' }, include: { vehicles: true, bookings: true, identities: true } });
    expect(customer.name).toBe('王建国');
    expect(customer.vehicles[0]).toMatchObject({ plate: '沪A12345', mileageKm: 32000 });
    expect(customer.bookings).toHaveLength(1);
    expect(customer.bookings[0].startsAt.toISOString()).toBe('2026-11-28T02:00:00.000Z');
    expect(customer.identities[0].conversationReference).toMatchObject({ conversation: { id: user.conversationId }, serviceUrl: t.connector.url });
    const job = await t.db.prisma.job.findFirstOrThrow({ where: { dedupeKey: `booking-reminder:${customer.bookings[0].id}` } });
    expect(job.kind).toBe('booking.reminder');

    // Pressing the old button again does nothing twice.
    const again = await user.press('确认');
    expect(again.reply).toContain('已经处理过');
    expect(await t.db.prisma.booking.count({ where: { customerId: customer.id } })).toBe(1);
  });

  it('answers in English to English', async () => {
    const user = t.user('Jane', 'en-US');
    const reply = await user.say('hello');
    expect(reply).toContain("I'm the service assistant");
    expect(reply).toContain('[Book a service]');
  });

  it('ignores a redelivered activity', async () => {
    const user = t.user();
    const activity = user.activity({ text: '你好' });
    await user.post(activity);
    const first = user.newCalls().length;
    expect(first).toBeGreaterThan(0);
    const again = await user.post(activity);
    expect(again.status).toBeLessThan(300);
    expect(user.newCalls()).toHaveLength(0);
  });

  it('answers an Action.Execute invoke with the card that replaces it', async () => {
    const user = t.user();
    await user.say('你好');
    const res = await user.post(
      user.activity({ type: 'invoke', name: 'adaptiveCard/action', text: undefined, value: { action: { type: 'Action.Execute', verb: 'choose', data: { choice: 'myBookings', title: '我的预约', prompt: '请问需要什么帮助？' } } } }),
    );
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { type: string; value: unknown };
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(body.value)).toContain('已选择：我的预约');
  });

  it.each([
    ['malformed JSON', '{"type": "message",', 'application/json', 400, /not valid JSON/],
    ['a body that is not an activity', '[1,2,3]', 'application/json', 400, /invalid activity/],
    ['an activity missing its conversation', JSON.stringify({ type: 'message', channelId: 'msteams', from: { id: 'x' } }), 'application/json', 400, /conversation/],
    ['the wrong content type', 'hello', 'text/plain', 415, /application\/json/],
    ['a 1 MB body', JSON.stringify({ type: 'message', text: 'x'.repeat(1024 * 1024) }), 'application/json', 413, /larger than/],
  ])('refuses %s with a clear 4xx', async (_label, body, type, status, message) => {
    const res = await fetch(`${t.url}/api/messages`, { method: 'POST', headers: { 'content-type': type }, body });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
  });

  it('refuses an activity whose `from` nests 40,000 levels deep with 400, before any turn runs', async () => {
    const user = t.user();
    const deep = `${'{"x":'.repeat(40_000)}1${'}'.repeat(40_000)}`;
    const body = JSON.stringify(user.activity({ text: '你好' })).replace(/"from":\{/, `"from":{"extra":${deep},`);
    const res = await fetch(`${t.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/nested deeper than/);
    expect(user.newCalls()).toHaveLength(0);
    expect(await t.db.prisma.channelIdentity.count({ where: { externalId: user.userId } })).toBe(0);
  });

  it('replies politely to text over 4,000 characters and stays up', async () => {
    const user = t.user();
    const reply = await user.say('保养'.repeat(2100));
    expect(reply).toContain('太长');
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('reports database health', async () => {
    const res = await fetch(`${t.url}/healthz`);
    const body = (await res.json()) as { database: { ok: boolean } };
    expect(res.status).toBe(200);
    expect(body.database.ok).toBe(true);
  });

  it('delivers a proactive message to a stored conversation reference', async () => {
    const user = t.user();
    await user.say('你好');
    user.newCalls();
    const identity = await t.db.prisma.channelIdentity.findFirstOrThrow({ where: { channel: 'msteams', externalId: user.userId } });
    const outcome = await t.app.messenger.send(identity.id, '提醒：您明天 10:00 有保养预约。');
    expect(outcome).toBe('sent');
    const calls = user.newCalls();
    expect(calls).toHaveLength(1);
    expect(calls[0].body.text).toContain('提醒');
  });
});

describe('Teams authentication', () => {
  const t = useTestApp({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'secret-password' });

  it('refuses requests without a Bot Framework token and runs nothing', async () => {
    const user = t.user();
    const res = await user.post(user.activity({ text: '你好' }));
    expect(res.status).toBe(401);
    expect(user.newCalls()).toHaveLength(0);
    expect(await t.db.prisma.channelIdentity.count({ where: { externalId: user.userId } })).toBe(0);
  });

  it('refuses a forged token', async () => {
    const user = t.user();
    const res = await user.post(user.activity({ text: '你好' }), { authorization: 'Bearer not-a-real-token' });
    expect(res.status).toBe(401);
    expect(user.newCalls()).toHaveLength(0);
  });
});
