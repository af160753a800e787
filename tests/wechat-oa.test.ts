import { createAdvisorInvite } from '../services/advisor-link';
import { REMINDER_JOB_KIND } from '../services/booking';
import { checkIn, proposeExtraWork, transitionRepairOrder } from '../services/repair-orders';
import { FROZEN_NOW, startTestApp, type TestApp } from './support/app';
import { oaSignature, startFakeOfficialAccount, type FakeFollower, type FakeOfficialAccount } from './support/fake-official-account';
import type { TeamsUser } from './support/teams-client';

/**
 * The WeChat Official Account channel end to end: the running app, its webhook on the
 * fastify front door, and a fake of the Official Account platform on 127.0.0.1 (API and
 * webhook client). The clock is the test's: "three days later" is a clock change.
 */
const HOUR = 3_600_000;
const TEMPLATES = {
  TPL_REMINDER: ['character_string1', 'time2', 'car_number3', 'thing4'],
  TPL_APPROVAL: ['character_string1', 'car_number2', 'number3', 'amount4', 'time5'],
};

describe('WeChat Official Account channel (fake platform on 127.0.0.1)', () => {
  let clock = FROZEN_NOW;
  const now = () => clock;
  let fake: FakeOfficialAccount & { webhook(url: string): void };
  let t: TestApp;
  let a: FakeFollower;
  let b: FakeFollower;
  let advisor: TeamsUser;

  const customServiceCalls = () => fake.calls.filter((c) => c.api === 'message/custom/send');
  const identityOf = (f: FakeFollower) => t.db.prisma.channelIdentity.findUniqueOrThrow({ where: { channel_externalId: { channel: 'wechat-oa', externalId: f.openid } } });

  beforeAll(async () => {
    fake = await startFakeOfficialAccount({ now, templates: TEMPLATES });
    t = await startTestApp(
      {
        WECHAT_OA_APP_ID: fake.appId,
        WECHAT_OA_APP_SECRET: fake.appSecret,
        WECHAT_OA_TOKEN: fake.token,
        WECHAT_OA_API_BASE: fake.url,
        // A booking reminder and the extra-work request have templates; repair status has none.
        WECHAT_OA_TEMPLATES: JSON.stringify({
          'booking.reminder': { templateId: 'TPL_REMINDER', fields: { ref: 'character_string1', when: 'time2', plate: 'car_number3', services: { key: 'thing4', max: 20 } } },
          'extra-work.approval': {
            templateId: 'TPL_APPROVAL',
            fields: { number: 'character_string1', plate: 'car_number2', items: 'number3', total: 'amount4', expires: 'time5' },
          },
        }),
      },
      now,
    );
    fake.webhook(`${t.url}/wechat/oa`);
    a = fake.follower();
    b = fake.follower();
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('refuses a forged, stale or replayed webhook request with 401 and changes nothing', async () => {
    const stranger = fake.follower();
    const body = stranger.xml('取消我的预约');
    const ts = String(Math.floor(clock.getTime() / 1000));
    const forged = await stranger.post(body, new URLSearchParams({ signature: oaSignature('not-the-token', ts, '42'), timestamp: ts, nonce: '42' }).toString());
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.body)).toEqual({ error: 'not signed by the Official Account platform' });
    expect((await stranger.post(body, '')).status).toBe(401);
    const old = String(Math.floor(clock.getTime() / 1000) - 600);
    expect((await stranger.post(body, new URLSearchParams({ signature: oaSignature(fake.token, old, '7'), timestamp: old, nonce: '7' }).toString())).status).toBe(401);
    expect(await t.db.prisma.channelIdentity.count({ where: { externalId: stranger.openid } })).toBe(0);
    expect(await t.db.prisma.officialAccountWindow.count({ where: { openid: stranger.openid } })).toBe(0);
    expect(fake.inbox(stranger.openid)).toEqual([]);

    // The same signed request twice: the second is a replay.
    const query = new URLSearchParams({ signature: oaSignature(fake.token, ts, '99'), timestamp: ts, nonce: '99' }).toString();
    expect(await stranger.post(stranger.xml('你好'), query)).toEqual({ status: 200, body: 'success' });
    const answered = fake.inbox(stranger.openid).length;
    expect(answered).toBe(1);
    const replay = await stranger.post(stranger.xml('你好'), query);
    expect(replay.status).toBe(401);
    expect(fake.inbox(stranger.openid)).toHaveLength(answered);

    // The platform's URL check: the echo only with a valid signature.
    const get = (q: string) => fetch(`${t.url}/wechat/oa?${q}`).then(async (r) => ({ status: r.status, body: await r.text() }));
    expect(await get(`${new URLSearchParams({ signature: oaSignature(fake.token, ts, '5'), timestamp: ts, nonce: '5', echostr: 'echo-123' })}`)).toEqual({ status: 200, body: 'echo-123' });
    expect((await get(`${new URLSearchParams({ signature: oaSignature('x', ts, '5'), timestamp: ts, nonce: '5', echostr: 'echo-123' })}`)).status).toBe(401);
    // Signed but not a message: 400, nothing run.
    expect((await stranger.post('<xml><MsgType>text</MsgType></xml>')).status).toBe(400);
    expect((await stranger.post('<!DOCTYPE x [<!ENTITY a "b">]><xml></xml>')).status).toBe(400);
  });

  it('books maintenance in Chinese end to end over the webhook, one customer-service message per turn', async () => {
    expect(await a.ask('明天上午10点给沪A12345做常规保养')).toContain('请输入您的手机号');
    expect(await a.ask('13812345678')).toContain('怎么称呼');
    expect(await a.ask('王建国')).toContain('车架号');
    expect(await a.ask('跳过')).toContain('里程');
    const readBack = await a.ask('跳过');
    expect(readBack).toMatch(/建档完成/);
    expect(readBack).toMatch(/11月28日（周六）\s*10:00/);
    expect(readBack).toMatch(/1\. 确认\n2\. 修改/);
    expect(await a.ask('1')).toContain('预约成功');
    expect(fake.sent.filter((m) => m.openid === a.openid).map((m) => m.type)).toEqual(['text', 'text', 'text', 'text', 'text', 'text']);
    const identity = await t.db.prisma.channelIdentity.findUniqueOrThrow({
      where: { channel_externalId: { channel: 'wechat-oa', externalId: a.openid } },
      include: { customer: { include: { bookings: true } } },
    });
    expect(identity.customer?.bookings).toHaveLength(1);
    expect(identity.conversationReference).toMatchObject({ conversation: { id: `oa:${a.openid}` }, channelId: 'wechat-oa' });
    // One access token served every message so far, the stranger's answer in the test before included.
    expect(fake.tokenFetches).toBe(1);
    // A menu button: its key stands for the menu's words.
    const before = fake.inbox(a.openid).length;
    expect((await a.click('MY_BOOKINGS')).status).toBe(200);
    expect(fake.inbox(a.openid).slice(before).join('\n')).toContain('沪A12345');
  });

  it('sends the 6th message in the window as the template of its notice kind', async () => {
    const identity = await identityOf(a);
    // The customer's last act was the menu click: its answer used one of the five slots.
    expect(await t.db.prisma.officialAccountWindow.findFirstOrThrow({ where: { openid: a.openid } })).toMatchObject({ sent: 1 });
    for (const n of [2, 3, 4, 5]) expect(await t.app.messenger.send(identity.id, `消息 ${n}`)).toBe('sent');
    const job = await t.db.prisma.job.findFirstOrThrow({ where: { kind: REMINDER_JOB_KIND, status: 'PENDING' } });
    clock = job.runAt; // the evening before, 8 hours after the customer's last message
    const calls = customServiceCalls().length;
    await t.app.jobs.runDue();
    const reminder = fake.sent.at(-1)!;
    expect(reminder).toMatchObject({ type: 'template', openid: a.openid, templateId: 'TPL_REMINDER' });
    expect(reminder.data).toEqual({ character_string1: expect.stringMatching(/^[A-Z0-9]{6}$/), time2: '11月28日（周六）10:00', car_number3: '沪A12345', thing4: '常规保养' });
    // Our count said no: the platform was not even asked for a sixth customer-service message.
    expect(customServiceCalls().length).toBe(calls);
  });

  it('sends a reminder three days after the customer last wrote as the template', async () => {
    expect(await b.ask('下周二上午10点给沪B54321做常规保养')).toContain('手机号');
    await b.ask('13912345678');
    await b.ask('李娜');
    await b.ask('跳过');
    expect(await b.ask('跳过')).toContain('1. 确认');
    expect(await b.ask('1')).toContain('预约成功');
    const lastWrote = clock;
    const job = await t.db.prisma.job.findFirstOrThrow({ where: { kind: REMINDER_JOB_KIND, status: 'PENDING' } });
    expect(job.runAt.getTime() - lastWrote.getTime()).toBeGreaterThanOrEqual(72 * HOUR);
    clock = job.runAt;
    const before = fake.sent.length;
    const calls = customServiceCalls().length;
    await t.app.jobs.runDue();
    expect(fake.sent.slice(before)).toEqual([
      expect.objectContaining({ type: 'template', openid: b.openid, templateId: 'TPL_REMINDER', data: expect.objectContaining({ car_number3: '沪B54321', time2: '12月1日（周二）10:00' }) }),
    ]);
    expect(customServiceCalls().length).toBe(calls);
  });

  it('keeps a notice whose kind has no template waiting for the customer and tells their advisor', async () => {
    const customer = await t.db.prisma.customer.findFirstOrThrow({ where: { mobile: '13812345678' }, include: { advisor: true, bookings: true } });
    const invite = await createAdvisorInvite(t.db.prisma, { shopId: customer.shopId, advisorName: customer.advisor!.name, now: clock });
    advisor = t.user(customer.advisor!.name);
    expect(await advisor.say(`绑定 ${invite.code}`)).toContain('绑定成功');
    // The booking was missed (the follow-up jobs marked it a no-show); three days after the
    // customer's last message the car comes in without one. Repair status has no template here.
    expect(customer.bookings[0].status).toBe('NO_SHOW');
    await checkIn(t.db.prisma, { shopId: customer.shopId, plate: '沪A12345', advisorId: customer.advisorId!, mileageInKm: 32_000, concern: '常规保养', actor: { type: 'advisor', id: customer.advisorId! }, now: clock });
    const before = fake.sent.length;
    await t.app.jobs.runDue();
    expect(fake.sent.length).toBe(before);
    const identity = await identityOf(a);
    const waiting = await t.db.prisma.outboundMessage.findMany({ where: { identityId: identity.id, status: 'WAITING_FOR_CUSTOMER' } });
    // The no-show offer (no template kind either) waits too, older than the check-in notice.
    expect(waiting.map((w) => w.text.split('\n')[0])).toEqual([expect.stringContaining('没有等到您'), expect.stringContaining('【接车】沪A12345 已接车')]);
    waiting.sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime());
    expect(waiting[1].notice).toMatchObject({ kind: 'repair.status', fields: { plate: '沪A12345', status: '已接车' } });
    const tasks = await t.db.prisma.advisorTask.findMany({ where: { customerId: customer.id, kind: 'OTHER', status: 'OPEN' } });
    expect(tasks.map((task) => task.title)).toEqual(['服务号消息等客户回复后发出：王建国（沪A12345）']);
    expect(tasks[0].advisorId).toBe(customer.advisorId);
    // The task was raised (and pushed) when the no-show offer had to wait, before this advisor
    // linked their chat account: the task list carries it, and the check-in adds no second push.
    expect(tasks[0].createdAt.getTime()).toBeLessThan(waiting[1].createdAt.getTime());
    // More that must wait: still one task, and the advisor is not told again.
    for (const n of [2, 3, 4, 5, 6]) expect(await t.app.messenger.send(identity.id, `等待 ${n}`)).toBe('waiting');
    expect(await t.db.prisma.advisorTask.count({ where: { customerId: customer.id, kind: 'OTHER' } })).toBe(1);
    expect(advisor.newCalls()).toEqual([]);
  });

  it('reopens the window when the customer writes and sends what waited, oldest first, within five messages', async () => {
    const identity = await identityOf(a);
    // The waiting no-show offer already holds the conversation: the customer's words answer it.
    const first = await a.ask('暂时不用');
    const got = first.split('\n').filter((line) => line.includes('随时找我预约') || line.includes('没有等到您') || line.startsWith('【接车】') || line.startsWith('等待'));
    // The answer took one slot; the four oldest waiting messages the other four.
    expect(got).toEqual([expect.stringContaining('随时找我预约'), expect.stringContaining('没有等到您'), expect.stringContaining('【接车】沪A12345 已接车'), '等待 2', '等待 3']);
    expect(fake.sent.slice(-5).map((m) => m.type)).toEqual(['text', 'text', 'text', 'text', 'text']);
    expect(await t.db.prisma.outboundMessage.count({ where: { identityId: identity.id, status: 'WAITING_FOR_CUSTOMER' } })).toBe(3);
    expect(await t.db.prisma.advisorTask.count({ where: { kind: 'OTHER', status: 'OPEN', customer: { mobile: '13812345678' } } })).toBe(1);

    clock = new Date(clock.getTime() + 60_000);
    const second = await a.ask('好的');
    expect(second.split('\n').filter((line) => line.startsWith('等待'))).toEqual(['等待 4', '等待 5', '等待 6']);
    expect(await t.db.prisma.outboundMessage.count({ where: { identityId: identity.id, status: 'WAITING_FOR_CUSTOMER' } })).toBe(0);
    // Nothing waits: the advisor's task about it is closed.
    expect(await t.db.prisma.advisorTask.count({ where: { kind: 'OTHER', status: 'OPEN', customer: { mobile: '13812345678' } } })).toBe(0);
  });

  it('turns the platform’s 45047 and 45015 into the template, and believes them until the customer writes', async () => {
    const identity = await identityOf(a);
    const reminderFacts = { kind: 'booking.reminder' as const, fields: { ref: 'ABC123', when: '12月5日（周六）09:00', plate: '沪A12345', services: '常规保养、更换前刹车片、更换雨刮片、更换空调滤芯' } };
    clock = new Date(clock.getTime() + 60_000);
    fake.limit = 2; // the platform counts differently from us
    await a.ask('在吗');
    expect(await t.app.messenger.send(identity.id, '第二条')).toBe('sent');
    const before = fake.sent.length;
    expect(await t.app.messenger.send(identity.id, '提醒：12月5日 09:00 保养', { notice: reminderFacts })).toBe('sent');
    expect(fake.calls.some((c) => c.errcode === 45047)).toBe(true);
    // Sent as the template; a fact longer than its field takes is cut to fit.
    expect(fake.sent.slice(before)).toEqual([expect.objectContaining({ type: 'template', templateId: 'TPL_REMINDER', data: expect.objectContaining({ thing4: '常规保养、更换前刹车片、更换雨刮片、更…' }) })]);
    const calls = customServiceCalls().length;
    expect(await t.app.messenger.send(identity.id, '没有模板的消息')).toBe('waiting');
    expect(customServiceCalls().length).toBe(calls);

    fake.limit = 5;
    clock = new Date(clock.getTime() + 60_000);
    expect((await a.ask('谢谢')).split('\n')).toContain('没有模板的消息');
    fake.closeWindow(a.openid); // e.g. the follower unfollowed and followed again
    const sentBefore = fake.sent.length;
    expect(await t.app.messenger.send(identity.id, '提醒', { notice: reminderFacts })).toBe('sent');
    expect(fake.calls.some((c) => c.errcode === 45015)).toBe(true);
    expect(fake.sent.slice(sentBefore).map((m) => m.type)).toEqual(['template']);
  });

  it('fetches a new access token when the platform expires it, and before it runs out', async () => {
    clock = new Date(clock.getTime() + 60_000);
    const fetches = fake.tokenFetches;
    fake.expireTokens();
    expect(await a.ask('营业时间')).toContain('营业时间：');
    expect(fake.calls.slice(-3).map((c) => [c.api, c.errcode])).toEqual([
      ['message/custom/send', 42001],
      ['stable_token', 0],
      ['message/custom/send', 0],
    ]);
    expect(fake.tokenFetches).toBe(fetches + 1);
    // Two hours on, the cached token is about to run out: a new one is fetched first, nothing is refused.
    clock = new Date(clock.getTime() + 2 * HOUR);
    expect(await a.ask('营业时间')).toContain('营业时间：');
    expect(fake.calls.slice(-2).map((c) => [c.api, c.errcode])).toEqual([
      ['stable_token', 0],
      ['message/custom/send', 0],
    ]);
    expect(fake.tokenFetches).toBe(fetches + 2);
  });

  it('replaces a token the platform no longer knows (40001), forcing a new one when it keeps handing out the refused one', async () => {
    clock = new Date(clock.getTime() + 60_000);
    let fetches = fake.tokenFetches;
    // Another client forced a refresh: the stable token the platform hands out now is a new one.
    fake.revokeTokens();
    expect(await a.ask('营业时间')).toContain('营业时间：');
    expect(fake.calls.slice(-3).map((c) => [c.api, c.errcode])).toEqual([
      ['message/custom/send', 40001],
      ['stable_token', 0],
      ['message/custom/send', 0],
    ]);
    expect(fake.tokenFetches).toBe(fetches + 1);
    // The platform hands out the refused token again: only a forced refresh gets a working one.
    clock = new Date(clock.getTime() + 60_000);
    fetches = fake.tokenFetches;
    fake.revokeTokens({ stillHandedOut: true });
    expect(await a.ask('营业时间')).toContain('营业时间：');
    expect(fake.calls.slice(-4).map((c) => [c.api, c.errcode])).toEqual([
      ['message/custom/send', 40001],
      ['stable_token', 0],
      ['stable_token', 0],
      ['message/custom/send', 0],
    ]);
    expect(fake.tokenFetches).toBe(fetches + 2);
    // And the new token is cached again.
    clock = new Date(clock.getTime() + 60_000);
    expect(await a.ask('营业时间')).toContain('营业时间：');
    expect(fake.tokenFetches).toBe(fetches + 2);
  });

  it('sends extra work waiting for a decision as the approval template, a summary without a link; the customer decides in chat', async () => {
    // The morning of B's booking, 09:00 in Shanghai: the shop's notice window (09:00–20:00) is open.
    clock = new Date('2026-12-01T01:00:00Z');
    const customer = await t.db.prisma.customer.findFirstOrThrow({ where: { mobile: '13912345678' }, include: { bookings: true } });
    const actor = { type: 'advisor' as const, id: customer.advisorId! };
    const { repairOrderId, number } = await checkIn(t.db.prisma, { shopId: customer.shopId, bookingId: customer.bookings[0].id, advisorId: customer.advisorId!, mileageInKm: 20_000, concern: '常规保养', actor, now: clock });
    await transitionRepairOrder(t.db.prisma, { repairOrderId, to: 'IN_PROGRESS', actor, now: clock });
    await proposeExtraWork(t.db.prisma, {
      repairOrderId,
      advisorId: customer.advisorId!,
      actor,
      now: clock,
      items: [
        { operationCode: 'BRAKE-PAD-F', urgency: 'RED', reason: '前刹车片剩余2mm，建议更换' },
        { operationCode: 'WIPERS', urgency: 'YELLOW', reason: '雨刮片老化' },
      ],
    });
    const before = fake.sent.length;
    await t.app.jobs.runDue();
    // B last wrote three days ago: the check-in (no template) waits, the decision request goes as its template.
    expect(fake.sent.slice(before)).toEqual([
      expect.objectContaining({
        type: 'template',
        openid: b.openid,
        templateId: 'TPL_APPROVAL',
        data: { character_string1: number, car_number2: '沪B54321', number3: '2', amount4: expect.stringMatching(/^¥[\d,]+\.\d{2}$/), time5: expect.stringMatching(/^1[12]月\d+日/) },
      }),
    ]);
    const identity = await identityOf(b);
    expect(await t.db.prisma.outboundMessage.findMany({ where: { identityId: identity.id, status: 'WAITING_FOR_CUSTOMER' }, select: { text: true } })).toEqual([{ text: expect.stringContaining('【接车】沪B54321') }]);
    // The customer answers the template in chat: the question is there, and then what waited.
    clock = new Date(clock.getTime() + HOUR);
    const shown = await b.ask('追加项目');
    expect(shown).toContain('更换前刹车片（🔴 安全相关，建议马上做）');
    expect(shown).toContain('【接车】沪B54321');
    expect(await b.ask('1')).toContain('同意');
    expect(await t.db.prisma.extraWorkDecision.count({ where: { customerId: customer.id, decision: 'APPROVED', channel: 'wechat-oa' } })).toBe(2);
  });

  it('links an Official Account follower to an existing customer only with the code sent to their other account', async () => {
    const teams = t.user('赵六');
    await teams.say('预约保养');
    await teams.say('13700001111');
    await teams.say('赵六');
    await teams.say('苏E12345');
    await teams.say('跳过');
    expect(await teams.say('跳过')).toContain('建档完成');
    const follower = fake.follower();
    await follower.ask('我的预约');
    expect(await follower.ask('13700001111')).toContain('验证码');
    const code = /【验证码】(\d{6})/.exec(teams.newCalls().map((c) => c.body.text).join('\n'))![1];
    expect(await follower.ask(code)).toContain('欢迎回来，赵六');
    const linked = await identityOf(follower);
    const owner = await t.db.prisma.customer.findFirstOrThrow({ where: { mobile: '13700001111' } });
    expect(linked.customerId).toBe(owner.id);
  });

  it('answers a message the platform delivers twice (same MsgId) once, whether the retry comes after the answer or during it', async () => {
    clock = new Date(clock.getTime() + 60_000);
    const follower = fake.follower();
    // The platform retries with a new timestamp and nonce but the same message and MsgId.
    const message = follower.xml('营业时间', '7000000000000000001');
    expect(await follower.post(message)).toEqual({ status: 200, body: 'success' });
    expect(fake.inbox(follower.openid)).toEqual([expect.stringContaining('营业时间：')]);
    expect(await follower.post(message)).toEqual({ status: 200, body: 'success' });
    expect(fake.inbox(follower.openid)).toHaveLength(1);
    expect(await t.db.prisma.officialAccountWindow.findFirstOrThrow({ where: { openid: follower.openid } })).toMatchObject({ sent: 1 });

    clock = new Date(clock.getTime() + 60_000);
    const again = follower.xml('我的预约', '7000000000000000002');
    const answers = await Promise.all([follower.post(again), follower.post(again)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    expect(fake.inbox(follower.openid)).toHaveLength(2);
    expect(await t.db.prisma.processedActivity.count({ where: { channel: 'wechat-oa', activityId: { in: ['7000000000000000001', '7000000000000000002'] } } })).toBe(2);
    expect(await t.db.prisma.officialAccountWindow.findFirstOrThrow({ where: { openid: follower.openid } })).toMatchObject({ sent: 1 });
  });
});
