/**
 * Text rendering of Bot Framework rich content for text-only channels (WeChat, the console).
 *
 * The bot's dialogs are written for Teams: they send Adaptive Cards whose buttons submit data,
 * hero cards and suggested actions. Channels that can only carry text get the same content as
 * lines plus a numbered list of the buttons; a later reply "1" is turned back into what pressing
 * button 1 would have delivered on Teams (`activity.value` = the button's data), so the dialogs
 * need no per-channel branches. Everything here is pure: no I/O, no botbuilder runtime.
 */
import type { Activity, Attachment, CardAction } from 'botbuilder';

/** One pressable button, numbered in the order it appears in the text. */
export interface TextAction {
  title: string;
  /** What Teams would deliver as `activity.value` when the button is pressed. */
  data: unknown;
  /** What Teams would deliver as `activity.text` (imBack / messageBack / string data). */
  text?: string;
  /** Action.Execute's verb, kept because Teams would deliver it alongside the data. */
  verb?: string;
}

export interface CardText {
  text: string;
  actions: TextAction[];
}

export interface RenderOptions {
  /** Number given to the first button; a second card in the same turn continues the numbering. */
  firstNumber?: number;
}

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
const HERO_CARD = 'application/vnd.microsoft.card.hero';
const THUMBNAIL_CARD = 'application/vnd.microsoft.card.thumbnail';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asString(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function isChinese(locale: string | undefined): boolean {
  return !locale || locale.toLowerCase().startsWith('zh');
}

/** Adaptive Card TextBlocks accept a markdown subset; WeChat shows the asterisks literally. */
export function plainMarkdown(text: string): string {
  return text
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, url: string) => (label === url ? url : `${label} (${url})`))
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,!?，。！？])/g, '$1$2')
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,!?，。！？])/g, '$1$2');
}

class Collector {
  readonly lines: string[] = [];
  readonly actions: TextAction[] = [];
  readonly links: string[] = [];

  line(text: string): void {
    const t = plainMarkdown(text).trim();
    if (t) this.lines.push(t);
  }
}

function collectElements(elements: unknown, out: Collector): void {
  if (!Array.isArray(elements)) return;
  for (const el of elements) collectElement(el, out);
}

function collectElement(el: unknown, out: Collector): void {
  if (!isObject(el) || el.isVisible === false) return;
  switch (el.type) {
    case 'TextBlock':
      out.line(asString(el.text));
      break;
    case 'RichTextBlock':
      if (Array.isArray(el.inlines)) {
        out.line(el.inlines.map((i) => (typeof i === 'string' ? i : isObject(i) ? asString(i.text) : '')).join(''));
      }
      break;
    case 'FactSet':
      if (Array.isArray(el.facts)) {
        for (const f of el.facts) {
          if (!isObject(f)) continue;
          const title = asString(f.title).trim();
          const value = asString(f.value).trim();
          out.line(title && value ? `${title.replace(/[:：]\s*$/, '')}: ${value}` : title || value);
        }
      }
      break;
    case 'Container':
      collectElements(el.items, out);
      break;
    case 'ColumnSet':
      if (Array.isArray(el.columns)) for (const c of el.columns) if (isObject(c)) collectElements(c.items, out);
      break;
    case 'Column':
      collectElements(el.items, out);
      break;
    case 'Table':
      // A row becomes one line, cells joined, which is how a person would read it aloud.
      if (Array.isArray(el.rows)) {
        for (const row of el.rows) {
          if (!isObject(row) || !Array.isArray(row.cells)) continue;
          const cells = row.cells.map((cell) => {
            const inner = new Collector();
            if (isObject(cell)) collectElements(cell.items, inner);
            return inner.lines.join(' ');
          });
          out.line(cells.filter(Boolean).join(' | '));
        }
      }
      break;
    case 'Image':
      if (typeof el.altText === 'string') out.line(`[${el.altText}]`);
      break;
    case 'ActionSet':
      collectAdaptiveActions(el.actions, out);
      break;
    default:
      // Inputs cannot be filled in over text: show their label so the text still reads sensibly.
      if (typeof el.type === 'string' && el.type.startsWith('Input.')) out.line(asString(el.label));
  }
}

function collectAdaptiveActions(actions: unknown, out: Collector): void {
  if (!Array.isArray(actions)) return;
  for (const a of actions) {
    if (!isObject(a) || a.isVisible === false) continue;
    const title = asString(a.title).trim();
    switch (a.type) {
      case 'Action.Submit':
        out.actions.push(submitAction(title, a.data));
        break;
      case 'Action.Execute': {
        const verb = typeof a.verb === 'string' ? a.verb : undefined;
        out.actions.push({ title: title || verb || '', data: a.data ?? (verb ? { verb } : {}), ...(verb ? { verb } : {}) });
        break;
      }
      case 'Action.OpenUrl':
        if (typeof a.url === 'string') out.links.push(title ? `${title}: ${a.url}` : a.url);
        break;
      case 'Action.ShowCard':
        // No way to expand a card in text, so its content is shown right away.
        if (isObject(a.card)) {
          if (title) out.line(title);
          collectElements(a.card.body, out);
          collectAdaptiveActions(a.card.actions, out);
        }
        break;
      default:
        break;
    }
  }
}

