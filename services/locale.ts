/**
 * The languages the bot answers in. One type for every layer: services format dates and
 * money for a Locale, dialogs pick sentences from the catalogue of that Locale.
 */
export type Locale = 'zh' | 'en';

export const LOCALES: readonly Locale[] = ['zh', 'en'];

export function isLocale(value: unknown): value is Locale {
  return value === 'zh' || value === 'en';
}

/** A stored or channel-reported language tag ("en-US", "zh-CN", "zh") as a Locale; null when neither. */
export function localeFromTag(tag: string | null | undefined): Locale | null {
  const t = (tag ?? '').trim().toLowerCase();
  if (t.startsWith('en')) return 'en';
  if (t.startsWith('zh')) return 'zh';
  return null;
}
