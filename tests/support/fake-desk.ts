/**
 * An in-memory FrontDesk for dialog tests where the database adds nothing: the demo shop's
 * catalogue, hours and prices (prisma/seed/demo-shop.ts), customers and bookings in maps,
 * and a simple, predictable slot search (a wanted time inside opening hours is free unless
 * a test marks it taken). Every action is recorded so tests can assert what the dialogs did.
 */
import type { CatalogueEntry } from '../../services/catalog';
import { isLowScore, questionsFor } from '../../services/follow-up';
import { estimateFor } from '../../services/booking/estimate';
import type { CatalogItemWithParts } from '../../services/shop-snapshot';
import { addDays, localParts, minuteToTime, timeToMinute, weekdayOf, zonedInstant, type LocalDate } from '../../services/time';
import type { WantedTime } from '../../services/time';
import type { OpeningWindow } from '../../services/calendar';
import type { Locale } from '../../services/locale';
import type {
  BookingOutcome,
  BookingView,
  CancelOutcome,
  CustomerRef,
  FrontDesk,
  HandoffRequest,
  HandoffView,
  LinkStart,
  LinkVerify,
  PlateClaim,
  Quote,
  RegistrationData,
  RegistrationOutcome,
  RepairOrderSummary,
  PendingApprovalView,
  DecisionOutcome,
  CostExplanation,
  Recommendation,
  ExtraWorkDecisionKind,
  RescheduleOutcome,
  ServiceView,
  ShopProfile,
  SlotOffer,
  SlotView,
  VehicleView,
  Wording,
  SurveyView,
  ComplaintRequest,
  ComplaintOutcome,
  RecordedAnswer,
  FinishedSurvey,
  SurveyErrorCode,
} from '../../services/desk/types';
import { CATALOG, DEMO_SHOP, OPENING_HOURS, PARTS } from '../../prisma/seed/demo-shop';

const TZ = 'Asia/Shanghai';

const partsBySku = new Map(PARTS.map((p) => [p.sku, p]));
const items: CatalogItemWithParts[] = CATALOG.map((c) => ({
  id: c.code.toLowerCase(),
  shopId: 'shop',
  code: c.code,
  nameZh: c.nameZh,
  nameEn: c.nameEn,
  aliases: [...c.aliases],
  labourMinutes: c.labourMinutes,
  requiredSkill: c.requiredSkill,
  bayKind: c.bayKind,
  intervalKm: 'intervalKm' in c ? (c.intervalKm ?? null) : null,
  intervalMonths: 'intervalMonths' in c ? (c.intervalMonths ?? null) : null,
  active: true,
  parts: c.parts.map(([sku, quantity]) => {
    const part = partsBySku.get(sku)!;
    return { id: `${c.code}-${sku}`, catalogItemId: c.code.toLowerCase(), partId: sku, quantity: String(quantity), part: { ...part, id: sku, shopId: 'shop', unit: part.unit, stockQty: String(part.stockQty), restockDate: null } };
  }),
})) as unknown as CatalogItemWithParts[];
const byId = new Map(items.map((i) => [i.id, i]));

function view(i: CatalogItemWithParts): ServiceView {
  return { id: i.id, code: i.code, name: { zh: i.nameZh, en: i.nameEn }, labourMinutes: i.labourMinutes, intervalKm: i.intervalKm };
}

function opening(date: LocalDate): OpeningWindow | null {
  const hours = OPENING_HOURS[weekdayOf(date)];
  return hours ? { openMinute: hours[0], closeMinute: hours[1] } : null;
}

function slot(date: LocalDate, minute: number): SlotView {
  return { startsAt: zonedInstant(date, minute, TZ), date, time: minuteToTime(minute) };
}

interface FakeCustomer extends CustomerRef {
  mobile: string;
  vehicles: VehicleView[];
  identityIds: string[];
}

export class FakeDesk implements FrontDesk {
  readonly customers: FakeCustomer[] = [];
  readonly bookings: Array<BookingView & { customerId: string; notes: string | null; status: 'CONFIRMED' | 'CANCELLED'; cancelReason?: string | null }> = [];
  readonly handoffs: HandoffRequest[] = [];
  readonly sentCodes: Array<{ identityId: string; code: string; message: string }> = [];
  readonly helpRequests: Array<Partial<RegistrationData>> = [];
  /** Instants (ms) a test declares taken. */
  readonly taken = new Set<number>();
  private seq = 0;

