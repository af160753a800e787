/**
 * One message, prepared once in the forms the rules read. Nothing here decides anything.
 */
import { normalizeText } from '../when/normalize';
import { correctWord, DIGIT_SLANG, WEEKDAY_ABBREVIATION, WEEKDAY_NAMES } from './spelling';

export interface PreparedText {
  /** As received, trimmed. */
  original: string;
  /** NFKC (full-width letters and digits folded) and a few traditional characters simplified. Service spans index this. */
  normal: string;
  /** Lower case, chat shorthand expanded and typos of rule words corrected: what English rules and date reading see. */
  english: string;
  /** Lower case without any whitespace: what Chinese rules see ("取 消" is 取消). */
  chinese: string;
  /** `english` with only letters, digits, apostrophes and single spaces: for rules about the whole message ("好的谢谢", "hi there"). */
  bare: string;
  hasChinese: boolean;
}

export const CHINESE_CHARACTER = /[\u3400-\u9fff\uf900-\ufaff]/;
const ENGLISH_WORD = /(?<![a-z0-9'])[a-z]+(?:'[a-z]+)?(?![a-z0-9'])/g;
const NOT_A_WORD = /[^\p{L}\p{N}']+/gu;

export function prepareText(text: string): PreparedText {
  const original = text.trim();
  const normal = normalizeText(original.normalize('NFKC'));
  let english = normal.toLowerCase().replace(/[’‘`´]/g, "'");
  for (const [pattern, replacement] of DIGIT_SLANG) english = english.replace(pattern, replacement);
  english = english.replace(WEEKDAY_ABBREVIATION, (m, before: string | undefined, a: string | undefined, b: string | undefined) =>
    before ? `${before} ${WEEKDAY_NAMES[a!]}` : `${WEEKDAY_NAMES[b!]} `,
  );
  english = english.replace(ENGLISH_WORD, correctWord);
  const chinese = english.replace(/\s+/g, '');
  const bare = english.replace(NOT_A_WORD, ' ').trim();
  return { original, normal, english, chinese, bare, hasChinese: CHINESE_CHARACTER.test(normal) };
}
