import type { TurnContext } from 'botbuilder';
import { turnServices } from './context';
import { understandWhen, type WantedTime } from '../services/when';
import { zonedInstant } from '../services/time';
import type { ParseResult } from '../services/registration';

/**
 * Reading a date or time a customer gives in answer to a question, shared by booking and
 * rescheduling. A time said while a day is on the table ("10点", "下午") means that day,
 * not today; a reply with its own date ("明天", "12月3日") stands as said.
 */
export function understandOnDay(text: string, context: TurnContext, day?: WantedTime): WantedTime | null {
  const { now, shop } = turnServices(context);
  const fresh = understandWhen(text, { now: now(), timeZone: shop.timeZone });
  if (!day) return fresh;
  const dayStart = zonedInstant(day.date, 0, shop.timeZone);
  if (dayStart <= now()) return fresh;
  const onDay = understandWhen(text, { now: dayStart, timeZone: shop.timeZone });
  return onDay && onDay.date === day.date && fresh?.date !== day.date ? onDay : fresh;
}

export function parseWhenAnswer(text: string, context: TurnContext, day?: WantedTime): ParseResult<WantedTime> {
  const wanted = understandOnDay(text, context, day);
  return wanted ? { ok: true, value: wanted } : { ok: false, reason: 'book.whenUnknown' };
}
