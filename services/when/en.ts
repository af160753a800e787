/**
 * English parsers added to a clone of chrono's English casual configuration: times in words ("eight forty",
 * "half past eight", "ten past 9 in the evening", "three minutes to eight"), bare days of the month ("on the
 * 15th", "the twenty second", "20th of next month"), "next week Friday", "end of the day", holidays, word
 * numbers in dates ("May twenty one"), "two days from tomorrow".
 */
import * as chrono from 'chrono-node';
import type { Parser, ParsingContext } from 'chrono-node';
import {
  addDays, addMonths, dateParts, daysBetween, daysInMonth, isValidDate, lastDayOfMonth, localDate, nextWeekday, weekdayInWeek, type DayPart, type LocalDate,
} from '../time';
import { assignDate, chronoWeekday, dateComponents, monthStart, refDate, simpleParser, SOONEST_TAG } from './components';
import { FIXED_HOLIDAYS_EN, LUNAR_HOLIDAYS_EN, QINGMING_EN } from './holidays';
import { nextLunarDate, nextQingming } from './lunar';

const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50 };
const ORD_UNITS: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10, eleventh: 11,
  twelfth: 12, thirteenth: 13, fourteenth: 14, fifteenth: 15, sixteenth: 16, seventeenth: 17, eighteenth: 18, nineteenth: 19,
  twentieth: 20, thirtieth: 30,
};

const NUMW = `(?:(?:twenty|thirty|forty|fifty)(?:[\\s-]+(?:one|two|three|four|five|six|seven|eight|nine))?|${TEENS.join('|')}|${UNITS.slice(1).join('|')})`;
const ORDW = `(?:(?:twenty|thirty)[\\s-]+(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|${Object.keys(ORD_UNITS).join('|')})`;

export function wordNumber(s: string): number {
  const t = s.toLowerCase().trim();
  if (/^\d+$/.test(t)) return Number(t);
  const parts = t.split(/[\s-]+/);
  let n = 0;
  for (const p of parts) {
    if (p in TENS) n += TENS[p];
    else if (UNITS.includes(p)) n += UNITS.indexOf(p);
    else if (TEENS.includes(p)) n += 10 + TEENS.indexOf(p);
    else if (p in ORD_UNITS) n += ORD_UNITS[p];
    else if (/^\d+(?:st|nd|rd|th)$/.test(p)) n += parseInt(p, 10);
    else return NaN;
  }
  return n;
}

const PART_PHRASE = `(?:in\\s+the\\s+|this\\s+|at\\s+|tomorrow\\s+|early\\s+|late\\s+)?(morning|afternoon|evening|night|tonight)`;

function partOfWord(w: string | undefined): DayPart | null {
  if (!w) return null;
  const t = w.toLowerCase();
  if (t === 'morning') return 'morning';
  if (t === 'afternoon') return 'afternoon';
  if (t === 'evening' || t === 'night' || t === 'tonight') return 'evening';
  return null;
}

function adjust(hour: number, ampm: string | undefined, part: DayPart | null, nightWord?: string): { hour: number; known: boolean } {
  const a = ampm?.toLowerCase().replace(/[\s.]/g, '');
  if (a) {
    if (a.startsWith('p') && hour < 12) return { hour: hour + 12, known: true };
    if (a.startsWith('a') && hour === 12) return { hour: 0, known: true };
    return { hour, known: true };
  }
  if (part === 'morning') return { hour: hour === 12 ? 0 : hour, known: true };
  if (part === 'afternoon' || part === 'evening') {
    if (hour === 12) return { hour: nightWord && /night/i.test(nightWord) ? 0 : 12, known: true };
    return { hour: hour < 12 ? hour + 12 : hour, known: true };
  }
  return { hour, known: hour >= 13 || hour === 0 };
}

const AMPM = `(a\\.?\\s?m\\.?|p\\.?\\s?m\\.?|a(?![a-z])|p(?![a-z]))`;
const HOURW = `(\\d{1,2}|${NUMW})`;

