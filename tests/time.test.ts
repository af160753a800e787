import {
  addDays,
  addMonths,
  dateParts,
  dayPartEnd,
  dayPartOf,
  daysBetween,
  formatLocal,
  formatLocalDate,
  formatWanted,
  isLocalDate,
  isValidDate,
  lastDayOfMonth,
  localDate,
  localParts,
  minuteToTime,
  nextWeekday,
  partOfDayTarget,
  partOfDayWindow,
  timeToMinute,
  weekdayInWeek,
  weekdayOf,
  zonedInstant,
  type WantedTime,
} from '../services/time';

const SH = 'Asia/Shanghai';
const NY = 'America/New_York';

describe('localParts', () => {
  it('reads the shop wall clock whatever the server zone is', () => {
    // 2026-11-27T02:00Z is Friday 10:00 in Shanghai (UTC+8).
    expect(localParts(new Date('2026-11-27T02:00:00Z'), SH)).toEqual({ date: '2026-11-27', minute: 600, weekday: 5 });
  });

  it('crosses midnight into the next local day', () => {
    // 17:30Z Saturday is 01:30 Sunday in Shanghai.
    expect(localParts(new Date('2026-11-28T17:30:00Z'), SH)).toEqual({ date: '2026-11-29', minute: 90, weekday: 7 });
  });

  it('handles zones with DST', () => {
    expect(localParts(new Date('2026-07-01T16:00:00Z'), NY)).toEqual({ date: '2026-07-01', minute: 12 * 60, weekday: 3 });
    expect(localParts(new Date('2026-12-01T17:00:00Z'), NY)).toEqual({ date: '2026-12-01', minute: 12 * 60, weekday: 2 });
  });
});

