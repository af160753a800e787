import type { Prisma } from './db/client';

type ServiceCatalogItem = Prisma.ServiceCatalogItemModel;

/**
 * Recognises the services a customer names in free text ("保养和四轮定位",
 * "oil chnage and tire rotation"). Pure and synchronous over a preloaded catalogue:
 * it runs on every message, so no query and no regex built per call.
 *
 * Chinese has no spaces, so Chinese names are found as substrings of the text with its
 * whitespace removed. English names are matched on word boundaries ("ac" must not
 * match inside "replace"), tolerating plurals, joined or split words and small typos.
 * Where names overlap, the longest match wins ("后刹车片" beats "刹车片", "空调滤芯"
 * beats "空调"); several services in one sentence are all returned, in text order.
 */

export type CatalogueEntry = Pick<ServiceCatalogItem, 'id' | 'code' | 'nameZh' | 'nameEn' | 'aliases'> & Partial<ServiceCatalogItem>;

interface Term<T> {
  item: T;
  lang: 'zh' | 'en';
  /** zh: the name without whitespace; en: normalised words joined without spaces. */
  key: string;
  /** en only: number of words, to bound the spans compared against it. */
  words: number;
}

interface Compiled<T> {
  zh: Term<T>[];
  en: Term<T>[];
}