function timeComponents(context: ParsingContext, hour: number, minute: number, ampm: string | undefined, partWord: string | undefined, whole = '') {
  if (!(hour >= 0 && hour <= 24) || !(minute >= 0 && minute < 60)) return null;
  const part = partOfWord(partWord);
  const adj = adjust(hour, ampm, part, partWord);
  const comps = context.createParsingComponents({ hour: adj.hour % 24, minute });
  if (adj.known) comps.assign('meridiem', adj.hour % 24 >= 12 ? 1 : 0);
  if (part) comps.addTag(`when/part:${part}`);
  if (/tomorrow/i.test(whole)) assignDate(comps, addDays(refDate(context), 1));
  else if (partWord && /tonight/i.test(partWord)) assignDate(comps, refDate(context));
  return comps;
}

/** "half past eight", "a quarter to 8 in the morning", "ten past 9 in the evening", "three mins to five thirty" */
const pastTo = simpleParser(
  new RegExp(
    `(?<![a-z])(half|(?:a\\s+)?quarter|three\\s+quarters|\\d{1,2}|${NUMW})\\s*(?:min(?:ute)?s?\\s+)?(past|after|to|before|till)\\s+${HOURW}(?:\\s*h\\s*(\\d{1,2}))?(?:[\\s-]+(${NUMW}|\\d{2}))?\\s*(?:o'?\\s?clock)?\\s*${AMPM}?\\s*(?:${PART_PHRASE})?(?![a-z])`,
    'i',
  ),
  (context, m) => {
    const qty = m[1].toLowerCase();
    const offset = qty === 'half' ? 30 : /three\s+quarters/.test(qty) ? 45 : /quarter/.test(qty) ? 15 : wordNumber(qty);
    let hour = wordNumber(m[3]);
    const baseMinute = m[4] ? Number(m[4]) : m[5] ? wordNumber(m[5]) : 0;
    if (!(offset > 0 && offset < 60) || !(hour >= 0 && hour <= 24)) return null;
    let minute = baseMinute;
    if (/past|after/i.test(m[2])) minute += offset;
    else {
      minute -= offset;
      if (minute < 0) {
        minute += 60;
        hour = hour === 0 ? 23 : hour - 1;
        if (hour === 0 && !m[6]) hour = 12;
      }
    }
    return timeComponents(context, hour, minute, m[6], m[7], m[0]);
  },
);

/** "eight forty", "seven thirty pm", "at eleven five", "at seven", "7h01", "10 H 10 pm", "8 in the night", "7 o'clock" */
const wordTime = simpleParser(
  new RegExp(
    `(?<![a-z0-9:.])(at\\s+|for\\s+|by\\s+|around\\s+|about\\s+|until\\s+|till\\s+)?${HOURW}(?:(?:\\s*h\\s*|:)(\\d{2})|[\\s-]+(${NUMW}|o'?\\s?(?:one|two|three|four|five|six|seven|eight|nine)))?\\s*(o'?\\s?clock)?\\s*${AMPM}?\\s*(?:${PART_PHRASE})?(?![a-z0-9])`,
    'i',
  ),
  (context, m) => {
    const [, prep, hourText, hMinute, wordMinute, oclock, ampm, partWord] = m;
    const isDigitHour = /^\d+$/.test(hourText);
    // digits with am/pm or ":" are chrono's job; here digits only with "h", o'clock or a part of the day
    const hWord = /h/i.test(m[0].slice(0, m[0].length));
    if (isDigitHour && !ampm && !oclock && !partWord && !(prep && /around|about|at/i.test(prep)) && !(hMinute && hWord)) return null;
    if (isDigitHour && hMinute && !hWord && !ampm) return null;
    if (isDigitHour && prep && !ampm && !oclock && !partWord && !hMinute) {
      const after = context.text.slice((m.index ?? 0) + m[0].length);
      if (/^\s*(?:[a-z]+s\b|minutes?|hours?|days?|weeks?|months?|years?|%|percent|miles?|km|[.,]\d)/i.test(after)) return null;
    }
    if (!isDigitHour && !prep && !wordMinute && !oclock && !ampm && !partWord) return null;
    if (!isDigitHour && prep && !wordMinute && !oclock && !ampm && !partWord) {
      const after = context.text.slice((m.index ?? 0) + m[0].length);
      if (/^\s*(?:days?|weeks?|months?|years?|hours?|minutes?|mins?|people|cars?|times|of|more|or|and|[a-z]*s\b)/i.test(after)) return null;
    }
    const hour = wordNumber(hourText);
    let minute = 0;
    if (hMinute) minute = Number(hMinute);
    else if (wordMinute) minute = /^o'?\s?/i.test(wordMinute) ? wordNumber(wordMinute.replace(/^o'?\s?/i, '')) : wordNumber(wordMinute);
    if (!isDigitHour && hour > 24) return null;
    const out = timeComponents(context, hour, minute, ampm, partWord, m[0]);
    if (!out) return null;
    // keep the preposition out of the result text
    if (prep && !isDigitHour) (out as unknown as { _skip: number })._skip = prep.length;
    return out;
  },
);

