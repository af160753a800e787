import { zonedWallClock } from '../time';
/** Plain calendar arithmetic on wall-clock dates (no time zones involved). */

export interface YMD {
  y: number;
  m: number; // 1-12
  d: number;
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function isValidYMD(y: number, m: number, d: number): boolean {
  return Number.isInteger(y) && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

export function addDays(a: YMD, n: number): YMD {
  const t = new Date(Date.UTC(a.y, a.m - 1, a.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** Adds months, clamping the day to the target month's length. */
export function addMonths(a: YMD, n: number): YMD {
  const idx = a.y * 12 + (a.m - 1) + n;
  const y = Math.floor(idx / 12);
  const m = (idx % 12) + 1;
  return { y, m, d: Math.min(a.d, daysInMonth(y, m)) };
}

/** 0 = Sunday … 6 = Saturday */
export function weekdayOf(a: YMD): number {
  return new Date(Date.UTC(a.y, a.m - 1, a.d)).getUTCDay();
}

export function compareYMD(a: YMD, b: YMD): number {
  return a.y - b.y || a.m - b.m || a.d - b.d;
}

export function ymdString(a: YMD): string {
  return `${String(a.y).padStart(4, '0')}-${String(a.m).padStart(2, '0')}-${String(a.d).padStart(2, '0')}`;
}

export function parseYMD(s: string): YMD {
  const [y, m, d] = s.split('-').map(Number);
  return { y, m, d };
}

/** Monday of the week containing `a` (weeks start on Monday, as in China and ISO). */
export function mondayOf(a: YMD): YMD {
  const wd = weekdayOf(a);
  return addDays(a, -((wd + 6) % 7));
}

/** The given weekday (0=Sun) in the week `weekOffset` weeks from the week of `a`. */
export function weekdayInWeek(a: YMD, weekday: number, weekOffset: number): YMD {
  const monday = mondayOf(a);
  return addDays(monday, weekOffset * 7 + ((weekday + 6) % 7));
}

/** Next date (>= a) falling on the weekday. */
export function nextWeekday(a: YMD, weekday: number): YMD {
  return addDays(a, (weekday - weekdayOf(a) + 7) % 7);
}

export function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Wall-clock reading of an instant in an IANA zone. */
export interface WallClock extends YMD {
  hh: number;
  mi: number;
  ss: number;
}

export { isKnownTimeZone } from '../time';

export function wallClock(instant: Date, timeZone: string): WallClock {
  const w = zonedWallClock(instant, timeZone);
  return { y: w.year, m: w.month, d: w.day, hh: w.hour, mi: w.minute, ss: w.second };
}
