import { z } from 'zod';

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
export const mobileSchema = z.string().regex(/^1[3-9]\d{9}$/);

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
export function parseMileage(input: string): ParseResult<number> {
  const text = toHalfWidth(input).replace(/[,，\s]/g, '').toLowerCase();
  const match = /^(?:约|大概|大约|about|around)?(\d+(?:\.\d+)?)(万)?(公里|千米|km|kms|kilometers|kilometres)?$/.exec(text);
  if (!match) return fail('mileage.format');
  const km = Math.round(Number(match[1]) * (match[2] ? 10_000 : 1));
  if (!Number.isFinite(km) || km < 0 || km > 2_000_000) return fail('mileage.range');
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
  if (/\d/.test(name) || /[<>{}\\/@#$%^*=|]/.test(name)) return fail('name.characters');
  return ok(name);
}
