/**
 * From chrono results to a WantedTime: grouping of adjacent pieces ("12月1号" + "上午"), forward
 * resolution (a booking is never in the past) and the business-hour reading of an hour without am/pm.
 */
import type { ParsedResult } from 'chrono-node';
import {
  addDays, addMonths, dayPartEnd, daysInMonth, isValidDate, localDate, minuteToTime, nextWeekday, weekdayInWeek, weekdayOf,
  type DayPart, type LocalDate, type OpeningWindow, type WantedTime,
} from '../time';
import { isoWeekday, SOONEST_TAG } from './components';
import { enChrono, wordNumber } from './en';
import { maskNonDates, normalizeText } from './normalize';
import { zhChrono, ZH_PART_WORDS } from './zh';

/** The shop's wall clock when the customer spoke. */
export interface Now {
  date: LocalDate;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** minutes after midnight */
  minuteOfDay: number;
}

/** Opening hours on a date; null when the shop is closed that day. */
export type HoursOn = (date: LocalDate) => OpeningWindow | null;

/** The hours used when the shop's are not given, and for the am/pm reading on a day it is closed. */
export const DEFAULT_SHOP_HOURS: OpeningWindow = { openMinute: 8 * 60 + 30, closeMinute: 18 * 60 };

interface Piece {
  index: number;
  end: number;
  text: string;
  year?: number;
  month?: number;
  day?: number;
  weekday?: number;
  hour?: number;
  minute?: number;
  meridiemKnown: boolean;
  part: DayPart | null;
  /** the words just before the piece ("coming" in "coming Thursday") */
  prefix?: string;
  /** "3 days after January 12th", "2 weeks from Tuesday", "5 days before new year" */
  shift?: { n: number; unit: 'day' | 'week' | 'month' };
  /** "asap", "尽快": the earliest day the shop can take the car */
  soonest: boolean;
}

const EN_PART_WORDS: [RegExp, DayPart][] = [
  [/\b(?:morning|a\.?m\.?\s*$|breakfast|mid-?\s?morning|early(?!\s+(?:next\s+)?(?:week|month)))\b/i, 'morning'],
  [/\b(?:noon|midday|mid-?\s?day|lunch(?:time)?|noonish)\b/i, 'noon'],
  [/\b(?:afternoon|mid-?\s?afternoon)\b/i, 'afternoon'],
  [/\b(?:evening|tonight|night|tonite|dinner(?:time)?)\b/i, 'evening'],
];

function detectPart(text: string, zh: boolean): DayPart | null {
  const table = zh ? ZH_PART_WORDS : EN_PART_WORDS;
  for (const [re, part] of table) if (re.test(text)) return part;
  if (zh) for (const [re, part] of EN_PART_WORDS) if (re.test(text)) return part;
  return null;
}

function toPiece(r: ParsedResult, zh: boolean): Piece {
  const s = r.start;
  const tags = r.tags();
  let part: DayPart | null = null;
  for (const t of tags) if (t.startsWith('when/part:')) part = t.slice('when/part:'.length) as DayPart;
  if (!part) part = detectPart(r.text, zh);
  const p: Piece = { index: r.index, end: r.index + r.text.length, text: r.text, meridiemKnown: s.isCertain('meridiem'), part, soonest: tags.has(SOONEST_TAG) };
  if (s.isCertain('year')) p.year = s.get('year') ?? undefined;
  if (s.isCertain('month')) p.month = s.get('month') ?? undefined;
  if (s.isCertain('day')) p.day = s.get('day') ?? undefined;
  if (s.isCertain('weekday')) p.weekday = isoWeekday(s.get('weekday')!);
  if (tags.has('result/relativeDate') && (s.isCertain('month') || s.isCertain('year'))) {
    // "in two months": chrono knows the month; the day is the same day of month
    p.year = s.get('year') ?? undefined;
    p.month = s.get('month') ?? undefined;
    p.day = s.get('day') ?? undefined;
  }
  if (s.isCertain('hour')) {
    p.hour = s.get('hour') ?? undefined;
    p.minute = s.get('minute') ?? 0;
  }
  return p;
}

const hasDate = (p: Piece) => p.day !== undefined || p.weekday !== undefined || p.month !== undefined;
const hasTime = (p: Piece) => p.hour !== undefined;

function merge(a: Piece, b: Piece, between: string): Piece | null {
  if (hasTime(a) && hasTime(b)) return null;
  const aDay = a.day !== undefined;
  const bDay = b.day !== undefined;
  if (hasDate(a) && hasDate(b)) {
    // "10月12号，星期一": a weekday next to a full date adds nothing
    const aOnlyWd = a.weekday !== undefined && !aDay;
    const bOnlyWd = b.weekday !== undefined && !bDay;
    if (!(aOnlyWd || bOnlyWd)) return null;
  }
  const datePiece = hasDate(a) && (!hasDate(b) || aDay || !bDay) ? a : b;
  const other = datePiece === a ? b : a;
  const out: Piece = {
    ...other,
    ...pickDefined(datePiece, ['year', 'month', 'day', 'weekday']),
    ...pickDefined(hasTime(a) ? a : b, ['hour', 'minute']),
    meridiemKnown: a.meridiemKnown || b.meridiemKnown,
    part: a.part ?? b.part,
    soonest: datePiece.soonest,
    index: a.index,
    end: b.end,
    text: a.text + between + b.text,
  };
  if (datePiece.weekday !== undefined && datePiece.day !== undefined) out.weekday = datePiece.weekday;
  return out;
}

