/**
 * ServiceDesk: the FrontDesk the conversation talks to, over the shop's database. Each
 * method is one read-model or one action of services/ (booking, customers, handoff …);
 * nothing here decides wording or channels.
 */
import type { PrismaClient, RawSql } from '../db/client';
import { loadShopSnapshot } from '../shop-snapshot';
import { openingFor, type OpeningWindow } from '../calendar';
import { addDays, timeToMinute, type LocalDate } from '../time';
import type { WantedTime } from '../time';
import {
  BookingNotChangeableError,
  BookingNotFoundError,
  PriceChangedError,
  SlotUnavailableError,
  VehicleAlreadyBookedError,
  cancelBooking,
  createBooking,
  estimateServices,
  findSlots,
  listUpcomingBookings,
  rescheduleBooking,
  type Slot,
} from '../booking';
import { customerVehicles, raiseRegistrationHelpTask, registerCustomer, RegistrationTakenError, vehicleForPlate, vinTaken, plateOwner } from '../customers';
import { startHandoff, type Notify } from '../handoff';
import { isLocale, type Locale } from '../locale';
import { startLink, verifyLink } from './link';
import { finishSurvey, openSurvey, optIn, optOut, recordSurveyAnswer, SurveyError } from '../follow-up';
import { openComplaint, REPEAT_WINDOW_DAYS } from '../complaints';
import { costExplanation, decideExtraWork, openRecommendations, pendingApproval, repairOrdersOf } from '../repair-orders';
import type {
  BookingOutcome,
  ComplaintOutcome,
  ComplaintRequest,
  BookingView,
  CancelOutcome,
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
  RescheduleOutcome,
  ServiceView,
  ShopProfile,
  SlotOffer,
  SlotView,
  SurveyView,
  VehicleView,
  Wording,
} from './types';
import type { CatalogueEntry } from '../catalog';

export * from './types';

/** Short, human reference for a booking: the last 6 characters of its id, upper case. */
export function bookingReference(id: string): string {
  return id.slice(-6).toUpperCase();
}

export interface ServiceDeskOptions {
  prisma: PrismaClient;
  /** Plain SQL for the statements on a booking's path (registration, the booking itself). */
  sql: Pick<RawSql, 'query'>;
  shopId: string;
  now: () => Date;
  /** Sends a sentence to a chat identity (channels implement it); used for advisor pushes and link codes. */
  notify?: Notify;
}

type CatalogueItem = Awaited<ReturnType<typeof loadShopSnapshot>>['items'] extends Map<string, infer T> ? T : never;

const catalogueLists = new WeakMap<object, readonly CatalogueEntry[]>();

function serviceView(item: CatalogueItem): ServiceView {
  return { id: item.id, code: item.code, name: { zh: item.nameZh, en: item.nameEn }, labourMinutes: item.labourMinutes, intervalKm: item.intervalKm };
}

function slotView(slot: Slot): SlotView {
  return { startsAt: slot.startsAt, date: slot.date, time: slot.time };
}

function byTime(a: SlotView, b: SlotView): number {
  return a.startsAt.getTime() - b.startsAt.getTime();
}

export class ServiceDesk implements FrontDesk {
  private readonly prisma: PrismaClient;
  private readonly sql: Pick<RawSql, 'query'>;
  private readonly shopId: string;
  private readonly now: () => Date;
  private readonly notify?: Notify;

  constructor(options: ServiceDeskOptions) {
    this.prisma = options.prisma;
    this.sql = options.sql;
    this.shopId = options.shopId;
    this.now = options.now;
    this.notify = options.notify;
  }

  private snapshot() {
    return loadShopSnapshot(this.prisma, this.shopId);
  }

  async shop(): Promise<ShopProfile> {
    const { shop } = await this.snapshot();
    return {
      id: shop.id,
      name: { zh: shop.name, en: shop.nameEn ?? shop.name },
      phone: shop.phone,
      address: shop.address,
      timeZone: shop.timeZone,
      bookingHorizonDays: shop.bookingHorizonDays,
      weeklyHours: shop.openingHours
        .filter((h) => h.closeMinute > h.openMinute)
        .map((h) => ({ weekday: h.weekday, openMinute: h.openMinute, closeMinute: h.closeMinute }))
        .sort((a, b) => a.weekday - b.weekday),
    };
  }

  async catalogue(): Promise<readonly CatalogueEntry[]> {
    const { items } = await this.snapshot();
    // The same array for the same snapshot: the understanding compiles its matchers once per array.
    let list = catalogueLists.get(items);
    if (!list) catalogueLists.set(items, (list = [...items.values()]));
    return list;
  }

  async services(ids: readonly string[]): Promise<ServiceView[]> {
    const { items } = await this.snapshot();
    return ids.map((id) => items.get(id)).filter((i): i is CatalogueItem => Boolean(i)).map(serviceView);
  }

