import { evaluateSpecs } from '../services/when/eval';
import { understandWhen, type WantedTime } from '../services/when';
import { weekdayOf } from '../services/time';
import { OPENING_HOURS } from '../prisma/seed/demo-shop';

// Friday 27 November 2026, 10:00 in Shanghai; the server's own zone must not matter
const NOW = new Date('2026-11-27T10:00:00+08:00');
const ctx = { now: NOW, timeZone: 'Asia/Shanghai' };
const w = (date: string, time: string | null = null, part: WantedTime['part'] = null): WantedTime => ({ date, time, part });

describe('understandWhen — Chinese', () => {
  it.each<[string, WantedTime]>([
    ['明天', w('2026-11-28')],
    ['后天', w('2026-11-29')],
    ['大后天可以吗', w('2026-11-30')],
    ['下周三', w('2026-12-02')],
    ['下下周三', w('2026-12-09')],
    ['下下周日', w('2026-12-13')],
    ['下个月3号', w('2026-12-03')],
    ['1号', w('2026-12-01')],
    ['5号上午', w('2026-12-05', null, 'morning')],
    ['29日', w('2026-11-29')],
    ['礼拜三', w('2026-12-02')],
    ['星期五下午', w('2026-11-27', null, 'afternoon')],
    ['周一', w('2026-11-30')],
    ['禮拜一', w('2026-11-30')],
    ['这周末', w('2026-11-28')],
    ['周末', w('2026-11-28')],
    ['下周末', w('2026-12-05')],
    ['元旦', w('2027-01-01')],
    ['情人节', w('2027-02-14')],
    ['五一', w('2027-05-01')],
    ['劳动节', w('2027-05-01')],
    ['国庆', w('2027-10-01')],
    ['十一假期', w('2027-10-01')],
    ['圣诞节', w('2026-12-25')],
    ['两天后的下午', w('2026-11-29', null, 'afternoon')],
    ['3天后', w('2026-11-30')],
    ['12月1号上午', w('2026-12-01', null, 'morning')],
    ['十二月三号', w('2026-12-03')],
    ['明天九点半', w('2026-11-28', '09:30')],
    ['明天10点一刻', w('2026-11-28', '10:15')],
    ['三点三刻', w('2026-11-27', '15:45')],
    ['下午两点', w('2026-11-27', '14:00', 'afternoon')],
    ['明天上午10点', w('2026-11-28', '10:00', 'morning')],
    ['明早', w('2026-11-28', null, 'morning')],
    ['明早8点', w('2026-11-28', '08:00', 'morning')],
    ['中午12点', w('2026-11-27', '12:00', 'noon')],
    ['今晚', w('2026-11-27', null, 'evening')],
    ['傍晚6点', w('2026-11-27', '18:00', 'evening')],
    ['我想约明天下午3点保养', w('2026-11-28', '15:00', 'afternoon')],
  ])('%s', (text, expected) => {
    expect(understandWhen(text, ctx)).toEqual(expected);
  });
});

describe('understandWhen — English', () => {
  it.each<[string, WantedTime]>([
    ['tomorrow', w('2026-11-28')],
    ['the day after tomorrow', w('2026-11-29')],
    ['next Wednesday', w('2026-12-02')],
    ['on Monday', w('2026-11-30')],
    ['this weekend', w('2026-11-28')],
    ['on the 1st', w('2026-12-01')],
    ['on the 5th in the morning', w('2026-12-05', null, 'morning')],
    ['December 1st morning', w('2026-12-01', null, 'morning')],
    ['in 3 days', w('2026-11-30')],
    ['Christmas', w('2026-12-25')],
    ["New Year's Day", w('2027-01-01')],
    ['tomorrow at 3', w('2026-11-28', '15:00')],
    ['tomorrow at 9', w('2026-11-28', '09:00')],
    ['tomorrow at half past nine', w('2026-11-28', '09:30')],
    ['tomorrow at a quarter past ten', w('2026-11-28', '10:15')],
    ['2pm', w('2026-11-27', '14:00')],
    ['tomorrow afternoon', w('2026-11-28', null, 'afternoon')],
    ['tonight', w('2026-11-27', null, 'evening')],
    ['tonight at 8', w('2026-11-27', '20:00', 'evening')],
    ['Friday 4 Dec at 11am', w('2026-12-04', '11:00')],
  ])('%s', (text, expected) => {
    expect(understandWhen(text, ctx)).toEqual(expected);
  });
});

