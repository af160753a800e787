/**
 * The Chinese lunar calendar for the years customers book in (lunar years 2024–2035, i.e. Gregorian
 * 10 Feb 2024 – 27 Jan 2036), as a table: enough to turn 春节, 中秋, 正月十五 or 腊月二十三 into a day.
 *
 * Where the table comes from: generated with lunar-javascript 1.7.7 (6tail; astronomical new moons and
 * solar terms at Beijing time, the rule of GB/T 33661-2017), then checked
 *  - against widely published dates (春节 2025-01-29, 2026-02-17, 2027-02-06; 端午 2026-06-19; 中秋
 *    2025-10-06, 2026-09-25) and the 2027 lunar holidays in this project's seed (prisma/seed/holidays-cn.ts:
 *    清明 04-05, 端午 06-09, 中秋 09-15);
 *  - day by day against ICU's Chinese calendar (Intl 'chinese', ICU 78): they agree except in the first
 *    month of 2027 and 2030, where ICU starts the year a day late (2027-02-07) or early (2030-02-02);
 *    the official dates are 2027-02-06 and 2030-02-03, as here. That is why Intl is not used at run time.
 *  - 2033 has its leap month after the 11th (闰十一月), the reading GB/T 33661-2017 settled.
 * Beyond the table understandWhen says "no date" rather than guess.
 */
import { addDays, dateParts, daysBetween, localDate, type LocalDate } from '../time';

/**
 * Per lunar year: the Gregorian date of 正月初一, the month after which the leap month comes (0: none),
 * and each month's length in order (L = 30 days, S = 29), the leap month right after its namesake.
 */
const LUNAR_YEARS: ReadonlyArray<readonly [year: number, newYear: LocalDate, leapAfter: number, lengths: string]> = [
  [2024, '2024-02-10', 0, 'SLSSLSLLSLLS'],
  [2025, '2025-01-29', 6, 'LSLSSLSLSLLLS'],
  [2026, '2026-02-17', 0, 'LSLSSLSSLLLS'],
  [2027, '2027-02-06', 0, 'LLSLSSLSSLLS'],
  [2028, '2028-01-26', 5, 'LLLSLSSLSSLLS'],
  [2029, '2029-02-13', 0, 'LLSLSLSLSSLL'],
  [2030, '2030-02-03', 0, 'SLSLLSLSLSLS'],
  [2031, '2031-01-23', 3, 'SLLSLSLLSLSLS'],
  [2032, '2032-02-11', 0, 'LSSLSLLSLLSL'],
  [2033, '2033-01-31', 11, 'SLSSLSLSLLLSL'],
  [2034, '2034-02-19', 0, 'SLSSLSLSLLSL'],
  [2035, '2035-02-08', 0, 'LSLSSLSSLLSL'],
];

/** 清明 is a solar term, not a lunar date: 4 or 5 April (same source, same checks). */
const QINGMING_APRIL_DAY: Readonly<Record<number, number>> = {
  2024: 4, 2025: 4, 2026: 5, 2027: 5, 2028: 4, 2029: 4, 2030: 5, 2031: 5, 2032: 4, 2033: 4, 2034: 5, 2035: 5,
};

/** A lunar month's first day and length; undefined outside the table or for a month the year lacks. */
function lunarMonth(year: number, month: number, leap: boolean): { start: LocalDate; days: number } | undefined {
  const row = LUNAR_YEARS.find((r) => r[0] === year);
  if (!row || month < 1 || month > 12) return undefined;
  const [, newYear, leapAfter, lengths] = row;
  if (leap && leapAfter !== month) return undefined;
  // position of the wanted month in the year's sequence (the leap month follows its namesake)
  const index = month - 1 + (leapAfter !== 0 && (month > leapAfter || leap) ? 1 : 0);
  let offset = 0;
  for (let i = 0; i < index; i++) offset += lengths[i] === 'L' ? 30 : 29;
  return { start: addDays(newYear, offset), days: lengths[index] === 'L' ? 30 : 29 };
}

/**
 * The Gregorian date of a lunar date; day 'last' is the month's last day (除夕 is 腊月's). Null outside
 * the table or when the month has no such day (三十 in a 29-day month).
 */
export function lunarToLocalDate(year: number, month: number, day: number | 'last', leap = false): LocalDate | null {
  const m = lunarMonth(year, month, leap);
  if (!m) return null;
  const d = day === 'last' ? m.days : day;
  if (!Number.isInteger(d) || d < 1 || d > m.days) return null;
  return addDays(m.start, d - 1);
}

/**
 * The first day on or after `from` that is the lunar (month, day), in a leap month when `leap`; null when the
 * table ends first.
 */
export function nextLunarDate(from: LocalDate, month: number, day: number | 'last', leap = false): LocalDate | null {
  const { year } = dateParts(from);
  const lastYear = LUNAR_YEARS[LUNAR_YEARS.length - 1][0];
  // the lunar year that holds `from` began in its Gregorian year or the one before; a leap month can be years away
  for (let y = year - 1; y <= (leap ? lastYear : year + 1); y++) {
    const date = lunarToLocalDate(y, month, day, leap);
    if (date !== null && daysBetween(from, date) >= 0) return date;
  }
  return null;
}

/** The first 清明 on or after `from`; null beyond the table. */
export function nextQingming(from: LocalDate): LocalDate | null {
  const { year } = dateParts(from);
  for (const y of [year, year + 1]) {
    const day = QINGMING_APRIL_DAY[y];
    if (day === undefined) continue;
    const date = localDate(y, 4, day);
    if (daysBetween(from, date) >= 0) return date;
  }
  return null;
}