  constructor(readonly now: () => Date) {}

  /** A registered customer with one car, linked to a chat identity. */
  addCustomer(input: { name: string; mobile: string; plate: string; locale?: Locale; identityId?: string }): FakeCustomer {
    const customer: FakeCustomer = {
      id: `cust${++this.seq}`,
      name: input.name,
      locale: input.locale ?? 'zh',
      mobile: input.mobile,
      vehicles: [{ id: `veh${++this.seq}`, plate: input.plate, model: null }],
      identityIds: input.identityId ? [input.identityId] : [],
    };
    this.customers.push(customer);
    return customer;
  }

  async shop(): Promise<ShopProfile> {
    return {
      id: 'shop',
      name: { zh: DEMO_SHOP.name, en: DEMO_SHOP.nameEn },
      phone: DEMO_SHOP.phone,
      address: DEMO_SHOP.address,
      timeZone: TZ,
      bookingHorizonDays: DEMO_SHOP.bookingHorizonDays,
      weeklyHours: Object.entries(OPENING_HOURS).map(([weekday, [openMinute, closeMinute]]) => ({ weekday: Number(weekday), openMinute, closeMinute })),
    };
  }

  async catalogue(): Promise<readonly CatalogueEntry[]> {
    return items;
  }

  async services(ids: readonly string[]): Promise<ServiceView[]> {
    return ids.map((id) => byId.get(id)).filter((i): i is CatalogItemWithParts => Boolean(i)).map(view);
  }

  async popularServices(count: number): Promise<ServiceView[]> {
    return [...items]
      .sort((a, b) => (a.intervalKm ?? Infinity) - (b.intervalKm ?? Infinity) || a.labourMinutes - b.labourMinutes || a.code.localeCompare(b.code))
      .slice(0, count)
      .map(view);
  }

  async openingOn(date: LocalDate) {
    return opening(date);
  }

  async hours() {
    return opening;
  }

  async openingDays(from: LocalDate, days: number) {
    return Array.from({ length: days }, (_, i) => ({ date: addDays(from, i), opening: opening(addDays(from, i)), name: null }));
  }

  private customer(id: string): FakeCustomer {
    const c = this.customers.find((x) => x.id === id);
    if (!c) throw new Error(`no customer ${id}`);
    return c;
  }

  async vehicles(customerId: string): Promise<VehicleView[]> {
    return this.customer(customerId).vehicles;
  }

  async claimPlate(customerId: string, plate: string): Promise<PlateClaim> {
    const owner = this.customers.find((c) => c.vehicles.some((v) => v.plate === plate));
    if (owner && owner.id !== customerId) return { ok: false, reason: 'taken' };
    const own = owner?.vehicles.find((v) => v.plate === plate);
    if (own) return { ok: true, vehicle: own, added: false };
    const vehicle = { id: `veh${++this.seq}`, plate, model: null };
    this.customer(customerId).vehicles.push(vehicle);
    return { ok: true, vehicle, added: true };
  }

  async quote(serviceIds: readonly string[]): Promise<Quote> {
    const chosen = serviceIds.map((id) => byId.get(id)!);
    return { services: chosen.map(view), minutes: chosen.reduce((s, i) => s + i.labourMinutes, 0), breakdown: estimateFor(DEMO_SHOP, chosen) };
  }

  async findSlots(input: { serviceIds: readonly string[]; wanted: WantedTime; ignoreBookingId?: string }): Promise<SlotOffer> {
    const minutes = (await this.quote(input.serviceIds)).minutes;
    const duration = Math.ceil(minutes / 30) * 30;
    const today = localParts(this.now(), TZ).date;
    let date = input.wanted.date;
    const window = opening(date);
    const free = (d: LocalDate, m: number) => !this.taken.has(zonedInstant(d, m, TZ).getTime()) && zonedInstant(d, m, TZ).getTime() >= this.now().getTime() + 3600_000;
    const wantedMinute = input.wanted.time ? timeToMinute(input.wanted.time) : null;
    let reason: SlotOffer['reason'] = null;
    if (date < today) reason = 'past';
    else if (!window) reason = 'closed';
    else if (wantedMinute !== null && wantedMinute < window.openMinute) reason = 'before-opening';
    else if (wantedMinute !== null && wantedMinute + duration > window.closeMinute) reason = 'after-closing';
    else if (wantedMinute !== null && free(date, wantedMinute)) return { requested: slot(date, wantedMinute), alternatives: [], reason: null, opening: window, parts: null };
    else if (wantedMinute !== null) reason = 'full';
    // Alternatives: the first two free half hours from the wish (or the opening) on the first open day.
    const alternatives: SlotView[] = [];
    for (let i = 0; i < 14 && alternatives.length < 2; i++, date = addDays(date, 1)) {
      const w = opening(date);
      if (!w || date < today) continue;
      const from = i === 0 && wantedMinute !== null && reason !== 'after-closing' ? Math.max(w.openMinute, wantedMinute) : w.openMinute;
      for (let m = from; m + duration <= w.closeMinute && alternatives.length < 2; m += 30) if (free(date, m)) alternatives.push(slot(date, m));
    }
    return { requested: null, alternatives, reason, opening: window, parts: null };
  }

