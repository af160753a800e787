/**
 * Measures understandWhen on the public Microsoft Recognizers-Text DateTime specs
 * (tests/fixtures/datetime-specs, MIT, commit 90e968ea44dc).
 *
 * The booking subset — cases whose expected result is a single date, time or date-time:
 *  - Parser specs (DateParser.json, DateTimeParser.json, TimeParser.json): cases with exactly one Result whose
 *    Value.FutureResolution has a single `date`, `dateTime` or `time` entry. The expectation is that future
 *    resolution. "0001-01-01" (the specs' mark for an impossible date such as 2月30日 / Feb 30) means "no date":
 *    the case is exact when understandWhen returns null.
 *  - Model specs (DateTimeModel.json): cases with exactly one Result of TypeName datetimeV2.date,
 *    datetimeV2.time or datetimeV2.datetime. Its Resolution.values are grouped by timex: values sharing a timex
 *    are the past and the future reading of one expression (the future one is the later value); values with
 *    different timexes are alternative readings of an hour without am/pm ("8:00" → T08:00 and T20:00). The
 *    expectation is the future value of any one alternative. "not resolved" means "no date", as above.
 *  - A case is exact when our date equals the expected date (for date and date-time expectations) and our time
 *    equals the expected time to the minute (for time and date-time expectations; seconds are ignored because
 *    WantedTime has minute resolution). For a time-only expectation the date is not compared.
 *  - understandWhen runs with { now: ReferenceDateTime read as wall-clock time in UTC, timeZone: 'UTC' }. Cases
 *    without a ReferenceDateTime (English TimeParser.json and a few model cases) use 2016-11-07T00:00:00, the
 *    reference most specs use; only their times are compared or their expectation is "no date".
 *
 * Excluded (counted in `excludedPast`): cases whose every expected value lies before the reference time
 * ("yesterday", "last week", "2010/01/29", "今晨5点" said at 14:07). A booking is never in the past, so
 * understandWhen deliberately answers null there.
 *
 * Excluded too (counted in `excludedLunar`): lunar dates ("正月三十"). The specs write them as lunar month and
 * day in date notation ("2018-01-30" for 正月三十 of the next lunar year) and mark them `isLunar` in the model
 * spec; the parser specs carry no mark, so an input marked lunar in the model spec of the same language is
 * lunar in its parser specs too. understandWhen answers with the Gregorian day, which is not comparable.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Locale } from '../locale';
import { understandWhen, type WantedTime } from './index';

export interface SpecFailure {
  input: string;
  reference: string;
  expected: string;
  got: string;
  file: string;
}

export interface SpecEvaluation {
  lang: Locale;
  total: number;
  exact: number;
  share: number;
  excludedPast: number;
  excludedLunar: number;
  failures: SpecFailure[];
}

interface Expectation {
  kind: 'date' | 'time' | 'datetime' | 'none';
  date?: string;
  time?: string; // HH:mm
}

interface SubsetCase {
  file: string;
  input: string;
  reference: string;
  alternatives: Expectation[];
  /** the expectation is a lunar month and day, not a Gregorian date */
  lunar: boolean;
}

const DEFAULT_REFERENCE = '2016-11-07T00:00:00';
const SPEC_DIR = path.join(__dirname, '..', '..', 'tests', 'fixtures', 'datetime-specs');
const FOLDER: Record<Locale, string> = { zh: 'Chinese', en: 'English' };

interface SpecResult {
  Type?: string;
  TypeName?: string;
  Value?: { Timex?: string; FutureResolution?: Record<string, string> };
  Resolution?: { values?: { timex?: string; type?: string; value?: string; isLunar?: string }[] };
}
interface SpecCase {
  Input: string;
  Context?: { ReferenceDateTime?: string };
  Results?: SpecResult[];
}

function readSpec(file: string): SpecCase[] {
  const raw = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  return JSON.parse(raw) as SpecCase[];
}

function fromValue(kind: 'date' | 'time' | 'datetime', v: string): Expectation {
  if (v === 'not resolved' || v.startsWith('0001-01-01')) return { kind: 'none' };
  if (kind === 'date') return { kind, date: v.slice(0, 10) };
  if (kind === 'time') return { kind, time: v.slice(0, 5) };
  return { kind, date: v.slice(0, 10), time: v.slice(11, 16) };
}

function parserCases(file: string, cases: SpecCase[]): SubsetCase[] {
  const out: SubsetCase[] = [];
  for (const c of cases) {
    if (!c.Results || c.Results.length !== 1) continue;
    const fr = c.Results[0].Value?.FutureResolution;
    if (!fr) continue;
    const keys = Object.keys(fr);
    if (keys.length !== 1) continue;
    const kind = keys[0] === 'date' ? 'date' : keys[0] === 'time' ? 'time' : keys[0] === 'dateTime' ? 'datetime' : null;
    if (!kind) continue;
    out.push({ file, input: c.Input, reference: c.Context?.ReferenceDateTime ?? DEFAULT_REFERENCE, alternatives: [fromValue(kind, fr[keys[0]])], lunar: false });
  }
  return out;
}