/** "11ish", "noonish", "mid-morning", "midafternoon", "mid day", "12 lunchtime", "lunchtime 11 o'clock", "1 o'clock midnight" */
const fuzzyTime = simpleParser(
  /(?<![a-z])(?:(\d{1,2})\s*-?\s*ish|(noon)\s*-?\s*ish|mid[\s-]?(morning|afternoon|day|night)|(?:(\d{1,2})\s*(?:o'?\s?clock\s*)?(lunch\s*time|lunchtime|midnight|in\s+the\s+night)|(?:at\s+)?(lunch\s*time|lunchtime)\s*(\d{1,2})\s*(?:o'?\s?clock)?))(?![a-z])/i,
  (context, m) => {
    let hour: number;
    let part: DayPart | null = null;
    if (m[1]) hour = Number(m[1]);
    else if (m[2]) hour = 12;
    else if (m[3]) {
      const w = m[3].toLowerCase();
      hour = w === 'morning' ? 10 : w === 'afternoon' ? 14 : w === 'day' ? 12 : 0;
      part = w === 'morning' ? 'morning' : w === 'afternoon' ? 'afternoon' : w === 'day' ? 'noon' : null;
    } else {
      const h = Number(m[4] ?? m[7]);
      const w = (m[5] ?? m[6]).toLowerCase();
      if (/lunch/.test(w)) hour = h >= 1 && h <= 5 ? h + 12 : h;
      else hour = h === 12 ? 0 : h; // midnight / in the night: 12 → 00:00, 1 → 01:00
    }
    const comps = context.createParsingComponents({ hour, minute: 0, meridiem: hour >= 12 ? 1 : 0 });
    if (part) comps.addTag(`when/part:${part}`);
    return comps;
  },
);

// ISO weekdays by their first three letters
const WEEKDAYS: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };
const WD = '(sunday|monday|tuesday|wednesday|thursday|friday|saturday|sun|mon|tues?|wed|thur?s?|fri|sat)';
const WEEKREL = '(this|next|last|previous|(?:the\\s+)?following|coming)';

function weekOffset(rel: string): number {
  const r = rel.toLowerCase();
  if (/next|following|coming/.test(r)) return 1;
  if (/last|previous/.test(r)) return -1;
  return 0;
}

/** "next week Sunday", "next week on Friday", "this week Friday", "Friday next week", "Sunday of next week", "monday of the following week" */
const weekdayOfWeek = simpleParser(
  new RegExp(`(?<![a-z])(?:${WEEKREL}\\s+week(?:'s)?\\s*[-,]?\\s*(?:on\\s+)?${WD}|${WD}\\s*,?\\s*(?:of\\s+)?(?:the\\s+)?${WEEKREL}\\s+week)(?![a-z])`, 'i'),
  (context, m) => {
    const rel = m[1] ?? m[4];
    const wd = WEEKDAYS[(m[2] ?? m[3]).toLowerCase().slice(0, 3)];
    return { ...dateComponents(weekdayInWeek(refDate(context), wd, weekOffset(rel))), weekday: chronoWeekday(wd) };
  },
);

