/**
 * Date understanding by class of error: each table holds what customers say for one kind of mistake the
 * reader used to make (or could make), so a fix is tested on the class, not on one sentence.
 * "Now" is Friday 27 November 2026, 10:00 in Shanghai, unless a row says otherwise.
 */
import { understandWhen, type WantedTime, type WhenContext } from '../services/when';
import { addDays, weekdayOf } from '../services/time';
import { lunarToLocalDate } from '../services/when/lunar';
import { OPENING_HOURS } from '../prisma/seed/demo-shop';

const TZ = 'Asia/Shanghai';
const NOW = new Date('2026-11-27T10:00:00+08:00');
const ctx: WhenContext = { now: NOW, timeZone: TZ };
const at = (iso: string, extra: Partial<WhenContext> = {}): WhenContext => ({ now: new Date(iso), timeZone: TZ, ...extra });
const w = (date: string, time: string | null = null, part: WantedTime['part'] = null): WantedTime => ({ date, time, part });

// The demo shop: Monday–Friday 08:30–18:00, Saturday 09:00–17:00, closed on Sunday.
const demoHours = (date: string) => {
  const hours = OPENING_HOURS[weekdayOf(date)];
  return hours ? { openMinute: hours[0], closeMinute: hours[1] } : null;
};

describe('a 下 that belongs to another word does not make the week next week', () => {
  it.each<[string, WantedTime]>([
    ['周五下午', w('2026-11-27', null, 'afternoon')],
    ['下午周五', w('2026-11-27', null, 'afternoon')],
    ['周六下午3点', w('2026-11-28', '15:00', 'afternoon')],
    ['帮我看一下周五', w('2026-11-27')],
    ['等一下周六再说', w('2026-11-28')],
    ['查一下周末有没有位置', w('2026-11-28')],
    ['下次周六来', w('2026-11-28')],
    ['下班后周六可以吗', w('2026-11-28')],
    ['下雨的话周六也行', w('2026-11-28')],
    ['先下单，周六来装', w('2026-11-28')],
    // the 下 that does mean the week
    ['下周五', w('2026-12-04')],
    ['下个周五', w('2026-12-04')],
    ['下下周五', w('2026-12-11')],
    ['帮我查一下下周五', w('2026-12-04')],
    ['下周三', w('2026-12-02')],
    ['下个周三', w('2026-12-02')],
    ['下下周三', w('2026-12-09')],
    ['下周末', w('2026-12-05')],
  ])('%s', (text, expected) => {
    expect(understandWhen(text, ctx)).toEqual(expected);
  });

  // On a Monday "周三" and "下周三" are different days.
  it.each<[string, WantedTime]>([
    ['周三下午', w('2026-11-25', null, 'afternoon')],
    ['下午周三', w('2026-11-25', null, 'afternoon')],
    ['上午下周一', w('2026-11-30', null, 'morning')],
    ['帮我看一下周三', w('2026-11-25')],
    ['下周三', w('2026-12-02')],
    ['下个周三', w('2026-12-02')],
  ])('%s said on Monday 23 November', (text, expected) => {
    expect(understandWhen(text, at('2026-11-23T10:00:00+08:00'))).toEqual(expected);
  });
});

