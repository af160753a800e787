/**
 * Every sentence a customer or advisor reads, one catalogue per language (zh.ts, en.ts).
 * Services return facts; dialogs and the bot turn them into words here. Placeholders are
 * typed: `t('zh', 'book.done', { ref, when, plate, services })` fails to compile when a
 * variable is missing, and a test checks both catalogues have the same keys and placeholders.
 */
import type { Locale } from '../../services/locale';
import { zh } from './zh';
import { en } from './en';

export type { Locale } from '../../services/locale';
export type MessageKey = keyof typeof zh;

type Placeholders<S extends string> = S extends `${string}{${infer V}}${infer Rest}` ? V | Placeholders<Rest> : never;
type VarsOf<K extends MessageKey> = Placeholders<(typeof zh)[K]>;
/** Messages without placeholders, for tables of keys (menus, weekday names). */
export type PlainKey = { [K in MessageKey]: [VarsOf<K>] extends [never] ? K : never }[MessageKey];
/** The variables a message needs: none, or an object naming each placeholder. */
export type MessageVars<K extends MessageKey> = [VarsOf<K>] extends [never] ? [] : [Record<VarsOf<K>, string | number>];

const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { zh, en };

export function t<K extends MessageKey>(locale: Locale, key: K, ...vars: MessageVars<K>): string {
  const template = CATALOGUES[locale][key];
  const values = (vars[0] ?? {}) as Record<string, string | number>;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export function isMessageKey(key: string): key is MessageKey {
  return key in zh;
}

/** The placeholders of a catalogue entry, for the test that keeps both languages in step. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

export const catalogues = CATALOGUES;