  async book(input: { customerId: string; vehicleId: string; serviceIds: readonly string[]; startsAt: Date; quotedTotalFen: number; notes: string | null; channel: string }): Promise<BookingOutcome> {
    if (this.taken.has(input.startsAt.getTime())) return { ok: false, reason: 'slot-taken', alternatives: [] };
    const id = `bk${String(++this.seq).padStart(4, '0')}xyz`;
    const vehicle = this.customer(input.customerId).vehicles.find((v) => v.id === input.vehicleId)!;
    const booking = {
      id,
      ref: id.slice(-6).toUpperCase(),
      startsAt: input.startsAt,
      endsAt: new Date(input.startsAt.getTime() + 3600_000),
      vehicleId: vehicle.id,
      plate: vehicle.plate,
      services: await this.services(input.serviceIds),
      estimateFen: input.quotedTotalFen,
      customerId: input.customerId,
      notes: input.notes,
      status: 'CONFIRMED' as const,
    };
    this.bookings.push(booking);
    this.taken.add(input.startsAt.getTime());
    return { ok: true, booking, partsFlagged: false };
  }

  async upcomingBookings(customerId: string): Promise<BookingView[]> {
    return this.bookings.filter((b) => b.customerId === customerId && b.status === 'CONFIRMED' && b.startsAt > this.now()).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  }

  async reschedule(input: { customerId: string; bookingId: string; startsAt: Date }): Promise<RescheduleOutcome> {
    const b = this.bookings.find((x) => x.id === input.bookingId && x.customerId === input.customerId);
    if (!b) return { ok: false, reason: 'not-found' };
    this.taken.delete(b.startsAt.getTime());
    b.startsAt = input.startsAt;
    this.taken.add(b.startsAt.getTime());
    return { ok: true, booking: b };
  }

  async cancel(input: { customerId: string; bookingId: string; reason: string | null }): Promise<CancelOutcome> {
    const b = this.bookings.find((x) => x.id === input.bookingId && x.customerId === input.customerId);
    if (!b) return { ok: false, reason: 'not-found' };
    b.status = 'CANCELLED';
    b.cancelReason = input.reason;
    this.taken.delete(b.startsAt.getTime());
    return { ok: true, booking: b };
  }

  async startLink(input: { identityId: string; mobile: string; codeMessage: (code: string) => Wording }): Promise<LinkStart> {
    const existing = this.customers.find((c) => c.mobile === input.mobile);
    if (!existing) return { kind: 'new' };
    if (existing.identityIds.length === 0) return { kind: 'advisor-check', taskId: 'task1' };
    const code = '482916';
    this.sentCodes.push({ identityId: input.identityId, code, message: input.codeMessage(code)(existing.locale) });
    return { kind: 'code-sent' };
  }

  async verifyLink(input: { identityId: string; code: string; ownerNotice: Wording }): Promise<LinkVerify> {
    const sent = this.sentCodes.find((s) => s.identityId === input.identityId);
    if (!sent) return { ok: false, reason: 'expired' };
    if (sent.code !== input.code) return { ok: false, reason: 'wrong', attemptsLeft: 4 };
    const customer = this.customers.find((c) => c.identityIds.length > 0)!;
    customer.identityIds.push(input.identityId);
    return { ok: true, customer: { id: customer.id, name: customer.name, locale: customer.locale } };
  }

  async plateTaken(plate: string): Promise<boolean> {
    return this.customers.some((c) => c.vehicles.some((v) => v.plate === plate));
  }

