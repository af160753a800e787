/**
 * 预约保养. Understands a whole request in one message and asks only for what is missing —
 * who (registration on first contact), which service, which car, when — then reads the
 * booking back with the quoted price and books it. One planner (`next`) decides the next
 * missing thing after every answer; the slot offer is a shared flow (slot-offer-dialog.ts).
 */
import type { Flow, FlowContext, Noted, Step } from './core/flow';
import type { Option, Question, Reply } from './core/question';
import { NO_WORDS, YES_WORDS } from './core/reader';
import type { ServiceMention } from '../services/understanding/types';
import type { WantedTime } from '../services/time';
import { localParts } from '../services/time';
import type { BookingView, VehicleView } from '../services/desk/types';
import { SLOT_OFFER, type SlotOfferInput, type SlotOfferResult } from './slot-offer-dialog';
import { REGISTRATION, type RegistrationInput, type RegistrationResult } from './registration-dialog';
import { RESCHEDULE, type RescheduleInput } from './reschedule-dialog';
import { hours, money, serviceNames, when as formatWhen, wanted as formatWanted } from './format';

export const BOOKING = 'booking';

export interface BookingInput {
  services?: ServiceMention[];
  plate?: string | null;
  wanted?: WantedTime | null;
  mobile?: string | null;
  mileageKm?: number | null;
  pastDate?: boolean;
}

export interface BookingResult {
  bookingId: string;
}

interface BookingState {
  serviceIds: string[];
  /** Vague mentions ("顺便看看轮胎气压") kept for the advisor, never priced unasked. */
  notes: string[];
  /** Services only mentioned vaguely, offered when no firm one was named. */
  tentativeIds: string[];
  plate?: string;
  vehicleId?: string;
  /** Ask which car even when there is one (the customer asked to change it). */
  chooseVehicle?: boolean;
  /** The cars offered in the vehicle question. */
  vehicles?: VehicleView[];
  wanted?: WantedTime;
  slotStart?: string;
  /** The price read back and agreed to: the one stored with the booking. */
  quotedTotalFen?: number;
  minutes?: number;
  /** A booking the customer already has, when a bare new time may mean moving it. */
  existing?: { id: string; ref: string; startsAt: string };
  /** The customer said this is a new booking, not a move. */
  isNew?: boolean;
  popular?: Array<{ id: string; zh: string; en: string }>;
  /** Names of the booked services for the read-back, in both languages (the customer may switch). */
  serviceNames?: { zh: string; en: string };
  registration?: Pick<BookingInput, 'mobile' | 'mileageKm'>;
  /** Work recommended on an earlier visit and put off, offered once with the read-back. */
  recommendations?: Array<{ catalogItemId: string; zh: string; en: string; number: string }>;
}

const INSPECTION_CODE = 'INSPECTION';

function firm(mentions: readonly ServiceMention[] | undefined): string[] {
  return [...new Set((mentions ?? []).filter((m) => m.certainty === 'firm').map((m) => m.id))];
}

function tentative(mentions: readonly ServiceMention[] | undefined): ServiceMention[] {
  return (mentions ?? []).filter((m) => m.certainty === 'tentative');
}