function pickDefined(p: Piece, keys: (keyof Piece)[]): Partial<Piece> {
  const o: Partial<Piece> = {};
  for (const k of keys) if (p[k] !== undefined) (o as Record<string, unknown>)[k] = p[k];
  return o;
}

const BETWEEN = /^[\s,，、。的在于到]*(?:at|on|in|around|about|by|for|of|the|early|late|@|-|–|\(|\)|（|）|,|\s)*[\s,，、的]*$/i;

function groupPieces(pieces: Piece[], text: string): Piece[] {
  const sorted = [...pieces].sort((a, b) => a.index - b.index);
  const groups: Piece[] = [];
  for (const p of sorted) {
    const last = groups[groups.length - 1];
    if (last && p.index >= last.end) {
      const between = text.slice(last.end, p.index);
      if (BETWEEN.test(between)) {
        const m = merge(last, p, between);
        if (m) {
          groups[groups.length - 1] = m;
          continue;
        }
      }
    }
    if (last && p.index < last.end) continue; // overlapping leftovers
    groups.push(p);
  }
  return groups;
}

function minutesOf(h: number, m: number): number {
  return h * 60 + m;
}

/**
 * An hour said without am/pm: the reading inside the day's opening hours; when neither is, the reading inside
 * an ordinary working day (08:30–18:00: "5点半" to a shop closing at 17:00 is 17:30); else as said.
 */
function businessHour(hour: number, minute: number, hours: OpeningWindow | null): number {
  if (hour < 1 || hour > 11) return hour;
  const am = minutesOf(hour, minute);
  const pm = am + 12 * 60;
  for (const window of hours ? [hours, DEFAULT_SHOP_HOURS] : [DEFAULT_SHOP_HOURS]) {
    const inside = (t: number) => t >= window.openMinute && t <= window.closeMinute;
    if (inside(am)) return hour;
    if (inside(pm)) return hour + 12;
  }
  return hour;
}

/** "tonight around 7", "明天下午 3点" merged from two pieces: the part decides am/pm */
function partHour(hour: number, part: DayPart): number {
  if (part === 'morning') return hour === 12 ? 0 : hour;
  if (part === 'noon') return hour >= 1 && hour <= 5 ? hour + 12 : hour;
  if (part === 'evening' && hour === 12) return 0;
  return hour < 12 ? hour + 12 : hour;
}

type WeekMod = 'next' | 'this' | 'last' | 'past' | 'coming' | null;

function weekModifier(text: string): WeekMod {
  const t = text.toLowerCase();
  if (/\b(?:next|following)\b/.test(t)) return 'next';
  if (/\b(?:upcoming|coming)\b/.test(t)) return 'coming';
  if (/\bthis\s+past\b|\bpast\b/.test(t)) return 'past';
  if (/\b(?:last|previous|prior)\b/.test(t)) return 'last';
  if (/\bthis\b/.test(t)) return 'this';
  return null;
}

// How far "asap" looks for an open day before settling for tomorrow (a shop closed for a fortnight).
const SOONEST_SCAN_DAYS = 14;

