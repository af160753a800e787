/**
 * The demo shop's catalogue and calendar (prisma/seed) as an UnderstandingContext, without any
 * database: for `aftercare understand` when no DATABASE_URL is set (it works while the embedded
 * bot holds the data directory), the intent test set and `npm run eval:understanding`.
 * Catalogue ids are the codes (a database gives real ids).
 */
import { CATALOG, OPENING_HOURS } from '../../prisma/seed/demo-shop';
import { CHINA_CALENDAR } from '../../prisma/seed/holidays-cn';
import { openingFor, type ShopCalendar } from '../calendar';
import type { CatalogueEntry } from '../catalog';
import type { Locale } from '../locale';
import { localDateToDbDate, type LocalDate } from '../time';
import type { Intent, OpeningWindow, UnderstandingContext } from './types';

export const DEMO_CATALOGUE: readonly CatalogueEntry[] = CATALOG.map((item) => ({
  id: item.code,
  code: item.code,
  nameZh: item.nameZh,
  nameEn: item.nameEn,
  aliases: [...item.aliases],
  active: true,
}));

const DEMO_CALENDAR: ShopCalendar = {
  id: 'DEMO',
  timeZone: 'Asia/Shanghai',
  openingHours: Object.entries(OPENING_HOURS).map(([weekday, [openMinute, closeMinute]]) => ({ weekday: Number(weekday), openMinute, closeMinute })),
  calendarDays: CHINA_CALENDAR.map((day) => ({ date: localDateToDbDate(day.date), kind: day.kind, openMinute: null, closeMinute: null })),
};

/** The demo shop's opening hours on a date (weekly hours, public holidays closed, make-up days open). */
export function demoShopHours(date: LocalDate): OpeningWindow | null {
  return openingFor(DEMO_CALENDAR, date);
}

export function demoUnderstandingContext(
  now: Date,
  timeZone: string,
  options: { fallbackLocale?: Locale; previousIntent?: Intent | null } = {},
): UnderstandingContext {
  return {
    now,
    timeZone,
    shopHours: demoShopHours,
    catalogue: DEMO_CATALOGUE,
    fallbackLocale: options.fallbackLocale ?? 'zh',
    previousIntent: options.previousIntent ?? null,
  };
}
