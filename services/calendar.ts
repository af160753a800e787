import type { PrismaClient } from './db/client';
import { addDays, dbDateToLocalDate, localParts, weekdayOf, zonedInstant, type LocalDate, type OpeningWindow } from './time';

export type { OpeningWindow } from './time';

/**
 * The shop's working calendar: weekly opening hours plus exceptions (public holidays
 * closed, make-up working days 调休 open). Pure functions over a preloaded shop so the
 * slot search can ask about dozens of days without a query each.
 */

export interface ShopCalendar {
  id: string;
  timeZone: string;
  openingHours: ReadonlyArray<{ weekday: number; openMinute: number; closeMinute: number }>;
  calendarDays: ReadonlyArray<{ date: Date; kind: 'HOLIDAY' | 'WORKDAY'; openMinute: number | null; closeMinute: number | null }>;
}

// Per shop object: the day exceptions indexed by date, built on first use.
const dayIndex = new WeakMap<object, Map<LocalDate, ShopCalendar['calendarDays'][number]>>();

function exceptionFor(shop: ShopCalendar, date: LocalDate) {
  let index = dayIndex.get(shop.calendarDays);
  if (!index) {
    index = new Map(shop.calendarDays.map((d) => [dbDateToLocalDate(d.date), d]));
    dayIndex.set(shop.calendarDays, index);
  }
  return index.get(date);
}

function weeklyHours(shop: ShopCalendar, weekday: number): OpeningWindow | null {
  const row = shop.openingHours.find((h) => h.weekday === weekday);
  return row && row.closeMinute > row.openMinute ? { openMinute: row.openMinute, closeMinute: row.closeMinute } : null;
}

/** Opening hours on a calendar date, or null when the shop is closed that day. */
export function openingFor(shop: ShopCalendar, date: LocalDate): OpeningWindow | null {
  const exception = exceptionFor(shop, date);
  if (exception?.kind === 'HOLIDAY') return null;
  if (exception?.kind === 'WORKDAY') {
    if (exception.openMinute !== null && exception.closeMinute !== null && exception.closeMinute > exception.openMinute) {
      return { openMinute: exception.openMinute, closeMinute: exception.closeMinute };
    }
    // A make-up day follows a normal weekday's timetable; Monday's is the reference.
    return weeklyHours(shop, 1) ?? weeklyHours(shop, weekdayOf(date));
  }
  return weeklyHours(shop, weekdayOf(date));
}

export function isWorkingDay(shop: ShopCalendar, date: LocalDate): boolean {
  return openingFor(shop, date) !== null;
}

// Bounds loops over a calendar that might (by misconfiguration) have no open day at all.
const MAX_SCAN_DAYS = 400;

/** The first working day strictly after `date`, or null if none within ~13 months. */
export function nextWorkingDay(shop: ShopCalendar, date: LocalDate): LocalDate | null {
  for (let i = 1; i <= MAX_SCAN_DAYS; i++) {
    const d = addDays(date, i);
    if (isWorkingDay(shop, d)) return d;
  }
  return null;
}

/**
 * The instant `n` working days after `instant`, at the same wall-clock time (clamped to
 * that day's opening hours). Time outside opening hours first moves to the next
 * opening, so "within one working day" of a Saturday-evening event means a full
 * working day of the advisor's time, not Sunday.
 */
export function addWorkingDays(shop: ShopCalendar, instant: Date, n: number): Date {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a non-negative integer: ${n}`);
  const tz = shop.timeZone;
  const here = localParts(instant, tz);
  let date = here.date;
  let minute = here.minute;
  const today = openingFor(shop, date);
  if (!today || minute >= today.closeMinute) {
    const next = nextWorkingDay(shop, date);
    if (!next) throw new Error(`shop ${shop.id} has no working day after ${date}`);
    date = next;
    minute = openingFor(shop, next)!.openMinute;
  } else if (minute < today.openMinute) {
    minute = today.openMinute;
  }
  for (let i = 0; i < n; i++) {
    const next = nextWorkingDay(shop, date);
    if (!next) throw new Error(`shop ${shop.id} has no working day after ${date}`);
    date = next;
  }
  const hours = openingFor(shop, date)!;
  return zonedInstant(date, Math.min(Math.max(minute, hours.openMinute), hours.closeMinute), tz);
}

/**
 * The instant `minutes` of opening time after `instant`: time when the shop is closed
 * (nights, Sundays, holidays) does not count, so "2 working hours" from Saturday 16:30
 * with a 17:00 close is Monday 10:00 (30 min on Saturday, 90 on Monday from 08:30).
 */
export function addWorkingMinutes(shop: ShopCalendar, instant: Date, minutes: number): Date {
  if (!Number.isInteger(minutes) || minutes < 0) throw new RangeError(`working minutes must be a non-negative integer: ${minutes}`);
  if (minutes === 0) return instant;
  const tz = shop.timeZone;
  const here = localParts(instant, tz);
  let date = here.date;
  // Seconds inside the starting minute are kept by working from the instant itself.
  let offsetMs = instant.getTime() - zonedInstant(date, here.minute, tz).getTime();
  let minute = here.minute;
  let remaining = minutes;
  for (let scanned = 0; scanned <= MAX_SCAN_DAYS; scanned++) {
    const hours = openingFor(shop, date);
    if (hours && minute < hours.closeMinute) {
      if (minute < hours.openMinute) {
        minute = hours.openMinute;
        offsetMs = 0;
      }
      const available = hours.closeMinute - minute;
      if (remaining <= available && !(remaining === available && offsetMs > 0)) {
        return new Date(zonedInstant(date, minute + remaining, tz).getTime() + offsetMs);
      }
      remaining -= available;
    }
    const next = nextWorkingDay(shop, date);
    if (!next) break;
    date = next;
    minute = 0;
    offsetMs = 0;
  }
  throw new Error(`shop ${shop.id} has no working day after ${date}`);
}

/** Closing time of the first working day after the local date of `instant`. */
export function nextWorkingDayEnd(shop: ShopCalendar, instant: Date): Date {
  const { date } = localParts(instant, shop.timeZone);
  const next = nextWorkingDay(shop, date);
  if (!next) throw new Error(`shop ${shop.id} has no working day after ${date}`);
  return zonedInstant(next, openingFor(shop, next)!.closeMinute, shop.timeZone);
}

export type LoadedShopCalendar = Awaited<ReturnType<typeof queryShopCalendar>>;

function queryShopCalendar(prisma: Pick<PrismaClient, 'shop'>, shopId: string) {
  return prisma.shop.findUniqueOrThrow({
    where: { id: shopId },
    include: { openingHours: true, calendarDays: { orderBy: { date: 'asc' } } },
  });
}

/** The shop row with its weekly hours and calendar exceptions (a few dozen rows a year). */
export async function loadShopCalendar(prisma: Pick<PrismaClient, 'shop'>, shopId: string): Promise<LoadedShopCalendar> {
  return queryShopCalendar(prisma, shopId);
}
