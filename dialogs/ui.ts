import { ActivityTypes, CardFactory, type Activity, type TurnContext } from 'botbuilder';
import type { Locale } from './i18n';
import { t } from './i18n';

/**
 * Choices are always text the dialogs understand ("1", "确认"); a channel only changes how
 * they are shown. Teams gets an Adaptive Card whose buttons submit `{ choice }`, which the
 * bot turns back into text; WeChat and the console get a numbered list.
 */
export interface Choice {
  value: string;
  title: string;
  /** Other words that pick this choice ("好的", "yes"). */
  synonyms?: string[];
}

export const CARD_CHANNELS = new Set(['msteams', 'emulator', 'webchat', 'directline']);

export function choiceActivity(context: TurnContext, locale: Locale, text: string, choices: Choice[]): Partial<Activity> {
  if (CARD_CHANNELS.has(context.activity.channelId)) {
    const card = {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.4',
      body: [{ type: 'TextBlock', text, wrap: true }],
      actions: choices.map((c) => ({ type: 'Action.Submit', title: c.title, data: { choice: c.value, title: c.title, prompt: text.slice(0, 300) } })),
    };
    return { type: ActivityTypes.Message, attachments: [CardFactory.adaptiveCard(card)], text: '' };
  }
  const lines = choices.map((c, i) => `${i + 1}. ${c.title}`).join('\n');
  return { type: ActivityTypes.Message, text: `${text}\n${lines}\n${t(locale, 'replyNumber')}` };
}

/** The card that replaces a decided card on Teams, so its buttons cannot be pressed twice. */
export function decidedCard(prompt: string, chosenTitle: string, locale: Locale) {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    body: [
      { type: 'TextBlock', text: prompt, wrap: true, isSubtle: true },
      { type: 'TextBlock', text: `✅ ${t(locale, 'chosen', { choice: chosenTitle })}`, wrap: true, weight: 'Bolder' },
    ],
  });
}

const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

function normalise(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .trim()
    .toLowerCase()
    .replace(/[。.!！,，;；]+$/g, '')
    .replace(/^(选|选择|回复|第|option|choose|number|no\.?)\s*/i, '')
    .replace(/\s*(个|项|号)$/, '')
    .trim();
}

/** Picks the choice a reply names: its number, its value, its title or a synonym. */
export function recognizeChoice(text: string | undefined, choices: Choice[]): Choice | null {
  if (!text) return null;
  const n = normalise(text);
  if (!n) return null;
  const index = /^\d{1,2}$/.test(n) ? Number(n) : CN_DIGITS[n];
  if (index !== undefined) return choices[index - 1] ?? null;
  const exact = choices.find((c) => c.value.toLowerCase() === n || c.title.toLowerCase() === n || c.synonyms?.some((s) => s.toLowerCase() === n));
  if (exact) return exact;
  // A longer reply that names exactly one choice's title ("我要改期").
  const named = choices.filter((c) => [c.title, ...(c.synonyms ?? [])].some((s) => s.length >= 2 && n.includes(s.toLowerCase())));
  return named.length === 1 ? named[0] : null;
}

export const YES_WORDS = ['是', '是的', '好', '好的', '对', '对的', '确认', '确定', '可以', '行', '没问题', 'ok', 'okay', 'yes', 'y', 'yep', 'sure', 'confirm', '👍'];
export const NO_WORDS = ['否', '不', '不是', '不要', '不用', '不用了', '不对', '修改', '改', 'no', 'n', 'nope', 'change'];