export const bookingDialog: Flow<BookingState, BookingInput, BookingResult | null> = {
  id: BOOKING,
  serves: ['book'],

  async begin(ctx, input) {
    const state: BookingState = {
      serviceIds: firm(input.services),
      notes: tentative(input.services).map((m) => m.said),
      tentativeIds: tentative(input.services).map((m) => m.id),
      plate: input.plate ?? undefined,
      wanted: input.wanted ?? undefined,
      registration: { mobile: input.mobile ?? null, mileageKm: input.mileageKm ?? null },
    };
    // A symptom books an inspection; the firm list already holds it when the recogniser mapped it.
    if (!input.wanted && input.pastDate) ctx.say(ctx.t('book.pastDate'));
    return { state, next: await plan(ctx, state) };
  },

  next: (ctx, state) => plan(ctx, state),

  services: (state) => state.serviceIds.map((id) => ({ id, code: '', certainty: 'firm' as const, said: '' })),
  focusDate: (state) => state.wanted?.date ?? null,

  absorb(ctx, state, request) {
    const noted: Noted = [];
    const ids = firm(request.services);
    if (ids.length && ids.join() !== state.serviceIds.join()) {
      state.serviceIds = ids;
      state.slotStart = undefined;
      state.quotedTotalFen = undefined;
      noted.push('services');
    }
    const vague = tentative(request.services).map((m) => m.said).filter((s) => !state.notes.includes(s));
    if (vague.length) {
      state.notes.push(...vague);
      noted.push('notes');
    }
    if (request.when && JSON.stringify(request.when) !== JSON.stringify(state.wanted)) {
      state.wanted = request.when;
      state.slotStart = undefined;
      noted.push('when');
    }
    if (request.plate && request.plate !== state.plate && !state.vehicles?.some((v) => v.id === state.vehicleId && v.plate === request.plate)) {
      state.plate = request.plate;
      state.vehicleId = undefined;
      noted.push('plate');
    }
    return noted.length ? noted : null;
  },

  question(ctx, state, id): Question {
    switch (id) {
      case 'intent': {
        const existing = state.existing!;
        return {
          id,
          text: ctx.t('book.moveOrNew', { ref: existing.ref, when: formatWhen(ctx, new Date(existing.startsAt)), wanted: formatWanted(ctx, state.wanted!) }),
          options: [
            { id: 'move', label: ctx.t('book.moveExisting', { ref: existing.ref }), synonyms: ['改期', '改时间', '改到', 'move', 'reschedule'] },
            { id: 'new', label: ctx.t('book.newBooking'), synonyms: ['新预约', '再约', '另约', 'new booking', 'another'] },
          ],
        };
      }
      case 'service': {
        const popular = state.popular ?? [];
        const options: Option[] = popular.map((p) => ({ id: p.id, label: ctx.locale === 'zh' ? p.zh : p.en }));
        const text = state.notes.length && state.tentativeIds.length ? ctx.t('book.askServiceTentative', { said: state.notes.join(ctx.t('list.separator')) }) : ctx.t('book.askServiceList');
        return { id, text, options, field: 'service', example: ctx.t('book.serviceExample'), missReason: ctx.t('book.serviceUnknown', { text: ctx.request.text.slice(0, 20), examples: popular.slice(0, 4).map((p) => (ctx.locale === 'zh' ? p.zh : p.en)).join(ctx.t('list.separator')) }) };
      }
      case 'plate':
        return { id, text: ctx.t('book.askNewPlate'), field: 'plate', example: ctx.t('plate.example') };
      case 'vehicle':
        return {
          id,
          text: ctx.t('book.askVehicle'),
          options: [
            ...(state.vehicles ?? []).map((v) => ({ id: v.id, label: v.model ? `${v.plate}（${v.model}）` : v.plate, synonyms: [v.plate.toLowerCase()] })),
            { id: 'other', label: ctx.t('book.otherVehicle'), synonyms: ['另一辆', '其他', 'other', 'another car'] },
          ],
          field: 'plate',
        };
      case 'when':
        return { id, text: ctx.t('book.askWhen'), field: 'when', example: ctx.t('when.example') };
      case 'confirm':
        return {
          id,
          text: readBack(ctx, state),
          confirmation: true,
          options: [
            { id: 'confirm', label: ctx.t('book.confirm'), synonyms: ['确认预约', '确认', 'confirm'], exact: YES_WORDS },
            { id: 'change', label: ctx.t('book.change'), synonyms: ['修改', '改一下', 'change'], exact: NO_WORDS },
          ],
        };
      case 'recommend': {
        const list = state.recommendations ?? [];
        return {
          id,
          text: ctx.t('book.recommended', { number: list[0]?.number ?? '', work: list.map((r) => (ctx.locale === 'zh' ? r.zh : r.en)).join(ctx.t('list.separator')) }),
          confirmation: true,
          options: [
            { id: 'add', label: ctx.t('book.addRecommended'), synonyms: ['一起做', '一起', '加上', 'add', 'together'], exact: YES_WORDS },
            { id: 'skip', label: ctx.t('book.skipRecommended'), synonyms: ['不用', '这次不做', '下次', 'not this time'], exact: NO_WORDS },
          ],
        };
      }
      case 'change':
        return {
          id,
          text: ctx.t('book.whatToChange'),
          options: [
            { id: 'time', label: ctx.t('book.changeTime'), synonyms: ['时间', '日期', '改时间', 'time', 'date', 'day'] },
            { id: 'service', label: ctx.t('book.changeService'), synonyms: ['项目', '服务', 'service'] },
            { id: 'vehicle', label: ctx.t('book.changeVehicle'), synonyms: ['车', '车辆', '车牌', 'car', 'vehicle', 'plate'] },
          ],
          field: 'when',
        };
    }
    throw new Error(`booking has no question ${id}`);
  },

  async answer(ctx, state, id, reply) {
    switch (id) {
      case 'intent':
        if (optionId(reply) === 'move') return { replace: RESCHEDULE, input: { bookingId: state.existing!.id, wanted: state.wanted } satisfies RescheduleInput };
        state.isNew = true;
        return plan(ctx, state);
      case 'service':
        if (reply.kind === 'option') state.serviceIds = [reply.option.id];
        else if (reply.kind === 'field' && reply.field === 'service') await takeServices(ctx, state, reply.value as ServiceMention[]);
        return plan(ctx, state);
      case 'plate':
        if (reply.kind === 'field') state.plate = reply.value as string;
        return plan(ctx, state);
      case 'vehicle':
        if (reply.kind === 'option' && reply.option.id === 'other') return { ask: 'plate' };
        if (reply.kind === 'option') state.vehicleId = reply.option.id;
        else if (reply.kind === 'field') state.plate = reply.value as string;
        state.chooseVehicle = false;
        return plan(ctx, state);
      case 'when':
        if (reply.kind === 'field') {
          state.wanted = reply.value as WantedTime;
          state.slotStart = undefined;
        }
        return plan(ctx, state);
      case 'recommend':
        if (optionId(reply) === 'add') {
          state.serviceIds = [...new Set([...state.serviceIds, ...(state.recommendations ?? []).map((r) => r.catalogItemId)])];
          state.slotStart = undefined;
        }
        state.recommendations = [];
        return plan(ctx, state);
      case 'confirm':
        if (optionId(reply) === 'confirm') return book(ctx, state);
        return { ask: 'change' };
      case 'change': {
        state.slotStart = undefined;
        if (reply.kind === 'field') {
          state.wanted = reply.value as WantedTime;
          return plan(ctx, state);
        }
        const what = optionId(reply);
        if (what === 'time') state.wanted = undefined;
        if (what === 'service') {
          state.serviceIds = [];
          state.quotedTotalFen = undefined;
        }
        if (what === 'vehicle') {
          state.vehicleId = undefined;
          state.plate = undefined;
          state.chooseVehicle = true;
        }
        return plan(ctx, state);
      }
    }
    throw new Error(`booking has no question ${id}`);
  },

  async resume(ctx, state, child, result) {
    if (child === REGISTRATION) {
      const registered = result as RegistrationResult | null;
      if (!registered) return { done: null };
      if (registered.vehicleId && (!state.plate || state.plate === registered.plate)) {
        // The car just registered is the one to book: no need to look it up again.
        state.vehicleId = registered.vehicleId;
        if (registered.plate) state.vehicles = [{ id: registered.vehicleId, plate: registered.plate, model: null }];
        state.plate = undefined;
        // A car registered a moment ago has no earlier work to recommend.
        state.recommendations = [];
      }
      return plan(ctx, state);
    }
    if (child === SLOT_OFFER) {
      const offer = result as SlotOfferResult | null;
      if (!offer) return { done: null };
      state.wanted = offer.wanted;
      state.slotStart = offer.slotStart;
      return plan(ctx, state);
    }
    return plan(ctx, state);
  },
};