describe('forward resolution', () => {
  it.each<[string, string, WantedTime | null]>([
    // said on Thursday 26 Nov: 周三 is next week's Wednesday
    ['周三', '2026-11-26T10:00:00+08:00', w('2026-12-02')],
    ['Wednesday', '2026-11-26T10:00:00+08:00', w('2026-12-02')],
    // 1号 after the 1st: next month's 1st
    ['1号', '2026-11-02T10:00:00+08:00', w('2026-12-01')],
    ['the 1st', '2026-11-02T10:00:00+08:00', w('2026-12-01')],
    // a bare time: today while still ahead, else tomorrow
    ['10点', '2026-11-27T11:00:00+08:00', w('2026-11-28', '10:00')],
    ['10点', '2026-11-27T09:00:00+08:00', w('2026-11-27', '10:00')],
    ['at 10am', '2026-11-27T11:00:00+08:00', w('2026-11-28', '10:00')],
    // today's weekday with a time already gone → next week
    ['周五上午9点', '2026-11-27T11:00:00+08:00', w('2026-12-04', '09:00', 'morning')],
    // 29日 said in February of a common year → 29 March
    ['29日', '2027-02-10T10:00:00+08:00', w('2027-03-29')],
    // month-day already past this year → next year
    ['3月5号', '2026-11-27T10:00:00+08:00', w('2027-03-05')],
    // explicitly in the past: not a booking
    ['昨天', '2026-11-27T10:00:00+08:00', null],
    ['yesterday', '2026-11-27T10:00:00+08:00', null],
    ['2月30日', '2026-11-27T10:00:00+08:00', null],
  ])('%s at %s', (text, now, expected) => {
    expect(understandWhen(text, { now: new Date(now), timeZone: 'Asia/Shanghai' })).toEqual(expected);
  });
});

describe('business hours for an hour without am/pm', () => {
  it.each<[string, string]>([
    ['明天3点', '15:00'],
    ['明天9点', '09:00'],
    ['明天5点半', '17:30'],
    ['明天8点', '08:00'], // 08:00 and 20:00 are both outside 08:30–18:00: as said
    ['tomorrow at 3', '15:00'],
    ['tomorrow at 11', '11:00'],
    ['明天凌晨3点', '03:00'],
    ['明天晚上9点', '21:00'],
    ['tomorrow at 3am', '03:00'],
  ])('%s → %s', (text, time) => {
    expect(understandWhen(text, ctx)?.time).toBe(time);
  });

  it('follows the shop hours given', () => {
    const late = { ...ctx, shopHours: { openMinute: 12 * 60, closeMinute: 22 * 60 } };
    expect(understandWhen('明天8点', late)?.time).toBe('20:00');
  });
});

describe("the shop's hours on the day being resolved", () => {
  // The demo shop: Monday–Friday 08:30–18:00, Saturday 09:00–17:00, closed on Sunday.
  const demoHours = (date: string) => {
    const hours = OPENING_HOURS[weekdayOf(date)];
    return hours ? { openMinute: hours[0], closeMinute: hours[1] } : null;
  };
  const demo = { ...ctx, shopHours: demoHours };

  it.each<[string, WantedTime]>([
    ['明天3点', w('2026-11-28', '15:00')], // Saturday
    ['明天9点', w('2026-11-28', '09:00')],
    ['明天5点半', w('2026-11-28', '17:30')], // after Saturday's close, still the afternoon a customer means
    ['明天8点', w('2026-11-28', '08:00')],
    ['周日3点', w('2026-11-29', '15:00')], // closed: the ordinary working day decides
    ['下周一4点', w('2026-11-30', '16:00')],
    ['tomorrow at 4', w('2026-11-28', '16:00')],
    ['今天晚上9点', w('2026-11-27', '21:00', 'evening')], // said, so kept: the booking dialog explains the shop is closed then
    ['后天早上7点', w('2026-11-29', '07:00', 'morning')],
  ])('%s', (text, expected) => {
    expect(understandWhen(text, demo)).toEqual(expected);
  });

  it('reads the same words against each day\'s own hours', () => {
    // open 12:00–22:00 on weekdays, 08:00–12:00 on Saturday
    const split = { ...ctx, shopHours: (date: string) => (weekdayOf(date) === 6 ? { openMinute: 480, closeMinute: 720 } : { openMinute: 720, closeMinute: 1320 }) };
    expect(understandWhen('周六8点', split)).toEqual(w('2026-11-28', '08:00'));
    expect(understandWhen('周一8点', split)).toEqual(w('2026-11-30', '20:00'));
    // a bare hour is today while ahead: 10点 on a 12:00–22:00 day is 22:00 tonight
    expect(understandWhen('10点', split)).toEqual(w('2026-11-27', '22:00'));
  });
});

