/**
 * Conversation cases for the booking flow, in the style of BotBuilder-Samples core-bot's
 * bookingDialogTestCases: each is what the customer says and what the bot must answer.
 * "Now" is Friday 27 Nov 2026, 10:00 in Shanghai; the customer is registered with one
 * car (沪A12345) unless a case says otherwise.
 */
export interface Turn {
  say: string;
  /** Every pattern must appear in the bot's answer. */
  expect: Array<string | RegExp>;
  /** None of these may appear. */
  not?: Array<string | RegExp>;
}

export interface DialogCase {
  name: string;
  locale?: 'zh' | 'en';
  turns: Turn[];
  /** Bookings the customer must have at the end. */
  bookings: number;
}

export const bookingCases: DialogCase[] = [
  {
    name: 'zh: everything in one message',
    turns: [
      { say: '明天上午10点给沪A12345做常规保养', expect: ['请确认预约', /11月28日（周六）\s*10:00/, '沪A12345', '常规保养', '1.5小时', /约¥\d/, '1. 确认', '2. 修改'] },
      { say: '1', expect: ['预约成功', /预约号 [0-9A-Z]{6}/] },
    ],
    bookings: 1,
  },
  {
    name: 'zh: step by step, one car taken automatically',
    turns: [
      { say: '我想预约', expect: ['请问您要做什么项目', '1. 首保'] },
      { say: '四轮定位', expect: ['您希望哪天几点到店'], not: ['车辆'] },
      { say: '下周三下午两点', expect: ['请确认预约', /12月2日（周三）\s*14:00/, '四轮定位'] },
      { say: '确认', expect: ['预约成功'] },
    ],
    bookings: 1,
  },
  {
    name: 'zh: service picked by number, time by part of day',
    turns: [
      { say: '预约', expect: ['请问您要做什么项目'] },
      { say: '2', expect: ['您希望哪天几点到店'] },
      { say: '12月1号上午', expect: ['可以预约的时间', /12月1日（周二）\s*08:30/, '换个时间'] },
      { say: '1', expect: ['请确认预约', '更换机油机滤'] },
      { say: '好的', expect: ['预约成功'] },
    ],
    bookings: 1,
  },
  {
    name: 'zh: several services in one sentence',
    turns: [
      { say: '下周一上午9点半做保养和四轮定位', expect: ['请确认预约', '常规保养', '四轮定位', '2.5小时'] },
      { say: '1', expect: ['预约成功'] },
    ],
    bookings: 1,
  },
  {
    name: 'zh: unknown service is re-asked with the options',
    turns: [
      { say: '预约', expect: ['请问您要做什么项目'] },
      { say: '修飞机', expect: ['没有找到“修飞机”对应的项目', '首保'] },
      { say: '换机油', expect: ['您希望哪天几点到店'] },
      { say: '取消', expect: ['已退出当前操作'] },
    ],
    bookings: 0,
  },
  {
    name: 'zh: a time given when asked for the service is kept',
    turns: [
      { say: '我要预约', expect: ['请问您要做什么项目'] },
      { say: '明天下午3点', expect: ['已记下', /11月28日（周六）\S*15:00/, '请问您要做什么项目'] },
      { say: '1', expect: ['请确认预约', /11月28日（周六）\s*15:00/, '首保'], not: ['您希望哪天'] },
    ],
    bookings: 0,
  },
  {
    name: 'zh: a date that cannot be read is re-asked',
    turns: [
      { say: '做个保养', expect: ['您希望哪天几点到店'] },
      { say: '随便吧', expect: ['没有识别出日期或时间'] },
      { say: '下周一下午3点', expect: ['请确认预约', /11月30日（周一）\s*15:00/] },
    ],
    bookings: 0,
  },
  {
    name: 'zh: Sunday is closed, alternatives offered',
    turns: [
      { say: '这周日上午10点做保养', expect: ['门店休息', '可以预约的时间', /11月30日（周一）/, '换个时间'] },
      { say: '1', expect: ['请确认预约', /11月30日（周一）/] },
      { say: '确认', expect: ['预约成功'] },
    ],
    bookings: 1,
  },
  {
    name: 'zh: outside opening hours',
    turns: [{ say: '明天晚上8点做保养', expect: ['可以预约的时间'] }],
    bookings: 0,
  },
  {
    name: 'zh: "other time" asks again',
    turns: [
      { say: '周日做保养', expect: ['门店休息', '换个时间'] },
      { say: '3', expect: ['您希望哪天几点到店'] },
      { say: '下周二上午10点', expect: ['请确认预约', /12月1日（周二）\s*10:00/] },
    ],
    bookings: 0,
  },
  {
    name: 'zh: change the time at read-back',
    turns: [
      { say: '明天上午10点做保养', expect: ['请确认预约'] },
      { say: '2', expect: ['要修改哪一项'] },
      { say: '时间', expect: ['您希望哪天几点到店'] },
      { say: '下周四上午11点', expect: ['请确认预约', /12月3日（周四）\s*11:00/] },
      { say: '1', expect: ['预约成功', /12月3日（周四）\s*11:00/] },
    ],
    bookings: 1,
  },
  {
    name: 'zh: change the service at read-back',
    turns: [
      { say: '明天上午10点做保养', expect: ['请确认预约', '常规保养'] },
      { say: '修改', expect: ['要修改哪一项'] },
      { say: '2', expect: ['请问您要做什么项目'] },
      { say: '换电瓶', expect: ['请确认预约', '更换蓄电池'] },
    ],
    bookings: 0,
  },
  {
    name: 'zh: a new plate is added to the customer',
    turns: [
      { say: '明天上午10点给沪B54321做保养', expect: ['已把 沪B54321 添加到您的档案', '请确认预约', '沪B54321'] },
      { say: '1', expect: ['预约成功'] },
    ],
    bookings: 1,
  },
  {
    name: 'zh: a part out of stock is flagged',
    turns: [
      { say: '下周二上午10点换后刹车片', expect: ['所需配件预计 12月2日（周三） 到货', '可以预约的时间', /1\. 12月2日（周三）/], not: ['已约满'] },
      { say: '1', expect: ['请确认预约', '更换后刹车片'] },
    ],
    bookings: 0,
  },
  {
    name: 'zh: help re-asks the pending question',
    turns: [
      { say: '预约', expect: ['请问您要做什么项目'] },
      { say: '帮助', expect: ['可以直接这样说', '请问您要做什么项目'] },
    ],
    bookings: 0,
  },
  {
    name: 'zh: a bare time at the slot offer means the day on the table',
    turns: [
      { say: '预约下周一做常规保养', expect: ['可以预约的时间', /11月30日（周一）/] },
      { say: '10点', expect: ['请确认预约', /11月30日（周一）\s*10:00/] },
    ],
    bookings: 0,
  },
  {
    name: 'zh: a symptom books an inspection',
    turns: [{ say: '刹车有点响，下周二上午10点能来看看吗', expect: ['请确认预约', '全车检测', /12月1日（周二）\s*10:00/] }],
    bookings: 0,
  },
  {
    name: 'zh: the price of a service, itemised, from the one cost calculation',
    turns: [
      {
        say: '常规保养多少钱',
        expect: ['费用估算', '工时 常规保养：1.5小时 × ¥300.00/小时 = ¥450.00', '配件 全合成机油 0W-20：4.5 × ¥98.00 = ¥441.00', '税 13% ¥141.31，合计 ¥1,228.31'],
      },
    ],
    bookings: 0,
  },
  {
    name: 'zh: a price question without a service asks which',
    turns: [
      { say: '多少钱', expect: ['想了解哪个项目的费用'] },
      { say: '换机油', expect: ['费用估算', '更换机油机滤'] },
    ],
    bookings: 0,
  },
  {
    name: 'zh: thanks',
    turns: [{ say: '谢谢', expect: ['不客气'], not: ['没有理解'] }],
    bookings: 0,
  },
  {
    name: 'en: the price of a service',
    locale: 'en',
    turns: [{ say: 'how much is an oil change?', expect: ['Estimate', 'Labour, Oil and filter change', /total ¥[\d,]+\.\d{2}/] }],
    bookings: 0,
  },
  {
    name: 'zh: 下午3点四轮定位 is 15:00, the 四 belongs to the service',
    turns: [{ say: '下下周五下午3点四轮定位', expect: ['请确认预约', /12月11日（周五）\s*15:00/, '四轮定位'] }],
    bookings: 0,
  },
  {
    name: 'zh: "好的" to an offer takes the first time',
    turns: [
      { say: '周日做保养', expect: ['门店休息', /1\. 11月30日（周一）\s*08:30/] },
      { say: '好的', expect: ['请确认预约', /11月30日（周一）\s*08:30/] },
    ],
    bookings: 0,
  },
  {
    name: 'zh: the same car cannot be booked twice at once',
    turns: [
      { say: '明天上午10点做保养', expect: ['请确认预约'] },
      { say: '1', expect: ['预约成功'] },
      { say: '明天上午10点做保养', expect: ['请确认预约'] },
      { say: '1', expect: ['在 11月28日（周六）10:00 已有预约', '我的预约'], not: ['预约成功'] },
    ],
    bookings: 1,
  },
  {
    name: 'en: "book a service" is regular maintenance',
    locale: 'en',
    turns: [{ say: 'book a service tomorrow at 10am', expect: ['Please confirm', 'Regular maintenance'], not: ['A/C'] }],
    bookings: 0,
  },
  {
    name: 'zh: a past date is explained, then the time asked',
    turns: [{ say: '昨天上午10点保养', expect: ['只能约以后的时间', '您希望哪天几点到店'] }],
    bookings: 0,
  },
  {
    name: 'zh: "下周" alone offers next Monday',
    turns: [
      { say: '预约保养', expect: ['您希望哪天几点到店'] },
      { say: '下周', expect: ['可以预约的时间', /11月30日（周一）/] },
    ],
    bookings: 0,
  },
  {
    name: 'en: everything in one message',
    locale: 'en',
    turns: [
      { say: 'book an oil change tomorrow at 10am', expect: ['Please confirm', 'Sat 28 Nov', '10:00', 'Oil and filter change', '1. Confirm'] },
      { say: 'yes', expect: ['Booked!'] },
    ],
    bookings: 1,
  },
  {
    name: 'en: step by step',
    locale: 'en',
    turns: [
      { say: 'I would like to book a service', expect: ['When would you like'] },
      { say: 'next tuesday at 2pm', expect: ['Please confirm', 'Tue 1 Dec', '14:00'] },
      { say: '1', expect: ['Booked!'] },
    ],
    bookings: 1,
  },
  {
    name: 'en: cancel at the confirmation',
    locale: 'en',
    turns: [
      { say: 'wheel alignment next monday 9am', expect: ['Please confirm', 'Wheel alignment'] },
      { say: 'cancel', expect: ['OK, I have stopped that'] },
    ],
    bookings: 0,
  },
];

/** The prompts of the flow, and a reply that reaches each from a fresh conversation. */
export const promptsToCancelAt: Array<{ prompt: string; reach: string[] }> = [
  { prompt: 'service', reach: ['预约'] },
  { prompt: 'time', reach: ['预约保养'] },
  { prompt: 'slot choice', reach: ['周日做保养'] },
  { prompt: 'read-back', reach: ['明天上午10点做保养'] },
  { prompt: 'what to change', reach: ['明天上午10点做保养', '2'] },
];
