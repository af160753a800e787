/**
 * The one reader of replies to a choice: its number ("2", "２", "二", "选2", "第二个",
 * "2号", "option 2", "3 Nothing"), its label, a synonym inside a longer reply ("我要改期"),
 * or a word that counts only on its own ("好", "ok"). Every channel goes through it;
 * a card press on Teams names the option directly.
 */
import type { Option } from './question';
import { bare } from './fields';

const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
const ORDINAL_EN: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6 };

// "选2" "第二个" "2号" "option 2" "#2" "no. 2" "the second one"
const NUMBERED = /^(?:选择?|选第?|回复|第|option|choose|number|no\.?|#|the)?\s*(\d{1,2}|[一二两三四五六七八九十]|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|one|two|three|four|five|six)\s*(?:个|项|条|种|one|option)?(?:\s+(.*))?$/i;

function number(token: string): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  return CN_DIGITS[token] ?? ORDINAL_EN[token.toLowerCase()];
}

function norm(text: string): string {
  return bare(text).replace(/\s+/g, ' ');
}

function names(option: Option): string[] {
  return [option.label, ...(option.synonyms ?? [])].map(norm).filter(Boolean);
}

// "好的谢谢", "ok thanks", "可以的，谢谢": a yes with thanks after it, at a yes-or-no question.
const TRAILING_THANKS = /[\s,，。.!！]*(谢谢(你|您)?|多谢|感谢|thanks|thank you|thx|ty)[\s!！。.~]*$/i;

export function readChoice(reply: string, options: readonly Option[], how: { confirmation?: boolean } = {}): Option | null {
  const text = how.confirmation ? norm(reply).replace(TRAILING_THANKS, '').replace(/的$/, '') : norm(reply);
  if (!text || options.length === 0) return null;
  // A scale whose labels are its numbers (0–10): "3" is the label 3, not the third option.
  const labelled = options.filter((o) => names(o).includes(text));
  if (labelled.length === 1 && /^\d+$/.test(text)) return labelled[0];
  const numbered = NUMBERED.exec(text);
  if (numbered) {
    const n = number(numbered[1]);
    const rest = numbered[2]?.trim() ?? '';
    const picked = n !== undefined ? options[n - 1] : undefined;
    if (picked) {
      // "3 Nothing" names option 3 twice; "1 cancel" when 1 is "reschedule" contradicts itself.
      if (!rest) return picked;
      const label = names(picked);
      if (label.some((l) => l.includes(rest) || rest.includes(l))) return picked;
      const other = options.filter((o) => o !== picked && names(o).some((l) => l === rest || (l.length >= 2 && rest.includes(l))));
      if (other.length === 0) return picked;
      return null;
    }
    if (!rest && /^\d+$/.test(numbered[1])) return null;
  }
  const exact = options.filter((o) => names(o).includes(text) || (o.exact ?? []).some((w) => norm(w) === text));
  if (exact.length === 1) return exact[0];
  if (exact.length > 1) return null;
  // A longer reply that names exactly one option ("我要改期", "the 10:30 one").
  const named = options.filter((o) => names(o).some((l) => l.length >= 2 && text.includes(l)));
  return named.length === 1 ? named[0] : null;
}

/** Whole replies that mean yes / no to a yes-or-no question (or "the first one" at an offer). */
export const YES_WORDS: readonly string[] = ['是', '是的', '好', '好的', '好滴', '嗯', '嗯嗯', '对', '对的', '确认', '确定', '可以', '行', '行的', '没问题', '就这样', '就这个', 'ok', 'okay', 'yes', 'y', 'yep', 'yeah', 'sure', 'confirm', 'fine', 'sounds good', '👍', '👌'];
export const NO_WORDS: readonly string[] = ['否', '不', '不是', '不要', '不行', '不对', '不好', '错了', '修改', '改', '改一下', 'no', 'n', 'nope', 'change', 'wrong'];