/** Mirrors what Teams delivers for Action.Submit, including its `msteams` imBack/messageBack forms. */
function submitAction(title: string, data: unknown): TextAction {
  if (typeof data === 'string') return { title, data: undefined, text: data };
  if (isObject(data) && isObject(data.msteams)) {
    const ms = data.msteams;
    if (ms.type === 'imBack') return { title, data: undefined, text: asString(ms.value) };
    if (ms.type === 'messageBack') return { title, data: ms.value, text: asString(ms.text) };
  }
  return { title, data: data ?? {} };
}

function collectCardActions(buttons: unknown, out: Collector): void {
  if (!Array.isArray(buttons)) return;
  for (const b of buttons) {
    if (!isObject(b)) continue;
    const action = b as unknown as CardAction;
    const title = (action.title ?? action.text ?? asString(action.value)).trim();
    switch (action.type) {
      case 'imBack':
        out.actions.push({ title, data: undefined, text: asString(action.value) || title });
        break;
      case 'postBack':
        out.actions.push(typeof action.value === 'string' ? { title, data: undefined, text: action.value } : { title, data: action.value });
        break;
      case 'messageBack':
        out.actions.push({ title, data: action.value, text: action.text ?? '' });
        break;
      case 'openUrl':
      case 'downloadFile':
      case 'showImage':
      case 'playAudio':
      case 'playVideo':
      case 'call':
        if (typeof action.value === 'string') out.links.push(title && title !== action.value ? `${title}: ${action.value}` : action.value);
        break;
      default:
        break;
    }
  }
}

/** How the numbered buttons are announced: one short line when they fit, else a list. */
export function formatActions(actions: TextAction[], locale?: string, firstNumber = 1): string {
  if (actions.length === 0) return '';
  const zh = isChinese(locale);
  const numbered = actions.map((a, i) => ({ n: firstNumber + i, title: a.title || (zh ? '选项' : 'option') }));
  const short = numbered.length <= 3 && numbered.every((a) => a.title.length <= 12 && !a.title.includes('\n'));
  if (short) {
    return zh
      ? `回复 ${numbered.map((a) => `${a.n} ${a.title}`).join(' / ')}`
      : `Reply ${numbered.map((a) => `${a.n} for ${a.title}`).join(' / ')}`;
  }
  const last = numbered[numbered.length - 1].n;
  const list = numbered.map((a) => `${a.n}. ${a.title}`).join('\n');
  return `${list}\n${zh ? `请回复序号（${firstNumber}–${last}）` : `Reply with a number (${firstNumber}–${last})`}`;
}

function finish(out: Collector, locale: string | undefined, firstNumber: number): CardText {
  const parts = [out.lines.join('\n'), out.links.join('\n'), formatActions(out.actions, locale, firstNumber)].filter(Boolean);
  return { text: parts.join('\n'), actions: out.actions };
}

function collectAdaptiveCard(card: unknown, out: Collector): void {
  if (!isObject(card)) return;
  collectElements(card.body, out);
  collectAdaptiveActions(card.actions, out);
}

function collectHeroCard(card: unknown, out: Collector): void {
  if (!isObject(card)) return;
  out.line(asString(card.title));
  out.line(asString(card.subtitle));
  out.line(asString(card.text));
  collectCardActions(card.buttons, out);
}

/** An Adaptive Card (the attachment's `content`) as text plus its numbered Submit/Execute buttons. */
export function cardToText(card: unknown, locale?: string, options: RenderOptions = {}): CardText {
  const out = new Collector();
  collectAdaptiveCard(card, out);
  return finish(out, locale, options.firstNumber ?? 1);
}

/** Hero and thumbnail cards, which ChoicePrompt's ListStyle.heroCard and many Teams bots send. */
export function heroCardToText(card: unknown, locale?: string, options: RenderOptions = {}): CardText {
  const out = new Collector();
  collectHeroCard(card, out);
  return finish(out, locale, options.firstNumber ?? 1);
}

