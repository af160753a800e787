/**
 * What the Chinese and English parsers share: the reference day of a parse, chrono components of a
 * LocalDate, and the weekday conversion at chrono's edge.
 *
 * chrono counts weekdays from Sunday = 0; the rest of the project counts ISO 1–7. Values written into
 * or read from chrono components are converted here and nowhere else.
 */
import * as chrono from 'chrono-node';
import type { Parser, ParsingContext } from 'chrono-node';
import { addMonths, dateParts, isValidDate, localDate, type LocalDate } from '../time';

export type Components = { [c in chrono.Component]?: number };

/** The ISO weekday as chrono stores it (Sunday 7 → 0). */
export function chronoWeekday(isoWeekday: number): number {
  return isoWeekday % 7;
}

/** chrono's weekday (Sunday 0) as ISO (Sunday 7). */
export function isoWeekday(chronoValue: number): number {
  return chronoValue === 0 ? 7 : chronoValue;
}

/**
 * The shop's day at the reference. understandWhen hands chrono a reference Date whose *local* fields are
 * the shop's wall clock (see index.ts), so the local getters are the right ones here.
 */
export function refDate(context: ParsingContext): LocalDate {
  const t = context.reference.instant;
  return localDate(t.getFullYear(), t.getMonth() + 1, t.getDate());
}

export function dateComponents(date: LocalDate): Components {
  const { year, month, day } = dateParts(date);
  return { year, month, day };
}

/**
 * chrono drops results whose implied date is invalid (29日 said in February, 2月29日 in a common year);
 * imply a month/year where the certain parts exist so that forward resolution can find it.
 */
function withValidImplied(context: ParsingContext, comps: Components): chrono.ParsingComponents {
  const pc = context.createParsingComponents(comps);
  if (comps.day !== undefined && comps.year === undefined) {
    const today = dateParts(refDate(context));
    for (let k = 0; k < 100; k++) {
      const y = comps.month !== undefined ? today.year + k : today.year + Math.floor((today.month - 1 + k) / 12);
      const m = comps.month ?? ((today.month - 1 + k) % 12) + 1;
      const notBefore = y > today.year || m > today.month || (m === today.month && comps.day >= today.day);
      if (isValidDate(y, m, comps.day) && notBefore) {
        pc.imply('year', y);
        if (comps.month === undefined) pc.imply('month', m);
        break;
      }
    }
  }
  return pc;
}

/** Makes a date certain on components that carry a time ("明早8点", "tomorrow at 3"). */
export function assignDate(comps: chrono.ParsingComponents, date: LocalDate): void {
  const { year, month, day } = dateParts(date);
  comps.assign('year', year).assign('month', month).assign('day', day);
}

/** A chrono parser from a pattern and an extractor that returns components (or null to decline). */
export function simpleParser(re: RegExp, extract: (context: ParsingContext, m: RegExpMatchArray) => Components | chrono.ParsingComponents | null): Parser {
  return {
    pattern: () => re,
    extract: (context, m) => {
      const r = extract(context, m);
      if (r === null || r instanceof chrono.ParsingComponents) return r;
      return withValidImplied(context, r);
    },
  };
}

/** The first day of the month `offset` months from the reference's. */
export function monthStart(context: ParsingContext, offset: number): { year: number; month: number } {
  const { year, month } = dateParts(addMonths(refDate(context), offset));
  return { year, month };
}

/** Tag on results that mean "as soon as possible": resolve.ts picks the earliest open day for them. */
export const SOONEST_TAG = 'when/soonest';
