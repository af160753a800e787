import { FakeDesk } from '../support/fake-desk';
import { DialogTestClient, DIALOG_NOW, withCustomer } from '../support/dialog-client';
import { SURVEY } from '../../dialogs/survey-dialog';
import { NO_SHOW, type NoShowInput } from '../../dialogs/no-show-dialog';
import { MAINTENANCE_DUE, type MaintenanceDueInput } from '../../dialogs/maintenance-due-dialog';
import { BOOKING_REMINDER } from '../../dialogs/booking-reminder-dialog';

/**
 * Follow-up conversations over a fake desk (issue 10): the survey (回访) as the job opens it,
 * the no-show offer, the maintenance-due reminder and "退订 / 恢复提醒". What the customer reads
 * is checked in both languages; what the desk recorded is checked after.
 */

function setUp(options: { locale?: 'zh' | 'en'; channel?: string; csi?: string[] } = {}) {
  const desk = new FakeDesk(() => DIALOG_NOW);
  let chat = withCustomer(desk, { locale: options.locale });
  if (options.channel) chat = new DialogTestClient(desk, { customer: chat.customer, channel: options.channel });
  const customer = desk.customers[0];
  const surveyId = desk.addSurvey({ customerId: customer.id, number: 'RO-20261125-0003', plate: '沪A12345', csi: options.csi });
  const survey = () => desk.surveys.find((s) => s.surveyId === surveyId)!;
  return { desk, chat, customer, survey };
}

