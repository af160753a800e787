/**
 * Date understanding for bookings: a customer's words (Chinese or English) → the wanted day, time and
 * part of the day in the shop's time zone, never in the past.
 *
 * How it works: the shop's wall clock at `now` is computed with Intl in `ctx.timeZone`, and chrono
 * (extended with our parsers, see zh.ts / en.ts) parses against a reference Date whose *local* fields
 * equal that wall clock. All components chrono returns are therefore shop wall-clock values whatever the
 * server's own zone is. resolve.ts then applies the booking rules (forward resolution, business hours).
 */
import { isKnownTimeZone, wallClock } from './calendar';
import { resolveText } from './resolve';

export type DayPart = 'morning' | 'noon' | 'afternoon' | 'evening';

export interface WantedTime {
  date: string; // YYYY-MM-DD
  time: string | null; // HH:mm
  part: DayPart | null;
}

export interface WhenContext {
  now: Date;
  timeZone: string; // IANA, e.g. Asia/Shanghai
  shopHours?: { openMinute: number; closeMinute: number }; // default 08:30–18:00
}

export const DEFAULT_SHOP_HOURS = { openMinute: 8 * 60 + 30, closeMinute: 18 * 60 };

export function understandWhen(text: string, ctx: WhenContext): WantedTime | null {
  if (typeof text !== 'string' || text.trim() === '') return null;
  if (!(ctx.now instanceof Date) || Number.isNaN(ctx.now.getTime())) throw new RangeError('understandWhen: ctx.now is not a valid Date');
  if (!isKnownTimeZone(ctx.timeZone)) throw new RangeError(`understandWhen: unknown time zone ${ctx.timeZone}`);
  const wall = wallClock(ctx.now, ctx.timeZone);
  return resolveText(text, wall, ctx.shopHours ?? DEFAULT_SHOP_HOURS);
}

export { formatWanted } from './format';
export { isKnownTimeZone } from './calendar';
