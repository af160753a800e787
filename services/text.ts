/**
 * Names and free text that reach advisors (task titles, pushes, the REST task list) are shown
 * as text, never as markup: Teams renders markdown in messages and cards, so a display name
 * like "[点击](https://…)" or "[x](javascript:…)" would become a link in an advisor's chat.
 * Markup characters are replaced by harmless look-alikes, and URLs lose their scheme.
 */
const MARKUP: Record<string, string> = {
  '[': '［',
  ']': '］',
  '(': '（',
  ')': '）',
  '<': '‹',
  '>': '›',
  '*': '＊',
  _: '＿',
  '`': '｀',
  '#': '＃',
  '|': '｜',
  '~': '～',
};

export function plainText(text: string, maxLength = 200): string {
  return text
    .replace(/\b(?:https?|javascript|data|file|vbscript):\/*/gi, '')
    .replace(/[[\]()<>*_`#|~]/g, (c) => MARKUP[c])
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, maxLength);
}

/** A person's name as shown to staff: plain, one line, at most 40 characters. */
export function plainName(name: string | null | undefined): string | null {
  if (!name) return null;
  const plain = plainText(name, 40);
  return plain || null;
}
