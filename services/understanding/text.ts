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

/**
 * Traditional characters of the words the rules look for (the date reader's own table covers
 * dates): a customer from Hong Kong or Taiwan writes 預約保養, 煞車.
 */
const TRADITIONAL: Readonly<Record<string, string>> = {
  預: '预', 養: '养', 輪: '轮', 換: '换', 費: '费', 錢: '钱', 價: '价', 檢: '检', 測: '测', 響: '响', 務: '务',
  電: '电', 機: '机', 濾: '滤', 調: '调', 氣: '气', 剎: '刹', 煞: '刹', 詢: '询', 問: '问', 題: '题', 維: '维',
  謝: '谢', 請: '请', 處: '处', 嗎: '吗', 麼: '么', 麽: '么', 們: '们', 幫: '帮', 幾: '几', 話: '话', 語: '语',
  說: '说', 沒: '没', 對: '对', 認: '认', 確: '确', 訴: '诉', 錯: '错', 區: '区', 門: '门', 關: '关', 營: '营',
  業: '业', 滿: '满', 評: '评', 燈: '灯', 發: '发', 擋: '挡', 風: '风', 離: '离', 貴: '贵', 單: '单', 帳: '账',
  賬: '账', 報: '报', 態: '态', 體: '体', 記: '记', 師: '师', 號: '号', 碼: '码', 達: '达', 顧: '顾',
  戶: '户', 聯: '联', 繫: '系', 係: '系', 撥: '拨', 準: '准', 備: '备', 傳: '传', 聲: '声', 壞: '坏',
  舊: '旧', 鐵: '铁', 壓: '压', 雙: '双', 邊: '边', 點: '点', 鐘: '钟', 週: '周', 異: '异', 現: '现', 試: '试',
};
const TRADITIONAL_CHARACTER = new RegExp(`[${Object.keys(TRADITIONAL).join('')}]`, 'g');

export const CHINESE_CHARACTER = /[\u3400-\u9fff\uf900-\ufaff]/;
const ENGLISH_WORD = /(?<![a-z0-9'])[a-z]+(?:'[a-z]+)?(?![a-z0-9'])/g;
const NOT_A_WORD = /[^\p{L}\p{N}']+/gu;
const QUOTES = /[’‘`´]/g;
const WHITESPACE = /\s+/g;

export function prepareText(text: string): PreparedText {
  const original = text.trim();
  const normal = normalizeText(original.normalize('NFKC')).replace(TRADITIONAL_CHARACTER, (ch) => TRADITIONAL[ch]);
  let english = normal.toLowerCase().replace(QUOTES, "'");
  for (const [pattern, replacement] of DIGIT_SLANG) english = english.replace(pattern, replacement);
  english = english.replace(WEEKDAY_ABBREVIATION, (m, before: string | undefined, a: string | undefined, b: string | undefined) =>
    before ? `${before} ${WEEKDAY_NAMES[a!]}` : `${WEEKDAY_NAMES[b!]} `,
  );
  english = english.replace(ENGLISH_WORD, correctWord);
  const chinese = english.replace(WHITESPACE, '');
  const bare = english.replace(NOT_A_WORD, ' ').trim();
  return { original, normal, english, chinese, bare, hasChinese: CHINESE_CHARACTER.test(normal) };
}