  async popularServices(count: number): Promise<ServiceView[]> {
    const { items } = await this.snapshot();
    return [...items.values()]
      .sort((a, b) => (a.intervalKm ?? Infinity) - (b.intervalKm ?? Infinity) || a.labourMinutes - b.labourMinutes || a.code.localeCompare(b.code))
      .slice(0, count)
      .map(serviceView);
  }

  async openingOn(date: LocalDate) {
    const { shop } = await this.snapshot();
    return openingFor(shop, date);
  }

  async hours(): Promise<(date: LocalDate) => OpeningWindow | null> {
    const { shop } = await this.snapshot();
    return (date) => openingFor(shop, date);
  }

  async openingDays(from: LocalDate, days: number) {
    const { shop } = await this.snapshot();
    const names = new Map(shop.calendarDays.map((d) => [d.date.toISOString().slice(0, 10), d.name]));
    return Array.from({ length: days }, (_, i) => {
      const date = addDays(from, i);
      return { date, opening: openingFor(shop, date), name: names.get(date) ?? null };
    });
  }

  async vehicles(customerId: string): Promise<VehicleView[]> {
    return (await customerVehicles(this.prisma, customerId)).map((v) => ({ id: v.id, plate: v.plate, model: v.model }));
  }

  async claimPlate(customerId: string, plate: string): Promise<PlateClaim> {
    const result = await vehicleForPlate(this.prisma, { shopId: this.shopId, customerId, plate });
    if (!result) return { ok: false, reason: 'taken' };
    return { ok: true, vehicle: { id: result.vehicle.id, plate: result.vehicle.plate, model: result.vehicle.model }, added: result.added };
  }

  async quote(serviceIds: readonly string[]): Promise<Quote> {
    const breakdown = await estimateServices(this.prisma, this.shopId, serviceIds);
    const services = await this.services(serviceIds);
    return { services, minutes: services.reduce((sum, s) => sum + s.labourMinutes, 0), breakdown };
  }

  async findSlots(input: { serviceIds: readonly string[]; wanted: WantedTime; ignoreBookingId?: string }): Promise<SlotOffer> {
    const search = await findSlots(this.prisma, {
      shopId: this.shopId,
      catalogItemIds: [...input.serviceIds],
      wanted: input.wanted,
      now: this.now(),
      ignoreBookingId: input.ignoreBookingId,
    });
    const opening = await this.openingOn(input.wanted.date);
    let reason: SlotOffer['reason'] = search.reason === 'outside-hours' ? 'after-closing' : search.reason ?? null;
    if (search.reason === 'outside-hours' && opening && input.wanted.time) {
      const minute = timeToMinute(input.wanted.time) ?? 0;
      // Before opening the shop is simply not open yet; after, the job would not fit.
      if (minute < opening.openMinute) reason = 'before-opening';
    } else if (search.reason === 'outside-hours' && opening && input.wanted.part === 'evening') {
      reason = 'after-closing';
    }
    return {
      requested: search.requested ? slotView(search.requested) : null,
      alternatives: search.alternatives.map(slotView).sort(byTime),
      reason,
      opening,
      parts: search.partsShortage ? { skus: search.partsShortage.partSkus, restockDate: search.partsShortage.restockDate } : null,
    };
  }

  private async bookingView(id: string): Promise<BookingView> {
    const b = await this.prisma.booking.findUniqueOrThrow({ where: { id }, include: { vehicle: true, lines: { include: { catalogItem: true } } } });
    return {
      id: b.id,
      ref: bookingReference(b.id),
      startsAt: b.startsAt,
      endsAt: b.endsAt,
      vehicleId: b.vehicleId,
      plate: b.vehicle.plate,
      services: b.lines.map((l) => serviceView(l.catalogItem as CatalogueItem)),
      estimateFen: b.estimateFen,
    };
  }

  async book(input: { customerId: string; vehicleId: string; serviceIds: readonly string[]; startsAt: Date; quotedTotalFen: number; notes: string | null; channel: string; idempotencyKey?: string | null }): Promise<BookingOutcome> {
    try {
      const booking = await createBooking(this.prisma, {
        shopId: this.shopId,
        customerId: input.customerId,
        vehicleId: input.vehicleId,
        catalogItemIds: [...input.serviceIds],
        startsAt: input.startsAt,
        channel: input.channel,
        notes: input.notes,
        quotedTotalFen: input.quotedTotalFen,
        idempotencyKey: input.idempotencyKey ?? undefined,
        now: this.now(),
      }, { sql: this.sql });
      // The plain-SQL booking brings its plate: the confirmation needs no read back.
      const view: BookingView = booking.plate
        ? { id: booking.id, ref: bookingReference(booking.id), startsAt: booking.startsAt, endsAt: booking.endsAt, vehicleId: booking.vehicleId, plate: booking.plate, services: await this.services([...new Set(input.serviceIds)]), estimateFen: booking.estimateFen }
        : await this.bookingView(booking.id);
      return { ok: true, booking: view, partsFlagged: booking.partsFlagged };
    } catch (error) {
      if (error instanceof VehicleAlreadyBookedError) return { ok: false, reason: 'vehicle-busy', booking: { ref: bookingReference(error.bookingId), startsAt: error.startsAt } };
      if (error instanceof SlotUnavailableError) return { ok: false, reason: 'slot-taken', alternatives: error.alternatives.map(slotView).sort(byTime) };
      if (error instanceof PriceChangedError) return { ok: false, reason: 'price-changed', quote: await this.quote(input.serviceIds) };
      throw error;
    }
  }

