/**
 * Chinese parsers added to a clone of chrono's Chinese casual configuration. They cover what customers
 * say that chrono misses or gets wrong (大后天, 下下周三, 下个月3号, bare 5号, 周末, holidays, N天后,
 * 九点半, 10点一刻, 三点三刻 …). Each parser returns chrono components; relative expressions are turned
 * into certain year/month/day here, while bare weekdays, bare days of month and month-day without a
 * year are left for the forward resolution in resolve.ts.
 */
import * as chrono from 'chrono-node';
import type { Parser, ParsingContext, Refiner } from 'chrono-node';
import { addDays, addMonths, dateParts, lastDayOfMonth, localDate, weekdayInWeek, weekdayOf, type DayPart } from '../time';
import { assignDate, chronoWeekday, dateComponents, monthStart, refDate, simpleParser, SOONEST_TAG } from './components';
import { LUNAR_HOLIDAYS_ZH, QINGMING_ZH, FIXED_HOLIDAYS_ZH } from './holidays';
import { lunarToLocalDate, nextLunarDate, nextQingming } from './lunar';
import { zhNumber, zhYear } from './normalize';

const N = '(?:\\d{1,2}|[零〇一二两三四五六七八九十]{1,3})';
const DAYN = '(?:\\d{1,2}|初[一二三四五六七八九十]|[一二三四五六七八九十廿]{1,3})';
const MONTHN = '(?:\\d{1,2}|[一二三四五六七八九十]{1,2})';
const LUNAR_MONTHN = '(?:正|冬|腊|十[一二]?|[一二三四五六七八九]|\\d{1,2})';
const LUNAR_MARK = '(?:农历|阴历|旧历)';

function dayNumber(s: string): number {
  if (s.startsWith('初')) return zhNumber(s.slice(1));
  if (s.startsWith('廿')) return 20 + (s.length > 1 ? zhNumber(s.slice(1)) : 0);
  return zhNumber(s);
}
function lunarMonthNumber(s: string): number {
  if (s === '正') return 1;
  if (s === '冬') return 11;
  if (s === '腊') return 12;
  return zhNumber(s);
}

/** 2026年12月1日, 二零零四年八月十五, 2026年12月1号 */
const yearMonthDay = simpleParser(
  new RegExp(`(\\d{4}|[零〇一二两三四五六七八九千]{2,4})\\s*年\\s*(${MONTHN})\\s*月\\s*(${DAYN})\\s*[日号]?`),
  (context, m) => {
    if (new RegExp(`${LUNAR_MARK}\\s*$`).test(context.text.slice(0, m.index ?? 0))) return null;
    const y = zhYear(m[1]);
    const mo = zhNumber(m[2]);
    const d = dayNumber(m[3]);
    if (!(y > 0) || !(mo >= 1 && mo <= 12) || !(d >= 1 && d <= 31)) return null;
    return { year: y, month: mo, day: d };
  },
);

/**
 * Lunar dates: 正月十五, 腊月二十三, 冬月初一, 农历八月十五, 阴历十月初一, 2027年正月初八. A month number is
 * lunar only with 农历/阴历 (or 闰) before it (八月十五号 alone is 15 August); 正月, 冬月 and 腊月 are lunar names.
 */
const lunarDate = simpleParser(
  new RegExp(`(${LUNAR_MARK})?\\s*(?:(\\d{4}|[零〇一二两三四五六七八九]{4})\\s*年\\s*)?(${LUNAR_MARK})?\\s*(闰)?\\s*(${LUNAR_MONTHN})\\s*月\\s*(${DAYN})(?![0-9一二三四五六七八九十])\\s*[日号]?`),
  (context, m) => {
    const [, markBefore, yearText, markAfter, leap, monthText, dayText] = m;
    const named = /^[正冬腊]$/.test(monthText);
    if (!markBefore && !markAfter && !named && !leap) return null;
    const month = lunarMonthNumber(monthText);
    const day = dayNumber(dayText);
    if (!(month >= 1 && month <= 12) || !(day >= 1 && day <= 30)) return null;
    const date = yearText ? lunarToLocalDate(zhYear(yearText), month, day, Boolean(leap)) : nextLunarDate(refDate(context), month, day, Boolean(leap));
    // outside the table: claim the words anyway (an empty result), so that 腊月二十三 is never read as 23 December
    return date ? dateComponents(date) : context.createParsingComponents({});
  },
);