describe('lunar holidays and lunar dates', () => {
  it.each<[string, WantedTime]>([
    ['春节', w('2027-02-06')],
    ['大年初一', w('2027-02-06')],
    ['正月初一', w('2027-02-06')],
    ['大年初三', w('2027-02-08')],
    ['正月初七', w('2027-02-12')],
    ['除夕', w('2027-02-05')],
    ['大年三十', w('2027-02-05')],
    ['元宵', w('2027-02-20')],
    ['元宵节', w('2027-02-20')],
    ['正月十五', w('2027-02-20')],
    ['清明', w('2027-04-05')],
    ['清明节', w('2027-04-05')],
    ['端午', w('2027-06-09')],
    ['端午节', w('2027-06-09')],
    ['七夕', w('2027-08-08')],
    ['中秋', w('2027-09-15')],
    ['中秋节', w('2027-09-15')],
    ['农历八月十五', w('2027-09-15')],
    ['八月十五', w('2027-08-15')], // without 农历 it is 15 August
    ['重阳节', w('2027-10-08')],
    ['腊八', w('2027-01-15')],
    ['腊月二十三', w('2027-01-30')],
    ['阴历十月初一', w('2027-10-29')],
    ['2028年闰五月初一', w('2028-06-23')],
    ['中秋节晚上8点', w('2027-09-15', '20:00', 'evening')],
    ['Chinese New Year', w('2027-02-06')],
    ['mid-autumn festival', w('2027-09-15')],
    ['Dragon Boat Festival', w('2027-06-09')],
  ])('%s', (text, expected) => {
    expect(understandWhen(text, ctx)).toEqual(expected);
  });

  it.each<[string, string, string]>([
    // the dates everyone knows
    ['春节', '2026-01-10T10:00:00+08:00', '2026-02-17'],
    ['端午', '2026-01-10T10:00:00+08:00', '2026-06-19'],
    ['中秋', '2026-01-10T10:00:00+08:00', '2026-09-25'],
    ['腊八', '2026-01-10T10:00:00+08:00', '2026-01-26'],
    ['清明', '2026-01-10T10:00:00+08:00', '2026-04-05'],
    ['春节', '2030-01-01T10:00:00+08:00', '2030-02-03'],
    // said on the day itself: today
    ['春节', '2026-02-17T09:00:00+08:00', '2026-02-17'],
  ])('%s said at %s', (text, now, date) => {
    expect(understandWhen(text, at(now))).toEqual(w(date));
  });

  it('has no date beyond its table rather than a wrong one', () => {
    expect(understandWhen('春节', at('2036-03-01T10:00:00+08:00'))).toBeNull();
    expect(understandWhen('腊月二十三', at('2036-03-01T10:00:00+08:00'))).toBeNull(); // never 23 December
  });

  it('keeps a table whose years join up: each year ends the day before the next one begins', () => {
    for (let year = 2024; year < 2035; year++) {
      expect(addDays(lunarToLocalDate(year, 12, 'last')!, 1)).toBe(lunarToLocalDate(year + 1, 1, 1));
    }
    expect(lunarToLocalDate(2026, 12, 30)).toBeNull(); // 腊月 2026 has 29 days: 除夕 is the 29th
    expect(lunarToLocalDate(2026, 12, 'last')).toBe('2027-02-05');
    expect(lunarToLocalDate(2033, 11, 1, true)).toBe('2033-12-22'); // 闰十一月 2033
  });
});

describe('numeric dates keep their date whatever the separators', () => {
  it.each<[string, WantedTime]>([
    ['16. Dec. 2026 10:38', w('2026-12-16', '10:38')],
    ['16 Dec 2026 10:38', w('2026-12-16', '10:38')],
    ['Dec. 16, 2026 10:38', w('2026-12-16', '10:38')],
    ['16-Dec-2026', w('2026-12-16')],
    ['2026.12.16 10:38', w('2026-12-16', '10:38')],
    ['2026/12/16 10:38', w('2026-12-16', '10:38')],
    ['2026-12-16 10:38', w('2026-12-16', '10:38')],
    ['16.12.2026', w('2026-12-16')],
    ['16.12.26', w('2026-12-16')],
    ['16/12/2026', w('2026-12-16')],
    ['12/16/2026 10:38', w('2026-12-16', '10:38')],
    ['12-16-2026 10:38', w('2026-12-16', '10:38')],
    ['2026/16/Dec', w('2026-12-16')],
    ['December-2026-16', w('2026-12-16')],
    ['16-2026-December', w('2026-12-16')],
    ['2026.12.16上午10点', w('2026-12-16', '10:00', 'morning')],
  ])('%s', (text, expected) => {
    expect(understandWhen(text, ctx)).toEqual(expected);
  });

  it.each(['16. Nov. 2016 10:38', '2016.11.16 10:38', '16.11.2016', '11/16/2016 10:38'])('%s is in the past: no booking date', (text) => {
    expect(understandWhen(text, ctx)).toBeNull();
  });

  it('reads them forward from an earlier "now" (the Recognizers-Text reference)', () => {
    const ref = { now: new Date('2016-11-07T00:00:00Z'), timeZone: 'UTC' };
    expect(understandWhen('16. Nov. 2016 10:38', ref)).toEqual(w('2016-11-16', '10:38'));
    expect(understandWhen('2016.11.16 10:38', ref)).toEqual(w('2016-11-16', '10:38'));
    expect(understandWhen('16.11.2016', ref)).toEqual(w('2016-11-16'));
    expect(understandWhen('11/16/2016 10:38', ref)).toEqual(w('2016-11-16', '10:38'));
  });
});

