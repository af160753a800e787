/**
 * Runs intent test cases (tests/fixtures/understanding-case.ts) through `understand()` and
 * scores them: used by tests/understanding.test.ts and scripts/eval-understanding.ts.
 */
import { understand, type CustomerRequest } from '../../services/understanding';
import { demoUnderstandingContext } from '../../services/understanding/demo-context';
import type { Locale } from '../../services/locale';
import { DEFAULT_NOW, DEFAULT_TZ, type UnderstandingCase } from '../fixtures/understanding-case';

const CHINESE = /[\u3400-\u9fff]/;
const LATIN = /[A-Za-z]/g;

/** The documented rule in its simplest form; cases that differ state their locale. */
export function expectedLocale(c: UnderstandingCase): Locale {
  if (c.locale) return c.locale;
  if (CHINESE.test(c.text)) return 'zh';
  if ((c.text.match(LATIN)?.length ?? 0) >= 4) return 'en';
  return c.fallbackLocale ?? 'zh';
}

export interface CaseResult {
  case: UnderstandingCase;
  got: CustomerRequest;
  /** One line per field that differs ("intent: expected price, got book"). */
  problems: string[];
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function runCase(c: UnderstandingCase): CaseResult {
  const context = demoUnderstandingContext(new Date(c.now ?? DEFAULT_NOW), DEFAULT_TZ, {
    fallbackLocale: c.fallbackLocale,
    previousIntent: c.previousIntent,
  });
  const got = understand(c.text, context);
  const problems: string[] = [];
  const check = (field: string, expected: unknown, actual: unknown) => {
    if (!same(expected, actual)) problems.push(`${field}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  };
  check('intent', c.intent, got.intent);
  check('locale', expectedLocale(c), got.locale);
  if (c.localeSwitch !== undefined) check('localeSwitch', c.localeSwitch, got.localeSwitch);
  if (c.services !== undefined) check('services', c.services, got.services.map((s) => s.code));
  for (const code of c.firm ?? []) check(`firm ${code}`, 'firm', got.services.find((s) => s.code === code)?.certainty ?? 'absent');
  for (const code of c.tentative ?? []) check(`tentative ${code}`, 'tentative', got.services.find((s) => s.code === code)?.certainty ?? 'absent');
  if (c.plate !== undefined) check('plate', c.plate, got.plate);
  if (c.when !== undefined) {
    if (c.when === null || got.when === null) check('when', c.when, got.when);
    else {
      const picked: Record<string, unknown> = {};
      for (const key of Object.keys(c.when)) picked[key] = got.when[key as keyof typeof got.when];
      check('when', c.when, picked);
    }
  }
  if (c.pastDate !== undefined) check('pastDate', c.pastDate, got.pastDate);
  if (c.bookingRef !== undefined) check('bookingRef', c.bookingRef, got.bookingRef);
  if (c.mobile !== undefined) check('mobile', c.mobile, got.mobile);
  if (c.mileageKm !== undefined) check('mileageKm', c.mileageKm, got.mileageKm);
  if (c.score !== undefined) check('score', c.score, got.score);
  if (c.symptom !== undefined) check('symptom', c.symptom, got.symptom);
  if (c.complaint !== undefined) {
    const severity = got.complaint === null ? null : got.complaint.severe ? 'severe' : 'normal';
    check('complaint', c.complaint, severity);
  }
  return { case: c, got, problems };
}

export interface Score {
  total: number;
  passed: number;
}

export interface Evaluation {
  results: CaseResult[];
  overall: Score;
  byLocale: Map<string, Score>;
  byIntent: Map<string, Score>;
}

function add(map: Map<string, Score>, key: string, pass: boolean): void {
  const s = map.get(key) ?? { total: 0, passed: 0 };
  s.total++;
  if (pass) s.passed++;
  map.set(key, s);
}

export function evaluate(cases: readonly UnderstandingCase[]): Evaluation {
  const results = cases.map(runCase);
  const byLocale = new Map<string, Score>();
  const byIntent = new Map<string, Score>();
  let passed = 0;
  for (const r of results) {
    const pass = r.problems.length === 0;
    if (pass) passed++;
    add(byLocale, expectedLocale(r.case), pass);
    add(byIntent, r.case.intent, pass);
  }
  return { results, overall: { total: results.length, passed }, byLocale, byIntent };
}

export function share(s: Score): string {
  return `${s.passed}/${s.total} (${((100 * s.passed) / Math.max(1, s.total)).toFixed(1)} %)`;
}

export function failureLines(results: readonly CaseResult[]): string[] {
  return results
    .filter((r) => r.problems.length)
    .map((r) => `${JSON.stringify(r.case.text)} [rule ${r.got.rule}]\n    ${r.problems.join('\n    ')}`);
}