/** 12月1号, 十二月三号, 八月十五, 下个月3号, 本月十日, 下月初三 */
const monthDay = simpleParser(
  new RegExp(`(?:(本|这个?|下下个?|下个?|上个?|次)月|(${MONTHN})\\s*月(?:份)?)\\s*的?\\s*(${DAYN})\\s*([日号])?`),
  (context, m) => {
    const d = dayNumber(m[3]);
    if (!(d >= 1 && d <= 31)) return null;
    if (m[1]) {
      const rel = m[1];
      const offset = rel.startsWith('下下') ? 2 : rel.startsWith('下') || rel === '次' ? 1 : rel.startsWith('上') ? -1 : 0;
      const base = monthStart(context, offset);
      return { year: base.year, month: base.month, day: d };
    }
    const mo = zhNumber(m[2]);
    if (!(mo >= 1 && mo <= 12)) return null;
    // "3月5" without 日/号 must not be a time like "3月5点": the time parser handles 点, so reject here
    const after = context.text.slice((m.index ?? 0) + m[0].length);
    if (!m[4] && /^\s*(?:点|时|:|分|个|天|周|年|万|公里)/.test(after)) return null;
    return { month: mo, day: d };
  },
);

/** Numeric dates: 2026-12-01, 2026/12/1, 2026.12.1, 2010 01 29, 12/1, 1/2/2020 (day first), 3-7-27 */
const numericDate = simpleParser(
  /(?<![\d.:/-])(?:(\d{4})([-./ ])(\d{1,2})\2(\d{1,2})|(\d{1,2})([-./])(\d{1,2})\6(\d{4}|\d{2})|(\d{2})-(\d{1,2})-(\d))(?![\d:])(?!\s*(?:点|时|分|秒|个|公里|元|块|万))/,
  (_c, m) => {
    if (m[1]) return { year: Number(m[1]), month: Number(m[3]), day: Number(m[4]) };
    if (m[5]) {
      // day/month/year, the usual reading in the Chinese specs (1/2/2020 = 1 February 2020)
      let y = Number(m[8]);
      if (m[8].length === 2) y += y < 50 ? 2000 : 1900;
      return { year: y, month: Number(m[7]), day: Number(m[5]) };
    }
    // yy-m-d with a one-digit day (27-7-3): a one-digit trailing group is a day, not a year
    return { year: 2000 + Number(m[9]), month: Number(m[10]), day: Number(m[11]) };
  },
);

/** 12/1, 12.1 (month/day) when not followed by a year or time */
const slashMonthDay = simpleParser(/(?<![\d.:/-])(\d{1,2})\/(\d{1,2})(?![\d/.:])/, (_c, m) => {
  const mo = Number(m[1]);
  const d = Number(m[2]);
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  return { month: mo, day: d };
});

/** Bare day of month: 1号, 5号, 29日, 三号 */
const dayOnly = simpleParser(new RegExp(`(${DAYN})\\s*(号|日)(?!\\s*[后前内])`), (context, m) => {
  const i = m.index ?? 0;
  const prev = context.text.slice(0, i);
  if (/(?:月|年|\d|[零一二两三四五六七八九十])\s*$/.test(prev)) return null;
  // 1号线, 5号车间, 3号楼, 2号位: a numbered thing, not a date
  const after = context.text.slice(i + m[0].length);
  if (m[2] === '号' && /^(?:线|楼|车间|工位|位|门|馆|厅|房|机|窗口|台|柜|店|院|桌|座|车|栋|仓)/.test(after)) return null;
  const d = dayNumber(m[1]);
  if (!(d >= 1 && d <= 31)) return null;
  return { day: d };
});

const RELATIVE_DAYS: Record<string, number> = {
  今天: 0, 今日: 0, 今儿: 0, 当天: 0, 本日: 0, 明天: 1, 明日: 1, 明儿: 1, 次日: 1, 隔天: 1, 第二天: 1, 后天: 2, 後天: 2,
  大后天: 3, 大大后天: 4, 昨天: -1, 昨日: -1, 前天: -2, 大前天: -3, 今晚: 0, 今早: 0, 今晨: 0, 今夜: 0,
  明早: 1, 明晚: 1, 明晨: 1, 明夜: 1, 昨晚: -1, 后早: 2,
};
const relativeDay = simpleParser(
  /(大大后天|大后天|大前天|今天|今日|今儿|当天|本日|明天|明日|明儿|次日|隔天|第二天|后天|後天|昨天|昨日|前天|今晚|今早|今晨|今夜|明早|明晚|明晨|明夜|昨晚)/,
  (context, m) => dateComponents(addDays(refDate(context), RELATIVE_DAYS[m[1]])),
);

