/**
 * The time module: every date, clock and part-of-day rule the services share, on Intl only.
 *
 * The server may run in UTC while the shop lives in Asia/Shanghai, so nothing here reads
 * the process's local zone: every function that turns an instant into wall-clock parts
 * (or back) takes the IANA zone as an argument. Shop calendar dates travel as
 * 'YYYY-MM-DD' strings (LocalDate), times of day as minutes after local midnight, and
 * weekdays are ISO everywhere: 1 = Monday … 7 = Sunday.
 */
import type { Locale } from './locale';

export type LocalDate = string; // 'YYYY-MM-DD'

export interface LocalParts {
  date: LocalDate;
  /** Minutes after local midnight, 0..1439. */
  minute: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** A day's opening hours in minutes after local midnight; close is exclusive for starts. */
export interface OpeningWindow {
  openMinute: number;
  closeMinute: number;
}

// ───────────────────────────── Zones ─────────────────────────────

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

// Formatter construction is expensive (~50 µs); slot searches call localParts thousands of times.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(tz, f);
  }
  return f;
}

function formattedWallClock(instant: Date, tz: string): WallClock {
  const out: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0 };
  for (const p of formatterFor(tz).formatToParts(instant)) {
    if (p.type === 'year') out.year = Number(p.value);
    else if (p.type === 'month') out.month = Number(p.value);
    else if (p.type === 'day') out.day = Number(p.value);
    else if (p.type === 'hour') out.hour = Number(p.value);
    else if (p.type === 'minute') out.minute = Number(p.value);
  }
  return out;
}

// formatToParts costs microseconds and slot searches call this thousands of times per turn.
// A zone's offset only changes at transitions, which fall on quarter hours (UTC) in every
// zone in use, so the offset is cached per zone and quarter hour.
const QUARTER_MS = 15 * MINUTE_MS;
const offsetCache = new Map<string, number>();

