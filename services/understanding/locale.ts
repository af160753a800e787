/**
 * THE language detector: which language a customer's message is written in, and whether the
 * customer asked for a language ("English please", "说中文").
 *
 * The rule, in order:
 * 1. What is not language is removed first: URLs and e-mail addresses, licence plates,
 *    WeChat emoji codes ("[强]"), every token with a digit in it (VINs, booking references such
 *    as K3X9PQ, "5000km", "10am", prices, phone numbers), units (km, kg), and Latin tokens written
 *    all in capitals (ABS, VIN, HUAFGT) unless the whole message is typed in capitals.
 * 2. What is left is counted: `han` Chinese characters, `latin` Latin letters.
 * 3. Chinese, confidently, when the Chinese part is clearly prose — four or more characters, or
 *    a Chinese function word (我, 你, 的, 了, 吗, 要, 谢谢 …) — and it is not outweighed by English
 *    (han × 3 ≥ latin). A name alone ("王建国", "张伟") is two or three characters without a function
 *    word, so it does not count: an English conversation stays English when the customer types
 *    their Chinese name.
 * 4. Otherwise English, confidently, with four or more Latin letters ("help", "thanks").
 * 5. Otherwise the conversation's language (`fallback`), not confident: "ok", "yes", "1", "👍",
 *    "13812345678", "沪A12345", "王建国".
 *
 * A dialog that must not switch on weak evidence uses `confident`; `han` and `latin` are there
 * for anything finer.
 */
import { withoutPlates } from '../registration';
import type { Locale } from '../locale';

export interface LocaleDetection {
  locale: Locale;
  /** False when the message had too little language to tell; `locale` is then the fallback. */
  confident: boolean;
  /** Chinese characters counted (after removing what is not language). */
  han: number;
  /** Latin letters counted (after removing what is not language). */
  latin: number;
}

const NOT_LANGUAGE: RegExp[] = [
  /\b(?:https?:\/\/|www\.)\S+/gi,
  /[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+/g,
  /\[[^\[\]\s]{1,6}\]/g, // WeChat emoji codes: [强] [微笑] [OK]
  /[A-Za-z0-9]*\d[A-Za-z0-9]*/g, // anything with a digit
  /\b(?:km|kms|kg|cm|mm|rmb|cny|usd)\b/gi,
];
const ALL_CAPS_TOKEN = /\b[A-Z]{2,}\b/g;
const CAPS_WORDS = /\b[A-Z]{2,}\b/g;
const LOWER = /[a-z]/;
const HAN = /[\u3400-\u9fff\uf900-\ufaff]/g;
const LATIN = /[A-Za-z]/g;
/** Words that make a short Chinese message prose rather than a name. */
const CHINESE_FUNCTION_WORDS =
  /[我你您他她它们的了吗呢吧啊呀么嘛是在有没不要想请帮能会就还也都这那个些什怎哪几给把让被说看到去来做和跟嗯哦好]|谢谢|感谢|多少|可以/;

export function detectLocale(text: string | null | undefined, fallback: Locale): LocaleDetection {
  let rest = withoutPlates(text ?? '');
  for (const pattern of NOT_LANGUAGE) rest = rest.replace(pattern, ' ');
  const capsWords = rest.match(CAPS_WORDS)?.length ?? 0;
  const typedInCaps = capsWords >= 2 && !LOWER.test(rest);
  if (!typedInCaps) rest = rest.replace(ALL_CAPS_TOKEN, ' ');
  const han = rest.match(HAN)?.length ?? 0;
  const latin = rest.match(LATIN)?.length ?? 0;
  const chineseProse = han >= 4 || (han > 0 && CHINESE_FUNCTION_WORDS.test(rest));
  if (chineseProse && han * 3 >= latin) return { locale: 'zh', confident: true, han, latin };
  if (latin >= 4) return { locale: 'en', confident: true, han, latin };
  return { locale: fallback, confident: false, han, latin };
}

/**
 * An explicit wish for a language. Patterns are tried against the prepared English form
 * (lower case, typos corrected) and the Chinese form (no spaces).
 */
const SWITCH_RULES: ReadonlyArray<{ to: Locale; english?: RegExp; chinese?: RegExp }> = [
  {
    to: 'en',
    english:
      /^(?:(?:hi|hello|hey|sorry|excuse me|um|er|ok|so)\s+)*(?:in )?english(?: please| only| version| pls)?$|\b(?:speak|talk|write|reply|answer|respond|chat|switch|change|continue|text)(?: to| in| with me in)? english\b|\bin english\b|\benglish please\b|\bspeaks? english\b|\b(?:understand|read) english\b|\bi (?:don't|do not|can't|cannot) (?:speak|read|understand|write) (?:chinese|mandarin)\b/,
    chinese: /(?:说|讲|用|改成|改用|换成|切换成?|切到|回复|发)(?:英文|英语)|^(?:英文|英语)(?:吧|版|回复)?$|(?:能|会|可以)(?:说|讲|用)?英[文语]吗?|(?:看不懂|不懂|不会|听不懂|不认识)(?:中文|汉字)/,
  },
  {
    to: 'zh',
    english:
      /^(?:(?:hi|hello|hey|sorry|excuse me|um|er|ok|so)\s+)*(?:in )?(?:chinese|mandarin)(?: please| only| pls)?$|\b(?:speak|talk|write|reply|answer|respond|chat|switch|change|continue|text)(?: to| in| with me in)? (?:chinese|mandarin)\b|\bin (?:chinese|mandarin)\b|\b(?:chinese|mandarin) please\b|\bspeaks? (?:chinese|mandarin)\b|\bi (?:don't|do not|can't|cannot) (?:speak|read|understand|write) english\b/,
    chinese: /(?:说|讲|用|改成|改用|换成|切换成?|切到|回复|发)(?:中文|汉语|普通话|华语)|^(?:中文|汉语|普通话)(?:吧|版|回复)?$|(?:看不懂|不懂|不会|听不懂|不认识)(?:英文|英语)/,
  },
];

export function requestedLocale(english: string, chinese: string): Locale | null {
  for (const rule of SWITCH_RULES) {
    if (rule.english?.test(english) || rule.chinese?.test(chinese)) return rule.to;
  }
  return null;
}