describe('urgency and rough periods', () => {
  it.each(['asap', 'ASAP please', 'as soon as possible', 'earliest available', '尽快', '越快越好', '最早', '马上', '尽快帮我安排'])(
    '%s → today, no time',
    (text) => {
      expect(understandWhen(text, ctx)).toEqual(w('2026-11-27'));
    },
  );

  it('is tomorrow once today\'s hours are over', () => {
    expect(understandWhen('尽快', at('2026-11-27T19:00:00+08:00'))).toEqual(w('2026-11-28'));
    expect(understandWhen('asap', at('2026-11-27T19:00:00+08:00'))).toEqual(w('2026-11-28'));
  });

  it("follows the shop's hours: open late today, or the next day it opens", () => {
    expect(understandWhen('尽快', at('2026-11-27T19:00:00+08:00', { shopHours: { openMinute: 480, closeMinute: 20 * 60 } }))).toEqual(w('2026-11-27'));
    // Saturday 17:30: Saturday's 17:00 close has passed and Sunday is closed
    expect(understandWhen('越快越好', at('2026-11-28T17:30:00+08:00', { shopHours: demoHours }))).toEqual(w('2026-11-30'));
    expect(understandWhen('asap', at('2026-11-29T10:00:00+08:00', { shopHours: demoHours }))).toEqual(w('2026-11-30'));
  });

  it('gives way to a more precise wish, and keeps a part of the day', () => {
    expect(understandWhen('尽快，明天下午', ctx)).toEqual(w('2026-11-28', null, 'afternoon'));
    expect(understandWhen('asap tomorrow', ctx)).toEqual(w('2026-11-28'));
    expect(understandWhen('尽快上午', ctx)).toEqual(w('2026-11-27', null, 'morning'));
  });

  it.each(['最早几点开门', '你们最早什么时候开门'])('%s asks for opening hours, not a day', (text) => {
    expect(understandWhen(text, ctx)).toBeNull();
  });

  it.each<[string, string]>([
    ['end of the month', '2026-11-30'],
    ['by the end of this month', '2026-11-30'],
    ['月底', '2026-11-30'],
    ['这个月底', '2026-11-30'],
    ['本月末', '2026-11-30'],
    ['下个月底', '2026-12-31'],
    ['end of next month', '2026-12-31'],
    ['12月底', '2026-12-31'],
    ['2月底', '2027-02-28'],
    ['early next week', '2026-11-30'],
    ['next week', '2026-11-30'],
    ['下周初', '2026-11-30'],
    ['下周', '2026-11-30'],
    ['下周末', '2026-12-05'],
    ['next weekend', '2026-12-05'],
  ])('%s → %s', (text, date) => {
    expect(understandWhen(text, ctx)).toEqual(w(date));
  });

  it('on the last day of the month, 月底 is next month\'s', () => {
    expect(understandWhen('月底', at('2026-11-30T10:00:00+08:00'))).toEqual(w('2026-12-31'));
    expect(understandWhen('end of the month', at('2026-11-30T10:00:00+08:00'))).toEqual(w('2026-12-31'));
  });
});

describe('a time outside the shop hours is kept as said', () => {
  it.each<[string, WantedTime]>([
    ['今天晚上9点', w('2026-11-27', '21:00', 'evening')],
    ['后天早上7点', w('2026-11-29', '07:00', 'morning')],
    ['明天早上7点', w('2026-11-28', '07:00', 'morning')],
    ['tomorrow at 7am', w('2026-11-28', '07:00')],
  ])('%s', (text, expected) => {
    expect(understandWhen(text, ctx)).toEqual(expected);
    expect(understandWhen(text, { ...ctx, shopHours: demoHours })).toEqual(expected);
  });
});
