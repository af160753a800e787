/**
 * How a dialog's words reach a channel. A question with options is an Adaptive Card on the
 * channels that render cards (Teams, the Emulator, Web Chat) and numbered text everywhere
 * else (WeChat, the console); the reply comes back through the dialogs' one reader. Card
 * JSON lives here, in bot/, never in dialogs/.
 */
import { ActivityTypes, CardFactory, type Activity, type Attachment } from 'botbuilder';
import type { Outbound } from '../../dialogs';
import { t, type Locale } from '../../dialogs';

export const CARD_CHANNELS: ReadonlySet<string> = new Set(['msteams', 'emulator', 'webchat', 'directline']);

/** What an Action.Submit button of ours carries back. Validated when it arrives (see cardSubmitSchema). */
export interface ChoiceSubmit {
  choice: string;
  q: string;
  title: string;
  prompt: string;
}

export function renderOutbound(outbound: Outbound, channelId: string): Partial<Activity> {
  if (!outbound.choice) return { type: ActivityTypes.Message, text: outbound.text };
  if (CARD_CHANNELS.has(channelId)) return { type: ActivityTypes.Message, text: '', attachments: [choiceCard(outbound)] };
  return { type: ActivityTypes.Message, text: numberedText(outbound) };
}

/** "text\n1. A\n2. B\n请回复数字选择。" — what WeChat and the console show. */
export function numberedText(outbound: Outbound): string {
  if (!outbound.choice) return outbound.text;
  const lines = outbound.choice.options.map((o, i) => `${i + 1}. ${o.label}`);
  return [outbound.text, ...lines, outbound.choice.hint].join('\n');
}

function choiceCard(outbound: Outbound): Attachment {
  const choice = outbound.choice!;
  const action = (o: { id: string; label: string }) => ({
    type: 'Action.Submit',
    title: o.label,
    data: { choice: o.id, q: choice.questionId, title: o.label, prompt: outbound.text.slice(0, 300) } satisfies ChoiceSubmit,
  });
  // Grouped options (approve / later / decline per extra-work line) sit under their line;
  // the rest (approve all) are the card's own buttons.
  const groups = [...new Set(choice.options.map((o) => o.group).filter((g): g is string => Boolean(g)))];
  const body: object[] = [{ type: 'TextBlock', text: outbound.text, wrap: true }];
  for (const group of groups) {
    body.push({
      type: 'Container',
      separator: true,
      items: [
        { type: 'TextBlock', text: group, wrap: true, weight: 'Bolder' },
        { type: 'ActionSet', actions: choice.options.filter((o) => o.group === group).map(action) },
      ],
    });
  }
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    body,
    actions: choice.options.filter((o) => !o.group).map(action),
  });
}

/** The card that replaces a decided card on Teams, so its buttons cannot be pressed twice. */
export function decidedCard(prompt: string, chosenTitle: string, locale: Locale): Attachment {
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
