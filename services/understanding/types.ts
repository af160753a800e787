/**
 * What one customer message asks for, recognised once (services/understanding) and handed
 * to the dialog that serves it. Everything here is a fact read from the words; nothing is
 * a sentence to show.
 */
import type { Locale } from '../locale';
import type { WantedTime } from '../when';
import type { CatalogueEntry } from '../catalog';
import type { LocalDate } from '../time';

/**
 * The intents the bot serves. Names are part of the CLI contract (`aftercare understand`).
 * A symptom ("刹车有异响") is `book`: it books an inspection.
 */
export const INTENTS = [
  'book',
  'reschedule',
  'cancel',
  'my_bookings',
  'price',
  'repair_status',
  'approve',
  'decline',
  'defer',
  'complaint',
  'survey_answer',
  'opt_out',
  'opt_in',
  'hours',
  'location',
  'handoff',
  'help',
  'greeting',
  'thanks',
  'language',
  'unknown',
] as const;
export type Intent = (typeof INTENTS)[number];

export interface ServiceMention {
  id: string;
  code: string;
  /**
   * 'firm': the customer asks for the job ("换刹车片", "book an oil change").
   * 'tentative': a passing or vague mention ("顺便帮我看看轮胎气压", "maybe check the tyres")
   * that must not add a priced job unasked.
   */
  certainty: 'firm' | 'tentative';
  /** The words that named it, as written (for "已备注：…"). */
  said: string;
}

export interface ComplaintSignal {
  /** 重大投诉: safety words, media or regulator threats (12315, 曝光, 媒体, lawyer …). */
  severe: boolean;
  /**
   * Which rules fired, facts for the complaint record: 'explicit', 'damage', 'after-service',
   * 'dissatisfied', and the severe ones 'regulator', 'media', 'legal', 'safety'
   * (services/understanding/complaint.ts).
   */
  reasons: string[];
}

export interface CustomerRequest {
  /** The message as received (trimmed, sanitised). */
  text: string;
  intent: Intent;
  /**
   * Which rule decided the intent ("price.words", "book.symptom", "complaint.strong"): for logs
   * and the test report, so a service department can read why a message went where it did.
   */
  rule?: string;
  /** Language of this message; the context's fallback when it has too few letters to tell. */
  locale: Locale;
  /**
   * False when `locale` is only the fallback: too few letters, or a short Chinese text without a
   * function word such as a name ("王建国") — a dialog should not switch language on it.
   */
  localeConfident?: boolean;
  /** An explicit wish for a language ("English please", "说中文", "speak Chinese"). */
  localeSwitch: Locale | null;
  /** Catalogue services named, in text order, each once. */
  services: ServiceMention[];
  /** A mainland plate in the text, normalised (沪A12345). */
  plate: string | null;
  /** The wanted day/time, forward from now in the shop's zone; null when none was said. */
  when: WantedTime | null;
  /** The text names a day that has passed ("昨天", "last Monday"): bookings are only forward. */
  pastDate: boolean;
  /** A booking reference (6 letters/digits, as the bot prints them) the customer quoted. */
  bookingRef: string | null;
  /** An 11-digit mainland mobile in the text. */
  mobile: string | null;
  /** Mileage said with a unit or a 万 ("3.2万公里", "about 20,000 km", "两万公里"). */
  mileageKm: number | null;
  /** A score with a scale word ("5分", "打4星", "10 out of 10"); a bare number is never a score. */
  score: number | null;
  /** A fault described ("刹车有异响", "engine light is on"). */
  symptom: boolean;
  /** Present when the message complains; severe for 重大投诉. */
  complaint: ComplaintSignal | null;
}

export interface OpeningWindow {
  openMinute: number;
  closeMinute: number;
}

export interface UnderstandingContext {
  now: Date;
  /** IANA zone of the shop. */
  timeZone: string;
  /** The shop's opening hours on a date (null: closed), for an hour said without am/pm. */
  shopHours?: (date: LocalDate) => OpeningWindow | null;
  /** The shop's active catalogue, to recognise services by name and alias. */
  catalogue: readonly CatalogueEntry[];
  /** Language of a message that has no letters ("1", "13812345678"). */
  fallbackLocale: Locale;
  /** The intent of the customer's previous message: "换刹车片呢？" after a price answer is another price question. */
  previousIntent?: Intent | null;
  /**
   * The day the conversation is on (a slot offer for Monday, a read-back for Monday): a time
   * said alone ("10点", "下午三点的") means that day, not today.
   */
  focusDate?: LocalDate | null;
}
