/**
 * The wanted day and time, through services/when, with the shop's own opening hours.
 */
import { understandWhen, type WantedTime, type WhenContext } from '../when';
import { zonedInstant } from '../time';
import type { UnderstandingContext } from './types';

/** Days that have passed: a booking is only ever forward, so the dialog says so instead of asking again. */
const PAST_DAY =
  /昨天|前天|大前天|上周|上个?星期|上个?礼拜|上个月|去年|\byesterday\b|\blast (?:week|month|year|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend)\b|\b(?:the )?day before yesterday\b/;

export function namesPastDay(english: string): boolean {
  return PAST_DAY.test(english);
}

/** An hour said without am/pm is read against the hours of the day it falls on (Saturday closes earlier). */
function whenContext(ctx: UnderstandingContext, now: Date): WhenContext {
  return { now, timeZone: ctx.timeZone, shopHours: ctx.shopHours };
}

/**
 * No date is nine digits long or four numbers in a row ("1,1,1,1"); chrono's English parsers are
 * slow on such runs (0.4 s for 500 of them), so they are blanked before the date is read.
 */
const LONG_DIGIT_RUN = /\d{9,}|(?:\d{1,8}[,.，、]){3,}\d*/g;
/** A wanted time is said near the start; a pasted essay is not read to its end. */
const DATE_TEXT_LIMIT = 1000;

export function wantedTime(text: string, ctx: UnderstandingContext): WantedTime | null {
  const dateText = text.slice(0, DATE_TEXT_LIMIT).replace(LONG_DIGIT_RUN, (run) => ' '.repeat(run.length));
  const fresh = understandWhen(dateText, whenContext(ctx, ctx.now));
  // While a day is on the table (an offer for Monday, a read-back for Monday), a time said
  // alone ("10点", "下午三点的") means that day: read from that day's start, the text lands
  // on it exactly when it names no other day.
  if (!ctx.focusDate) return fresh;
  const dayStart = zonedInstant(ctx.focusDate, 0, ctx.timeZone);
  if (dayStart <= ctx.now) return fresh;
  const onDay = understandWhen(dateText, whenContext(ctx, dayStart));
  return onDay && onDay.date === ctx.focusDate && fresh?.date !== ctx.focusDate ? onDay : fresh;
}

/** "改到周四上午", "挪到下周二", "move it to Friday", "push it till Monday": the new time comes after these. */
const NEW_TIME_MARKER = /(?:改|换|挪|推|调|移|延|提前|放|约)(?:到|成|在|为)|\b(?:to|until|till|for|book|make it|do)\b/g;

/**
 * For a reschedule, the time the booking should move to: the first time found after the last
 * marker that is followed by one ("把周五的预约挪到下周二上午" → 下周二上午), else the first time in
 * the message.
 */
export function newTime(text: string, ctx: UnderstandingContext, first: WantedTime | null): WantedTime | null {
  const markers = [...text.matchAll(NEW_TIME_MARKER)];
  for (let i = markers.length - 1; i >= 0; i--) {
    const m = markers[i];
    const found = wantedTime(text.slice(m.index! + m[0].length), ctx);
    if (found) return found;
  }
  return first;
}
