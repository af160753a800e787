/** Text clean-up before date parsing: width, traditional characters, and numbers that are not dates. */

const TRAD: Record<string, string> = {
  禮: '礼', 週: '周', 後: '后', 個: '个', 點: '点', 號: '号', 時: '时', 鐘: '钟', 兩: '两', 晚: '晚', 間: '间',
  擇: '择', 節: '节', 聖: '圣', 誕: '诞', 慶: '庆', 勞: '劳', 動: '动', 兒: '儿', 婦: '妇', 農: '农', 曆: '历',
  這: '这', 來: '来', 過: '过', 還: '还', 開: '开', 車: '车', 裡: '里', 裏: '里', 會: '会', 見: '见', 約: '约',
};

/** Full-width ASCII to half-width, ideographic space to space, a few traditional characters to simplified. */
export function normalizeText(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCodePoint(c - 0xfee0);
    else if (c === 0x3000) out += ' ';
    else out += TRAD[ch] ?? ch;
  }
  return out;
}

/**
 * Numbers that customers type which are never dates: licence plates, phone numbers, mileage, prices,
 * long digit runs (VINs, order numbers). They are replaced by spaces of the same length so that
 * offsets of the remaining text stay put.
 */
const NOT_DATE_PATTERNS: RegExp[] = [
  // Chinese licence plates: province + letter + 5-6 alphanumerics (e.g. 沪A12345, 粤B·D12345)
  /[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领][A-Za-z][·・\s-]?[A-Za-z0-9]{5,6}/g,
  // mileage and distances
  /\d[\d,]*(?:\.\d+)?\s*(?:万|千)?\s*(?:公里|千米|km\b|kms\b|kilomet(?:er|re)s?\b|miles?\b|mi\b)/gi,
  /[一二三四五六七八九十两百千万]+(?:公里|千米)/g,
  // prices: currency before or after
  /(?:[¥￥$€£]|RMB|CNY|USD)\s*\d[\d,]*(?:\.\d+)?\s*(?:万|k\b|K\b)?/g,
  /\d[\d,]*(?:\.\d+)?\s*(?:万|千)?\s*(?:元|块钱|块|rmb\b|RMB\b|yuan\b|dollars?\b|bucks\b)/g,
  // percentages
  /\d+(?:\.\d+)?\s*%/g,
  // phone numbers and other long digit runs (8-digit runs are kept: they may be yyyymmdd)
  /(?<!\d)1[3-9]\d{9}(?!\d)/g,
  /(?<!\d)\d{9,}(?!\d)/g,
  /(?<!\d)\d{3,4}-\d{7,8}(?!\d)/g,
];

export function maskNonDates(text: string): string {
  let out = text;
  for (const re of NOT_DATE_PATTERNS) out = out.replace(re, (m) => ' '.repeat(m.length));
  return out;
}

const DIGIT: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};

/** 十二 → 12, 二十五 → 25, 三十一 → 31, 零 → 0; plain digits pass through. Returns NaN when not a number. */
export function zhNumber(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  if (s === '') return NaN;
  let total = 0;
  let current = 0;
  let seen = false;
  for (const ch of s) {
    if (ch in DIGIT) {
      current = DIGIT[ch];
      seen = true;
    } else if (ch === '十') {
      total += (current || 1) * 10;
      current = 0;
      seen = true;
    } else if (ch === '百') {
      total += (current || 1) * 100;
      current = 0;
    } else if (ch === '千') {
      total += (current || 1) * 1000;
      current = 0;
    } else return NaN;
  }
  return seen || total ? total + current : NaN;
}

/** 二零零四 → 2004 (digit by digit), 两千零四 → 2004. */
export function zhYear(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  if (/^[零〇一二三四五六七八九两]+$/.test(s)) return Number([...s].map((c) => DIGIT[c]).join(''));
  return zhNumber(s);
}