/** "on 15", "on the 27th", "for the second", "the twenty second", "20th of next month", "the 15th day of next month", "at 5th" */
const dayOfMonth = simpleParser(
  new RegExp(
    `(?<![a-z])(?:(on|for|by|at|until|till)\\s+(?:the\\s+)?|(the)\\s+)?(\\d{1,2}(?:st|nd|rd|th)?|${ORDW}|${NUMW})(?:\\s+day)?(?:\\s+(?:of\\s+)?(this|next|the\\s+following)\\s+month)?(?![a-z0-9:/-]|\\.\\d)`,
    'i',
  ),
  (context, m) => {
    const text = m[3];
    const day = wordNumber(text);
    if (!(day >= 1 && day <= 31)) return null;
    const after = context.text.slice((m.index ?? 0) + m[0].length);
    if (/^\s*(?:[a-z]+s\b|minutes?|hours?|days?|weeks?|months?|years?|am\b|pm\b|a\.m|p\.m|o'?clock|%|percent|miles?|km|people|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|of\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))/i.test(after)) return null;
    if (!m[1] && !m[2] && !m[4]) return null;
    if (new RegExp(`^[\\s-]*(?:${NUMW}|\\d)`, 'i').test(after)) return null;
    const isOrdinal = /st|nd|rd|th$/i.test(text) || new RegExp(`^${ORDW}$`, 'i').test(text);
    // "the 27" / "the second" need the article; "on 15" needs the preposition; bare words after "at" are times
    if (m[1] && /^at$/i.test(m[1]) && !isOrdinal) return null;
    if (m[2] && !isOrdinal && !/^\d+$/.test(text) && !/^(?:twenty|thirty)/i.test(text)) return null;
    const rel = m[4];
    if (rel) {
      const base = monthStart(context, /next|following/i.test(rel) ? 1 : 0);
      return { year: base.year, month: base.month, day };
    }
    return { day };
  },
);

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const MONTH = '(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)';

/** "May twenty one", "Feb 29", "October. 2", "second of Aug", "twenty second of June" (a year may follow) */
const monthDayWords = simpleParser(
  new RegExp(
    `(?<![a-z])(?:${MONTH}\\.?\\s*[-/.]?\\s*(?:the\\s+)?(\\d{1,2}(?:st|nd|rd|th)?|${ORDW}|${NUMW})|(\\d{1,2}(?:st|nd|rd|th)?|${ORDW}|${NUMW})(?:\\.\\s*|\\s+)(?:day\\s+)?(?:of\\s+)?${MONTH}\\.?)(?:\\s*,?\\s*(\\d{4}))?(?![a-z0-9:])`,
    'i',
  ),
  (context, m) => {
    const month = MONTHS[(m[1] ?? m[4]).toLowerCase().slice(0, 3)];
    const day = wordNumber(m[2] ?? m[3]);
    if (!(day >= 1 && day <= 31)) return null;
    if (m[1] && /^may$/i.test(m[1]) && !/\d|st|nd|rd|th/i.test(m[2]) && !/^[A-Z]/.test(m[1])) return null; // "may two people…"
    const after = context.text.slice((m.index ?? 0) + m[0].length);
    if (/^\s*(?:minutes?|hours?|days?|weeks?|am\b|pm\b|:)/i.test(after)) return null;
    if (m[5]) return { year: Number(m[5]), month, day };
    return { month, day };
  },
);

/** "on 4.22", "in 4-22", "on 5.12" (month first) */
const numericMonthDay = simpleParser(/(?<![a-z0-9])(?:on|in|for|by|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+(\d{1,2})[.-](\d{1,2})(?![\d.:/-])/i, (_c, m) => {
  const month = Number(m[1]);
  const day = Number(m[2]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return { month, day };
});

/** "end of the day", "eod", "end of tomorrow", "end of (this|the) sunday" → 23:59 */
const endOfDay = simpleParser(
  new RegExp(`(?<![a-z])(?:(?:the\\s+)?end\\s+of\\s+(?:the\\s+)?(day|today|tomorrow|this\\s+${WD}|${WD})|(?:the\\s+)?eod)(?![a-z])`, 'i'),
  (context, m) => {
    const what = (m[1] ?? 'day').toLowerCase();
    const comps = context.createParsingComponents({ hour: 23, minute: 59, meridiem: 1 });
    const today = refDate(context);
    if (what === 'day' || what === 'today') assignDate(comps, today);
    else if (what === 'tomorrow') assignDate(comps, addDays(today, 1));
    else comps.assign('weekday', chronoWeekday(WEEKDAYS[(m[2] ?? m[3]).toLowerCase().slice(0, 3)]));
    return comps;
  },
);

/** "two days from tomorrow", "three weeks from tomorrow", "four days from yesterday", "3 days from today" */
const fromDay = simpleParser(
  new RegExp(`(?<![a-z])(\\d{1,2}|${NUMW}|a|an)\\s+(days?|weeks?|months?)\\s+(?:from|after)\\s+(today|tomorrow|tmrw|yesterday|now)(?![a-z])`, 'i'),
  (context, m) => {
    const n = /^an?$/i.test(m[1]) ? 1 : wordNumber(m[1]);
    if (!(n >= 0)) return null;
    const baseOff = /tomorrow|tmrw/i.test(m[3]) ? 1 : /yesterday/i.test(m[3]) ? -1 : 0;
    const base = addDays(refDate(context), baseOff);
    const unit = m[2].toLowerCase();
    return dateComponents(unit.startsWith('day') ? addDays(base, n) : unit.startsWith('week') ? addDays(base, 7 * n) : addMonths(base, n));
  },
);

/** "right now", "at the moment" → now */
const presently = simpleParser(/(?<![a-z])(?:(?:at\s+)?the\s+present\s+time|at\s+present|at\s+the\s+moment|at\s+this\s+time|at\s+the\s+minute|right\s+now)(?![a-z])/i, (context) => {
  const t = context.reference.instant;
  return { year: t.getFullYear(), month: t.getMonth() + 1, day: t.getDate(), hour: t.getHours(), minute: t.getMinutes() };
});

/** "asap", "as soon as possible", "earliest available": the day is decided in resolve.ts, against the shop's hours. */
const soonest = simpleParser(
  /(?<![a-z])(?:a\.?s\.?a\.?p\.?|as\s+soon\s+as\s+(?:possible|you\s+can)|as\s+early\s+as\s+possible|(?:the\s+)?earliest\s+(?:possible|available)(?:\s+(?:day|date|slot|time))?|(?:the\s+)?first\s+available(?:\s+(?:day|date|slot))?)(?![a-z])/i,
  (context) => {
    const comps = context.createParsingComponents(dateComponents(refDate(context)));
    comps.addTag(SOONEST_TAG);
    return comps;
  },
);

/** "end of the month", "end of this month", "month end", "end of next month": the last day; on the last day, next month's. */
const monthEnd = simpleParser(/(?<![a-z])(?:(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(next\s+)?month|month[-\s]end|eom)(?![a-z])/i, (context, m) => {
  const today = refDate(context);
  let end = lastDayOfMonth(addMonths(today, m[1] ? 1 : 0));
  if (!m[1] && end === today) end = lastDayOfMonth(addMonths(today, 1));
  return dateComponents(end);
});

/** "next week", "early next week", "beginning of next week" with no day named → that Monday, as 下周 (a weekday after it is weekdayOfWeek's) */
const earlyNextWeek = simpleParser(/(?<![a-z])(?:(?:early|(?:the\s+)?(?:beginning|start)\s+of)\s+)?next\s+week(?![a-z])/i, (context) =>
  dateComponents(weekdayInWeek(refDate(context), 1, 1)),
);

const holidayPattern = (names: string[]) => names.map((n) => n.replace(/'/g, "'?").replace(/[ -]/g, '[\\s-]*'));
const holidayNames = holidayPattern([...Object.keys(FIXED_HOLIDAYS_EN), ...Object.keys(LUNAR_HOLIDAYS_EN), ...QINGMING_EN].sort((a, b) => b.length - a.length));
const holidayKey = (said: string) => said.toLowerCase().replace(/[\s-]+/g, ' ').replace(/'/g, '');

/**
 * Holidays: fixed ones (christmas, new year's day, valentine's day …; the year is resolved forward later) and
 * Chinese ones from the lunar tables (chinese new year, mid-autumn festival, qingming …), the next on or after today.
 */
const holiday = simpleParser(new RegExp(`(?<![a-z])(${holidayNames.join('|')})(?![a-z])`, 'i'), (context, m) => {
  const key = holidayKey(m[1]);
  const today = refDate(context);
  const lunar = Object.entries(LUNAR_HOLIDAYS_EN).find(([name]) => holidayKey(name) === key);
  if (lunar || QINGMING_EN.some((name) => holidayKey(name) === key)) {
    const date = lunar ? nextLunarDate(today, lunar[1][0], lunar[1][1]) : nextQingming(today);
    return date ? dateComponents(date) : context.createParsingComponents({});
  }
  const entry = Object.entries(FIXED_HOLIDAYS_EN).find(([name]) => holidayKey(name) === key);
  if (!entry) return null;
  return { month: entry[1][0], day: entry[1][1] };
});

/** "the day after tomorrow", "the day after tmrw", "tmrw" */
const dayAfterTomorrow = simpleParser(/(?<![a-z])(?:the\s+)?day\s+after\s+(?:tomorrow|tmrw|tmr)(?![a-z])/i, (context) => dateComponents(addDays(refDate(context), 2)));
const tmrw = simpleParser(/(?<![a-z])(?:tmrw|tmr|tomorow|tommorow|tommorrow)(?![a-z])/i, (context) => dateComponents(addDays(refDate(context), 1)));

/** "in a fortnight", "a fortnight later" */
const fortnight = simpleParser(/(?<![a-z])(?:in\s+a\s+fortnight|a\s+fortnight\s+(?:later|from\s+now))(?![a-z])/i, (context) =>
  dateComponents(addDays(refDate(context), 14)),
);

/** Easter Sunday of a year (Gregorian computus, the anonymous "Meeus/Jones/Butcher" algorithm). */
function easter(y: number): LocalDate {
  const a = y % 19, b = Math.floor(y / 100), c = y % 100, d = Math.floor(b / 4), e = b % 4;
  const f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3), h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  return localDate(y, month, ((h + l - 7 * m + 114) % 31) + 1);
}

/** "easter", "easter 2018", "next easter" */
const easterParser = simpleParser(/(?<![a-z])(?:(next|following|last|previous)\s+)?easter(?:\s+(?:sunday|day))?(?:\s+(\d{4}))?(?![a-z])/i, (context, m) => {
  const today = refDate(context);
  const { year } = dateParts(today);
  const rel = m[1]?.toLowerCase();
  let e: LocalDate;
  if (m[2]) e = easter(Number(m[2]));
  else {
    e = easter(year);
    const ahead = e >= today;
    if (rel === 'following') e = easter(ahead ? year + 1 : year + 2);
    else if (rel === 'last' || rel === 'previous') e = easter(ahead ? year - 1 : year);
    else if (!ahead) e = easter(year + 1);
  }
  return dateComponents(e);
});

const ORDINAL_N: Record<string, number> = { first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4, fifth: 5, '5th': 5, last: -1 };
/** "the first friday of july", "the second Monday of next month", "the last friday of this month" */
const nthWeekdayOfMonth = simpleParser(
  new RegExp(`(?<![a-z])(?:the\\s+)?(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last)\\s+${WD}\\s+(?:of|in)\\s+(?:(this|next|the\\s+following)\\s+month|${MONTH})(?![a-z])`, 'i'),
  (context, m) => {
    const n = ORDINAL_N[m[1].toLowerCase()];
    const wd = WEEKDAYS[m[2].toLowerCase().slice(0, 3)];
    const today = refDate(context);
    const nth = (y: number, mo: number): LocalDate | null => {
      if (n < 0) {
        // the last one is within the month's last seven days
        return nextWeekday(addDays(lastDayOfMonth(localDate(y, mo, 1)), -6), wd);
      }
      const d = daysBetween(localDate(y, mo, 1), nextWeekday(localDate(y, mo, 1), wd)) + 1 + 7 * (n - 1);
      return d <= daysInMonth(y, mo) ? localDate(y, mo, d) : null;
    };
    let r: LocalDate | null;
    if (m[3]) {
      const base = monthStart(context, /next|following/i.test(m[3]) ? 1 : 0);
      r = nth(base.year, base.month);
    } else {
      const mo = MONTHS[m[4].toLowerCase().slice(0, 3)];
      const { year } = dateParts(today);
      r = nth(year, mo);
      if (r && r < today) r = nth(year + 1, mo);
    }
    return r ? dateComponents(r) : null;
  },
);

/** Drops a leading preposition that a parser matched for context ("at seven" → "seven"). */
function trimmed(p: Parser): Parser {
  return {
    pattern: (c) => p.pattern(c),
    extract: (context, match) => {
      const r = p.extract(context, match) as unknown;
      if (r && typeof r === 'object' && '_skip' in (r as object)) {
        const skip = (r as { _skip: number })._skip;
        delete (r as { _skip?: number })._skip;
        const res = context.createParsingResult((match.index ?? 0) + skip, match[0].slice(skip));
        res.start = r as chrono.ParsingComponents;
        return res;
      }
      return r as ReturnType<Parser['extract']>;
    },
  };
}

/** "Monday 21", "friday the 26th", "wednesday the thirty first", "Mon 13th", "tues the 4th" → weekday + day of month */
const weekdayDay = simpleParser(
  new RegExp(`(?<![a-z])${WD}\\.?,?\\s+(?:the\\s+)?(\\d{1,2}(?:st|nd|rd|th)?|${ORDW}|${NUMW})(?![a-z0-9:./-])`, 'i'),
  (context, m) => {
    const day = wordNumber(m[2]);
    if (!(day >= 1 && day <= 31)) return null;
    const after = context.text.slice((m.index ?? 0) + m[0].length);
    if (/^\s*(?:am\b|pm\b|a\.m|p\.m|o'?clock|:|h\d|minutes?|hours?|days?|weeks?|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|of\b|[/.-]\d)/i.test(after)) return null;
    if (!/st|nd|rd|th$/i.test(m[2]) && !/^\d+$/.test(m[2]) && !/(?:twenty|thirty)/i.test(m[2]) && !/the\s+/i.test(m[0])) return null;
    return { weekday: chronoWeekday(WEEKDAYS[m[1].toLowerCase().slice(0, 3)]), day };
  },
);

/**
 * Numeric dates in the orders and separators people type: 2016.11.16, 2016/11/16, 16.11.2016 and 16.11.16 (day
 * first, as wherever dots are used), 2020/23/Sep, September-2020-23, 23-2020-September. A time may follow.
 */
const numericDate = simpleParser(
  new RegExp(
    `(?<![\\d.:/-])(?:(\\d{4})([./])(\\d{1,2})\\2(\\d{1,2})|(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4}|\\d{2})|(\\d{4})[-/.](\\d{1,2})[-/.]${MONTH}\\.?|${MONTH}[-/.](\\d{4})[-/.](\\d{1,2})|(\\d{1,2})[-/.](\\d{4})[-/.]${MONTH}\\.?)(?![\\d:/]|\\.\\d|[a-z])`,
    'i',
  ),
  (_c, m) => {
    const monthOf = (name: string) => MONTHS[name.toLowerCase().slice(0, 3)];
    let year: number, month: number, day: number;
    if (m[1]) [year, month, day] = [Number(m[1]), Number(m[3]), Number(m[4])];
    else if (m[5]) {
      year = Number(m[7]);
      if (m[7].length === 2) year += year < 50 ? 2000 : 1900;
      [month, day] = [Number(m[6]), Number(m[5])];
    } else if (m[8]) [year, day, month] = [Number(m[8]), Number(m[9]), monthOf(m[10])];
    else if (m[11]) [month, year, day] = [monthOf(m[11]), Number(m[12]), Number(m[13])];
    else [day, year, month] = [Number(m[14]), Number(m[15]), monthOf(m[16])];
    if (!isValidDate(year, month, day)) return null;
    return { year, month, day };
  },
);

/** 20200701, report-20170302: an eight-digit yyyymmdd that is a valid date */
const compactDate = simpleParser(/(?<![\d.])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\d.])/, (_c, m) => ({
  year: Number(m[1]),
  month: Number(m[2]),
  day: Number(m[3]),
}));

const EN_PARSERS: Parser[] = [
  compactDate, numericDate, weekdayDay, fortnight, easterParser, nthWeekdayOfMonth, holiday, dayAfterTomorrow, tmrw, pastTo, trimmed(wordTime),
  fuzzyTime, weekdayOfWeek, dayOfMonth, monthDayWords, numericMonthDay, monthEnd, earlyNextWeek, endOfDay, fromDay, soonest, presently,
];

let instance: chrono.Chrono | null = null;

export function enChrono(): chrono.Chrono {
  if (instance) return instance;
  const c = chrono.en.casual.clone();
  c.parsers = [...EN_PARSERS, ...c.parsers];
  instance = c;
  return c;
}