/** The zone's offset (ms) in the quarter hour that holds `ms`. */
function quarterOffset(ms: number, tz: string): number {
  const bucket = Math.floor(ms / QUARTER_MS);
  const key = `${tz}|${bucket}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    const start = new Date(bucket * QUARTER_MS);
    const w = formattedWallClock(start, tz);
    offset = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - start.getTime();
    if (offsetCache.size > 50_000) offsetCache.clear();
    offsetCache.set(key, offset);
  }
  return offset;
}

// Most UTC days have one offset from start to end (a zone changes it at most once a day):
// then the whole day is one cache entry, not 96. Days with a change use the quarter hours.
const dayOffsetCache = new Map<string, number | null>();

function wallClock(instant: Date, tz: string): WallClock {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid Date');
  const day = Math.floor(ms / DAY_MS);
  const key = `${tz}|${day}`;
  let dayOffset = dayOffsetCache.get(key);
  if (dayOffset === undefined) {
    const first = quarterOffset(day * DAY_MS, tz);
    dayOffset = first === quarterOffset((day + 1) * DAY_MS - QUARTER_MS, tz) ? first : null;
    if (dayOffsetCache.size > 50_000) dayOffsetCache.clear();
    dayOffsetCache.set(key, dayOffset);
  }
  const offset = dayOffset ?? quarterOffset(ms, tz);
  const local = new Date(ms + offset);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate(), hour: local.getUTCHours(), minute: local.getUTCMinutes() };
}

/** Wall-clock reading of an instant in an IANA zone, seconds included. */
export function zonedWallClock(instant: Date, tz: string): WallClock & { second: number } {
  // Zone offsets are whole minutes, so the seconds are the instant's own.
  return { ...wallClock(instant, tz), second: instant.getUTCSeconds() };
}

export function isKnownTimeZone(tz: string): boolean {
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock date, minute of day and ISO weekday of `instant` in `tz`. */
export function localParts(instant: Date, tz: string): LocalParts {
  const w = wallClock(instant, tz);
  // Built directly: a wall clock is always a valid date, and this runs thousands of times per search.
  const sunday0 = new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
  return { date: `${w.year}-${pad2(w.month)}-${pad2(w.day)}`, minute: w.hour * 60 + w.minute, weekday: sunday0 === 0 ? 7 : sunday0 };
}

/** UTC offset of `tz` at `ms`, in milliseconds (local = utc + offset). */
function offsetAt(ms: number, tz: string): number {
  const w = wallClock(new Date(ms), tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  return asUtc - Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/**
 * The instant at which the wall clock in `tz` shows `date` + `minute`.
 * DST: a time repeated when clocks go back resolves to the earlier instant; a time
 * skipped when clocks go forward resolves to the same distance after the gap (02:30 on
 * a spring-forward night becomes 03:30), like Temporal's "compatible" disambiguation.
 */
export function zonedInstant(date: LocalDate, minute: number, tz: string): Date {
  if (!Number.isInteger(minute)) throw new RangeError(`minute must be an integer: ${minute}`);
  const wall = dateToUtcMs(date) + minute * MINUTE_MS;
  // Offsets a day either side bracket any single transition near this wall time.
  const before = offsetAt(wall - DAY_MS, tz);
  const after = offsetAt(wall + DAY_MS, tz);
  const candidates = [...new Set([wall - before, wall - after])].filter((t) => t + offsetAt(t, tz) === wall);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  // In the gap: read the wall time with the offset in force before the jump.
  return new Date(wall - before);
}

// ───────────────────────────── Calendar dates ─────────────────────────────

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Whether year-month-day names a real date. Years are four digits so that LocalDate strings
 * compare in calendar order (and Date.UTC does not read 26 as 1926).
 */
export function isValidDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) && Number.isInteger(month) && Number.isInteger(day) &&
    year >= 1000 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
  );
}

/** The LocalDate of year-month-day; RangeError when it is no date (check with isValidDate first). */
export function localDate(year: number, month: number, day: number): LocalDate {
  if (!isValidDate(year, month, day)) throw new RangeError(`not a calendar date: ${year}-${month}-${day}`);
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

export function isLocalDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  return m !== null && isValidDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Year, month (1–12) and day of a LocalDate. */
export function dateParts(date: LocalDate): { year: number; month: number; day: number } {
  const m = DATE_RE.exec(date);
  if (!m || !isValidDate(Number(m[1]), Number(m[2]), Number(m[3]))) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

/** Midnight UTC of a calendar date: day arithmetic on it has no DST to trip over. */
function dateToUtcMs(date: LocalDate): number {
  const { year, month, day } = dateParts(date);
  return Date.UTC(year, month - 1, day);
}

function utcMsToDate(ms: number): LocalDate {
  return new Date(ms).toISOString().slice(0, 10);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a calendar date. */
export function weekdayOf(date: LocalDate): number {
  const day = new Date(dateToUtcMs(date)).getUTCDay();
  return day === 0 ? 7 : day;
}

export function addDays(date: LocalDate, n: number): LocalDate {
  return utcMsToDate(dateToUtcMs(date) + n * DAY_MS);
}

/** Adds months, clamping the day to the target month's length (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: LocalDate, n: number): LocalDate {
  const { year, month, day } = dateParts(date);
  const index = year * 12 + (month - 1) + n;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return localDate(y, m, Math.min(day, daysInMonth(y, m)));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((dateToUtcMs(to) - dateToUtcMs(from)) / DAY_MS);
}

/** The last day of the month `date` is in. */
export function lastDayOfMonth(date: LocalDate): LocalDate {
  const { year, month } = dateParts(date);
  return localDate(year, month, daysInMonth(year, month));
}

/**
 * The given ISO weekday in the week `weekOffset` weeks from the week of `date`. Weeks start on
 * Monday, as in China and ISO 8601: on a Sunday, "this Monday" is six days back.
 */
export function weekdayInWeek(date: LocalDate, weekday: number, weekOffset: number): LocalDate {
  return addDays(date, weekOffset * 7 + weekday - weekdayOf(date));
}

/** The first date on or after `date` that falls on the ISO weekday. */
export function nextWeekday(date: LocalDate, weekday: number): LocalDate {
  return addDays(date, (weekday - weekdayOf(date) + 7) % 7);
}

// ───────────────────────────── Clock minutes ─────────────────────────────

/** 'HH:mm' for a minute of the day. */
export function minuteToTime(minute: number): string {
  return `${pad2(Math.floor(minute / 60))}:${pad2(minute % 60)}`;
}

/** Minute of the day for 'HH:mm' (or 'H:mm'); null when it is not a valid time. */
export function timeToMinute(time: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  if (h > 23 || mi > 59) return null;
  return h * 60 + mi;
}

// ───────────────────────────── Database dates ─────────────────────────────

/** A Prisma `@db.Date` value (midnight UTC) as a calendar date; no zone applies to it. */
export function dbDateToLocalDate(value: Date): LocalDate {
  return value.toISOString().slice(0, 10);
}

/** A calendar date as the value Prisma expects for a `@db.Date` column. */
export function localDateToDbDate(date: LocalDate): Date {
  return new Date(dateToUtcMs(date));
}

// ───────────────────────────── Parts of the day ─────────────────────────────

export const DAY_PARTS = ['morning', 'noon', 'afternoon', 'evening'] as const;
export type DayPart = (typeof DAY_PARTS)[number];

/**
 * What each part of the day covers on the clock, as a customer booking a car means it. Noon
 * overlaps the end of the morning and the start of the afternoon: "中午" is 11:30–13:30.
 */
const DAY_PART_SPAN: Record<DayPart, { fromMinute: number; toMinute: number }> = {
  morning: { fromMinute: 0, toMinute: 12 * 60 },
  noon: { fromMinute: 11 * 60 + 30, toMinute: 13 * 60 + 30 },
  afternoon: { fromMinute: 13 * 60, toMinute: 18 * 60 },
  evening: { fromMinute: 18 * 60, toMinute: 24 * 60 },
};

/** The minute by which a part of the day is over (a wish for "this morning" at 12:30 is gone). */
export function dayPartEnd(part: DayPart): number {
  return DAY_PART_SPAN[part].toMinute;
}

/** The part a clock time is called by: 11:45 is morning, 12:30 noon, 13:00 afternoon, 18:00 evening. */
export function dayPartOf(minute: number): DayPart {
  if (minute < DAY_PART_SPAN.morning.toMinute) return 'morning';
  if (minute < DAY_PART_SPAN.afternoon.fromMinute) return 'noon';
  if (minute < DAY_PART_SPAN.afternoon.toMinute) return 'afternoon';
  return 'evening';
}

/**
 * Start-time window of a part of the day within a day's opening hours; null when the shop is
 * not open then (the evening, when it closes at 18:00).
 */
export function partOfDayWindow(part: DayPart, opening: OpeningWindow): { fromMinute: number; toMinute: number } | null {
  const span = DAY_PART_SPAN[part];
  const fromMinute = Math.max(span.fromMinute, opening.openMinute);
  const toMinute = Math.min(span.toMinute, opening.closeMinute);
  return fromMinute < toMinute ? { fromMinute, toMinute } : null;
}

/** The minute a part of day "aims at", to rank slots on other days by closeness. */
export function partOfDayTarget(part: DayPart, opening: OpeningWindow): number {
  const window = partOfDayWindow(part, opening);
  return window ? window.fromMinute : part === 'morning' ? opening.openMinute : opening.closeMinute;
}

// ───────────────────────────── A wanted time ─────────────────────────────

/** What a customer asked for: a day in the shop's zone, maybe a clock time, maybe a part of the day. */
export interface WantedTime {
  date: LocalDate;
  /** 'HH:mm' */
  time: string | null;
  part: DayPart | null;
}

// ───────────────────────────── Names and formatting ─────────────────────────────

// Indexed by ISO weekday; index 0 is unused.
const WEEKDAY_NAMES: Record<Locale, readonly string[]> = {
  zh: ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'],
  en: ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
};
const MONTH_NAMES_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_PART_NAMES: Record<Locale, Record<DayPart, string>> = {
  zh: { morning: '上午', noon: '中午', afternoon: '下午', evening: '晚上' },
  en: { morning: 'morning', noon: 'noon', afternoon: 'afternoon', evening: 'evening' },
};

/*
 * Built by hand rather than with Intl's date styles, whose punctuation differs between ICU
 * versions and would make the bot's messages (and their tests) depend on the Node build.
 */

/** "11月28日（周六）" / "Sat 28 Nov" for a calendar date. */
export function formatLocalDate(date: LocalDate, locale: Locale): string {
  const { month, day } = dateParts(date);
  const weekday = WEEKDAY_NAMES[locale][weekdayOf(date)];
  return locale === 'zh' ? `${month}月${day}日（${weekday}）` : `${weekday} ${day} ${MONTH_NAMES_EN[month - 1]}`;
}

/** "11月28日（周六）10:00" / "Sat 28 Nov 10:00" for an instant, on the wall clock of `tz`. */
export function formatLocal(instant: Date, tz: string, locale: Locale): string {
  const p = localParts(instant, tz);
  return `${formatLocalDate(p.date, locale)}${locale === 'zh' ? '' : ' '}${minuteToTime(p.minute)}`;
}

/** "11月28日（周六）上午10:00" / "Sat 28 Nov, 10:00"; a part of the day without a time: "…下午" / "…, afternoon". */
export function formatWanted(wanted: WantedTime, locale: Locale): string {
  const day = formatLocalDate(wanted.date, locale);
  if (locale === 'zh') {
    // A 24-hour time says the part of day already ("下午15:00" reads twice); the part alone is shown.
    if (wanted.time) return `${day}${wanted.time}`;
    return `${day}${wanted.part ? DAY_PART_NAMES.zh[wanted.part] : ''}`;
  }
  if (wanted.time) return `${day}, ${wanted.time}`;
  return wanted.part ? `${day}, ${DAY_PART_NAMES.en[wanted.part]}` : day;
}
