/**
 * Conversations as customers hold them, with the exact replies where the reply is fixed
 * (BotBuilder core-bot style tables: bookingDialogTestCases.ts). They run against the
 * in-memory FakeDesk: what is tested is the conversation, not the database.
 * "Now" is Friday 27 Nov 2026, 10:00 in Shanghai. A registered customer has 沪A12345.
 */
import type { FakeDesk } from '../support/fake-desk';

export interface Turn {
  say: string;
  /** The whole reply, exactly; or patterns that must all appear. */
  reply?: string;
  has?: Array<string | RegExp>;
  hasNot?: Array<string | RegExp>;
}

export interface ConversationCase {
  name: string;
  who: 'registered' | 'registered-en' | 'new';
  /** Bookings the customer already has (ISO start, service code). */
  bookings?: Array<{ at: string; service: string }>;
  turns: Turn[];
  /** What must be true of the desk afterwards. */
  after?: (desk: FakeDesk) => void;
}

const MENU_ZH = '请问需要什么帮助？\n1. 预约保养\n2. 我的预约\n3. 费用查询\n4. 营业时间和地址\n5. 转人工\n请回复数字选择。';
const SERVICES_ZH = '1. 首保\n2. 更换机油机滤\n3. 轮胎换位\n4. 常规保养\n5. 更换空调滤芯\n6. 更换刹车油\n请回复数字选择。';