function optionId(reply: Reply): string | null {
  return reply.kind === 'option' ? reply.option.id : null;
}

/** A service answer: the firm ones; a vague mention alone books an inspection with a note. */
async function takeServices(ctx: FlowContext, state: BookingState, mentions: ServiceMention[]): Promise<void> {
  const ids = firm(mentions);
  if (ids.length) {
    state.serviceIds = ids;
    return;
  }
  const inspection = (await ctx.desk.catalogue()).find((c) => c.code === INSPECTION_CODE);
  state.notes.push(...mentions.map((m) => m.said).filter((s) => !state.notes.includes(s)));
  state.serviceIds = inspection ? [inspection.id] : [...new Set(mentions.map((m) => m.id))];
}

/** The next missing thing, asked; or the booking read back. */
async function plan(ctx: FlowContext, state: BookingState): Promise<Step<BookingResult | null>> {
  if (!ctx.customer) {
    return { call: REGISTRATION, input: { purpose: 'book', plate: state.plate ?? null, mobile: state.registration?.mobile ?? null, mileageKm: state.registration?.mileageKm ?? null } satisfies RegistrationInput };
  }
  const customerId = ctx.customer.id;

  // A customer with a booking who names only a new time may mean moving it: ask, don't guess.
  if (!state.isNew && !state.existing && state.serviceIds.length === 0 && state.tentativeIds.length === 0 && state.wanted) {
    const upcoming = await ctx.desk.upcomingBookings(customerId);
    const target = pickExisting(upcoming, ctx.memory.lastBookingId);
    if (target) {
      state.existing = { id: target.id, ref: target.ref, startsAt: target.startsAt.toISOString() };
      return { ask: 'intent' };
    }
    state.isNew = true;
  }

  if (state.serviceIds.length === 0) {
    if (!state.popular) {
      const popular = await ctx.desk.popularServices(6);
      const extra = state.tentativeIds.length ? await ctx.desk.services(state.tentativeIds) : [];
      const inspection = (await ctx.desk.catalogue()).find((c) => c.code === INSPECTION_CODE);
      const first = state.tentativeIds.length && inspection ? await ctx.desk.services([inspection.id]) : [];
      const seen = new Set<string>();
      state.popular = [...first, ...extra, ...popular]
        .filter((s) => (seen.has(s.id) ? false : (seen.add(s.id), true)))
        .slice(0, 7)
        .map((s) => ({ id: s.id, zh: s.name.zh, en: s.name.en }));
    }
    return { ask: 'service' };
  }

  if (!state.vehicleId) {
    if (state.plate) {
      const claim = await ctx.desk.claimPlate(customerId, state.plate);
      const plate = state.plate;
      state.plate = undefined;
      if (!claim.ok) {
        ctx.say(ctx.t('book.plateNotYours', { plate }));
        return { ask: 'plate' };
      }
      if (claim.added) ctx.say(ctx.t('book.plateAdded', { plate }));
      state.vehicleId = claim.vehicle.id;
      state.vehicles = [claim.vehicle];
    } else {
      const vehicles = await ctx.desk.vehicles(customerId);
      state.vehicles = vehicles;
      if (vehicles.length === 0) return { ask: 'plate' };
      if (vehicles.length === 1 && !state.chooseVehicle) state.vehicleId = vehicles[0].id;
      else return { ask: 'vehicle' };
    }
  }

  // "上次建议的刹车片更换，要一起做吗？" — asked once, before the time is looked for (the job gets longer).
  if (!state.recommendations) {
    const open = (await ctx.desk.openRecommendations(state.vehicleId)).filter((r) => r.catalogItemId && !state.serviceIds.includes(r.catalogItemId));
    state.recommendations = open.map((r) => ({ catalogItemId: r.catalogItemId!, zh: r.title.zh, en: r.title.en, number: r.repairOrderNumber }));
    if (state.recommendations.length) return { ask: 'recommend' };
  }

  if (!state.wanted) return { ask: 'when' };

  if (!state.slotStart) {
    return { call: SLOT_OFFER, input: { serviceIds: state.serviceIds, wanted: state.wanted } satisfies SlotOfferInput };
  }

  const quote = await ctx.desk.quote(state.serviceIds);
  state.quotedTotalFen = quote.breakdown.totalFen;
  state.minutes = quote.minutes;
  state.serviceNames = { zh: serviceNames({ locale: 'zh' }, quote.services), en: serviceNames({ locale: 'en' }, quote.services) };
  if (!state.vehicles?.some((v) => v.id === state.vehicleId)) state.vehicles = await ctx.desk.vehicles(customerId);
  return { ask: 'confirm' };
}