/** 3天后, 两天以后, 一周后, 两个星期后, 一个月后, 2小时后, 30分钟后, 过两天, 5天前 */
const durationAfter = simpleParser(
  new RegExp(`(过)?\\s*(${N}|几|半)\\s*(个)?\\s*(天|日|周|星期|礼拜|月|年|小时|钟头|分钟|分)(半)?\\s*(后|以后|之后|过后|前|以前|之前)?`),
  (context, m) => {
    if (!m[1] && !m[6]) return null;
    const unit = m[4];
    if ((unit === '月' || unit === '分') && !m[3] && !m[6]) return null;
    if (unit === '日' && !m[6]) return null;
    let n = m[2] === '半' ? 0.5 : m[2] === '几' ? 3 : zhNumber(m[2]);
    if (!(n >= 0)) return null;
    if (m[5]) n += 0.5;
    const sign = m[6] && /前/.test(m[6]) ? -1 : 1;
    const t = context.reference.instant;
    const today = refDate(context);
    if (unit === '小时' || unit === '钟头' || unit === '分钟' || unit === '分') {
      const minutes = (unit === '分钟' || unit === '分' ? n : n * 60) * sign;
      const at = new Date(t.getFullYear(), t.getMonth(), t.getDate(), t.getHours(), t.getMinutes() + Math.round(minutes));
      return { year: at.getFullYear(), month: at.getMonth() + 1, day: at.getDate(), hour: at.getHours(), minute: at.getMinutes() };
    }
    if (!Number.isInteger(n)) return null;
    if (unit === '天' || unit === '日') return dateComponents(addDays(today, n * sign));
    if (unit === '周' || unit === '星期' || unit === '礼拜') return dateComponents(addDays(today, 7 * n * sign));
    if (unit === '月') return dateComponents(addMonths(today, n * sign));
    return dateComponents(addMonths(today, 12 * n * sign));
  },
);

// ISO weekdays
const WEEKDAY_CHAR: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7 };

/**
 * Weeks from this one that 下/上/这 before 周X, 周末 or 周 point to; null when there is none.
 * The 下 of 一下 ("帮我看一下周五", "等一下周末再说") belongs to 一, not to the week: 一下下周三 is next
 * week's. Other verb + 下 (看下周三) stay "next week": 看下 is also short for 看看, but 下周 is the
 * likelier reading and both agree whenever the day is still ahead this week.
 */
function weekOffset(context: ParsingContext, index: number, said: string | undefined): number | null {
  let mod = said;
  if (mod?.startsWith('下') && /一\s*$/.test(context.text.slice(0, index))) mod = mod.slice(1).replace(/^个/, '');
  if (!mod) return null;
  if (mod.startsWith('下下')) return 2;
  if (mod.startsWith('上上')) return -2;
  if (mod.startsWith('下')) return 1;
  if (mod.startsWith('上')) return -1;
  return 0; // 这, 本, 这个
}

/** 周三, 星期五, 礼拜天, 下周三, 下下周日, 这周五, 上个礼拜一, 下星期二 */
const weekday = simpleParser(
  /(上上个?|下下个?|上个?|下个?|这个?|本)?\s*(?:周|星期|礼拜)\s*([一二三四五六日天1-7])/,
  (context, m) => {
    const wd = WEEKDAY_CHAR[m[2]];
    const off = weekOffset(context, m.index ?? 0, m[1]);
    if (off === null) return { weekday: chronoWeekday(wd) };
    return { ...dateComponents(weekdayInWeek(refDate(context), wd, off)), weekday: chronoWeekday(wd) };
  },
);