describe('numbers that are not dates', () => {
  it.each(['5000公里', '沪A12345', '13812345678', '¥680', '680元', '3.5万公里', '保养要多少钱，680元吗', '我的车跑了5000公里了', 'it has 12000 miles', 'is it $99?'])('%s', (text) => {
    expect(understandWhen(text, ctx)).toBeNull();
  });

  it('keeps the date next to a price or a plate', () => {
    expect(understandWhen('沪A12345 明天上午10点 保养680元', ctx)).toEqual(w('2026-11-28', '10:00', 'morning'));
  });
});

describe('time zones', () => {
  it('computes the date in the shop zone, not the server zone', () => {
    // 23:30 in Shanghai is 15:30 UTC the same day; "明天" is the Shanghai tomorrow
    const now = new Date('2026-11-27T15:30:00Z');
    expect(understandWhen('明天', { now, timeZone: 'Asia/Shanghai' })).toEqual(w('2026-11-28'));
    expect(understandWhen('明天', { now, timeZone: 'UTC' })).toEqual(w('2026-11-28'));
    // 00:30 in Shanghai on the 28th is still the 27th in UTC
    const afterMidnight = new Date('2026-11-27T16:30:00Z');
    expect(understandWhen('明天', { now: afterMidnight, timeZone: 'Asia/Shanghai' })).toEqual(w('2026-11-29'));
  });

  it('今晚8点 near midnight: past 20:00 in Shanghai, so not a booking tonight', () => {
    const at2330 = new Date('2026-11-27T15:30:00Z'); // 23:30 Shanghai
    expect(understandWhen('今晚8点', { now: at2330, timeZone: 'Asia/Shanghai' })).toBeNull();
    const at1930 = new Date('2026-11-27T11:30:00Z'); // 19:30 Shanghai, 11:30 UTC
    expect(understandWhen('今晚8点', { now: at1930, timeZone: 'Asia/Shanghai' })).toEqual(w('2026-11-27', '20:00', 'evening'));
    // a bare 8点 at 23:30 → tomorrow (08:00 is outside 08:30–18:00 and 20:00 too, so 08:00)
    expect(understandWhen('8点', { now: at2330, timeZone: 'Asia/Shanghai' })).toEqual(w('2026-11-28', '08:00'));
  });

  it('rejects an unknown zone', () => {
    expect(() => understandWhen('明天', { now: NOW, timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });
});

describe('Recognizers-Text DateTime specs (booking subset)', () => {
  it.each(['zh', 'en'] as const)('%s reaches 90%%', (lang) => {
    const r = evaluateSpecs(lang);
    expect(r.total).toBeGreaterThan(50);
    expect(r.share).toBeGreaterThanOrEqual(0.9);
  });
});

describe('a week named without a day', () => {
  const ctx = { now: new Date('2026-11-27T02:00:00Z'), timeZone: 'Asia/Shanghai' };
  it.each([
    ['下周', '2026-11-30'],
    ['下个星期', '2026-11-30'],
    ['下下周', '2026-12-07'],
  ])('%s is that week\'s Monday', (text, date) => {
    expect(understandWhen(text, ctx)).toEqual({ date, time: null, part: null });
  });
  it('does not take the minutes from the next word (3点四轮定位)', () => {
    expect(understandWhen('下午3点四轮定位', ctx)).toMatchObject({ time: '15:00' });
  });
});
