/**
 * Free answers a question can take, read from the message as the recogniser understood it
 * (the request) or, for the registration fields, by the domain parser of that field. A
 * failed read carries the catalogue key of the specific re-prompt.
 */
import type { CustomerRequest, ServiceMention } from '../../services/understanding/types';
import type { WantedTime } from '../../services/time';
import { parseMileage, parseMobile, parseName, parsePlate, parseVin } from '../../services/registration';
import { offScale, readRating } from '../../services/understanding/rating';
import type { PlainKey } from '../i18n';

export type FieldKind = 'service' | 'when' | 'plate' | 'mobile' | 'name' | 'vin' | 'mileage' | 'text' | 'code' | 'score5' | 'score10';

export interface FieldValues {
  service: ServiceMention[];
  when: WantedTime;
  plate: string;
  mobile: string;
  name: string;
  vin: string;
  mileage: number;
  text: string;
  code: string;
  /** A satisfaction rating 1–5. */
  score5: number;
  /** Likelihood to recommend 0–10. */
  score10: number;
}

export type FieldRead<K extends FieldKind = FieldKind> = { ok: true; value: FieldValues[K] } | { ok: false; reason: PlainKey };

/** "跳过 / skip / 没有": an optional question's answer meaning "not given". */
export const SKIP_WORDS: readonly string[] = ['跳过', '不填', '没有', '无', '不知道', '不清楚', '略过', 'skip', 'none', 'no', 'n/a', 'na', "don't know", 'dont know', 'not sure', '-'];

export function isSkip(text: string): boolean {
  return SKIP_WORDS.includes(bare(text));
}

/** The reply without surrounding space, final punctuation and case. */
export function bare(text: string): string {
  return text
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[。.!！~～?？,，]+$/u, '')
    .trim();
}

export function readField<K extends FieldKind>(field: K, request: CustomerRequest): FieldRead<K>;
export function readField(field: FieldKind, request: CustomerRequest): FieldRead {
  const text = request.text;
  switch (field) {
    case 'service':
      return request.services.length ? { ok: true, value: request.services } : { ok: false, reason: 'service.unknown' };
    case 'when':
      if (request.when) return { ok: true, value: request.when };
      return { ok: false, reason: request.pastDate ? 'book.pastDate' : 'book.whenUnknown' };
    case 'plate': {
      if (request.plate) return { ok: true, value: request.plate };
      const parsed = parsePlate(text);
      return parsed.ok ? parsed : { ok: false, reason: parsed.reason as PlainKey };
    }
    case 'mobile': {
      if (request.mobile) return { ok: true, value: request.mobile };
      const parsed = parseMobile(text);
      return parsed.ok ? parsed : { ok: false, reason: parsed.reason as PlainKey };
    }
    case 'name': {
      const parsed = parseName(text);
      return parsed.ok ? parsed : { ok: false, reason: parsed.reason as PlainKey };
    }
    case 'vin': {
      const parsed = parseVin(text);
      return parsed.ok ? parsed : { ok: false, reason: parsed.reason as PlainKey };
    }
    case 'mileage': {
      if (request.mileageKm !== null) return { ok: true, value: request.mileageKm };
      const parsed = parseMileage(text);
      return parsed.ok ? parsed : { ok: false, reason: parsed.reason as PlainKey };
    }
    case 'code': {
      const m = /^\s*(\d{6})\s*$/.exec(text.normalize('NFKC'));
      return m ? { ok: true, value: m[1] } : { ok: false, reason: 'verify.codeFormat' };
    }
    case 'score5':
    case 'score10': {
      const scale = field === 'score5' ? { min: 1, max: 5 } : { min: 0, max: 10 };
      const score = readRating(text, scale);
      if (score !== null) return { ok: true, value: score };
      return { ok: false, reason: offScale(text, scale) ? (field === 'score5' ? 'survey.offScale5' : 'survey.offScale10') : field === 'score5' ? 'survey.needScore5' : 'survey.needScore10' };
    }
    case 'text': {
      const value = text.trim().slice(0, 500);
      return value ? { ok: true, value } : { ok: false, reason: 'notUnderstood' };
    }
  }
}
