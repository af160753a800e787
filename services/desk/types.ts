/**
 * What the conversation may ask of the shop: the read-models and actions a service advisor
 * uses at the front desk. Dialogs see only this interface (no database client under
 * dialogs/): the real one is ServiceDesk (./index.ts), dialog tests use an in-memory fake.
 * Everything returned is a plain fact — ids, dates, fen, names in both languages — never a
 * sentence; instants are Date, calendar days are LocalDate strings in the shop's zone.
 */
import type { CostBreakdown } from '../costs';
import type { CatalogueEntry } from '../catalog';
import type { LocalDate } from '../time';
import type { WantedTime } from '../time';
import type { OpeningWindow } from '../calendar';
import type { Locale } from '../locale';
import type { ComplaintSignal } from '../understanding/types';
import type { CostExplanation, DecisionOutcome, ExtraWorkDecisionKind, PendingApprovalView, Recommendation, RepairOrderSummary } from '../repair-orders/types';

export interface Bilingual {
  zh: string;
  en: string;
}

export interface ServiceView {
  id: string;
  code: string;
  name: Bilingual;
  labourMinutes: number;
  /** Routine maintenance interval, used to order the "popular" list. */
  intervalKm: number | null;
}

export interface ShopProfile {
  id: string;
  name: Bilingual;
  phone: string | null;
  address: string | null;
  timeZone: string;
  bookingHorizonDays: number;
  /** Weekly hours by ISO weekday (1 = Monday … 7 = Sunday); a missing day is closed. */
  weeklyHours: ReadonlyArray<{ weekday: number } & OpeningWindow>;
}

export interface CustomerRef {
  id: string;
  name: string;
  locale: Locale;
}

export interface VehicleView {
  id: string;
  plate: string;
  model: string | null;
}

export interface BookingView {
  id: string;
  /** The short reference customers see (last 6 characters of the id, upper case). */
  ref: string;
  startsAt: Date;
  endsAt: Date;
  vehicleId: string;
  plate: string;
  services: ServiceView[];
  estimateFen: number;
}

export interface SlotView {
  startsAt: Date;
  date: LocalDate;
  time: string;
}

export type SlotMissReason = 'closed' | 'full' | 'past' | 'before-opening' | 'after-closing' | 'beyond-horizon';

export interface SlotOffer {
  /** The exact time asked for, when a time was given and it is free. */
  requested: SlotView | null;
  /** Other free times near the wish, in time order. */
  alternatives: SlotView[];
  /** Why the wish itself cannot be had; null when it can or none was precise. */
  reason: SlotMissReason | null;
  /** Opening hours on the wanted date (null: closed). */
  opening: OpeningWindow | null;
  /** Parts the job needs that are short: with a restock date the offer starts after it. */
  parts: { skus: string[]; restockDate: LocalDate | null } | null;
}

export interface Quote {
  services: ServiceView[];
  /** Flat-rate minutes of all services together. */
  minutes: number;
  breakdown: CostBreakdown;
}

export type BookingOutcome =
  | { ok: true; booking: BookingView; partsFlagged: boolean }
  | { ok: false; reason: 'slot-taken'; alternatives: SlotView[] }
  | { ok: false; reason: 'vehicle-busy'; booking: { ref: string; startsAt: Date } }
  /** The price changed since it was quoted: the customer must see the new one and agree again. */
  | { ok: false; reason: 'price-changed'; quote: Quote };

export type RescheduleOutcome =
  | { ok: true; booking: BookingView }
  | { ok: false; reason: 'slot-taken'; alternatives: SlotView[] }
  | { ok: false; reason: 'not-changeable' | 'not-found' };

export type CancelOutcome = { ok: true; booking: BookingView } | { ok: false; reason: 'not-changeable' | 'not-found' };

export type PlateClaim = { ok: true; vehicle: VehicleView; added: boolean } | { ok: false; reason: 'taken' };

export interface RegistrationData {
  mobile: string;
  name: string;
  plate: string;
  vin: string | null;
  mileageKm: number | null;
  locale: Locale;
}

