/**
 * An answer to a survey's rating question: a number on the question's scale ("4", "４", "四",
 * "4分", "9/10", "five stars"), or — on the 1–5 satisfaction scale — the words customers
 * actually use ("挺好的", "一般", "太差了", "not great", "very satisfied"). A bare number is
 * a score here because the question asked for one; outside a rating question it is not.
 */
import { parseChineseNumber } from './numbers';
import { findScore } from './quantities';

export interface RatingScale {
  min: number;
  max: number;
}

// Checked in this order: the negative and emphatic forms first, because "不满意" contains
// "满意" and "not good" contains "good".
const SATISFACTION_WORDS: ReadonlyArray<[number, RegExp]> = [
  [1, /非常不满意|很不满意|特别不满意|极不满意|十分不满意|太差|很差|非常差|特别差|极差|糟糕|垃圾|烂透|最差|差劲|\bterrible\b|\bawful\b|\bhorrible\b|\bworst\b|very (?:dis|un)satisfied|very (?:bad|poor|unhappy)|\bappalling\b/i],
  [4, /\bnot bad\b|还不错|挺不错|不错|挺好|还挺好|蛮好|比较满意|还算满意|较满意/i],
  [2, /不太满意|不满意|不大满意|不怎么样|不太好|不好|不行|较差|比较差|有点差|\bdissatisfied\b|\bunsatisfied\b|\bunhappy\b|not (?:very |really |so |that )?(?:good|great|happy|satisfied)|\bbad\b|\bpoor\b|\bdisappointed\b/i],
  [5, /非常满意|很满意|特别满意|超级满意|十分满意|太满意|非常好|特别好|太好了|太棒|很棒|完美|五星|满分|\bexcellent\b|\bperfect\b|\boutstanding\b|\bamazing\b|\bawesome\b|\bfantastic\b|very (?:satisfied|happy|good)|\bgreat\b|\bloved? it\b/i],
  [3, /一般|还行|凑合|马马虎虎|还可以|普通|中等|过得去|\bso-so\b|\bso so\b|\baverage\b|\bneutral\b|\bokay\b|\bok\b|\balright\b|\bfine\b|\bmeh\b/i],
  [4, /满意|很好|挺满意|好的|好|\bsatisfied\b|\bhappy\b|\bgood\b|\bnice\b/i],
];

// Likelihood to recommend (0–10): only the clear ends of the scale have words.
const RECOMMEND_WORDS: ReadonlyArray<[number, RegExp]> = [
  [0, /不会推荐|不推荐|绝不|肯定不会|不会|不可能|\bnever\b|\bno way\b|definitely not|would(?:n't| not)|\bnot at all\b/i],
  [10, /一定会|肯定会|当然会|绝对会|必须的|一定推荐|肯定推荐|已经推荐|\bdefinitely\b|\babsolutely\b|\bcertainly\b|of course|for sure/i],
];

const BARE_NUMBER = /^\s*(?:给|打|评|就|选)?\s*([0-9０-９]{1,2}|[零一二两三四五六七八九十]{1,2})\s*(?:分|星|颗星|points?|stars?)?\s*(?:吧|啊|呀|了|的|!|！|。|\.)*\s*$/i;

function bareNumber(text: string): number | null {
  const m = BARE_NUMBER.exec(text.normalize('NFKC'));
  if (!m) return null;
  if (/^\d+$/.test(m[1])) return Number(m[1]);
  return parseChineseNumber(m[1]);
}

/** The score the reply gives on this scale, or null when it gives none (or one outside it). */
export function readRating(text: string, scale: RatingScale): number | null {
  const inRange = (n: number | null | undefined): n is number => n != null && Number.isInteger(n) && n >= scale.min && n <= scale.max;
  const bare = bareNumber(text);
  if (bare !== null) return inRange(bare) ? bare : null;
  const lower = text.normalize('NFKC').toLowerCase();
  const said = findScore(lower, lower)?.score;
  if (said !== undefined) return inRange(said) ? said : null;
  const words = scale.max === 5 && scale.min === 1 ? SATISFACTION_WORDS : scale.max === 10 && scale.min === 0 ? RECOMMEND_WORDS : [];
  for (const [score, pattern] of words) if (pattern.test(lower)) return score;
  return null;
}

/** A number the customer gave that is off the scale ("8" on a 1–5 question): worth saying so. */
export function offScale(text: string, scale: RatingScale): boolean {
  const bare = bareNumber(text);
  return bare !== null && (bare < scale.min || bare > scale.max);
}
