/**
 * Time-zone-explicit date helpers built on Intl only.
 *
 * The server may run in UTC while the shop lives in Asia/Shanghai, so nothing here reads
 * the process's local zone: every function that turns an instant into wall-clock parts
 * (or back) takes the IANA zone as an argument. Shop calendar dates travel as
 * 'YYYY-MM-DD' strings and minutes after local midnight.
 */

export type LocalDate = string; // 'YYYY-MM-DD'
export type Locale = 'zh' | 'en';

export interface LocalParts {
  date: LocalDate;
  /** Minutes after local midnight, 0..1439. */
  minute: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

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

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
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

function wallClock(instant: Date, tz: string): WallClock {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid Date');
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

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

export function isLocalDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** Midnight UTC of a calendar date: day arithmetic on it has no DST to trip over. */
function dateToUtcMs(date: LocalDate): number {
  const m = DATE_RE.exec(date);
  if (!m || !isLocalDate(date)) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

function utcMsToDate(ms: number): LocalDate {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Wall-clock date, minute of day and ISO weekday of `instant` in `tz`. */
export function localParts(instant: Date, tz: string): LocalParts {
  const w = wallClock(instant, tz);
  const date = `${w.year}-${pad2(w.month)}-${pad2(w.day)}`;
  return { date, minute: w.hour * 60 + w.minute, weekday: weekdayOf(date) };
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a calendar date. */
export function weekdayOf(date: LocalDate): number {
  const day = new Date(dateToUtcMs(date)).getUTCDay();
  return day === 0 ? 7 : day;
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

export function addDays(date: LocalDate, n: number): LocalDate {
  return utcMsToDate(dateToUtcMs(date) + n * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((dateToUtcMs(to) - dateToUtcMs(from)) / DAY_MS);
}

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

/** A Prisma `@db.Date` value (midnight UTC) as a calendar date; no zone applies to it. */
export function dbDateToLocalDate(value: Date): LocalDate {
  return value.toISOString().slice(0, 10);
}

/** A calendar date as the value Prisma expects for a `@db.Date` column. */
export function localDateToDbDate(date: LocalDate): Date {
  return new Date(dateToUtcMs(date));
}

const WEEKDAY_ZH = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];
const WEEKDAY_EN = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTH_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * "11月28日（周六）10:00" / "Sat 28 Nov 10:00". Built by hand rather than with
 * Intl's date styles, whose punctuation differs between ICU versions and would make
 * the bot's messages (and their tests) depend on the Node build.
 */
export function formatLocal(instant: Date, tz: string, locale: Locale): string {
  const p = localParts(instant, tz);
  const [, month, day] = p.date.split('-').map(Number);
  const time = minuteToTime(p.minute);
  return locale === 'zh'
    ? `${month}月${day}日（${WEEKDAY_ZH[p.weekday]}）${time}`
    : `${WEEKDAY_EN[p.weekday]} ${day} ${MONTH_EN[month - 1]} ${time}`;
}

/** "11月28日（周六）" / "Sat 28 Nov" for a calendar date. */
export function formatLocalDate(date: LocalDate, locale: Locale): string {
  const [, month, day] = date.split('-').map(Number);
  const weekday = weekdayOf(date);
  return locale === 'zh' ? `${month}月${day}日（${WEEKDAY_ZH[weekday]}）` : `${WEEKDAY_EN[weekday]} ${day} ${MONTH_EN[month - 1]}`;
}
