/**
 * Recognise once: one customer message → one typed CustomerRequest (intent plus everything it
 * carries), for the dialog that serves it.
 *
 * Pure and synchronous, no I/O: it runs on every message. Rules, not a model — every table is
 * compiled once at load and lives in the file of its concern:
 *   text.ts        the forms of the message the rules read (typos and shorthand: spelling.ts)
 *   locale.ts      which language, and a request for one
 *   services.ts    catalogue services named, firm or tentative
 *   symptoms.ts    a fault described
 *   complaint.ts   a complaint and how severe
 *   identifiers.ts mobile number, booking reference
 *   quantities.ts  mileage, score (numbers.ts: Chinese numerals)
 *   when.ts        the wanted time (services/when with the shop's hours), a past day named
 *   intents.ts     the intent, first matching rule in a readable table
 */
import { findPlate } from '../registration';
import { findComplaint } from './complaint';
import { findBookingRef, findMobile } from './identifiers';
import { decideIntent, smallTalk, type Facts } from './intents';
import { detectLocale, requestedLocale } from './locale';
import { findMileage, findScore, withoutMileage } from './quantities';
import { findServices } from './services';
import { findSymptom } from './symptoms';
import { prepareText } from './text';
import type { ComplaintSignal, CustomerRequest, UnderstandingContext } from './types';
import { namesPastDay, newTime, wantedTime } from './when';

export type { CustomerRequest, ComplaintSignal, Intent, OpeningWindow, ServiceMention, UnderstandingContext } from './types';
export { INTENTS } from './types';
export { detectLocale, type LocaleDetection } from './locale';
export { INTENT_RULES } from './intents';
/** The complaint signal of a text on its own (a survey comment read by a job), without the rest of understand(). */
export function complaintIn(text: string): ComplaintSignal | null {
  const t = prepareText(text.replace(INVISIBLE, '').trim());
  return findComplaint(t.chinese, t.english, findSymptom(t.chinese, t.english).found);
}

export { inspectionItem } from './services';
export { parseChineseNumber } from './numbers';

const ENGLISH_DATE_WORD = /\b(?:today|tonight|tomorrow|morning|afternoon|evening|noon|monday|tuesday|wednesday|thursday|friday|saturday|sunday|next|week|weekend|month|am|pm|\d{1,2}(?::\d{2})?\s*(?:am|pm))\b/;
const CHINESE_RUN = /[\u3400-\u9fff\uf900-\ufaff]+/g;
const SLASH_SCORE_ONLY = /^\d{1,2}(?:\.\d)?\s*\/\s*(?:5|10|100)[\s.!?]*$/;

// Control and zero-width characters (pasted or from voice input) carry nothing.
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b\u200c\u200e\u200f\u2060\ufeff]/g;

export function understand(text: string, context: UnderstandingContext): CustomerRequest {
  const clean = (typeof text === 'string' ? text : '').replace(INVISIBLE, '').trim();
  const t = prepareText(clean);
  const language = detectLocale(t.normal, context.fallbackLocale);
  const symptom = findSymptom(t.chinese, t.english);
  const dateText = withoutMileage(t.english);
  let firstTime = clean ? wantedTime(dateText, context) : null;
  // "Book 保养 tomorrow": a Chinese word makes the date reader read Chinese; try the English alone
  if (!firstTime && t.hasChinese && ENGLISH_DATE_WORD.test(dateText)) firstTime = wantedTime(dateText.replace(CHINESE_RUN, ' '), context);
  const scoreHit = findScore(t.chinese, t.english);
  // "9/10" alone is a score; next to other words it may be a date
  const scoreOnly = scoreHit?.slash === true && SLASH_SCORE_ONLY.test(t.english.trim());
  if (scoreOnly) firstTime = null;
  const facts: Facts = {
    services: findServices(context.catalogue, t.normal, language.locale, symptom),
    when: firstTime,
    plate: findPlate(t.normal),
    symptom: symptom.found,
    complaint: findComplaint(t.chinese, t.english, symptom.found),
    score: scoreHit && (!scoreHit.slash || scoreOnly || !firstTime) ? scoreHit.score : null,
    bookingRef: findBookingRef(t.normal),
    localeSwitch: requestedLocale(t.bare, t.chinese),
    previousIntent: context.previousIntent ?? null,
    smallTalk: smallTalk(t.bare),
  };
  const decision = decideIntent(t, facts);
  return {
    text: clean,
    intent: decision.intent,
    rule: decision.rule,
    locale: language.locale,
    localeConfident: language.confident,
    localeSwitch: facts.localeSwitch,
    services: facts.services,
    plate: facts.plate,
    when: decision.intent === 'reschedule' ? newTime(t.english, context, firstTime) : firstTime,
    pastDate: namesPastDay(t.english),
    bookingRef: facts.bookingRef,
    mobile: findMobile(t.normal),
    mileageKm: findMileage(t.english),
    score: facts.score,
    symptom: facts.symptom,
    complaint: facts.complaint,
  };
}
