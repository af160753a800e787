/**
 * Numbers as customers write them: Chinese numerals (两万三千, 三万五), digits mixed with
 * Chinese units (2万5, 3.2万), and the shorthand of chat (1.2w, 20k). A leaf module: it imports
 * nothing, so services/registration.ts can use it without a cycle.
 */

const DIGITS: Readonly<Record<string, number>> = {
  零: 0, 〇: 0, 一: 1, 幺: 1, 二: 2, 两: 2, 俩: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const UNITS: Readonly<Record<string, number>> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000, 万: 10_000, 萬: 10_000 };

const TOKEN = /\d+(?:\.\d+)?|[零〇一幺二两俩三四五六七八九十拾百佰千仟万萬]/g;
const WHOLE = /^(?:\d+(?:\.\d+)?|[零〇一幺二两俩三四五六七八九十拾百佰千仟万萬])+$/;

/**
 * 两万 → 20000, 三万五 → 35000 (a digit after the last unit is the next unit down: 三万五 is
 * 三万五千, 3千5 is 3500, 一百五 is 150), 一万零五百 → 10500, 2万5 → 25000, 3.2万 → 32000,
 * 十二 → 12, 1200 → 1200. Null when the text is not one number.
 */
export function parseChineseNumber(text: string): number | null {
  if (!WHOLE.test(text)) return null;
  let total = 0; // finished 万 sections
  let section = 0; // below 万
  let pending: number | null = null; // a digit waiting for its unit
  let lastUnit = 0;
  let zeroSince = false;
  for (const [token] of text.matchAll(TOKEN)) {
    if (token in DIGITS) {
      const d = DIGITS[token];
      if (d === 0) {
        zeroSince = true;
        continue;
      }
      if (pending !== null) return null; // 二三: not a number we read
      pending = d;
      continue;
    }
    if (token in UNITS) {
      const unit = UNITS[token];
      if (unit === 10_000) {
        const value = section + (pending ?? 0);
        if (value === 0) return null;
        total += value * unit;
        section = 0;
      } else {
        if (pending === null && unit !== 10) return null; // 百 alone
        section += (pending ?? 1) * unit;
      }
      pending = null;
      lastUnit = unit;
      zeroSince = false;
      continue;
    }
    // Arabic digits (maybe decimal)
    if (pending !== null) return null;
    pending = Number(token);
  }
  if (pending !== null) {
    // 三万五 / 2万5 / 3千5: the shorthand means the next unit down
    const shorthand = !zeroSince && lastUnit >= 100 && Number.isInteger(pending) && pending < 10;
    section += shorthand ? pending * (lastUnit / 10) : pending;
  }
  const value = total + section;
  return Number.isFinite(value) ? value : null;
}

/** A whole-number reading of one or two Chinese digits or Arabic digits (十 → 10, 五 → 5, 9 → 9). */
export function smallNumber(text: string): number | null {
  const value = parseChineseNumber(text);
  return value !== null && Number.isInteger(value) ? value : null;
}