describe('satisfaction survey (回访) in chat', () => {
  it('WeChat, zh: every question asked once, answers in numbers and words, kept per question', async () => {
    const { chat, survey } = setUp();
    const opening = await chat.begin(SURVEY, {});
    expect(opening).toContain('车牌 沪A12345 的维修单 RO-20261125-0003 已交车');
    expect(opening).toContain('共 4 个问题');
    expect(opening).toContain('这次服务您总体满意吗？');
    expect(opening).toContain('1 很不满意 · 2 不满意 · 3 一般 · 4 满意 · 5 非常满意');

    expect(await chat.say('挺满意的')).toContain('（2）您有多大可能把我们推荐给亲友？');
    expect(await chat.say('9')).toContain('（3）服务顾问有没有把做了哪些项目和各项费用给您讲清楚？\n1. 讲清楚了\n2. 没讲清楚');
    expect(await chat.say('讲清楚了')).toContain('（4）还有什么想对我们说的吗？');
    expect(await chat.say('师傅很专业，休息区也干净')).toBe('感谢您的评价！我们会继续做好。');

    expect(survey().status).toBe('ANSWERED');
    expect(survey().answers).toEqual({
      overall: { score: 4, comment: null },
      recommend: { score: 9, comment: null },
      explained: { score: 1, comment: null },
      comment: { score: null, comment: '师傅很专业，休息区也干净' },
    });
    expect(chat.state?.memory.surveyId).toBeUndefined();
  });

  it('an answer off the scale is re-asked with the scale, never stored; a skipped question keeps the numbering honest', async () => {
    const { chat, survey } = setUp();
    await chat.begin(SURVEY, {});
    const offScale = await chat.say('8');
    expect(offScale).toContain('请打 1 到 5 分');
    expect(offScale).toContain('这次服务您总体满意吗？');
    expect(survey().answers).toEqual({});
    await chat.say('5');
    expect(await chat.say('跳过')).toContain('（3）服务顾问有没有');
    expect(survey().answers.recommend).toBeUndefined();
  });

  it('English, low scores in words: recorded, and the closing words apologise', async () => {
    const { desk, chat, survey } = setUp({ locale: 'en' });
    expect(await chat.begin(SURVEY, {})).toContain('Overall, how satisfied are you with this service?');
    expect(await chat.say('not great')).toContain('(2) How likely are you to recommend us');
    expect(await chat.say('3')).toContain('(3) Did your advisor explain the work done and each charge to you?');
    expect(await chat.say('not really')).toContain('(4) Anything else');
    const closing = await chat.say('skip');
    // A low score is a complaint at once: the customer hears who will call and by when.
    expect(closing).toContain('We are very sorry this visit did not meet your expectations.');
    expect(closing).toContain('I have recorded this as a complaint. 张敏 is handling it and will contact you by Sat 28 Nov 17:00.');
    expect(survey().answers.overall?.score).toBeLessThanOrEqual(2);
    expect(survey().answers.recommend?.score).toBe(3);
    expect(survey().answers.explained?.score).toBe(0);
    expect(survey().lowScore).toBe(true);
    expect(survey().status).toBe('ANSWERED');
    expect(desk.complaints).toEqual([
      expect.objectContaining({ source: 'survey', surveyId: survey().surveyId, conversationKey: null, said: 'Survey scores: overall 2/5, likelihood to recommend 3/10', severity: 'NORMAL' }),
    ]);
  });

  it('Teams: the scales are buttons, 0–10 pressed by its label', async () => {
    const { chat, survey } = setUp({ channel: 'msteams' });
    await chat.begin(SURVEY, {});
    expect(chat.lastChoice?.options.map((o) => o.label)).toEqual(['1', '2', '3', '4', '5']);
    await chat.press('5');
    expect(chat.lastChoice?.options.map((o) => o.label)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    await chat.press('10');
    await chat.press('讲清楚了');
    // A typed number on Teams is the label, not the position ("3" is score 3, not the third button).
    expect(survey().answers).toMatchObject({ overall: { score: 5 }, recommend: { score: 10 }, explained: { score: 1 } });
  });

  it('a typed number at a 0–10 scale with buttons is the score, not the button position', async () => {
    const { chat, survey } = setUp({ channel: 'msteams' });
    await chat.begin(SURVEY, {});
    await chat.say('4');
    await chat.say('3');
    expect(survey().answers).toMatchObject({ overall: { score: 4 }, recommend: { score: 3 } });
  });

  it('a complaint written as the comment is kept as the comment and handled as a complaint', async () => {
    const { desk, chat, survey } = setUp();
    await chat.begin(SURVEY, {});
    await chat.say('2');
    await chat.say('5');
    await chat.say('没讲清楚');
    const reply = await chat.say('洗车的时候把我车门划了，我要投诉');
    expect(reply).toContain('非常抱歉');
    expect(reply).toContain('已登记为投诉，由张敏负责，会在 11月28日（周六）17:00 前联系您。');
    expect(reply).not.toContain('感谢您的评价');
    expect(survey().answers.comment?.comment).toBe('洗车的时候把我车门划了，我要投诉');
    expect(desk.complaints).toHaveLength(1);
    expect(desk.complaints[0]).toMatchObject({ source: 'survey', said: '洗车的时候把我车门划了，我要投诉\n回访评分：总体满意度 2/5，推荐意愿 5/10' });
    expect(desk.complaints[0].signal?.reasons).toEqual(expect.arrayContaining(['damage']));
  });

  it('"给你们打5分" while a survey waits answers its first question; a request mid-survey is served and "回访" carries on', async () => {
    const { chat, survey } = setUp();
    const first = await chat.say('给你们打5分');
    expect(first).toContain('（2）您有多大可能把我们推荐给亲友？');
    expect(survey().answers.overall?.score).toBe(5);

    expect(await chat.say('我的预约')).toContain('没有待到店的预约');
    const resumed = await chat.say('回访');
    expect(resumed).toContain('接着上次的回访（维修单 RO-20261125-0003），还剩 3 个问题。');
    expect(resumed).toContain('您有多大可能把我们推荐给亲友？');
    await chat.say('十分');
    expect(survey().answers.recommend?.score).toBe(10);
  });

  it('a low score given in an earlier conversation is in the complaint the survey opens when it ends', async () => {
    const { desk, chat } = setUp();
    await chat.begin(SURVEY, {});
    await chat.say('1');
    await chat.say('我的预约');
    await chat.say('回访');
    await chat.say('3');
    await chat.say('没讲清楚');
    expect(await chat.say('跳过')).toContain('已登记为投诉');
    expect(desk.complaints[0].said).toBe('回访评分：总体满意度 1/5，推荐意愿 3/10');
  });

  it('the shop\'s CSI questions are asked when switched on', async () => {
    const { chat, survey } = setUp({ csi: ['service-advisor', 'vehicle-pickup'] });
    expect(await chat.begin(SURVEY, {})).toContain('共 6 个问题');
    await chat.say('5');
    await chat.say('10');
    expect(await chat.say('是')).toContain('（4）您对服务顾问满意吗？');
    expect(await chat.say('4')).toContain('（5）交车取车环节您满意吗？');
    await chat.say('3');
    await chat.say('没有了');
    expect(survey().answers).toMatchObject({ 'csi.service-advisor': { score: 4 }, 'csi.vehicle-pickup': { score: 3 } });
  });

  it('an expired survey says so instead of recording', async () => {
    const { chat, survey } = setUp();
    await chat.begin(SURVEY, {});
    survey().status = 'EXPIRED';
    expect(await chat.say('5')).toContain('这次回访已经过期了');
    expect(survey().answers).toEqual({});
  });

  it('a score with no survey open is thanked (or a low one taken as a complaint), never lost in a loop', async () => {
    const desk = new FakeDesk(() => DIALOG_NOW);
    const chat = withCustomer(desk);
    expect(await chat.say('给你们打5分')).toBe('感谢您的评价！我们会继续改进服务。');
    expect(await chat.say('回访')).toContain('目前没有需要您填写的回访');
    expect(await chat.say('1分')).toContain('已登记为投诉');
    expect(desk.complaints).toEqual([expect.objectContaining({ source: 'chat', said: '1分' })]);
  });
});

describe('a missed booking (no-show)', () => {
  function noShow(locale: 'zh' | 'en' = 'zh') {
    const desk = new FakeDesk(() => DIALOG_NOW);
    const chat = withCustomer(desk, { locale });
    return { desk, chat };
  }
  async function missed(desk: FakeDesk): Promise<NoShowInput> {
    const c = desk.customers[0];
    await desk.book({ customerId: c.id, vehicleId: c.vehicles[0].id, serviceIds: ['pm-regular'], startsAt: new Date('2026-11-26T02:00:00Z'), quotedTotalFen: 0, notes: null, channel: 'wechat' });
    const b = desk.bookings[0];
    return { bookingId: b.id, ref: b.ref, startsAt: '2026-11-26T02:00:00Z', plate: '沪A12345' };
  }

  it('a time in the reply books the same work for that time', async () => {
    const { desk, chat } = noShow();
    const offer = await chat.begin(NO_SHOW, await missed(desk));
    expect(offer).toContain('您预约的 11月26日（周四）10:00（车牌 沪A12345');
    expect(offer).toContain('1. 重新预约\n2. 暂时不用');
    expect(await chat.say('明天上午10点')).toContain('请确认预约：11月28日（周六）10:00，沪A12345，常规保养');
    expect(await chat.say('确认')).toContain('预约成功');
    expect(desk.bookings).toHaveLength(2);
  });

  it('"好的" asks for a time; "not now" ends it politely', async () => {
    const a = noShow();
    await a.chat.begin(NO_SHOW, await missed(a.desk));
    expect(await a.chat.say('好的')).toContain('您希望哪天几点到店？');

    const b = noShow('en');
    await b.chat.begin(NO_SHOW, await missed(b.desk));
    expect(await b.chat.say('not now')).toBe('All right. Just message me whenever you would like to book.');
    expect(b.desk.bookings).toHaveLength(1);
  });
});

describe('maintenance due (定期保养提醒)', () => {
  const due: MaintenanceDueInput = {
    vehicleId: 'veh',
    plate: '沪A12345',
    services: [{ catalogItemId: 'pm-regular', zh: '常规保养', en: 'Regular service', dueBy: 'both', dueDate: '2026-12-15', dueKm: 30000 }],
    carried: [{ itemId: 'ew1', zh: '更换雨刮片', en: 'Wiper blades', priceFen: 24_498, repairOrderNumber: 'RO-20260601-0002' }],
    reminderNumber: 1,
  };

  it('says what is due and what was put off, and books from a time in the reply', async () => {
    const desk = new FakeDesk(() => DIALOG_NOW);
    const chat = withCustomer(desk);
    const text = await chat.begin(MAINTENANCE_DUE, due);
    expect(text).toContain('常规保养：12月15日（周二）或行驶到 30000 公里，以先到者为准');
    expect(text).toContain('更换雨刮片（约 ¥244.98，维修单 RO-20260601-0002）');
    expect(text).toContain('1. 帮我预约\n2. 以后再说\n3. 不用再提醒');
    expect(await chat.say('下周六上午')).toContain('12月5日（周六）09:00');
  });

  it('"不用了" opts out of reminders and surveys and says how to undo it; "later" does not', async () => {
    const desk = new FakeDesk(() => DIALOG_NOW);
    const chat = withCustomer(desk);
    await chat.begin(MAINTENANCE_DUE, due);
    expect(await chat.say('不用了')).toContain('以后不再给您发保养提醒和回访。想恢复可以随时回“恢复提醒”。');
    expect(desk.optedOut.has(desk.customers[0].id)).toBe(true);

    const desk2 = new FakeDesk(() => DIALOG_NOW);
    const chat2 = withCustomer(desk2, { locale: 'en' });
    expect(await chat2.begin(MAINTENANCE_DUE, due)).toContain('Regular service: due Tue 15 Dec or at 30000 km, whichever comes first');
    expect(await chat2.say('later')).toBe('All right, I will remind you again a bit later.');
    expect(desk2.optedOut.size).toBe(0);
  });
});

describe('退订 / resume reminders, at any point', () => {
  it.each([
    ['退订', '好的，以后不再给您发保养提醒和回访'],
    ['别再给我发保养提醒了', '好的，以后不再给您发保养提醒和回访'],
    ['please stop sending me reminders', 'Done: no more service reminders or surveys'],
  ])('"%s" opts out', async (say, expected) => {
    const desk = new FakeDesk(() => DIALOG_NOW);
    const chat = withCustomer(desk);
    expect(await chat.say(say)).toContain(expected);
    expect(desk.optedOut.size).toBe(1);
  });

  it('twice says it is already off; "恢复提醒" turns it back on; in the middle of a booking the booking question comes back', async () => {
    const desk = new FakeDesk(() => DIALOG_NOW);
    const chat = withCustomer(desk);
    await chat.say('退订');
    expect(await chat.say('退订')).toContain('您已经退订了');
    await chat.say('预约保养');
    const reply = await chat.say('恢复提醒');
    expect(reply).toContain('好的，已恢复保养提醒和回访。');
    expect(reply).toContain('您希望哪天几点到店');
    expect(desk.optedOut.size).toBe(0);
  });
});

describe('complaints (投诉) in chat', () => {
  it('a bare "我要投诉" is asked what happened, and the words are kept whole', async () => {
    const desk = new FakeDesk(() => DIALOG_NOW);
    const chat = withCustomer(desk);
    expect(await chat.say('我要投诉')).toContain('能说一下发生了什么吗');
    const reply = await chat.say('上周保养完发现车门多了一道划痕');
    expect(reply).toContain('已登记为投诉，由张敏负责，会在 11月28日（周六）17:00 前联系您。');
    expect(desk.complaints).toEqual([expect.objectContaining({ said: '我要投诉\n上周保养完发现车门多了一道划痕', source: 'chat', conversationKey: 'wechat/conv-identity-1' })]);
  });

  it('"跳过" at what happened still records it; the call-back finds out', async () => {
    const desk = new FakeDesk(() => DIALOG_NOW);
    const chat = withCustomer(desk, { locale: 'en' });
    expect(await chat.say('I want to complain')).toContain('Could you tell me what happened');
    expect(await chat.say('skip')).toContain('I have recorded this as a complaint.');
    expect(desk.complaints).toHaveLength(1);
  });

  it('a threat to go to 12315 is a 重大投诉: the customer hears the manager was told', async () => {
    const desk = new FakeDesk(() => DIALOG_NOW);
    const chat = withCustomer(desk);
    const reply = await chat.say('你们把我刹车片装反了，太危险了，我要去12315投诉你们');
    expect(reply).toContain('已登记为投诉');
    expect(reply).toContain('已同时报告服务经理');
    expect(desk.complaints[0].severity).toBe('MAJOR');
  });

  it('someone not registered is asked for a number (which can be skipped); more words go to the same complaint', async () => {
    const desk = new FakeDesk(() => DIALOG_NOW);
    const chat = new DialogTestClient(desk);
    expect(await chat.say('你们服务太差了，等了三个小时没人管')).toContain('请留一个方便接听的手机号');
    expect(await chat.say('13912345678')).toContain('已登记为投诉');
    expect(desk.complaints[0]).toMatchObject({ mobile: '13912345678', customerId: null });
    expect(await chat.say('而且洗车还把我车划了，我要投诉')).toContain('已补充到您刚才的投诉里');
    expect(desk.complaints).toHaveLength(1);
    expect(desk.complaints[0].words).toHaveLength(2);
  });
});

describe('the reminder the evening before: confirm, move or cancel right from it', () => {
  async function reminded(locale: 'zh' | 'en' = 'zh') {
    const desk = new FakeDesk(() => DIALOG_NOW);
    const chat = withCustomer(desk, { locale });
    const c = desk.customers[0];
    await desk.book({ customerId: c.id, vehicleId: c.vehicles[0].id, serviceIds: ['pm-regular'], startsAt: new Date('2026-11-28T02:00:00Z'), quotedTotalFen: 0, notes: null, channel: 'wechat' });
    const text = await chat.begin(BOOKING_REMINDER, { bookingId: desk.bookings[0].id, when: '11月28日（周六）10:00', plate: '沪A12345', services: '常规保养', shop: '安途汽车' });
    return { desk, chat, text };
  }

  it('asks, and "好的" confirms without changing anything', async () => {
    const { desk, chat, text } = await reminded();
    expect(text).toContain('您预约了 11月28日（周六）10:00 为 沪A12345 做常规保养。会按时到店吗？');
    expect(text).toContain('1. 确认到店\n2. 改期\n3. 取消预约');
    expect(await chat.say('好的')).toBe('好的，11月28日（周六）10:00 见！到店后报车牌即可。');
    expect(desk.bookings[0].status).toBe('CONFIRMED');
  });

  it('a new time in the reply moves that booking', async () => {
    const { desk, chat } = await reminded();
    const reply = await chat.say('改到下周一上午10点');
    expect(reply).toContain('11月30日（周一）10:00');
    await chat.say('确认');
    expect(desk.bookings[0].startsAt.toISOString()).toBe('2026-11-30T02:00:00.000Z');
  });

  it('"3" cancels it, confirmed and with a reason asked, as any cancel', async () => {
    const { desk, chat } = await reminded();
    expect(await chat.say('3')).toContain('确认取消');
    expect(await chat.say('确认')).toContain('请问取消的原因');
    expect(await chat.say('跳过')).toContain('已取消预约');
    expect(desk.bookings[0].status).toBe('CANCELLED');
  });
});