  async upcomingBookings(customerId: string): Promise<BookingView[]> {
    const rows = await listUpcomingBookings(this.prisma, customerId, this.now());
    return rows.map((b) => ({
      id: b.id,
      ref: bookingReference(b.id),
      startsAt: b.startsAt,
      endsAt: b.endsAt,
      vehicleId: b.vehicleId,
      plate: b.vehicle.plate,
      services: b.lines.map((l) => serviceView(l.catalogItem as CatalogueItem)),
      estimateFen: b.estimateFen,
    }));
  }

  async reschedule(input: { customerId: string; bookingId: string; startsAt: Date }): Promise<RescheduleOutcome> {
    try {
      const booking = await rescheduleBooking(this.prisma, { ...input, now: this.now() });
      return { ok: true, booking: await this.bookingView(booking.id) };
    } catch (error) {
      if (error instanceof SlotUnavailableError) return { ok: false, reason: 'slot-taken', alternatives: error.alternatives.map(slotView).sort(byTime) };
      if (error instanceof BookingNotFoundError) return { ok: false, reason: 'not-found' };
      if (error instanceof BookingNotChangeableError) return { ok: false, reason: 'not-changeable' };
      throw error;
    }
  }

  async cancel(input: { customerId: string; bookingId: string; reason: string | null }): Promise<CancelOutcome> {
    try {
      const booking = await cancelBooking(this.prisma, { ...input, now: this.now() });
      return { ok: true, booking: await this.bookingView(booking.id) };
    } catch (error) {
      if (error instanceof BookingNotFoundError) return { ok: false, reason: 'not-found' };
      if (error instanceof BookingNotChangeableError) return { ok: false, reason: 'not-changeable' };
      throw error;
    }
  }

  startLink(input: { identityId: string; mobile: string; codeMessage: (code: string) => Wording }): Promise<LinkStart> {
    return startLink(this.prisma, this.sql, { ...input, shopId: this.shopId, now: this.now(), notify: this.notify });
  }

  verifyLink(input: { identityId: string; code: string; ownerNotice: Wording }): Promise<LinkVerify> {
    return verifyLink(this.prisma, { ...input, shopId: this.shopId, now: this.now(), notify: this.notify });
  }

  async plateTaken(plate: string): Promise<boolean> {
    return (await plateOwner(this.prisma, this.shopId, plate)) !== null;
  }

  vinTaken(vin: string): Promise<boolean> {
    return vinTaken(this.prisma, this.shopId, vin);
  }

  async register(input: { identityId: string; data: RegistrationData }): Promise<RegistrationOutcome> {
    const { data } = input;
    try {
      const customer = await registerCustomer(this.sql, {
        shopId: this.shopId,
        identityId: input.identityId,
        mobile: data.mobile,
        name: data.name,
        locale: data.locale,
        plate: data.plate,
        vin: data.vin,
        mileageKm: data.mileageKm,
        now: this.now(),
      });
      return { ok: true, customer: { id: customer.id, name: customer.name, locale: isLocale(customer.locale) ? customer.locale : 'zh' }, vehicleId: customer.vehicleId };
    } catch (error) {
      // Someone registered the same plate, VIN or number between the question and now.
      if (error instanceof RegistrationTakenError) return { ok: false, reason: `${error.field}-taken` };
      throw error;
    }
  }

  async registrationHelp(input: { identityId: string; collected: Partial<RegistrationData> }): Promise<{ callbackBy: Date }> {
    const task = await raiseRegistrationHelpTask(this.prisma, { shopId: this.shopId, identityId: input.identityId, collected: { ...input.collected }, now: this.now() });
    return { callbackBy: task.dueAt };
  }

  async setLocale(customerId: string, locale: Locale): Promise<void> {
    await this.prisma.customer.updateMany({ where: { id: customerId, shopId: this.shopId, NOT: { locale } }, data: { locale } });
  }