  async vinTaken(): Promise<boolean> {
    return false;
  }

  async register(input: { identityId: string; data: RegistrationData }): Promise<RegistrationOutcome> {
    const c = this.addCustomer({ name: input.data.name, mobile: input.data.mobile, plate: input.data.plate, locale: input.data.locale, identityId: input.identityId });
    return { ok: true, customer: { id: c.id, name: c.name, locale: c.locale }, vehicleId: c.vehicles[0].id };
  }

  async registrationHelp(input: { identityId: string; collected: Partial<RegistrationData> }): Promise<{ callbackBy: Date }> {
    this.helpRequests.push(input.collected);
    return { callbackBy: new Date('2026-11-28T09:00:00Z') };
  }

  async setLocale(customerId: string, locale: Locale): Promise<void> {
    this.customer(customerId).locale = locale;
  }

  async requestPerson(input: HandoffRequest): Promise<HandoffView> {
    const alreadyOpen = this.handoffs.some((h) => h.conversationKey === input.conversationKey);
    if (!alreadyOpen) this.handoffs.push(input);
    return { advisorName: '张敏', live: false, callbackBy: new Date('2026-11-28T09:00:00Z'), alreadyOpen };
  }

  /** Repair orders and approvals a test sets up; decisions are recorded here. */
  readonly orders: RepairOrderSummary[] = [];
  readonly approvals: PendingApprovalView[] = [];
  readonly decisions: Array<{ itemId: string; decision: ExtraWorkDecisionKind; identityId: string; versionHash: string }> = [];
  readonly advisorNotices: string[] = [];
  explanation: CostExplanation | null = null;

  async repairOrders(): Promise<RepairOrderSummary[]> {
    return this.orders;
  }

  async pendingApproval(): Promise<PendingApprovalView[]> {
    return this.approvals.filter((a) => a.items.some((i) => i.status === 'PENDING'));
  }

  async decideExtraWork(input: Parameters<FrontDesk['decideExtraWork']>[0]): Promise<DecisionOutcome> {
    const view = this.approvals.find((a) => a.items.some((i) => input.decisions.some((d) => d.itemId === i.itemId)))!;
    const outcome: DecisionOutcome = { repairOrderId: view.repairOrderId, number: view.number, advisor: view.advisor, recorded: [], refused: [], stillPending: 0, status: 'AWAITING_APPROVAL' };
    for (const d of input.decisions) {
      const item = view.items.find((i) => i.itemId === d.itemId)!;
      if (input.versionHash !== view.versionHash) outcome.refused.push({ itemId: d.itemId, reason: 'stale-version' });
      else if (item.status !== 'PENDING') outcome.refused.push({ itemId: d.itemId, reason: 'already-decided' });
      else {
        item.status = d.decision;
        this.decisions.push({ ...d, identityId: input.identityId, versionHash: input.versionHash });
        outcome.recorded.push({ itemId: d.itemId, title: item.title, decision: d.decision, priceFen: item.totalFen, decisionId: `dec${this.decisions.length}` });
      }
    }
    outcome.stillPending = view.items.filter((i) => i.status === 'PENDING').length;
    if (outcome.stillPending === 0) outcome.status = 'IN_PROGRESS';
    if (outcome.recorded.length) this.advisorNotices.push(input.advisorNotice(outcome));
    return outcome;
  }

  async costExplanation(): Promise<CostExplanation | null> {
    return this.explanation;
  }

  readonly recommendations: Recommendation[] = [];

  async openRecommendations(): Promise<Recommendation[]> {
    return this.recommendations;
  }

  async booking(customerId: string, bookingId: string): Promise<BookingView | null> {
    const b = this.bookings.find((x) => x.id === bookingId && x.customerId === customerId);
    return b ?? null;
  }

  /** Surveys a test sends; answers are kept per question as the service keeps them. */
  readonly surveys: Array<{ surveyId: string; customerId: string; number: string; plate: string; csi: string[]; status: 'SENT' | 'ANSWERED' | 'EXPIRED'; answers: Record<string, { score: number | null; comment: string | null }>; lowScore: boolean }> = [];
  readonly optedOut = new Set<string>();

  addSurvey(input: { customerId: string; number: string; plate: string; csi?: string[] }): string {
    const surveyId = `srv${++this.seq}`;
    this.surveys.push({ surveyId, customerId: input.customerId, number: input.number, plate: input.plate, csi: input.csi ?? [], status: 'SENT', answers: {}, lowScore: false });
    return surveyId;
  }