export type RegistrationOutcome =
  | { ok: true; customer: CustomerRef; vehicleId: string }
  | { ok: false; reason: 'plate-taken' | 'vin-taken' | 'mobile-taken' };

/**
 * Linking a new chat identity to a profile that already exists needs proof: a one-time code
 * sent to a chat account the customer already uses, or an advisor's call when there is none.
 */
export type LinkStart =
  | { kind: 'new' }
  | { kind: 'code-sent' }
  | { kind: 'advisor-check'; taskId: string }
  | { kind: 'locked' };

export type LinkVerify =
  | { ok: true; customer: CustomerRef }
  | { ok: false; reason: 'wrong'; attemptsLeft: number }
  | { ok: false; reason: 'expired' | 'locked' };

export interface HandoffRequest {
  identityId: string;
  customerId: string | null;
  conversationKey: string;
  reason: 'customer-request' | 'not-understood' | 'complaint' | 'registration' | 'link-check';
  /** What the customer said, for the advisor. */
  said: string | null;
  /** A number to call back, when the customer is not registered. */
  contact: { name: string | null; mobile: string } | null;
  /** The push advisors get, worded by the conversation. */
  advisorNotice: (who: string) => string;
}

export interface HandoffView {
  advisorName: string | null;
  /** An advisor is reachable in chat now and the conversation is passed on. */
  live: boolean;
  /** When the customer will be called at the latest. */
  callbackBy: Date;
  /** The request was already open for this conversation: nothing new was raised. */
  alreadyOpen: boolean;
}

export type { RepairOrderSummary, PendingApprovalView, DecisionOutcome, CostExplanation, Recommendation, ExtraWorkDecisionKind } from '../repair-orders/types';

export type { OpenSurvey as SurveyView, SurveyQuestion, RecordedAnswer, FinishedSurvey, SurveyErrorCode } from '../follow-up';
import type { OpenSurvey, RecordedAnswer, FinishedSurvey, SurveyErrorCode } from '../follow-up';

/** Messages the desk sends on the dialog's behalf (codes, owner notices), already in words. */
export type Wording = (locale: Locale) => string;

export interface FrontDesk {
  shop(): Promise<ShopProfile>;
  /** The active catalogue, for recognising and listing services. */
  catalogue(): Promise<readonly CatalogueEntry[]>;
  services(ids: readonly string[]): Promise<ServiceView[]>;
  /** Most booked first: routine maintenance by interval, then by length of job. */
  popularServices(count: number): Promise<ServiceView[]>;
  /** Opening hours on a date; null when closed (holidays and make-up days counted). */
  openingOn(date: LocalDate): Promise<OpeningWindow | null>;
  /** The same as a synchronous lookup over the cached calendar, for date understanding. */
  hours(): Promise<(date: LocalDate) => OpeningWindow | null>;
  /** Opening hours of the next `days` days from `from`, for "几点关门 / are you open Sunday". */
  openingDays(from: LocalDate, days: number): Promise<Array<{ date: LocalDate; opening: OpeningWindow | null; name: string | null }>>;

  vehicles(customerId: string): Promise<VehicleView[]>;
  /** The customer's car with this plate, added to them when nobody has it. */
  claimPlate(customerId: string, plate: string): Promise<PlateClaim>;

  quote(serviceIds: readonly string[]): Promise<Quote>;
  findSlots(input: { serviceIds: readonly string[]; wanted: WantedTime; ignoreBookingId?: string }): Promise<SlotOffer>;
  /** `idempotencyKey`: the turn that books; the same key again returns the booking it made. */
  book(input: { customerId: string; vehicleId: string; serviceIds: readonly string[]; startsAt: Date; quotedTotalFen: number; notes: string | null; channel: string; idempotencyKey?: string | null }): Promise<BookingOutcome>;
  upcomingBookings(customerId: string): Promise<BookingView[]>;
  reschedule(input: { customerId: string; bookingId: string; startsAt: Date }): Promise<RescheduleOutcome>;
  cancel(input: { customerId: string; bookingId: string; reason: string | null }): Promise<CancelOutcome>;