function attachmentToCollector(att: Attachment, out: Collector): void {
  if (att.contentType === ADAPTIVE_CARD) {
    // Some senders serialise the card; Teams accepts both.
    collectAdaptiveCard(typeof att.content === 'string' ? safeParse(att.content) : att.content, out);
  } else if (att.contentType === HERO_CARD || att.contentType === THUMBNAIL_CARD) {
    collectHeroCard(att.content, out);
  } else if (att.contentUrl) {
    out.links.push(att.name ? `${att.name}: ${att.contentUrl}` : att.contentUrl);
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A whole outgoing message activity as text: its text, its attachments, then all buttons of
 * the attachments and suggested actions numbered together (one reply number space per message).
 */
export function activityToText(activity: Partial<Activity>, locale?: string, options: RenderOptions = {}): CardText {
  const out = new Collector();
  for (const att of activity.attachments ?? []) attachmentToCollector(att, out);
  collectCardActions(activity.suggestedActions?.actions, out);
  const firstNumber = options.firstNumber ?? 1;
  const body = [plainMarkdown(activity.text ?? '').trim(), out.lines.join('\n'), out.links.join('\n'), formatActions(out.actions, locale, firstNumber)];
  return { text: body.filter(Boolean).join('\n'), actions: out.actions };
}

/** 'en' when the letters are mostly ASCII, 'zh-CN' otherwise; null when there are no letters (a bare "1"). */
export function guessLocale(text: string): 'en' | 'zh-CN' | null {
  const ascii = (text.match(/[A-Za-z]/g) ?? []).length;
  const other = (text.match(/[^\s\p{P}\p{S}\p{N}A-Za-z]/gu) ?? []).length;
  if (ascii + other === 0) return null;
  return ascii / (ascii + other) >= 0.7 ? 'en' : 'zh-CN';
}

const CN_NUMBERS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/**
 * Which button (0-based index) a customer's reply names: its number ("1", "１", "一", "选1")
 * or its exact title. Anything else is ordinary text for the dialogs.
 */
export function matchActionReply(reply: string | undefined, actions: TextAction[]): number | null {
  if (!reply || actions.length === 0) return null;
  const n = reply
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .trim()
    .replace(/[。.!！,，;；]+$/u, '')
    .replace(/^(选|选择|回复|第|option|#)\s*/i, '')
    .replace(/\s*(个|项|号)$/u, '')
    .trim();
  const number = /^\d{1,2}$/.test(n) ? Number(n) : CN_NUMBERS[n];
  if (number !== undefined) return number >= 1 && number <= actions.length ? number - 1 : null;
  const lower = n.toLowerCase();
  const byTitle = actions.findIndex((a) => a.title.trim().toLowerCase() === lower);
  return byTitle >= 0 ? byTitle : null;
}

/** The inbound activity fields that pressing `action` would have produced on Teams. */
export function inboundForAction(action: TextAction): { text: string; value?: unknown } {
  return action.data === undefined ? { text: action.text ?? '' } : { text: action.text ?? '', value: action.data };
}

interface Pending {
  actions: TextAction[];
  /** Id of the message that carried each action, reported as `replyToId` like Teams does. */
  activityIds: (string | undefined)[];
  turn: number;
}

/**
 * Per-conversation memory of the buttons last shown, so a numbered reply can be mapped back.
 * The numbers shown belong to the bot's latest turn: buttons sent in one turn share one
 * number space; a turn whose replies carry no buttons retires the old numbers, so a later
 * "1" meant for a plain-text list cannot press a stale button.
 */
export class ActionMemory {
  private readonly pending = new Map<string, Pending>();

  /** Number the next button of `turn` in `conversationId` would get. */
  nextNumber(conversationId: string, turn: number): number {
    const p = this.pending.get(conversationId);
    return p && p.turn === turn ? p.actions.length + 1 : 1;
  }

  record(conversationId: string, turn: number, actions: TextAction[], activityId?: string): void {
    if (actions.length === 0) return;
    const p = this.pending.get(conversationId);
    if (p && p.turn === turn) {
      p.actions.push(...actions);
      p.activityIds.push(...actions.map(() => activityId));
    } else {
      this.pending.set(conversationId, { actions: [...actions], activityIds: actions.map(() => activityId), turn });
    }
  }

  /** Called after a turn that sent messages: if none of them had buttons, the old ones are gone. */
  endTurn(conversationId: string, turn: number, sentMessages: number): void {
    const p = this.pending.get(conversationId);
    if (p && sentMessages > 0 && p.turn !== turn) this.pending.delete(conversationId);
  }

  /** The inbound fields for a reply that presses a remembered button, or null for plain text. */
  resolve(conversationId: string, reply: string | undefined): { text: string; value?: unknown; replyToId?: string; action: TextAction } | null {
    const p = this.pending.get(conversationId);
    if (!p) return null;
    const index = matchActionReply(reply, p.actions);
    if (index === null) return null;
    const action = p.actions[index];
    return { ...inboundForAction(action), replyToId: p.activityIds[index], action };
  }

  clear(conversationId: string): void {
    this.pending.delete(conversationId);
  }
}
