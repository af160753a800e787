import { addDays, dateParts, daysBetween, daysInMonth, weekdayInWeek, zonedInstant, type LocalDate } from '../time';

/**
 * A report covers whole shop-local days: `from` and `to` are both included, so
 * 2026-11-01…2026-11-30 is November, and the instants are the shop's midnights (a day
 * with a DST change is still one day).
 */
export interface DayRange {
  from: LocalDate;
  to: LocalDate;
  /** Shop-local midnight starting `from`. */
  start: Date;
  /** Shop-local midnight after `to` (exclusive). */
  end: Date;
  days: number;
}

export function dayRange(from: LocalDate, to: LocalDate, timeZone: string): DayRange {
  const days = daysBetween(from, to) + 1;
  if (days < 1) throw new RangeError(`the range ends (${to}) before it starts (${from})`);
  return { from, to, start: zonedInstant(from, 0, timeZone), end: zonedInstant(addDays(to, 1), 0, timeZone), days };
}

export function within(instant: Date | null | undefined, range: { start: Date; end: Date }): boolean {
  return instant != null && instant >= range.start && instant < range.end;
}

/**
 * Monday-to-Sunday weeks (as in China and ISO 8601) cut to the range: 2026-11-01, a Sunday,
 * is a week of its own, and the 30th (a Monday) another. A manager reads "the week of the
 * 9th", so weeks are not shifted to start on `from`.
 */
export function weeksOf(range: DayRange, timeZone: string): DayRange[] {
  const weeks: DayRange[] = [];
  let start = range.from;
  while (start <= range.to) {
    const sunday = weekdayInWeek(start, 7, 0);
    const end = sunday < range.to ? sunday : range.to;
    weeks.push(dayRange(start, end, timeZone));
    start = addDays(end, 1);
  }
  return weeks;
}

/** "YYYY-MM" of each calendar month the range touches, with how many of its days it covers. */
export function monthsOf(range: { from: LocalDate; to: LocalDate }): Array<{ month: string; days: number; daysInMonth: number }> {
  const out: Array<{ month: string; days: number; daysInMonth: number }> = [];
  let day = range.from;
  while (day <= range.to) {
    const { year, month } = dateParts(day);
    const length = daysInMonth(year, month);
    const monthEnd = `${year}-${String(month).padStart(2, '0')}-${String(length).padStart(2, '0')}`;
    const last = monthEnd < range.to ? monthEnd : range.to;
    out.push({ month: day.slice(0, 7), days: daysBetween(day, last) + 1, daysInMonth: length });
    day = addDays(last, 1);
  }
  return out;
}