export const conversationCases: ConversationCase[] = [
  {
    name: '"skip" where an answer is needed says it is needed, then asks again',
    who: 'new',
    turns: [
      { say: '明天上午10点做常规保养', has: ['手机号'] },
      { say: '13812340000', has: ['怎么称呼'] },
      { say: '陈先生', has: ['车牌'] },
      { say: '跳过', has: ['这一项不能跳过，需要它才能继续。', '车牌'], hasNot: ['没有找到车牌'] },
    ],
  },
  {
    name: 'a complaint is a complaint, never a booking',
    who: 'registered',
    turns: [
      {
        say: '我要投诉，你们上次保养把我车划了',
        reply: '非常抱歉给您带来不好的体验，您说的情况已经原样记录下来。\n已登记为投诉，由张敏负责，会在 11月28日（周六）17:00 前联系您。',
      },
    ],
    after: (desk) => {
      expect(desk.complaints).toHaveLength(1);
      expect(desk.complaints[0]).toMatchObject({ source: 'chat', said: '我要投诉，你们上次保养把我车划了', severity: 'NORMAL' });
      expect(desk.complaints[0].signal?.reasons).toEqual(expect.arrayContaining(['explicit']));
      expect(desk.bookings).toHaveLength(0);
    },
  },
  {
    name: 'opening hours in Chinese',
    who: 'registered',
    turns: [{ say: '你们几点关门', reply: '营业时间：周一至周五 08:30–18:00、周六 09:00–17:00、周日 休息。\n今天营业到 18:00。' }],
  },
  {
    name: 'opening hours in English',
    who: 'registered-en',
    turns: [{ say: 'What are your opening hours?', reply: 'Opening hours: Mon–Fri 08:30–18:00, Sat 09:00–17:00, Sun closed.\nToday we are open until 18:00.' }],
  },
  {
    name: 'is the shop open on Sunday',
    who: 'registered-en',
    turns: [{ say: 'Is the shop open on Sunday?', reply: 'Opening hours: Mon–Fri 08:30–18:00, Sat 09:00–17:00, Sun closed.\nWe are closed on Sun 29 Nov.' }],
  },
  {
    name: 'where the shop is',
    who: 'registered-en',
    turns: [{ say: 'where are you located?', reply: 'Antu Motors (demo): 上海市闵行区虹梅南路 1888 号, phone 021-5555 0100.' }],
  },
  {
    name: 'is my car ready, with nothing in the workshop',
    who: 'registered',
    bookings: [{ at: '2026-12-01T02:00:00Z', service: 'PM-REGULAR' }],
    turns: [{ say: '我的车修好了没', has: ['目前没有在修的车辆', /下一个预约：\w{6} 12月1日（周二）10:00 沪A12345/] }],
  },
  {
    name: '？？？ gets the help and the menu',
    who: 'registered',
    turns: [
      {
        say: '？？？',
        reply: `可以直接这样说：“下周三上午9点半给沪A12345做常规保养”、“我的预约”、“换刹车片多少钱”、“你们几点关门”、“转人工”。任何时候回复“取消”可以退出当前操作。\n${MENU_ZH}`,
      },
    ],
  },
  {
    name: 'an emoji alone gets the menu, not silence',
    who: 'registered',
    turns: [{ say: '😀😀', reply: `抱歉，我没有理解您的意思。\n${MENU_ZH}` }],
  },
  {
    name: 'a new request at the price prompt is acted on, not asked again',
    who: 'registered',
    bookings: [{ at: '2026-12-01T02:00:00Z', service: 'PM-REGULAR' }],
    turns: [
      { say: '多少钱', has: ['请问想了解哪个项目的费用'] },
      { say: '取消我的预约', has: [/确认取消 \w{6} 12月1日（周二）10:00 沪A12345 常规保养？/, '1. 是', '2. 否'] },
      { say: '是', has: ['请问取消的原因'] },
      { say: '跳过', has: [/已取消预约 \w{6}/] },
    ],
    after: (desk) => expect(desk.bookings[0].status).toBe('CANCELLED'),
  },
  {
    name: '"多少钱？" at any registration prompt while booking gets the job\'s estimate, then the same question',
    who: 'new',
    turns: [
      { say: '明天上午10点给沪A12345做常规保养', has: ['手机号'] },
      { say: '多少钱？', has: ['常规保养费用估算', '合计 ¥1,228.31', '我们接着刚才的：', '请输入您的手机号'], hasNot: ['没有找到手机号', '需要预约的话'] },
      { say: '13812340000', has: ['怎么称呼'] },
      // Not taken for a name, though a name can be almost any words.
      { say: '要多少钱', has: ['常规保养费用估算', '怎么称呼'] },
      { say: '王建国', has: ['车架号'] },
    ],
    after: (desk) => expect(desk.customers.at(-1)?.name ?? '王建国').toBe('王建国'),
  },
  {
    name: 'a price question with no job in view says how to ask for one, then the same question',
    who: 'new',
    turns: [
      { say: '我的预约', has: ['手机号'] },
      { say: '多少钱', has: ['费用要看具体项目', '我们接着刚才的：', '请输入您的手机号'], hasNot: ['没有找到手机号'] },
      { say: 'how much?', has: ['费用要看具体项目', '请输入您的手机号'], hasNot: ['没有找到手机号'] },
    ],
  },
  {
    name: 'a booking request in English with a plate the parser cannot read is a booking, not a booking lookup',
    who: 'new',
    turns: [
      { say: 'book an oil change for SH B77777 tomorrow at 10', has: ['To book, I first need to register you'], hasNot: ['To protect your data'] },
      { say: 'what does it cost?', has: ['Estimate for Oil and filter change', 'total ¥774.05', 'Please enter your mobile number'] },
    ],
  },
  {
    name: '"my bookings" at the price prompt lists the bookings',
    who: 'registered-en',
    turns: [
      { say: 'how much', has: ['Which service would you like a price for?'] },
      { say: 'my bookings', reply: 'You have no upcoming bookings. To book, just tell me the service and when.' },
    ],
  },
  {
    name: '"3 Nothing" at the my-bookings prompt keeps the booking',
    who: 'registered-en',
    bookings: [{ at: '2026-12-01T02:00:00Z', service: 'PM-REGULAR' }],
    turns: [
      { say: 'my bookings', has: ['Your bookings:', /What would you like to do with booking \w{6}\?/, '1. Reschedule', '2. Cancel booking', '3. Nothing'] },
      { say: '3 Nothing', reply: 'OK, the booking stays as it is.' },
    ],
  },
  {
    name: 'an unrecognised answer at the my-bookings prompt never meets silence',
    who: 'registered',
    bookings: [{ at: '2026-12-01T02:00:00Z', service: 'PM-REGULAR' }],
    turns: [
      { say: '我的预约', has: ['要怎么处理预约'] },
      { say: '嗯嗯嗯', has: ['没看懂您选的是哪一项', '1. 改期'] },
      { say: '啊', has: ['还是没能识别。请回复选项前的数字（1–3）', '转人工', '1. 改期'] },
      { say: '哦', reply: '已为您登记人工服务，服务顾问会在 11月28日（周六）17:00 前给您回电。' },
    ],
  },
  {
    name: 'a time before opening is explained as such',
    who: 'registered',
    turns: [
      {
        say: '下周一早上7点做保养',
        reply: '11月30日（周一）门店的营业时间是 08:30–18:00，07:00还没开门。\n可以预约的时间：\n1. 11月30日（周一）08:30\n2. 11月30日（周一）09:00\n3. 换个时间\n请回复数字选择。',
      },
    ],
  },
  {
    name: 'a time after closing offers today’s times in order',
    who: 'registered',
    turns: [{ say: '今天晚上9点做保养', has: ['无法在营业时间（08:30–18:00）内完成', /1\. 11月27日（周五）\S+\n2\. 11月27日（周五）/] }],
  },
  {
    name: 'a customer with a booking who names a new time is asked: move it or book again',
    who: 'registered',
    bookings: [{ at: '2026-12-01T02:00:00Z', service: 'PM-REGULAR' }],
    turns: [
      { say: '周四上午10点可以吗', has: [/您已有预约 \w{6}（12月1日（周二）10:00）。是想把它改到 12月3日（周四）\S*10:00/, '1. 把', '2. 新约一次'] },
      { say: '1', has: [/把预约 \w{6} 从 12月1日（周二）10:00 改到 12月3日（周四）10:00，确认吗/] },
      { say: '好的', has: [/已改期：预约 \w{6} 改到 12月3日（周四）10:00/] },
    ],
    after: (desk) => {
      expect(desk.bookings).toHaveLength(1);
      expect(desk.bookings[0].startsAt.toISOString()).toBe('2026-12-03T02:00:00.000Z');
    },
  },
  {
    name: '"能不能改到周四上午" is a reschedule, never a second booking',
    who: 'registered',
    bookings: [{ at: '2026-12-01T02:00:00Z', service: 'PM-REGULAR' }],
    turns: [
      { say: '能不能改到周四上午', has: ['可以预约的时间', /1\. 12月3日（周四）/] },
      { say: '1', has: [/已改期：预约 \w{6} 改到 12月3日（周四）/] },
    ],
    after: (desk) => expect(desk.bookings).toHaveLength(1),
  },
  {
    name: '"Actually make it Thursday morning" right after booking moves that booking',
    who: 'registered-en',
    turns: [
      { say: 'book a regular service tomorrow at 10', has: ['Please confirm: Sat 28 Nov 10:00'] },
      { say: 'yes', has: ['Booked! Reference'] },
      { say: 'Actually make it Thursday morning', has: ['Available times:', /1\. Thu 3 Dec/] },
      { say: '1', has: [/Rescheduled: booking \w{6} is now Thu 3 Dec/] },
    ],
    after: (desk) => expect(desk.bookings).toHaveLength(1),
  },
  {
    name: 'a correction at the read-back keeps the day and takes the new time',
    who: 'registered',
    turns: [
      { say: '明天上午10点做保养', has: ['请确认预约：11月28日（周六）10:00'] },
      { say: '不对，我要下午三点的', has: ['已记下', '请确认预约：11月28日（周六）15:00'] },
      { say: '确认', has: ['预约成功'] },
    ],
    after: (desk) => expect(desk.bookings[0].startsAt.toISOString()).toBe('2026-11-28T07:00:00.000Z'),
  },
  {
    name: '"好的谢谢" at an offer of times picks nothing; said again, the customer is left in peace',
    who: 'registered',
    turns: [
      { say: '下周二做保养', has: ['可以预约的时间'] },
      { say: '好的谢谢', has: ['请选择一个时间，或直接告诉我其他时间。'] },
      { say: '好的谢谢', reply: '好的，这件事先放一放，需要时随时找我。' },
    ],
    after: (desk) => expect(desk.bookings).toHaveLength(0),
  },
  {
    name: '"好的谢谢" at the read-back confirms',
    who: 'registered',
    turns: [
      { say: '明天上午10点做保养', has: ['请确认预约'] },
      { say: '好的谢谢', has: ['预约成功'] },
    ],
    after: (desk) => expect(desk.bookings).toHaveLength(1),
  },
  {
    name: 'a vague mention in a long message is noted, never priced as a replacement',
    who: 'registered',
    turns: [
      { say: '下周一上午10点做个常规保养，顺便帮我看看轮胎气压', has: ['请确认预约：11月30日（周一）10:00，沪A12345，常规保养', '¥1,228.31', '备注：'], hasNot: ['更换轮胎'] },
      { say: '1', has: ['预约成功', '已备注'] },
    ],
    after: (desk) => {
      expect(desk.bookings[0].services.map((s) => s.code)).toEqual(['PM-REGULAR']);
      expect(desk.bookings[0].notes).toMatch(/轮胎/);
    },
  },
  {
    name: 'two prices asked together are answered as two',
    who: 'registered',
    turns: [{ say: '换机油和换刹车片分别多少钱', has: ['更换机油机滤费用估算', '更换前刹车片费用估算', '合计 ¥774.05'] }],
  },
  {
    name: 'a price follow-up is another price question',
    who: 'registered',
    turns: [
      { say: '常规保养多少钱', has: ['常规保养费用估算', '合计 ¥1,228.31'] },
      { say: '换刹车片呢？', has: ['更换前刹车片费用估算'], hasNot: ['请确认预约', '请输入您的手机号'] },
    ],
  },
  {
    name: 'a booking asked for during registration is kept',
    who: 'new',
    turns: [
      { say: '常规保养多少钱', has: ['常规保养费用估算'] },
      { say: '那就约个常规保养吧，下周一上午', has: ['为了给您预约', '请输入您的手机号'] },
      { say: '13912340000', has: ['怎么称呼'] },
      { say: '李雷', has: ['车牌'] },
      { say: '沪C54321', has: ['车架号'] },
      { say: '跳过', has: ['里程'] },
      { say: '1.5万', has: ['建档完成，李雷', '可以预约的时间', /1\. 11月30日（周一）/] },
    ],
  },
  {
    name: 'a time given at the mileage prompt is kept for the booking',
    who: 'new',
    turns: [
      { say: '预约保养', has: ['请输入您的手机号'] },
      { say: '13912340001', has: ['怎么称呼'] },
      { say: '韩梅梅', has: ['车牌'] },
      { say: '沪C54322', has: ['车架号'] },
      { say: '跳过', has: ['里程'] },
      { say: '下周一上午十点', has: ['已记下', '里程'] },
      { say: '2万公里', has: ['建档完成，韩梅梅', '请确认预约：11月30日（周一）10:00'] },
    ],
  },
  {
    name: 'an English speaker typing a Chinese name stays in English',
    who: 'new',
    turns: [
      { say: 'I want to book a service', has: ['Please enter your mobile number'] },
      { say: '13900005555', reply: 'What is your name?' },
      { say: '王建国', has: ['Please enter your licence plate'] },
      { say: '沪B12345', has: ['VIN'] },
      { say: 'skip', has: ['kilometres'] },
      { say: '45000 km', has: ['You are registered, 王建国'] },
    ],
  },
  {
    name: '"转人工" at the name prompt promises a call to the number already given',
    who: 'new',
    turns: [
      { say: '预约保养', has: ['请输入您的手机号'] },
      { say: '13912345678', has: ['怎么称呼'] },
      { say: '转人工', reply: '已为您登记人工服务，服务顾问会在 11月28日（周六）17:00 前给您回电。' },
    ],
    after: (desk) => expect(desk.handoffs[0].contact).toEqual({ name: '王先生', mobile: '13912345678' }),
  },
  {
    name: 'a person for someone we do not know: one question for a number, then the promise',
    who: 'new',
    turns: [
      { say: '转人工', reply: '好的，我请服务顾问联系您。请留一个方便接听的手机号：' },
      { say: '13912349999', reply: '已为您登记人工服务，服务顾问会在 11月28日（周六）17:00 前给您回电。' },
      { say: '转人工', reply: '您的请求已经登记，服务顾问会在 11月28日（周六）17:00 前联系您，请不必重复发送。' },
    ],
    after: (desk) => expect(desk.handoffs).toHaveLength(1),
  },
  {
    name: 'a small number is not taken as mileage',
    who: 'new',
    turns: [
      { say: '预约保养', has: ['手机号'] },
      { say: '13912340002', has: ['怎么称呼'] },
      { say: '赵六', has: ['车牌'] },
      { say: '沪C54323', has: ['车架号'] },
      { say: '跳过', has: ['里程'] },
      { say: '1', has: ['里程数太小了'] },
      { say: '两万', has: ['建档完成，赵六'] },
    ],
  },
  {
    name: 'an optional question not understood twice more is skipped, not handed over',
    who: 'new',
    turns: [
      { say: '预约保养', has: ['手机号'] },
      { say: '13912340003', has: ['怎么称呼'] },
      { say: '钱七', has: ['车牌'] },
      { say: '沪C54324', has: ['车架号'] },
      { say: 'abc', has: ['车架号应为 17 位'] },
      { say: 'def', has: ['还是没能识别', '车架号是 17 位字母和数字'] },
      { say: 'ghi', has: ['这一项先跳过', '里程'] },
    ],
  },
  {
    name: 'the language can be switched and the question is asked again in it',
    who: 'registered',
    turns: [
      { say: '预约', reply: `请问您要做什么项目？可以直接输入项目名称，或选择：\n${SERVICES_ZH}` },
      { say: 'English please', has: ['Sure, I will continue in English.', 'Which service would you like?', '1. First service'] },
      { say: '说中文', has: ['好的，接下来用中文为您服务。', '请问您要做什么项目？'] },
    ],
  },
  {
    name: 'help at a prompt explains and asks the same question again',
    who: 'registered',
    turns: [
      { say: '预约', has: ['请问您要做什么项目'] },
      { say: '帮助', has: ['可以直接这样说', '请问您要做什么项目'] },
    ],
  },
  {
    name: 'cancel at any prompt leaves the flow, and the next message starts afresh',
    who: 'registered',
    turns: [
      { say: '预约', has: ['请问您要做什么项目'] },
      { say: '取消', reply: '好的，已退出当前操作。还有什么可以帮您？' },
      { say: '你好', has: ['请问需要什么帮助'] },
    ],
  },
];