interface Match<T> {
  item: T;
  start: number;
  end: number;
  exact: boolean;
  lang: 'zh' | 'en';
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const WORD = /[a-z0-9]+(?:['/&.-][a-z0-9]+)*/g;

function normalise(text: string): string {
  // NFKC folds full-width letters and digits (ＯＩＬ, ４) that Chinese keyboards produce.
  return text.normalize('NFKC').toLowerCase();
}

/** One English word as compared: punctuation inside dropped (a/c → ac), plural -s off. */
function wordKey(word: string): string {
  const w = word.replace(/['/&.-]/g, '');
  return w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w;
}

function englishWords(text: string): Array<{ key: string; start: number; end: number }> {
  const out: Array<{ key: string; start: number; end: number }> = [];
  for (const m of text.matchAll(WORD)) out.push({ key: wordKey(m[0]), start: m.index!, end: m.index! + m[0].length });
  return out;
}

/** Typos tolerated for a name of this many letters: none for short words, where one edit changes the word. */
function allowedEdits(length: number): number {
  return length >= 9 ? 2 : length >= 5 ? 1 : 0;
}

// Three reused rows: the distance runs thousands of times per message.
let rowA = new Int32Array(64);
let rowB = new Int32Array(64);
let rowC = new Int32Array(64);

/** Optimal string alignment distance (Levenshtein plus adjacent transposition: "chnage"). */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (rowA.length <= b.length) {
    rowA = new Int32Array(b.length + 1);
    rowB = new Int32Array(b.length + 1);
    rowC = new Int32Array(b.length + 1);
  }
  // rowA: i-2, rowB: i-1, rowC: i.
  for (let j = 0; j <= b.length; j++) rowB[j] = j;
  for (let i = 1; i <= a.length; i++) {
    rowC[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(rowB[j] + 1, rowC[j - 1] + 1, rowB[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) d = Math.min(d, rowA[j - 2] + 1);
      rowC[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return limit + 1;
    const t = rowA;
    rowA = rowB;
    rowB = rowC;
    rowC = t;
  }
  return rowB[b.length];
}

const compiledCache = new WeakMap<readonly object[], Compiled<object>>();

function compile<T extends CatalogueEntry>(catalogue: readonly T[]): Compiled<T> {
  const cached = compiledCache.get(catalogue);
  if (cached) return cached as unknown as Compiled<T>;
  const zh: Term<T>[] = [];
  const en: Term<T>[] = [];
  const seen = new Set<string>();
  for (const item of catalogue) {
    if (item.active === false) continue;
    for (const name of [item.nameZh, item.nameEn, ...item.aliases]) {
      const text = normalise(name).trim();
      if (!text) continue;
      if (CJK.test(text)) {
        const key = text.replace(/\s+/g, '');
        if (!seen.has(`zh:${item.id}:${key}`)) zh.push({ item, lang: 'zh', key, words: 0 });
        seen.add(`zh:${item.id}:${key}`);
      } else {
        const words = englishWords(text);
        const key = words.map((w) => w.key).join('');
        if (key && !seen.has(`en:${item.id}:${key}`)) en.push({ item, lang: 'en', key, words: words.length });
        seen.add(`en:${item.id}:${key}`);
      }
    }
  }
  const compiled = { zh, en };
  compiledCache.set(catalogue, compiled as unknown as Compiled<object>);
  return compiled;
}

function chineseMatches<T>(text: string, terms: Term<T>[]): Match<T>[] {
  // Remove whitespace but remember where each kept character was, to report spans in `text`.
  const positions: number[] = [];
  let compact = '';
  for (let i = 0; i < text.length; i++) {
    if (/\s/.test(text[i])) continue;
    positions.push(i);
    compact += text[i];
  }
  const out: Match<T>[] = [];
  for (const term of terms) {
    for (let at = compact.indexOf(term.key); at !== -1; at = compact.indexOf(term.key, at + 1)) {
      out.push({ item: term.item, start: positions[at], end: positions[at + term.key.length - 1] + 1, exact: true, lang: 'zh' });
    }
  }
  return out;
}

const STOP_WORDS = new Set(['a', 'an', 'the', 'my', 'for', 'and', 'to', 'of', 'on', 'in', 'at', 'is', 'it', 'do', 'get', 'me', 'i', 'you', 'we', 'your', 'our', 'can', 'will']);
/** Real words one letter away from a service name: "my car broke down" is not about brakes. */
const NEVER_FUZZY = new Set(['broke', 'broken', 'brave', 'bake', 'tired', 'tried', 'spare', 'coolest']);

function englishMatches<T>(text: string, terms: Term<T>[]): Match<T>[] {
  const words = englishWords(text);
  const out: Match<T>[] = [];
  for (const term of terms) {
    const edits = allowedEdits(term.key.length);
    // The customer may split or join words ("oilchange", "air con"): compare spans of
    // one word fewer or more than the name has, on the words' letters alone.
    const minSpan = Math.max(1, term.words - 1);
    const maxSpan = term.words + 1;
    for (let i = 0; i < words.length; i++) {
      // "book a servise" is not "ac service": a fuzzy span never starts on a little word
      const startsOnStopWord = STOP_WORDS.has(words[i].key) || NEVER_FUZZY.has(words[i].key);
      let joined = '';
      for (let span = 1; span <= maxSpan && i + span <= words.length; span++) {
        joined += words[i + span - 1].key;
        if (span < minSpan) continue;
        if (joined.length > term.key.length + edits) break;
        if (joined.length < term.key.length - edits) continue;
        const distance = joined === term.key ? 0 : edits > 0 && !startsOnStopWord ? editDistance(joined, term.key, edits) : edits + 1;
        if (distance <= edits) {
          out.push({ item: term.item, start: words[i].start, end: words[i + span - 1].end, exact: distance === 0, lang: 'en' });
        }
      }
    }
  }
  return out;
}

/** Where a catalogue service is named in a text: [start, end) in the NFKC-normalised text. */
export interface ServiceSpan<T> {
  item: T;
  start: number;
  end: number;
  exact: boolean;
}

/**
 * Every non-overlapping naming of a catalogue service in `text`, in text order (the same
 * item may appear twice). For recognisers that need to know where and how a service was
 * named ("顺便看看轮胎" is a passing mention, "换轮胎" a request).
 */
export function findServiceSpans<T extends CatalogueEntry>(catalogue: readonly T[], text: string, locale: 'zh' | 'en' = 'zh'): ServiceSpan<T>[] {
  return spansInCatalogue(catalogue, normalise(text), locale).map(({ item, start, end, exact }) => ({ item, start, end, exact }));
}

function matchInCatalogue<T extends CatalogueEntry>(catalogue: readonly T[], text: string, locale: 'zh' | 'en'): T[] {
  const result: T[] = [];
  for (const t of spansInCatalogue(catalogue, normalise(text), locale)) if (!result.includes(t.item)) result.push(t.item);
  return result;
}

function spansInCatalogue<T extends CatalogueEntry>(catalogue: readonly T[], normalised: string, locale: 'zh' | 'en'): Match<T>[] {
  if (!normalised.trim()) return [];
  const compiled = compile(catalogue);
  const candidates = [...chineseMatches(normalised, compiled.zh), ...englishMatches(normalised, compiled.en)];
  // An exact name beats a fuzzy one it overlaps ("book a service" is not "ac service"),
  // then the longer match wins ("brake fluid" over "brake").
  candidates.sort(
    (a, b) =>
      Number(b.exact) - Number(a.exact) ||
      b.end - b.start - (a.end - a.start) ||
      Number(b.lang === locale) - Number(a.lang === locale) ||
      a.start - b.start,
  );
  const taken: Match<T>[] = [];
  for (const c of candidates) {
    if (taken.some((t) => c.start < t.end && t.start < c.end)) continue;
    taken.push(c);
  }
  taken.sort((a, b) => a.start - b.start);
  return taken;
}

/**
 * Services named in `text`, in the order they appear, each once, over a preloaded catalogue
 * (the shop snapshot's, which is the one cache of it). `locale` only breaks ties between
 * equally long names in both languages, in favour of the customer's own: customers mix
 * languages, so both are always matched.
 */
export function matchServices<T extends CatalogueEntry>(catalogue: readonly T[], text: string, locale: 'zh' | 'en' = 'zh'): T[] {
  return matchInCatalogue(catalogue, text, locale);
}