  async requestPerson(input: HandoffRequest): Promise<HandoffView> {
    const outcome = await startHandoff(this.prisma, {
      shopId: this.shopId,
      identityId: input.identityId,
      customerId: input.customerId,
      conversationKey: input.conversationKey,
      reason: input.reason,
      said: input.said,
      contact: input.contact,
      now: this.now(),
      notify: this.notify,
      advisorNotice: input.advisorNotice,
    });
    return outcome;
  }

  repairOrders(customerId: string): Promise<RepairOrderSummary[]> {
    return repairOrdersOf(this.prisma, customerId);
  }

  pendingApproval(customerId: string): Promise<PendingApprovalView[]> {
    return pendingApproval(this.prisma, customerId);
  }

  async decideExtraWork(input: Parameters<FrontDesk['decideExtraWork']>[0]): Promise<DecisionOutcome> {
    const outcome = await decideExtraWork(this.prisma, {
      customerId: input.customerId,
      identityId: input.identityId,
      channel: input.channel,
      activityId: input.activityId,
      versionHash: input.versionHash,
      decisions: input.decisions,
      now: this.now(),
    });
    // The advisor hears every decision at once, on their own chat accounts.
    if (outcome.recorded.length && outcome.advisor && this.notify) {
      const identities = await this.prisma.channelIdentity.findMany({ where: { advisorId: outcome.advisor.id } });
      const text = input.advisorNotice(outcome);
      for (const identity of identities) await this.notify(identity.id, text).catch(() => {});
    }
    return outcome;
  }

  costExplanation(customerId: string): Promise<CostExplanation | null> {
    return costExplanation(this.prisma, customerId);
  }

  openRecommendations(vehicleId: string): Promise<Recommendation[]> {
    return openRecommendations(this.prisma, { vehicleId });
  }

  async booking(customerId: string, bookingId: string): Promise<BookingView | null> {
    const row = await this.prisma.booking.findFirst({ where: { id: bookingId, customerId, shopId: this.shopId }, select: { id: true } });
    return row ? this.bookingView(row.id) : null;
  }

  openSurvey(customerId: string): Promise<SurveyView | null> {
    return openSurvey(this.prisma, { customerId, now: this.now() });
  }

  async answerSurvey(input: Parameters<FrontDesk['answerSurvey']>[0]): ReturnType<FrontDesk['answerSurvey']> {
    try {
      return { ok: true, answer: await recordSurveyAnswer(this.prisma, { ...input, now: this.now() }) };
    } catch (error) {
      if (error instanceof SurveyError) return { ok: false, reason: error.code };
      throw error;
    }
  }

  async finishSurvey(input: Parameters<FrontDesk['finishSurvey']>[0]): ReturnType<FrontDesk['finishSurvey']> {
    try {
      return { ok: true, finished: await finishSurvey(this.prisma, { ...input, now: this.now() }) };
    } catch (error) {
      if (error instanceof SurveyError) return { ok: false, reason: error.code };
      throw error;
    }
  }

  async stopFollowUp(input: { customerId: string; channel: string }): Promise<{ changed: boolean }> {
    const result = await optOut(this.prisma, { ...input, now: this.now() });
    return { changed: result.changed };
  }

  resumeFollowUp(input: { customerId: string; channel: string }): Promise<{ changed: boolean }> {
    return optIn(this.prisma, { ...input, now: this.now() });
  }

  async openComplaint(input: ComplaintRequest): Promise<ComplaintOutcome> {
    const now = this.now();
    const repairOrderId = await this.complaintOrder(input, now);
    const facts = await openComplaint(this.prisma, {
      shopId: this.shopId,
      customerId: input.customerId,
      identityId: input.identityId,
      contact: input.mobile ? { mobile: input.mobile } : null,
      repairOrderId,
      source: input.source,
      said: input.said,
      signal: input.signal,
      conversationKey: input.conversationKey,
      now,
    });
    return { created: facts.created, severity: facts.severity, owner: facts.owner ? { name: facts.owner.name } : null, dueAt: facts.dueAt, managersTold: facts.managersTold.length };
  }

  /** The repair order a complaint is about: the survey's, else the customer's latest within the repeat window. */
  private async complaintOrder(input: ComplaintRequest, now: Date): Promise<string | null> {
    if (input.surveyId) {
      const survey = await this.prisma.survey.findFirst({ where: { id: input.surveyId, customerId: input.customerId ?? undefined }, select: { repairOrderId: true } });
      if (survey) return survey.repairOrderId;
    }
    if (!input.customerId) return null;
    const since = new Date(now.getTime() - REPEAT_WINDOW_DAYS * 86_400_000);
    const order = await this.prisma.repairOrder.findFirst({ where: { customerId: input.customerId, shopId: this.shopId, checkedInAt: { gte: since } }, orderBy: { checkedInAt: 'desc' }, select: { id: true } });
    return order?.id ?? null;
  }

}
