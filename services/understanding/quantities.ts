/**
 * Mileage and scores inside a message. Both need their unit: a bare number is a menu choice,
 * a price or a time far more often than a mileage or a score.
 */
import { parseMileage } from '../registration';
import { smallNumber } from './numbers';

const CN = '零〇一二两俩三四五六七八九十百千万';
// "about 20,000 km", "45k km", "两万三千公里", "3万多公里", "20000 miles"
// Every repetition is bounded: a 4,000-digit message must not cost a quadratic scan.
const MILEAGE_WITH_UNIT = new RegExp(
  `(?:约|大约|大概|差不多|将近|接近|快|不到|about|around|approx(?:imately)?\\.?|roughly|nearly|almost|over)?\\s{0,3}` +
    `(?:\\d[\\d,]{0,11}(?:\\.\\d{1,3})?|[${CN}]{1,12})(?:\\s{0,3}(?:万|w|k)(?:\\d|[一二两三四五六七八九](?![十百千万]))?)?\\s{0,3}多?\\s{0,3}` +
    `(?:公里|千米|km\\b|kms\\b|kilomet(?:er|re)s?\\b|miles?\\b)`,
  'gi',
);
// "两万", "3万5", "1.2w", "跑了3万多": 万 without a unit, unless it is money or not a distance
const MILEAGE_WAN = new RegExp(
  `(?:\\d{1,8}(?:\\.\\d{1,3})?|[${CN.replace('万', '')}]{1,12})\\s{0,3}(?:万|w(?![a-z]))(?:\\d|[一二两三四五六七八九](?![十百千万元块]))?多?` +
    `(?!\\s{0,3}(?:元|块|钱|rmb|人民币|美元|火急|多|个|次|人|辆|台|年|\\d))`,
  'gi',
);

/** The text with mileage blanked out (same length), so that "1.2w" or "3.2万" is never read as a date. */
export function withoutMileage(text: string): string {
  let out = text;
  for (const pattern of [MILEAGE_WITH_UNIT, MILEAGE_WAN]) out = out.replace(pattern, (m) => ' '.repeat(m.length));
  return out;
}

/** Mileage said with a unit or a 万 ("3.2万公里", "about 20,000 km", "两万"), in km. */
export function findMileage(text: string): number | null {
  for (const pattern of [MILEAGE_WITH_UNIT, MILEAGE_WAN]) {
    for (const [span] of text.matchAll(pattern)) {
      const parsed = parseMileage(span);
      if (parsed.ok) return parsed.value;
    }
  }
  return null;
}

// ───── scores ─────
// 5分 (not 5分钟, 3点20分, 三分之一, 分店), 4星 / 五星好评 (not 星期, 五星级), 十分 only as an answer ("给十分")
const SCORE_CHINESE = /(?<![点:：\d.])(\d{1,3}(?:\.\d)?|[零一二两三四五六七八九十百]{1,3})\s*(分|颗星|星)(?![钟之期店开享析手别数量子类配布批辨钱割级区])/g;
const TEN_AS_ANSWER_BEFORE = /[给打评得拿是了就]$/;
const TEN_AS_ANSWER_AFTER = /^(?:$|[\s,，。.!！~～吧啊呀了的呢]|满分)/;
const ENGLISH_NUMBERS: Readonly<Record<string, number>> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
};
const SCORE_OUT_OF = /\b(\d{1,3}(?:\.\d)?|zero|one|two|three|four|five|six|seven|eight|nine|ten)\s*(?:out of|outta)\s*(5|10|100|five|ten)\b/;
const SCORE_STARS = /\b(\d(?:\.\d)?|one|two|three|four|five)\s*(?:-\s*)?stars?\b/;
const SCORE_SLASH = /(?<![\d/])(\d{1,2}(?:\.\d)?)\s*\/\s*(5|10|100)(?![\d/])/;

function englishNumber(word: string): number {
  return ENGLISH_NUMBERS[word] ?? Number(word);
}

export interface ScoreHit {
  score: number;
  /** "9/10" is also how a date can be written: the caller drops it when the text has a date. */
  slash: boolean;
}

/** A score said with a scale word: 分 / 星 / out of 10 / stars / 9/10. */
export function findScore(chinese: string, english: string): ScoreHit | null {
  for (const m of chinese.matchAll(SCORE_CHINESE)) {
    const value = smallNumber(m[1]) ?? (/^\d/.test(m[1]) ? Number(m[1]) : null);
    if (value === null) continue;
    if (m[1] === '十' && m[2] === '分') {
      const before = chinese.slice(0, m.index!);
      const after = chinese.slice(m.index! + m[0].length);
      if (!TEN_AS_ANSWER_BEFORE.test(before) && !TEN_AS_ANSWER_AFTER.test(after)) continue; // 十分满意: "very"
    }
    return { score: value, slash: false };
  }
  const outOf = SCORE_OUT_OF.exec(english);
  if (outOf) {
    const value = englishNumber(outOf[1]);
    if (value <= englishNumber(outOf[2])) return { score: value, slash: false };
  }
  const stars = SCORE_STARS.exec(english);
  if (stars) return { score: englishNumber(stars[1]), slash: false };
  const slash = SCORE_SLASH.exec(english);
  if (slash && Number(slash[1]) <= Number(slash[2])) return { score: Number(slash[1]), slash: true };
  return null;
}