function pickExisting(upcoming: BookingView[], lastBookingId: string | undefined): BookingView | null {
  if (upcoming.length === 0) return null;
  return upcoming.find((b) => b.id === lastBookingId) ?? upcoming[0];
}

function readBack(ctx: FlowContext, state: BookingState): string {
  const vehicle = state.vehicles?.find((v) => v.id === state.vehicleId);
  return ctx.t('book.readBack', {
    when: formatWhen(ctx, new Date(state.slotStart!)),
    plate: vehicle?.plate ?? '',
    services: state.serviceNames?.[ctx.locale] ?? '',
    duration: ctx.t('hours', { h: hours(state.minutes ?? 0) }),
    price: money(ctx, state.quotedTotalFen ?? 0),
  }) + (state.notes.length ? `\n${ctx.t('book.notesReadBack', { notes: state.notes.join(ctx.t('list.separator')) })}` : '');
}

async function book(ctx: FlowContext, state: BookingState): Promise<Step<BookingResult | null>> {
  const outcome = await ctx.desk.book({
    customerId: ctx.customer!.id,
    vehicleId: state.vehicleId!,
    serviceIds: state.serviceIds,
    startsAt: new Date(state.slotStart!),
    quotedTotalFen: state.quotedTotalFen!,
    notes: state.notes.length ? state.notes.join('；') : null,
    channel: ctx.identity.channel,
    idempotencyKey: ctx.turnId,
  });
  if (outcome.ok) {
    const b = outcome.booking;
    ctx.memory.lastBookingId = b.id;
    ctx.memory.lastBookingDate = localParts(b.startsAt, ctx.timeZone).date;
    ctx.say(ctx.t('book.done', { ref: b.ref, when: formatWhen(ctx, b.startsAt), plate: b.plate, services: serviceNames(ctx, b.services) }));
    if (state.notes.length) ctx.say(ctx.t('book.notesKept', { notes: state.notes.join(ctx.t('list.separator')) }));
    return { done: { bookingId: b.id } };
  }
  switch (outcome.reason) {
    case 'vehicle-busy':
      ctx.say(ctx.t('book.vehicleBusy', { plate: state.vehicles?.find((v) => v.id === state.vehicleId)?.plate ?? '', when: formatWhen(ctx, outcome.booking.startsAt), ref: outcome.booking.ref }));
      return { done: null };
    case 'slot-taken':
      ctx.say(ctx.t('book.slotTaken'));
      state.slotStart = undefined;
      return plan(ctx, state);
    case 'price-changed':
      ctx.say(ctx.t('book.priceChanged', { before: money(ctx, state.quotedTotalFen ?? 0), after: money(ctx, outcome.quote.breakdown.totalFen) }));
      state.quotedTotalFen = outcome.quote.breakdown.totalFen;
      state.minutes = outcome.quote.minutes;
      return { ask: 'confirm' };
  }
}