function resolvePiece(p: Piece, now: Now, hoursOn: HoursOn): WantedTime | null {
  const today = now.date;
  const minute = p.minute ?? 0;
  /** The clock minute wanted on `day`: an hour without am/pm is read against that day's hours. */
  const minuteOn = (day: LocalDate): number | undefined => {
    if (p.hour === undefined) return undefined;
    let hour = p.hour;
    if (!p.meridiemKnown) hour = p.part === null ? businessHour(hour, minute, hoursOn(day)) : partHour(hour, p.part);
    return minutesOf(hour, minute);
  };
  // is the wanted moment on `day` still ahead of now?
  const ahead = (day: LocalDate): boolean => {
    if (day !== today) return day > today;
    const t = minuteOn(day);
    if (t !== undefined) return t >= now.minuteOfDay;
    if (p.part) return dayPartEnd(p.part) > now.minuteOfDay;
    return true;
  };
  /** Today while the shop is still open (and the part of the day not over), else the next day it opens. */
  const soonestDay = (): LocalDate => {
    const todayHours = hoursOn(today);
    if (todayHours && now.minuteOfDay < todayHours.closeMinute && ahead(today)) return today;
    for (let k = 1; k <= SOONEST_SCAN_DAYS; k++) if (hoursOn(addDays(today, k))) return addDays(today, k);
    return addDays(today, 1);
  };

  let date: LocalDate | null = null;
  if (p.soonest) {
    date = soonestDay();
  } else if (p.year !== undefined && p.month !== undefined && p.day !== undefined) {
    if (!isValidDate(p.year, p.month, p.day)) return null;
    date = localDate(p.year, p.month, p.day);
  } else if (p.month !== undefined && p.day !== undefined) {
    for (let y = now.year; y <= now.year + 8 && !date; y++) {
      if (isValidDate(y, p.month, p.day) && ahead(localDate(y, p.month, p.day))) date = localDate(y, p.month, p.day);
    }
    if (!date) return null;
  } else if (p.day !== undefined) {
    if (p.day < 1 || p.day > 31) return null;
    for (let k = 0; k < 14 && !date; k++) {
      const y = now.year + Math.floor((now.month - 1 + k) / 12);
      const m = ((now.month - 1 + k) % 12) + 1;
      if (p.day <= daysInMonth(y, m) && ahead(localDate(y, m, p.day))) {
        const cand = localDate(y, m, p.day);
        // "Monday 21", "Fri 14th": a weekday with a day of month picks the month where they agree
        if (p.weekday === undefined || weekdayOf(cand) === p.weekday) date = cand;
      }
    }
    if (!date) return null;
  } else if (p.weekday !== undefined) {
    const mod = weekModifier(p.text) ?? weekModifier(p.prefix ?? '');
    const wd = p.weekday;
    if (mod === 'next') date = weekdayInWeek(today, wd, 1); // next Friday = Friday of next week
    else if (mod === 'this') date = weekdayInWeek(today, wd, 0);
    else if (mod === 'coming') date = nextWeekday(addDays(today, 1), wd);
    else if (mod === 'last') date = weekdayInWeek(today, wd, -1);
    else if (mod === 'past') date = nextWeekday(addDays(today, -7), wd);
    else {
      date = nextWeekday(today, wd);
      if (!ahead(date)) date = addDays(date, 7);
    }
  } else if (p.month !== undefined) {
    return null; // a month on its own is not a day
  } else if (p.hour !== undefined || p.part) {
    date = ahead(today) ? today : addDays(today, 1);
  } else {
    return null;
  }

  if (p.shift) date = p.shift.unit === 'month' ? addMonths(date, p.shift.n) : addDays(date, p.shift.unit === 'week' ? 7 * p.shift.n : p.shift.n);
  if (date < today) return null;
  const t = minuteOn(date);
  if (date === today && t !== undefined && t < now.minuteOfDay) return null;
  return { date, time: t === undefined ? null : minuteToTime(t), part: p.part };
}

export function resolveText(raw: string, now: Now, hoursOn: HoursOn): WantedTime | null {
  const text = maskNonDates(normalizeText(raw));
  const zh = /[\u3400-\u9fff]/.test(text);
  // reference whose local fields are the shop's wall clock (see index.ts)
  const ref = new Date(now.year, now.month - 1, now.day, now.hour, now.minute, now.second);
  const parser = zh ? zhChrono() : enChrono();
  const results = parser.parse(text, ref, { forwardDate: true });
  const pieces = results
    // "The sun will set…", "sat down": lower-case three-letter weekday abbreviations on their own are words
    .filter((r) => !/^(?:sun|sat|wed|mar|may)$/.test(r.text))
    .map((r) => toPiece(r, zh))
    .filter((p) => hasDate(p) || hasTime(p) || p.part);
  for (const p of pieces) {
    // "Monday 21", "Friday 31": chrono reads the number as an hour; after a weekday it is the day of month
    const wdDay = /(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+(\d{1,2})\s*$/i.exec(p.text);
    if (!zh && wdDay && p.weekday !== undefined && p.day === undefined && p.hour !== undefined) {
      Object.assign(p, { day: Number(wdDay[1]), hour: undefined, minute: undefined, meridiemKnown: false });
    }
    if (/^(?:the|this|my)\s+day$/i.test(p.text)) Object.assign(p, { year: now.year, month: now.month, day: now.day, weekday: undefined });
  }
  if (pieces.length === 0) return null;
  for (const p of pieces) p.prefix = (/(?:next|following|coming|upcoming|this\s+past|past|this|last|previous)\s+$/i.exec(text.slice(Math.max(0, p.index - 20), p.index)) ?? [''])[0];
  const groups = groupPieces(pieces, text);
  // the first group that names a day or an hour, "asap" only when nothing more precise was said; a lone part of the day otherwise
  const named = (g: Piece) => hasDate(g) || hasTime(g);
  const best = groups.find((g) => named(g) && !g.soonest) ?? groups.find(named) ?? groups[0];
  if (!zh && hasDate(best)) {
    const m = /(\d{1,2}|[a-z]+(?:[\s-][a-z]+)?)\s+(days?|weeks?|months?)\s+(from|after|before)\s+(?:the\s+)?$/i.exec(text.slice(Math.max(0, best.index - 40), best.index));
    if (m) {
      const n = wordNumber(m[1].replace(/^(?:an?|one)$/i, '1'));
      if (n > 0) best.shift = { n: /before/i.test(m[3]) ? -n : n, unit: m[2].toLowerCase().startsWith('day') ? 'day' : m[2].toLowerCase().startsWith('week') ? 'week' : 'month' };
    }
  }
  return resolvePiece(best, now, hoursOn);
}
