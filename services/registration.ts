import { parseChineseNumber } from './understanding/numbers';

/**
 * What a customer types when registering (建档), normalised and validated. Each parser
 * returns the clean value or a reason code the dialog turns into a specific re-prompt.
 */

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = <T>(reason: string): ParseResult<T> => ({ ok: false, reason });

/** Full-width digits and letters (common from Chinese IMEs) to ASCII. */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

// ───── mobile ─────
export function parseMobile(input: string): ParseResult<string> {
  const digits = toHalfWidth(input).replace(/[\s\-()（）]/g, '').replace(/^(\+?86)/, '');
  const match = /1[3-9]\d{9}/.exec(digits);
  if (!match) {
    if (/\d{3,}/.test(digits)) return fail('mobile.format');
    return fail('mobile.missing');
  }
  if (/\d/.test(digits.slice(0, match.index)) || /\d/.test(digits.slice(match.index + 11))) return fail('mobile.format');
  return ok(match[0]);
}

/** 138****5678: logs and advisor pushes never carry the full number. */
export function maskMobile(mobile: string): string {
  return mobile.length === 11 ? `${mobile.slice(0, 3)}****${mobile.slice(7)}` : '***';
}

// ───── plate ─────
const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领';
const L = 'A-HJ-NP-Z'; // plates use no I or O
const PLATE_PATTERNS = [
  // Ordinary: 沪A12345, 粤B1234学
  new RegExp(`^[${PROVINCES}][${L}][${L}0-9]{4}[${L}0-9挂学警港澳]$`),
  // New-energy small cars: 粤BD12345 / 沪AF1A234 (D electric, F hybrid in the third place)
  new RegExp(`^[${PROVINCES}][${L}][DF][${L}0-9][0-9]{4}$`),
  // New-energy large vehicles: 沪A12345D
  new RegExp(`^[${PROVINCES}][${L}][0-9]{5}[DF]$`),
];
const PLATE_IN_TEXT = new RegExp(`[${PROVINCES}]\\s*[A-Za-z][\\s·•\\-]?[A-Za-z0-9]{4,6}[挂学警港澳]?`, 'g');

export function normalisePlate(input: string): string {
  return toHalfWidth(input).replace(/[\s·•\-.]/g, '').toUpperCase();
}

export function isValidPlate(plate: string): boolean {
  return PLATE_PATTERNS.some((p) => p.test(plate));
}

export function parsePlate(input: string): ParseResult<string> {
  const text = toHalfWidth(input);
  const candidates = [...text.matchAll(PLATE_IN_TEXT)].map((m) => normalisePlate(m[0]));
  const valid = candidates.find(isValidPlate);
  if (valid) return ok(valid);
  if (candidates.length) return fail('plate.format');
  const bare = normalisePlate(text);
  if (/^[A-Z][A-Z0-9]{4,6}$/.test(bare)) return fail('plate.province');
  return fail('plate.missing');
}

/** The text with plates taken out: a plate's province character is not Chinese prose. */
export function withoutPlates(text: string): string {
  return toHalfWidth(text).replace(PLATE_IN_TEXT, ' ');
}

/** Finds a plate inside a longer sentence ("明天给沪A12345做保养"). */
export function findPlate(text: string): string | null {
  const result = parsePlate(text);
  return result.ok ? result.value : null;
}

// ───── VIN ─────
const VIN_VALUES: Record<string, number> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
  S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
};
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/** ISO 3779 / GB 16735 check digit (position 9). */
export function vinCheckDigit(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = vin[i];
    const value = /\d/.test(c) ? Number(c) : VIN_VALUES[c];
    sum += value * VIN_WEIGHTS[i];
  }
  const r = sum % 11;
  return r === 10 ? 'X' : String(r);
}

export function parseVin(input: string): ParseResult<string> {
  const vin = toHalfWidth(input).replace(/[\s\-]/g, '').toUpperCase();
  if (vin.length !== 17) return fail('vin.length');
  if (/[IOQ]/.test(vin)) return fail('vin.letters');
  if (!/^[A-HJ-NPR-Z0-9]{17}$/.test(vin)) return fail('vin.characters');
  if (vinCheckDigit(vin) !== vin[8]) return fail('vin.checkDigit');
  return ok(vin);
}

// ───── mileage ─────
// What may stand around the number: "大概两万公里", "about 20,000 km", "3万多", "5万左右".
const MILEAGE_BEFORE = /^(?:约|大约|大概|差不多|将近|接近|快|不到|已经|跑了|开了|行驶了?|表显|里程(?:数)?(?:是|为|有)?[:：]?|about|around|approx(?:imately)?\.?|roughly|nearly|almost|over|~)+/;
const MILEAGE_AFTER = /(?:多|左右|上下|出头|了|吧|啦|的样子|ish|\+)+$/;
// number · multiplier (万 / w / k) · a digit after 万 ("2万5") · unit
const MILEAGE_SHAPE = /^([\d.零〇一二两俩三四五六七八九十百千万]+?)(w|k)?(多)?(公里|千米|km|kms|kilometers?|kilometres?|miles?|mi)?$/;
const KM_PER_MILE = 1.609344;

/**
 * The mileage a customer answers with, in km: "12000", "两万", "大概两万公里", "三万五" (35,000),
 * "2万5", "1.2w", "20k km", "about 20,000 km", "3.2万", "20000 miles" (converted). A bare number
 * below 100 without a unit ("1", "50") is refused as 'mileage.small': it is far more often a menu
 * choice or a slip than a car that has run 50 km, so the dialog asks again.
 */
export function parseMileage(input: string): ParseResult<number> {
  const text = toHalfWidth(input).replace(/[,，\s]/g, '').toLowerCase().replace(MILEAGE_BEFORE, '').replace(MILEAGE_AFTER, '');
  const match = MILEAGE_SHAPE.exec(text);
  if (!match) return fail('mileage.format');
  const [, number, multiplier, , unit] = match;
  const value = parseChineseNumber(number);
  if (value === null) return fail('mileage.format');
  const scaled = value * (multiplier === 'w' ? 10_000 : multiplier === 'k' ? 1000 : 1);
  const km = Math.round(unit && unit.startsWith('mi') ? scaled * KM_PER_MILE : scaled);
  if (!Number.isFinite(km) || km < 0 || km > 2_000_000) return fail('mileage.range');
  const saidPlainly = !unit && !multiplier && /^\d+(?:\.\d+)?$/.test(number);
  if (saidPlainly && km < 100) return fail('mileage.small');
  return ok(km);
}

// ───── name ─────
export function parseName(input: string): ParseResult<string> {
  const name = toHalfWidth(input)
    .trim()
    .replace(/^(我叫|我是|我姓|名字是|姓名[:：]?|my name is|i am|i'm|this is)\s*/i, '')
    .replace(/[。.!！]+$/, '')
    .trim();
  if (name.length === 0) return fail('name.missing');
  if (name.length > 40) return fail('name.long');
  // A question mark: the customer asked something ("多少钱？") rather than gave a name.
  if (/\d/.test(name) || /[<>{}\\/@#$%^*=|?？]/.test(name)) return fail('name.characters');
  return ok(name);
}
