/**
 * Identifiers a customer quotes: mobile number and booking reference. (Plates are read by
 * services/registration.ts findPlate.)
 */
import { withoutPlates } from '../registration';

// 138 1234 5678, 138-1234-5678, +86 13812345678; never inside a longer digit run.
const MOBILE = /(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)/;

export function findMobile(text: string): string | null {
  const m = MOBILE.exec(text);
  return m ? m[1] + m[2] + m[3] : null;
}

/**
 * The bot prints a booking reference as the last six characters of the booking id, upper case
 * ("HUAFGT", "K3X9PQ"). One is taken:
 * - next to words that name it (预约号, 编号, reference, ref, booking number, confirmation code): any
 *   six letters or digits;
 * - after 预约 / booking / appointment / 订单: six letters typed in capitals, or six characters mixing
 *   letters and digits ("我的预约 HUAFGT", "cancel booking x8y2z1");
 * - anywhere: six characters mixing letters and digits that are not a quantity ("5000km",
 *   "1230pm", "180rmb").
 * Six lower-case letters alone are English words far more often than references ("please").
 */
const NAMED_REF =
  /(?:预约号|预约编号|预约码|订单号|单号|编号|参考号|确认码|booking\s*(?:number|no\.?|ref(?:erence)?|code|id)|confirmation\s*(?:number|no\.?|code)|reference(?:\s*(?:number|no\.?|code))?|(?<![a-z])ref(?:\s*(?:number|no\.?))?)(?:\s*(?:码|号码))?\s*(?:是|为|:|：|#|is|=)?\s*([A-Za-z0-9]{6})(?![A-Za-z0-9])/i;
// "HUAFGT 预约号", "HUAFGT是我的预约号"
const REF_BEFORE_NAME = /(?<![A-Za-z0-9])([A-Za-z0-9]{6})\s*(?:是|is)?\s*(?:我的|my)?\s*(?:预约号|预约编号|预约码|booking (?:number|ref(?:erence)?)|reference)/i;
const BOOKING_WORD_REF = /(?:预约|订单|booking|appointment)\s*(?:是|为|:|：|#|is|=)?\s*([A-Za-z0-9]{6})(?![A-Za-z0-9])/i;
const MIXED_TOKEN = /(?<![A-Za-z0-9])(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{6}(?![A-Za-z0-9])/g;
const QUANTITY = /^\d+[a-z]+$/i;
const MIXED = /^(?=.*\d)(?=.*[A-Za-z])/;
const CAPITALS = /^[A-Z]{6}$/;

export function findBookingRef(text: string): string | null {
  const rest = withoutPlates(text);
  const named = NAMED_REF.exec(rest);
  if (named) return named[1].toUpperCase();
  const before = REF_BEFORE_NAME.exec(rest);
  if (before) return before[1].toUpperCase();
  const afterBooking = BOOKING_WORD_REF.exec(rest);
  if (afterBooking && (CAPITALS.test(afterBooking[1]) || (MIXED.test(afterBooking[1]) && !QUANTITY.test(afterBooking[1])))) {
    return afterBooking[1].toUpperCase();
  }
  for (const [token] of rest.matchAll(MIXED_TOKEN)) {
    if (!QUANTITY.test(token)) return token.toUpperCase();
  }
  return null;
}