/** 周末, 这周末, 下周末, 这个周末 → Saturday */
const weekend = simpleParser(/(上上个?|下下个?|上个?|下个?|这个?|本)?\s*(?:周末|礼拜天和礼拜六)/, (context, m) => {
  const off = weekOffset(context, m.index ?? 0, m[1]);
  const today = refDate(context);
  // on a Sunday "周末" is today; otherwise the coming Saturday
  if (off === null) return dateComponents(weekdayOf(today) === 7 ? today : weekdayInWeek(today, 6, 0));
  return dateComponents(weekdayInWeek(today, 6, off));
});

/** 下周, 下个星期, 下下周, 下周初 with no day named: that week's Monday, the first day a customer could mean. */
const bareWeek = simpleParser(/(下下个?|下个?)\s*(?:周|星期|礼拜)(?!\s*[一二三四五六日天1-7末])/, (context, m) => {
  const off = weekOffset(context, m.index ?? 0, m[1]);
  if (off === null) return null;
  return dateComponents(weekdayInWeek(refDate(context), 1, off));
});

/** 月底, 这个月底, 本月末, 下个月底, 12月底 → the month's last day; 月底 on the last day means next month's. */
const monthEnd = simpleParser(new RegExp(`(?:(这个?|本|下下个?|下个?|次)|(${MONTHN})\\s*)?月\\s*(?:底|末)`), (context, m) => {
  const today = refDate(context);
  if (m[2]) {
    const month = zhNumber(m[2]);
    if (!(month >= 1 && month <= 12)) return null;
    let end = lastDayOfMonth(localDate(dateParts(today).year, month, 1));
    if (end < today) end = lastDayOfMonth(addMonths(end, 12));
    return dateComponents(end);
  }
  const rel = m[1] ?? '';
  const offset = rel.startsWith('下下') ? 2 : rel.startsWith('下') || rel === '次' ? 1 : 0;
  let end = lastDayOfMonth(addMonths(today, offset));
  if (offset === 0 && end === today) end = lastDayOfMonth(addMonths(today, 1));
  return dateComponents(end);
});

/**
 * What customers say when the day does not matter, only soon: 尽快, 越快越好, 最早, 马上. The day is
 * decided in resolve.ts, against the shop's hours. "最早几点开门" asks about opening hours, not a day.
 */
const soonest = simpleParser(/(尽快|尽早|越快越好|越早越好|最早|马上|立刻|立即)/, (context, m) => {
  const after = context.text.slice((m.index ?? 0) + m[0].length);
  if (/^\s*(?:几点|什么时候)?\s*(?:开门|营业|上班|开工|关门|下班)/.test(after)) return null;
  const comps = context.createParsingComponents(dateComponents(refDate(context)));
  comps.addTag(SOONEST_TAG);
  return comps;
});

/**
 * Holidays by name: fixed Gregorian ones (元旦, 劳动节/五一, 国庆/十一, 圣诞 …; the year is resolved
 * forward later), lunar ones (春节, 大年初二, 元宵, 端午, 七夕, 中秋, 重阳, 腊八, 除夕) and 清明 from the
 * tables in lunar.ts, the next one on or after today.
 */
const holidayNames = [...Object.keys(FIXED_HOLIDAYS_ZH), ...Object.keys(LUNAR_HOLIDAYS_ZH), ...QINGMING_ZH].sort((a, b) => b.length - a.length);
const holiday = simpleParser(new RegExp(`(${holidayNames.join('|')})`), (context, m) => {
  const name = m[1];
  const i = m.index ?? 0;
  const after = context.text.slice(i + name.length);
  const before = context.text.slice(0, i);
  const today = refDate(context);
  if (name in LUNAR_HOLIDAYS_ZH || QINGMING_ZH.includes(name)) {
    const [month, day] = LUNAR_HOLIDAYS_ZH[name] ?? [0, 0];
    const date = month ? nextLunarDate(today, month, day) : nextQingming(today);
    return date ? dateComponents(date) : context.createParsingComponents({});
  }
  // 十一 and 五一 are also numbers: only a holiday when not followed by a unit or digit
  if ((name === '十一' || name === '五一') && (/^\s*(?:点|时|号|日|月|分|个|[0-9一二三四五六七八九十:.])/.test(after) || /[0-9一二三四五六七八九十月年第]$/.test(before))) return null;
  const [month, day] = FIXED_HOLIDAYS_ZH[name];
  return { month, day };
});

// ---- time of day ----------------------------------------------------------------------------

