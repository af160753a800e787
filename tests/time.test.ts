import { addDays, daysBetween, formatLocal, formatLocalDate, isLocalDate, localParts, minuteToTime, timeToMinute, weekdayOf, zonedInstant } from '../services/time';

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

  it('knows ISO weekdays', () => {
    expect(weekdayOf('2026-11-29')).toBe(7);
    expect(weekdayOf('2026-11-30')).toBe(1);
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
