/**
 * How facts look in a sentence: dates in the shop's zone, money, service names, hours.
 * One place, so a date reads the same in every dialog and notice.
 */
import { formatFen } from '../services/costs';
import { formatLocal, formatLocalDate, formatWanted, minuteToTime, type LocalDate, type WantedTime } from '../services/time';
import type { Locale } from '../services/locale';
import type { Bilingual, RepairOrderSummary, ServiceView } from '../services/desk/types';
import type { PlainKey } from './i18n';
import type { OpeningWindow } from '../services/calendar';
import type { FlowContext } from './core/flow';

export function when(ctx: Pick<FlowContext, 'timeZone' | 'locale'>, instant: Date): string {
  return formatLocal(instant, ctx.timeZone, ctx.locale);
}

export function day(ctx: Pick<FlowContext, 'locale'>, date: LocalDate): string {
  return formatLocalDate(date, ctx.locale);
}

export function wanted(ctx: Pick<FlowContext, 'locale'>, w: WantedTime): string {
  return formatWanted(w, ctx.locale);
}

export function money(ctx: Pick<FlowContext, 'locale'>, fen: number): string {
  return formatFen(fen, ctx.locale);
}

export function name(locale: Locale, text: Bilingual): string {
  return locale === 'zh' ? text.zh : text.en;
}

export function serviceNames(ctx: Pick<FlowContext, 'locale'>, services: readonly ServiceView[]): string {
  return services.map((s) => name(ctx.locale, s.name)).join(ctx.locale === 'zh' ? '、' : ', ');
}

export function hoursText(window: OpeningWindow): string {
  return `${minuteToTime(window.openMinute)}–${minuteToTime(window.closeMinute)}`;
}

/** "1.5小时" / "1.5 h": flat-rate minutes as hours, one decimal. */
export function hours(minutes: number): number {
  return Math.round((minutes / 60) * 10) / 10;
}

/** A repair order's status in words: one table for the customer's and the advisor's messages. */
export const REPAIR_STATUS_KEYS: Record<RepairOrderSummary['status'], PlainKey> = {
  CHECKED_IN: 'status.CHECKED_IN',
  IN_PROGRESS: 'status.IN_PROGRESS',
  AWAITING_APPROVAL: 'status.AWAITING_APPROVAL',
  READY: 'status.READY',
  DELIVERED: 'status.DELIVERED',
  CLOSED: 'status.CLOSED',
  CANCELLED: 'status.CANCELLED',
};