export const ZH_PART_WORDS: [RegExp, DayPart][] = [
  [/凌晨|清晨|早上|早晨|上午|一早|今早|明早|今晨|明晨|早间|大早|^早|(?<=[^提稍]|^)早(?=\s*[0-9零一二两三四五六七八九十])/, 'morning'],
  [/中午|午间|正午|午饭/, 'noon'],
  [/下午|午后/, 'afternoon'],
  [/晚上|傍晚|今晚|明晚|晚间|夜里|夜间|夜晚|今夜|明夜|半夜|深夜|(?<=[^太很较稍]|^)晚(?=\s*[0-9零一二两三四五六七八九十])/, 'evening'],
];

const PART = '(凌晨|清晨|早上|早晨|上午|一早|今早|明早|今晨|明晨|大早|早间|早|中午|午间|正午|下午|午后|傍晚|晚上|晚间|夜里|夜间|夜晚|今晚|明晚|今夜|明夜|半夜|深夜|晚)';
const MIN = '(\\d{1,2}|半|一刻|两刻|二刻|三刻|整|正|[零一二三四五六七八九十]{1,3})';

function partOf(word: string | undefined): DayPart | null {
  if (!word) return null;
  for (const [re, p] of ZH_PART_WORDS) if (re.test(word)) return p;
  return null;
}

function applyPart(hour: number, part: DayPart | null, word?: string): number {
  if (part === null) return hour;
  if (part === 'morning') return hour === 12 && word !== '凌晨' ? 12 : hour;
  if (part === 'noon') return hour >= 1 && hour <= 5 ? hour + 12 : hour;
  if (part === 'afternoon') return hour < 12 ? hour + 12 : hour;
  // evening and night: 晚上8点 → 20, 半夜2点/夜里1点 → 1-5 stays
  if (hour === 12) return 0; // 晚上12点 / 半夜12点 = midnight
  if (hour >= 1 && hour <= 5 && word && /半夜|深夜|夜里|夜间|凌晨/.test(word)) return hour;
  return hour < 12 ? hour + 12 : hour;
}

/** 九点半, 10点一刻, 三点三刻, 下午两点, 晚上9:30, 15时20分, 早8点, 今晚8点 */
const time = simpleParser(
  new RegExp(
    `${PART}?\\s*(?:的)?\\s*(\\d{1,2}|[零一二两三四五六七八九十]{1,3})\\s*(?:(点钟?|时)\\s*(?:${MIN}\\s*分?(?:\\s*(\\d{1,2}|[零一二三四五六七八九十]{1,3})\\s*秒)?)?|[:：]\\s*(\\d{2})(?:\\s*[:：]\\s*\\d{2})?)(?:\\s*(a\\.?\\s*m\\.?|p\\.?\\s*m\\.?)(?![a-z]))?`,
    'i',
  ),
  (context, m) => {
    const i = m.index ?? 0;
    const partWord = m[1];
    const hourText = m[2];
    const unit = m[3];
    const minuteText = m[4] ?? m[6];
    const ampm = m[7]?.toLowerCase().replace(/[\s.]/g, '');
    const before = context.text.slice(0, i);
    const after = context.text.slice(i + m[0].length);
    if (/[\d.:]$/.test(before)) return null;
    if (!unit && /^\s*\d/.test(after)) return null;
    // 快一点, 早一点, 便宜一点, 一点点: "a bit", not one o'clock
    if (unit && /^[一]$/.test(hourText) && !minuteText && !partWord && (/(?:快|早|晚|慢|多|少|好|便宜|贵|高|低|大|小|近|远|点|简单|轻|重|有)$/.test(before) || /^\s*(?:点|儿)/.test(after))) return null;
    if (unit && hourText === '一' && partWord && /^[早晚]$/.test(partWord) && !minuteText) return null;
    let hour = zhNumber(hourText);
    if (!(hour >= 0 && hour <= 24)) return null;
    let minute = 0;
    // "3点四轮定位": a lone Chinese digit after 点 that runs into the next word belongs to
    // that word (四轮定位, 五座), not to the minutes.
    const digitIntoWord = Boolean(m[4] && /^[一二三四五六七八九]$/.test(m[4]) && !/分/.test(m[0]) && /^[\u4e00-\u9fff]/.test(after));
    if (minuteText && !digitIntoWord) {
      if (minuteText === '半') minute = 30;
      else if (minuteText === '一刻') minute = 15;
      else if (minuteText === '两刻' || minuteText === '二刻') minute = 30;
      else if (minuteText === '三刻') minute = 45;
      else if (minuteText === '整' || minuteText === '正') minute = 0;
      else minute = zhNumber(minuteText);
    }
    if (!(minute >= 0 && minute < 60)) return null;
    const part = partOf(partWord);
    let meridiemKnown = false;
    if (ampm) {
      meridiemKnown = true;
      if (ampm.startsWith('p') && hour < 12) hour += 12;
      if (ampm.startsWith('a') && hour === 12) hour = 0;
    } else if (part) {
      hour = applyPart(hour, part, partWord);
      meridiemKnown = true;
    }
    if (hour === 24) hour = 0;
    const comps = context.createParsingComponents({ hour, minute });
    if (meridiemKnown || hour >= 13 || hour === 0) comps.assign('meridiem', hour >= 12 ? 1 : 0);
    if (partWord && /^(今|明)/.test(partWord)) assignDate(comps, addDays(refDate(context), partWord.startsWith('明') ? 1 : 0));
    if (part) comps.addTag(`when/part:${part}`);
    return comps;
  },
);