  /** Whether the number can simply be registered or the link must be proved (never shown as such to the customer). */
  startLink(input: { identityId: string; mobile: string; codeMessage: (code: string) => Wording }): Promise<LinkStart>;
  verifyLink(input: { identityId: string; code: string; ownerNotice: Wording }): Promise<LinkVerify>;
  plateTaken(plate: string): Promise<boolean>;
  vinTaken(vin: string): Promise<boolean>;
  register(input: { identityId: string; data: RegistrationData }): Promise<RegistrationOutcome>;
  /** Registration could not be finished in chat: an advisor calls. */
  registrationHelp(input: { identityId: string; collected: Partial<RegistrationData> }): Promise<{ callbackBy: Date }>;
  setLocale(customerId: string, locale: Locale): Promise<void>;

  requestPerson(input: HandoffRequest): Promise<HandoffView>;

  /** The customer's open repair orders: status, promise, advisor, what waits for them. */
  repairOrders(customerId: string): Promise<RepairOrderSummary[]>;
  /** Extra work waiting for the customer's decision, latest version per request. */
  pendingApproval(customerId: string): Promise<PendingApprovalView[]>;
  /**
   * Records the customer's decisions on what they were shown (`versionHash`); the order's advisor
   * is told at once, in the words `advisorNotice` gives.
   */
  decideExtraWork(input: {
    customerId: string;
    identityId: string;
    channel: string;
    activityId: string | null;
    versionHash: string;
    decisions: Array<{ itemId: string; decision: ExtraWorkDecisionKind }>;
    advisorNotice: (outcome: DecisionOutcome) => string;
  }): Promise<DecisionOutcome>;
  /** The current or last repair order, itemised by the pricing function; null when there is none. */
  costExplanation(customerId: string): Promise<CostExplanation | null>;
  /** Work recommended on earlier visits and deferred or declined, for the next booking's read-back. */
  openRecommendations(vehicleId: string): Promise<Recommendation[]>;

  /** One of the customer's bookings, whatever its status (a missed one, to book it again); null when not theirs. */
  booking(customerId: string, bookingId: string): Promise<BookingView | null>;

  /** The satisfaction survey (回访) the customer can answer now, with what they answered so far. */
  openSurvey(customerId: string): Promise<OpenSurvey | null>;
  /** Keeps one answer (a re-answer replaces it); a closed or expired survey is refused. */
  answerSurvey(input: { surveyId: string; customerId: string; question: string; score: number | null; comment: string | null }): Promise<{ ok: true; answer: RecordedAnswer } | { ok: false; reason: SurveyErrorCode }>;
  /** The customer is done with the survey (all asked, or they stopped): what it got is kept. */
  finishSurvey(input: { surveyId: string; customerId: string }): Promise<{ ok: true; finished: FinishedSurvey } | { ok: false; reason: SurveyErrorCode }>;
  /** "不用了 / stop": no more maintenance reminders or surveys; false when already so. */
  stopFollowUp(input: { customerId: string; channel: string }): Promise<{ changed: boolean }>;
  /** "恢复提醒 / resume reminders". */
  resumeFollowUp(input: { customerId: string; channel: string }): Promise<{ changed: boolean }>;

  /**
   * 投诉: opens a complaint (or adds these words to the one said in the same thread within the
   * hour), linked to the survey's repair order or the customer's latest one; its owner's task is
   * pushed to them by the service. Returns who will call back and by when.
   */
  openComplaint(input: ComplaintRequest): Promise<ComplaintOutcome>;
}

export interface ComplaintRequest {
  identityId: string;
  customerId: string | null;
  said: string;
  signal: ComplaintSignal | null;
  /** A number to call back, given in the conversation (unregistered customers). */
  mobile: string | null;
  /** The conversation (for one thread per complaint); null for a survey's, whose thread is its repair order. */
  conversationKey: string | null;
  source: 'chat' | 'survey';
  surveyId: string | null;
}

export interface ComplaintOutcome {
  created: boolean;
  severity: 'NORMAL' | 'MAJOR';
  owner: { name: string } | null;
  dueAt: Date;
  managersTold: number;
}