const MODEL_TYPES: Record<string, 'date' | 'time' | 'datetime'> = {
  'datetimeV2.date': 'date',
  'datetimeV2.time': 'time',
  'datetimeV2.datetime': 'datetime',
};

function modelCases(file: string, cases: SpecCase[]): SubsetCase[] {
  const out: SubsetCase[] = [];
  for (const c of cases) {
    if (!c.Results || c.Results.length !== 1) continue;
    const kind = MODEL_TYPES[c.Results[0].TypeName ?? ''];
    const values = c.Results[0].Resolution?.values ?? [];
    if (!kind || values.length === 0) continue;
    const byTimex = new Map<string, string>();
    for (const v of values) {
      if (v.value === undefined) continue;
      byTimex.set(v.timex ?? '', v.value); // later values overwrite earlier: the future reading wins
    }
    if (byTimex.size === 0) continue;
    out.push({
      file,
      input: c.Input,
      reference: c.Context?.ReferenceDateTime ?? DEFAULT_REFERENCE,
      alternatives: [...byTimex.values()].map((v) => fromValue(kind, v)),
      lunar: values.some((v) => v.isLunar === 'True'),
    });
  }
  return out;
}

function loadSubset(lang: Locale, dir = SPEC_DIR): SubsetCase[] {
  const folder = path.join(dir, FOLDER[lang]);
  const model = path.join(folder, 'DateTimeModel.json');
  const fromModel = fs.existsSync(model) ? modelCases('DateTimeModel.json', readSpec(model)) : [];
  const lunarInputs = new Set(fromModel.filter((c) => c.lunar).map((c) => c.input));
  const out: SubsetCase[] = [];
  for (const name of ['DateParser.json', 'DateTimeParser.json', 'TimeParser.json']) {
    const file = path.join(folder, name);
    if (fs.existsSync(file)) out.push(...parserCases(name, readSpec(file)).map((c) => ({ ...c, lunar: lunarInputs.has(c.input) })));
  }
  out.push(...fromModel);
  return out;
}

/** Reference "2016-11-07T14:07:00" (or with fractional seconds) as wall-clock time in UTC. */
function referenceInstant(ref: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(ref);
  if (!m) throw new Error(`bad reference ${ref}`);
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

function isPast(e: Expectation, ref: string): boolean {
  if (e.kind === 'none' || e.kind === 'time') return false;
  const refDate = ref.slice(0, 10);
  if (e.kind === 'date') return e.date! < refDate;
  return `${e.date} ${e.time}` < `${refDate} ${ref.slice(11, 16)}`;
}

function matches(e: Expectation, got: WantedTime | null): boolean {
  if (e.kind === 'none') return got === null;
  if (!got) return false;
  if (e.kind === 'date') return got.date === e.date;
  if (e.kind === 'time') return got.time === e.time;
  return got.date === e.date && got.time === e.time;
}

function describe(e: Expectation): string {
  if (e.kind === 'none') return 'null (impossible date)';
  return [e.date, e.time].filter(Boolean).join(' ');
}

export function evaluateSpecs(lang: Locale, dir = SPEC_DIR): SpecEvaluation {
  const cases = loadSubset(lang, dir);
  let total = 0;
  let exact = 0;
  let excludedPast = 0;
  let excludedLunar = 0;
  const failures: SpecFailure[] = [];
  for (const c of cases) {
    if (c.lunar) {
      excludedLunar++;
      continue;
    }
    if (c.alternatives.every((e) => isPast(e, c.reference))) {
      excludedPast++;
      continue;
    }
    const alternatives = c.alternatives.filter((e) => !isPast(e, c.reference));
    total++;
    let got: WantedTime | null = null;
    let error: string | null = null;
    try {
      got = understandWhen(c.input, { now: referenceInstant(c.reference), timeZone: 'UTC' });
    } catch (e) {
      error = String(e);
    }
    if (!error && alternatives.some((e) => matches(e, got))) exact++;
    else
      failures.push({
        file: c.file,
        input: c.input,
        reference: c.reference,
        expected: alternatives.map(describe).join(' | '),
        got: error ?? JSON.stringify(got),
      });
  }
  return { lang, total, exact, share: total ? exact / total : 0, excludedPast, excludedLunar, failures };
}

export function failuresReport(r: SpecEvaluation): string {
  const lines = [
    `understandWhen on Recognizers-Text DateTime specs (${r.lang}), booking subset`,
    `total ${r.total}, exact ${r.exact}, share ${(r.share * 100).toFixed(1)}%, excluded (expected value in the past) ${r.excludedPast}, (lunar date) ${r.excludedLunar}`,
    `failures: ${r.failures.length}`,
    '',
  ];
  for (const f of r.failures) {
    lines.push(`${f.file}\tref ${f.reference}\t${JSON.stringify(f.input)}\n\texpected ${f.expected}\n\tgot      ${f.got}`);
  }
  return lines.join('\n') + '\n';
}