/** A part of the day on its own: 上午, 下午, 晚上, 明早 (no hour) */
const partOnly = simpleParser(new RegExp(PART.replace('|早|', '|').replace('|晚)', ')')), (context, m) => {
  const part = partOf(m[1]);
  if (!part) return null;
  const i = m.index ?? 0;
  if (/[提稍太很较]$/.test(context.text.slice(0, i))) return null;
  const comps = context.createParsingComponents({});
  comps.imply('hour', part === 'morning' ? 9 : part === 'noon' ? 12 : part === 'afternoon' ? 15 : 19);
  if (/^(今|明)/.test(m[1])) assignDate(comps, addDays(refDate(context), m[1].startsWith('明') ? 1 : 0));
  comps.addTag(`when/part:${part}`);
  comps.addTag('when/partOnly');
  return comps;
});

/**
 * 下午周三, 上午下周一: a part of the day before the day. chrono's own date-time merge takes a bare part
 * ("下午", nothing certain) for the date and drops the weekday after it; merged here first, the other
 * way round.
 */
const partBeforeDay: Refiner = {
  refine: (context, results) => {
    const sorted = [...results].sort((a, b) => a.index - b.index);
    const out: chrono.ParsingResult[] = [];
    for (let i = 0; i < sorted.length; i++) {
      const part = sorted[i];
      const day = sorted[i + 1];
      const end = part.index + part.text.length;
      const between = day && day.index >= end ? context.text.slice(end, day.index) : null;
      const pureDay = day && !day.start.isCertain('hour') && ['weekday', 'day', 'month'].some((c) => day.start.isCertain(c as chrono.Component));
      const purePart = part.tags().has('when/partOnly') && !part.start.isCertain('day');
      if (purePart && pureDay && between !== null && /^\s*$/.test(between)) {
        const merged = day.clone();
        merged.index = part.index;
        merged.text = context.text.slice(part.index, day.index + day.text.length);
        merged.start.imply('hour', part.start.get('hour') ?? 12);
        merged.addTags(part.tags());
        out.push(merged);
        i++;
      } else out.push(part);
    }
    return out;
  },
};

const ZH_PARSERS: Parser[] = [
  yearMonthDay, lunarDate, monthDay, numericDate, slashMonthDay, dayOnly, relativeDay, durationAfter, weekday, weekend, bareWeek, monthEnd,
  soonest, holiday, time, partOnly,
];

let instance: chrono.Chrono | null = null;

/** chrono's Chinese casual configuration (hans + hant) with our parsers first; its own time and weekday parsers are replaced. */
export function zhChrono(): chrono.Chrono {
  if (instance) return instance;
  const c = chrono.zh.casual.clone();
  c.parsers = [
    ...ZH_PARSERS,
    ...c.parsers.filter((p) => !/TimeExpression|Weekday|Casual|Deadline|Ago/.test(p.constructor.name)),
  ];
  // after chrono's first overlap removal, before its date-time merge
  const [overlapRemoval, ...rest] = c.refiners;
  c.refiners = [overlapRemoval, partBeforeDay, ...rest];
  instance = c;
  return c;
}