  async openSurvey(customerId: string): Promise<SurveyView | null> {
    const s = [...this.surveys].reverse().find((x) => x.customerId === customerId && x.status === 'SENT');
    if (!s) return null;
    const questions = questionsFor(s.csi);
    return { surveyId: s.surveyId, repairOrderId: `ro-${s.number}`, number: s.number, plate: s.plate, sentAt: this.now(), expiresAt: new Date(this.now().getTime() + 7 * 86_400_000), questions, answers: { ...s.answers }, next: questions.find((q) => !(q.code in s.answers)) ?? null };
  }

  async answerSurvey(input: { surveyId: string; customerId: string; question: string; score: number | null; comment: string | null }): Promise<{ ok: true; answer: RecordedAnswer } | { ok: false; reason: SurveyErrorCode }> {
    const s = this.surveys.find((x) => x.surveyId === input.surveyId && x.customerId === input.customerId);
    if (!s) return { ok: false, reason: 'not-found' };
    if (s.status === 'EXPIRED') return { ok: false, reason: 'expired' };
    const questions = questionsFor(s.csi);
    const q = questions.find((x) => x.code === input.question);
    if (!q) return { ok: false, reason: 'unknown-question' };
    if (q.kind === 'scale' && input.score !== null && (input.score < q.min || input.score > q.max)) return { ok: false, reason: 'invalid-answer' };
    s.answers[input.question] = { score: input.score, comment: input.comment };
    s.lowScore = isLowScore({ overall: s.answers.overall?.score, recommend: s.answers.recommend?.score });
    const next = questions.find((x) => !(x.code in s.answers)) ?? null;
    return { ok: true, answer: { surveyId: s.surveyId, question: q.code, next, complete: questions.every((x) => !x.required || x.code in s.answers), lowScore: s.lowScore } };
  }

  async finishSurvey(input: { surveyId: string; customerId: string }): Promise<{ ok: true; finished: FinishedSurvey } | { ok: false; reason: SurveyErrorCode }> {
    const s = this.surveys.find((x) => x.surveyId === input.surveyId && x.customerId === input.customerId);
    if (!s) return { ok: false, reason: 'not-found' };
    if (s.status === 'EXPIRED') return { ok: false, reason: 'expired' };
    const answered = Object.values(s.answers).filter((a) => a.score !== null || a.comment).length;
    if (answered > 0) s.status = 'ANSWERED';
    const missingRequired = questionsFor(s.csi).filter((q) => q.required && !(q.code in s.answers)).map((q) => q.code);
    return { ok: true, finished: { surveyId: s.surveyId, status: s.status === 'ANSWERED' ? 'ANSWERED' : 'SENT', answered, missingRequired, lowScore: s.lowScore } };
  }

  async stopFollowUp(input: { customerId: string }): Promise<{ changed: boolean }> {
    const changed = !this.optedOut.has(input.customerId);
    this.optedOut.add(input.customerId);
    return { changed };
  }

  async resumeFollowUp(input: { customerId: string }): Promise<{ changed: boolean }> {
    return { changed: this.optedOut.delete(input.customerId) };
  }

  /** Complaints as the service keeps them: one per thread, MAJOR when the words were severe. */
  readonly complaints: Array<ComplaintRequest & { severity: 'NORMAL' | 'MAJOR'; words: string[] }> = [];

  async openComplaint(input: ComplaintRequest): Promise<ComplaintOutcome> {
    const thread = (c: ComplaintRequest) => c.conversationKey ?? `${c.source}:${c.surveyId ?? '-'}`;
    const same = this.complaints.find((c) => thread(c) === thread(input));
    const severe = Boolean(input.signal?.severe);
    const dueAt = new Date('2026-11-28T09:00:00Z');
    if (same) {
      same.words.push(input.said);
      if (severe) same.severity = 'MAJOR';
      return { created: false, severity: same.severity, owner: { name: '张敏' }, dueAt, managersTold: 0 };
    }
    const severity = severe ? 'MAJOR' : 'NORMAL';
    this.complaints.push({ ...input, severity, words: [input.said] });
    return { created: true, severity, owner: { name: '张敏' }, dueAt, managersTold: severity === 'MAJOR' ? 1 : 0 };
  }
}
