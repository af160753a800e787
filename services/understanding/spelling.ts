/**
 * English as customers type it on a phone: chat shorthand ("tmrw", "r u", "pls") and typos in
 * the words the intent rules look for ("cancle", "reschedual", "apointment"). Each word is
 * rewritten to its dictionary form once, here, so that every rule can be written against
 * correct English.
 *
 * Typos are corrected only towards the words in VOCABULARY, only for words of five letters or
 * more (one edit; two from nine letters), only when the first letter agrees (people rarely
 * mistype the first letter), and never for a real word that happens to be close ("looking" is
 * not "booking", "rotation" is not "quotation").
 */
import { editDistance } from '../catalog';

/** Chat shorthand → words. Whole tokens only. */
const SHORTHAND: Readonly<Record<string, string>> = {
  u: 'you', r: 'are', ur: 'your', ya: 'you', yr: 'your',
  pls: 'please', plz: 'please', pleez: 'please', plse: 'please',
  tmrw: 'tomorrow', tmr: 'tomorrow', tmrow: 'tomorrow', tmw: 'tomorrow', tomoro: 'tomorrow', tomorow: 'tomorrow',
  tommorow: 'tomorrow', tommorrow: 'tomorrow', tomorro: 'tomorrow',
  tonite: 'tonight', nite: 'night', wknd: 'weekend', nxt: 'next', wk: 'week', hr: 'hour', hrs: 'hours',
  thx: 'thanks', thnx: 'thanks', tnx: 'thanks', thanx: 'thanks', thnks: 'thanks', tks: 'thanks', ty: 'thanks', tq: 'thanks',
  whats: 'what is', wats: 'what is', wheres: 'where is', hows: 'how is', whens: 'when is', thats: 'that is',
  cant: "can't", wont: "won't", dont: "don't", didnt: "didn't", doesnt: "doesn't", isnt: "isn't", im: "i'm", ive: "i've",
  appt: 'appointment', appts: 'appointments', svc: 'service', chk: 'check', msg: 'message', bc: 'because', cuz: 'because',
  k: 'ok', kk: 'ok', okey: 'ok', okie: 'ok', okay: 'ok',
  hw: 'how', latr: 'later', l8r: 'later', redy: 'ready', rdy: 'ready', helo: 'hello', hii: 'hi', hiii: 'hi', heyy: 'hey',
  yea: 'yeah', yup: 'yep', pl: 'please', resched: 'reschedule',
};

/** Digit slang, replaced before words are looked at. */
export const DIGIT_SLANG: ReadonlyArray<[RegExp, string]> = [
  [/\b2mor+ow\b|\b2moro\b/g, 'tomorrow'],
  [/\b2day\b/g, 'today'],
  [/\b2nite\b/g, 'tonight'],
  [/\bb4\b/g, 'before'],
];

/** Weekday abbreviations next to a day word become the weekday ("on sat", "sat morning"). */
export const WEEKDAY_ABBREVIATION =
  /\b(on|this|next|by|till|until|for|every|coming|from)\s+(mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\b\.?|\b(mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\.?\s+(?=morning|afternoon|evening|night|am\b|pm\b|\d)/g;
export const WEEKDAY_NAMES: Readonly<Record<string, string>> = {
  mon: 'monday', tue: 'tuesday', tues: 'tuesday', wed: 'wednesday', thu: 'thursday', thur: 'thursday', thurs: 'thursday',
  fri: 'friday', sat: 'saturday', sun: 'sunday',
};

/** The words the rules are written with; a misspelling of one of these is corrected. */
const VOCABULARY = [
  'cancel', 'cancelled', 'canceled', 'cancellation', 'reschedule', 'rescheduled', 'rebook', 'postpone',
  'appointment', 'appointments', 'booking', 'bookings', 'schedule', 'available', 'availability',
  'tomorrow', 'morning', 'afternoon', 'evening', 'tonight', 'weekend', 'weekends', 'today',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'saturdays', 'sundays',
  'maintenance', 'service', 'servicing', 'change', 'charge', 'charged', 'replace', 'replacement', 'inspection',
  'repair', 'repaired', 'finished', 'status', 'ready', 'expensive', 'estimate', 'quotation', 'invoice', 'breakdown',
  'price', 'prices',
  'complaint', 'complain', 'terrible', 'horrible', 'unacceptable', 'disappointed', 'lawyer',
  'location', 'located', 'address', 'directions', 'opening', 'closing', 'business',
  'english', 'chinese', 'mandarin', 'please', 'thanks', 'appreciate', 'approve', 'decline', 'proceed',
  'advisor', 'adviser', 'person', 'someone', 'somebody', 'human', 'representative', 'manager',
  'question', 'problem', 'warning', 'battery', 'alignment',
];

/** Real words near a vocabulary word: left alone. */
const KEEP = new Set([
  'cancer', 'chance', 'looking', 'cooking', 'hooking', 'booming', 'booting', 'mourning', 'thinks', 'states', 'statue',
  'repaid', 'expansive', 'sundae', 'there', 'where', 'closed', 'closes', 'person', 'persons', 'changes', 'changed',
  'opened', 'services', 'serviced', 'humans', 'ready', 'readily', 'reader', 'leaving', 'charges', 'replaced', 'checking',
  'booked', 'books', 'bookie', 'rebooked', 'costing', 'posting', 'waiting', 'working', 'walking', 'talking',
  'layer', 'player', 'losing', 'manage', 'managed', 'thank', 'thanked', 'advise', 'advised', 'warming', 'speaking',
  'speak', 'speaks', 'lease', 'moaning', 'reads', 'stats', 'rotation', 'prize', 'pride', 'prime',
]);

const BY_LENGTH = new Map<number, string[]>();
for (const word of VOCABULARY) {
  const list = BY_LENGTH.get(word.length) ?? [];
  list.push(word);
  BY_LENGTH.set(word.length, list);
}
const KNOWN = new Set(VOCABULARY);

function allowedEdits(length: number): number {
  return length >= 9 ? 2 : length >= 5 ? 1 : 0;
}

// Words repeat across messages ("booking", "tomorrow"): remember each answer, bounded.
const memo = new Map<string, string>();
const MEMO_LIMIT = 10_000;

/** One lower-case word → the word the rules know (itself when nothing applies). */
export function correctWord(word: string): string {
  const short = SHORTHAND[word];
  if (short !== undefined) return short;
  if (word.length < 5 || KNOWN.has(word) || KEEP.has(word)) return word;
  const cached = memo.get(word);
  if (cached !== undefined) return cached;
  let best = word;
  let bestDistance = Infinity;
  for (let len = word.length - 2; len <= word.length + 2; len++) {
    for (const candidate of BY_LENGTH.get(len) ?? []) {
      if (candidate.charCodeAt(0) !== word.charCodeAt(0)) continue;
      const limit = allowedEdits(candidate.length);
      if (limit === 0) continue;
      const d = editDistance(word, candidate, limit);
      if (d <= limit && d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
  }
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(word, best);
  return best;
}