describe('zonedInstant', () => {
  it('is the inverse of localParts in Shanghai', () => {
    expect(zonedInstant('2026-11-28', 10 * 60, SH).toISOString()).toBe('2026-11-28T02:00:00.000Z');
    expect(zonedInstant('2026-11-28', 0, SH).toISOString()).toBe('2026-11-27T16:00:00.000Z');
  });

  it('uses the right offset on each side of a DST change', () => {
    expect(zonedInstant('2026-03-07', 9 * 60, NY).toISOString()).toBe('2026-03-07T14:00:00.000Z'); // EST
    expect(zonedInstant('2026-03-09', 9 * 60, NY).toISOString()).toBe('2026-03-09T13:00:00.000Z'); // EDT
  });

  it('moves a skipped time forward by the gap (02:30 on spring-forward night → 03:30 EDT)', () => {
    expect(zonedInstant('2026-03-08', 2 * 60 + 30, NY).toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('picks the earlier of a repeated time (01:30 on fall-back night → EDT)', () => {
    expect(zonedInstant('2026-11-01', 90, NY).toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('round-trips every half hour of a DST-change day', () => {
    for (let m = 0; m < 24 * 60; m += 30) {
      if (m === 120 || m === 150) continue; // the skipped hour
      const instant = zonedInstant('2026-03-08', m, NY);
      expect(localParts(instant, NY)).toMatchObject({ date: '2026-03-08', minute: m });
    }
  });

  it('rejects malformed dates', () => {
    expect(() => zonedInstant('2026-02-30', 0, SH)).toThrow(RangeError);
    expect(() => zonedInstant('28/11/2026', 0, SH)).toThrow(RangeError);
  });
});

describe('calendar date arithmetic', () => {
  it('adds days across months and years', () => {
    expect(addDays('2026-11-28', 3)).toBe('2026-12-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
    expect(daysBetween('2026-11-27', '2027-01-26')).toBe(60);
  });

  it('adds months, clamping the day to the shorter month', () => {
    expect(addMonths('2026-11-27', 1)).toBe('2026-12-27');
    expect(addMonths('2026-12-15', 1)).toBe('2027-01-15');
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2027-01-15', -2)).toBe('2026-11-15');
    expect(lastDayOfMonth('2026-11-27')).toBe('2026-11-30');
    expect(lastDayOfMonth('2028-02-03')).toBe('2028-02-29');
  });

  it('knows ISO weekdays', () => {
    expect(weekdayOf('2026-11-29')).toBe(7);
    expect(weekdayOf('2026-11-30')).toBe(1);
  });

  it('finds weekdays in Monday-based weeks', () => {
    // Friday 27 Nov 2026
    expect(weekdayInWeek('2026-11-27', 3, 0)).toBe('2026-11-25');
    expect(weekdayInWeek('2026-11-27', 3, 1)).toBe('2026-12-02');
    expect(weekdayInWeek('2026-11-27', 7, 0)).toBe('2026-11-29');
    expect(weekdayInWeek('2026-11-27', 1, -1)).toBe('2026-11-16');
    // on a Sunday, "this Monday" is six days back
    expect(weekdayInWeek('2026-11-29', 1, 0)).toBe('2026-11-23');
    expect(nextWeekday('2026-11-27', 5)).toBe('2026-11-27');
    expect(nextWeekday('2026-11-27', 1)).toBe('2026-11-30');
    expect(nextWeekday('2026-11-27', 4)).toBe('2026-12-03');
  });

  it('builds and reads dates, four-digit years only', () => {
    expect(localDate(2026, 2, 3)).toBe('2026-02-03');
    expect(dateParts('2026-02-03')).toEqual({ year: 2026, month: 2, day: 3 });
    expect(isValidDate(2026, 2, 29)).toBe(false);
    expect(isValidDate(26, 2, 3)).toBe(false);
    expect(() => localDate(2026, 13, 1)).toThrow(RangeError);
  });

  it('validates dates and times', () => {
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('2027-02-29')).toBe(false);
    expect(timeToMinute('09:30')).toBe(570);
    expect(timeToMinute('24:00')).toBeNull();
    expect(minuteToTime(570)).toBe('09:30');
  });
});

describe('formatLocal', () => {
  const instant = new Date('2026-11-28T02:00:00Z');
  it('formats in Chinese', () => {
    expect(formatLocal(instant, SH, 'zh')).toBe('11月28日（周六）10:00');
  });
  it('formats in English', () => {
    expect(formatLocal(instant, SH, 'en')).toBe('Sat 28 Nov 10:00');
  });
  it('formats in the shop zone, not the server zone', () => {
    expect(formatLocal(new Date('2026-11-28T17:30:00Z'), SH, 'en')).toBe('Sun 29 Nov 01:30');
  });
  it('formats a date alone', () => {
    expect(formatLocalDate('2026-12-02', 'zh')).toBe('12月2日（周三）');
    expect(formatLocalDate('2026-12-02', 'en')).toBe('Wed 2 Dec');
  });
});

describe('parts of the day', () => {
  const WEEKDAY = { openMinute: 510, closeMinute: 1080 }; // 08:30–18:00
  const LATE = { openMinute: 600, closeMinute: 1260 }; // 10:00–21:00
  const HALF_DAY = { openMinute: 540, closeMinute: 720 }; // 09:00–12:00

  it('has windows inside the opening hours, and none in the evening for a shop closing at 18:00', () => {
    expect(partOfDayWindow('morning', WEEKDAY)).toEqual({ fromMinute: 510, toMinute: 720 });
    expect(partOfDayWindow('noon', WEEKDAY)).toEqual({ fromMinute: 690, toMinute: 810 });
    expect(partOfDayWindow('afternoon', WEEKDAY)).toEqual({ fromMinute: 780, toMinute: 1080 });
    expect(partOfDayWindow('evening', WEEKDAY)).toBeNull();
  });

  it('gives a late shop an evening, and a half day no afternoon', () => {
    expect(partOfDayWindow('afternoon', LATE)).toEqual({ fromMinute: 780, toMinute: 1080 });
    expect(partOfDayWindow('evening', LATE)).toEqual({ fromMinute: 1080, toMinute: 1260 });
    expect(partOfDayWindow('afternoon', HALF_DAY)).toBeNull();
    expect(partOfDayTarget('afternoon', HALF_DAY)).toBe(720);
    expect(partOfDayTarget('evening', WEEKDAY)).toBe(1080);
    expect(partOfDayTarget('morning', WEEKDAY)).toBe(510);
  });

  it('names a clock time by its part, and knows when a part is over', () => {
    expect([9 * 60, 11 * 60 + 45, 12 * 60 + 30, 13 * 60, 17 * 60 + 59, 18 * 60].map(dayPartOf)).toEqual([
      'morning', 'morning', 'noon', 'afternoon', 'afternoon', 'evening',
    ]);
    expect(dayPartEnd('morning')).toBe(720);
    expect(dayPartEnd('evening')).toBe(1440);
  });
});

describe('formatWanted', () => {
  const w = (date: string, time: string | null = null, part: WantedTime['part'] = null): WantedTime => ({ date, time, part });
  it('formats in Chinese and English', () => {
    expect(formatWanted(w('2026-11-28', '10:00'), 'zh')).toBe('11月28日（周六）10:00');
    expect(formatWanted(w('2026-11-28', '10:00'), 'en')).toBe('Sat 28 Nov, 10:00');
    expect(formatWanted(w('2026-11-28', null, 'afternoon'), 'zh')).toBe('11月28日（周六）下午');
    expect(formatWanted(w('2026-11-28', null, 'afternoon'), 'en')).toBe('Sat 28 Nov, afternoon');
    expect(formatWanted(w('2026-12-01'), 'zh')).toBe('12月1日（周二）');
    expect(formatWanted(w('2026-12-01'), 'en')).toBe('Tue 1 Dec');
  });

  it('a 24-hour time is not prefixed with its part of day ("下午15:00" says it twice)', () => {
    expect(formatWanted(w('2026-11-28', '12:30'), 'zh')).toBe('11月28日（周六）12:30');
    expect(formatWanted(w('2026-11-28', '15:00'), 'zh')).toBe('11月28日（周六）15:00');
    expect(formatWanted(w('2026-11-27', '21:00', 'evening'), 'zh')).toBe('11月27日（周五）21:00');
    expect(formatWanted(w('2026-11-29', '07:00', 'morning'), 'en')).toBe('Sun 29 Nov, 07:00');
  });
});
