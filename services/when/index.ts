/**
 * Date understanding for bookings: a customer's words (Chinese or English) → the wanted day, time and
 * part of the day in the shop's time zone, never in the past.
 *
 * How it works: the shop's wall clock at `now` is computed with Intl in `ctx.timeZone`, and chrono
 * (extended with our parsers, see zh.ts / en.ts) parses against a reference Date whose *local* fields
 * equal that wall clock. All components chrono returns are therefore shop wall-clock values whatever the
 * server's own zone is. resolve.ts then applies the booking rules (forward resolution, business hours).
 */
import { isKnownTimeZone, localDate, zonedWallClock, type LocalDate, type OpeningWindow, type WantedTime } from '../time';
import { DEFAULT_SHOP_HOURS, resolveText, type HoursOn } from './resolve';

// The types of a wanted time live in the time module; they are re-exported for callers of understandWhen.
export type { DayPart, WantedTime } from '../time';

/**
 * The shop's opening hours, for an hour said without am/pm ("3点" is 15:00 to a shop open 08:30–18:00):
 * one window for every day, or the hours of each date (null: closed that day, the built-in window then
 * decides the am/pm reading). Default 08:30–18:00.
 */
export type ShopHours = OpeningWindow | ((date: LocalDate) => OpeningWindow | null);

export interface WhenContext {
  now: Date;
  timeZone: string; // IANA, e.g. Asia/Shanghai
  shopHours?: ShopHours;
}

function hoursOn(shopHours: ShopHours | undefined): HoursOn {
  if (shopHours === undefined) return () => DEFAULT_SHOP_HOURS;
  if (typeof shopHours === 'function') return shopHours;
  return () => shopHours;
}

export function understandWhen(text: string, ctx: WhenContext): WantedTime | null {
  if (typeof text !== 'string' || text.trim() === '') return null;
  if (!(ctx.now instanceof Date) || Number.isNaN(ctx.now.getTime())) throw new RangeError('understandWhen: ctx.now is not a valid Date');
  if (!isKnownTimeZone(ctx.timeZone)) throw new RangeError(`understandWhen: unknown time zone ${ctx.timeZone}`);
  const w = zonedWallClock(ctx.now, ctx.timeZone);
  const now = { ...w, date: localDate(w.year, w.month, w.day), minuteOfDay: w.hour * 60 + w.minute };
  return resolveText(text, now, hoursOn(ctx.shopHours));
}
