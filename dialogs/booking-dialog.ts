import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { TurnContext } from 'botbuilder';
import { InterruptibleDialog } from './interruptible-dialog';
import { turnServices } from './context';
import { t, type Locale } from './i18n';
import { choicePrompt, gaveUp, isAnswer, parsedPrompt } from './prompts';
import { choiceActivity, recognizeChoice, YES_WORDS, NO_WORDS, type Choice } from './ui';
import { findPlate, parsePlate, type ParseResult } from '../services/registration';
import { customerVehicles, vehicleForPlate } from '../services/customers';
import { formatWanted, understandWhen, type WantedTime } from '../services/when';
import { matchServices, listCatalog } from '../services/catalog';
import { findSlots, type Slot, type SlotSearchResult } from '../services/booking/availability';
import { createBooking, SlotUnavailableError, VehicleAlreadyBookedError, estimateServices } from '../services/booking/bookings';
import { formatFen } from '../services/costs';
import { formatLocal, formatLocalDate, minuteToTime } from '../services/time';
import { parseWhenAnswer } from './when-answer';
import { loadShopCalendar, openingFor } from '../services/calendar';

/**
 * 预约保养. Understands a whole request in one message and asks only for what is missing:
 * service, vehicle, time; then reads the booking back for confirmation. Each answer
 * restarts the waterfall with the request so far, so answered questions are skipped.
 */
export const BOOKING_DIALOG = 'bookingDialog';
const PAST_WORDS = /(昨天|前天|大前天|上周|上个?星期|上个?礼拜|上个月|去年|yesterday|last (week|month|year|monday|tuesday|wednesday|thursday|friday|saturday|sunday))/i;
const STEPS = 'book.steps';
const SERVICE = 'book.service';
const VEHICLE = 'book.vehicle';
const PLATE = 'book.plate';
const WHEN = 'book.when';
const SLOT = 'book.slot';
const CONFIRM = 'book.confirm';
const CHANGE = 'book.change';

export interface BookingRequest {
  text?: string;
  serviceIds?: string[];
  vehicleId?: string;
  plate?: string;
  askPlate?: boolean;
  /** Ask which car even when the customer has only one (they asked to change it). */
  chooseVehicle?: boolean;
  wanted?: WantedTime;
  /** ISO instant of the slot the customer accepted. */
  slotStart?: string;
  /** Offered slots, so a numbered reply maps back to one. */
  offered?: string[];
  confirmed?: boolean;
}

type SlotAnswer = { slot: string } | { other: true } | { wanted: WantedTime };
type ServiceAnswer = { serviceIds: string[]; wanted?: WantedTime; plate?: string };

export class BookingDialog extends InterruptibleDialog {
  constructor() {
    super(BOOKING_DIALOG);
    this.addDialog(
      parsedPrompt(SERVICE, {
        parse: (text, ctx, choices) => {
          const picked = /^\s*\d{1,2}\s*$/.test(text) ? recognizeChoice(text, choices) : null;
          return picked ? { ok: true, value: { serviceIds: [picked.value] } } : parseServices(text, ctx);
        },
      }),
    );
    this.addDialog(choicePrompt(VEHICLE, (text) => { const plate = findPlate(text); return plate ? { ok: true, value: plate } : { ok: false, reason: 'plate.missing' }; }));
    this.addDialog(parsedPrompt(PLATE, { parse: parsePlate }));
    this.addDialog(parsedPrompt(WHEN, { parse: (text, ctx) => parseWhenAnswer(text, ctx) }));
    this.addDialog(parsedPrompt(SLOT, { parse: parseSlotChoice }));
    this.addDialog(choicePrompt(CONFIRM));
    this.addDialog(choicePrompt(CHANGE));
    this.addDialog(
      new WaterfallDialog(STEPS, [
        this.start.bind(this),
        this.ensureServices.bind(this),
        this.ensureVehicle.bind(this),
        this.ensureSlot.bind(this),
        this.confirm.bind(this),
        this.afterConfirm.bind(this),
        this.afterChange.bind(this),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  /** The pending request lives in the waterfall's options so it survives every turn. */
  private request(step: WaterfallStepContext): BookingRequest {
    return step.options as BookingRequest;
  }

  private restart(step: WaterfallStepContext, request: BookingRequest): Promise<DialogTurnResult> {
    const { text: _consumed, ...rest } = request;
    return step.replaceDialog(STEPS, rest);
  }

  /** Reads whatever the opening message already says. */
  private async start(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const request = this.request(step);
    if (request.text) {
      const services = turnServices(step.context);
      const found = await matchServices(services.prisma, services.shop.id, request.text);
      if (found.length && !request.serviceIds) request.serviceIds = found.map((s) => s.id);
      const plate = findPlate(request.text);
      if (plate && !request.vehicleId) request.plate = plate;
      const wanted = understandWhen(request.text, { now: services.now(), timeZone: services.shop.timeZone });
      if (wanted && !request.wanted) request.wanted = wanted;
      // Dates are only ever read forward; say so rather than silently asking again.
      if (!wanted && PAST_WORDS.test(request.text)) await step.context.sendActivity(t(services.locale, 'book.pastDate'));
      delete request.text;
    }
    return step.next();
  }

  private async ensureServices(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const request = this.request(step);
    if (request.serviceIds?.length) return step.next();
    const { locale } = turnServices(step.context);
    const choices = (await popularServices(step.context)).map((i) => ({ value: i.id, title: locale === 'zh' ? i.nameZh : i.nameEn }));
    return step.prompt(SERVICE, { prompt: choiceActivity(step.context, locale, t(locale, 'book.askServiceList'), choices), choices });
  }

  private async ensureVehicle(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const request = this.request(step);
    const services = turnServices(step.context);
    // Answer from the service prompt.
    if (isAnswer<ServiceAnswer>(step.result) && !request.serviceIds?.length) {
      const answer = step.result.value;
      if (answer.wanted && !answer.serviceIds.length) {
        await step.context.sendActivity(t(services.locale, 'book.timeNoted', { when: formatWanted(answer.wanted, services.locale) }));
      }
      return this.restart(step, {
        ...request,
        serviceIds: answer.serviceIds.length ? answer.serviceIds : undefined,
        wanted: answer.wanted ?? request.wanted,
        plate: request.vehicleId ? request.plate : answer.plate ?? request.plate,
      });
    }
    if (gaveUp(step.result)) return this.handOver(step);
    if (request.vehicleId) return step.next();
    const customerId = services.customer!.id;
    if (request.plate) {
      const result = await vehicleForPlate(services.prisma, { shopId: services.shop.id, customerId, plate: request.plate });
      if (!result) {
        await step.context.sendActivity(t(services.locale, 'book.plateNotYours', { plate: request.plate }));
        return this.restart(step, { ...request, plate: undefined, askPlate: true });
      }
      if (result.added) await step.context.sendActivity(t(services.locale, 'book.plateAdded', { plate: request.plate }));
      return this.restart(step, { ...request, plate: undefined, askPlate: false, vehicleId: result.vehicle.id });
    }
    const vehicles = await customerVehicles(services.prisma, customerId);
    if (request.askPlate || vehicles.length === 0) return step.prompt(PLATE, { prompt: t(services.locale, 'book.askNewPlate') });
    if (vehicles.length === 1 && !request.chooseVehicle) return this.restart(step, { ...request, vehicleId: vehicles[0].id });
    const choices = vehicleChoices(vehicles, services.locale);
    return step.prompt(VEHICLE, { prompt: choiceActivity(step.context, services.locale, t(services.locale, 'book.askVehicle'), choices), choices });
  }

  private async ensureSlot(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const request = this.request(step);
    const services = turnServices(step.context);
    if (gaveUp(step.result)) return this.handOver(step);
    if (isAnswer<string>(step.result) && !request.vehicleId) {
      const value = step.result.value;
      if (value === 'other') return this.restart(step, { ...request, askPlate: true });
      // A plate (from the plate prompt) or a vehicle id (from the choice).
      if (/^[^\x00-\x7f]/.test(value)) return this.restart(step, { ...request, plate: value });
      return this.restart(step, { ...request, vehicleId: value, chooseVehicle: false });
    }
    if (request.slotStart) return step.next();
    if (!request.wanted) return step.prompt(WHEN, { prompt: t(services.locale, 'book.askWhen') });
    const search = await findSlots(services.prisma, {
      shopId: services.shop.id,
      catalogItemIds: request.serviceIds!,
      wanted: request.wanted,
      now: services.now(),
    });
    if (search.requested && request.wanted.time) {
      await this.noteParts(step.context, search);
      return this.restart(step, { ...request, slotStart: search.requested.startsAt.toISOString() });
    }
    // No exact hit (or no time given): say why, then offer what is free.
    const lines: string[] = [];
    // Before a restock the parts note is the reason; "fully booked" would be untrue.
    const waitingForParts = Boolean(search.partsShortage?.restockDate && request.wanted.date < search.partsShortage.restockDate);
    const reason = waitingForParts ? null : await describeMiss(step.context, search, request.wanted);
    if (reason) lines.push(reason);
    const offer = [search.requested, ...search.alternatives].filter((s): s is Slot => Boolean(s)).slice(0, 3);
    if (offer.length === 0) {
      await step.context.sendActivity([...lines, t(services.locale, 'book.noAlternatives')].join('\n'));
      return this.restart(step, { ...request, wanted: undefined, offered: undefined });
    }
    await this.noteParts(step.context, search);
    request.offered = offer.map((s) => s.startsAt.toISOString());
    const choices: Choice[] = [
      // "好的 / OK" to an offer takes the first (nearest) time.
      ...offer.map((s, i) => ({ value: s.startsAt.toISOString(), title: formatLocal(s.startsAt, services.shop.timeZone, services.locale), synonyms: i === 0 ? YES_WORDS : undefined })),
      { value: 'other', title: t(services.locale, 'book.otherTime') },
    ];
    lines.push(t(services.locale, 'book.alternatives'));
    return step.prompt(SLOT, { prompt: choiceActivity(step.context, services.locale, lines.join('\n'), choices), choices, validations: request.wanted });
  }

  private async confirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const request = this.request(step);
    if (gaveUp(step.result)) return this.handOver(step);
    if (isAnswer<WantedTime>(step.result) && !request.wanted) return this.restart(step, { ...request, wanted: step.result.value });
    if (isAnswer<SlotAnswer>(step.result) && !request.slotStart) {
      const answer = step.result.value;
      if ('slot' in answer) return this.restart(step, { ...request, slotStart: answer.slot, offered: undefined });
      if ('wanted' in answer) return this.restart(step, { ...request, wanted: answer.wanted, offered: undefined });
      return this.restart(step, { ...request, wanted: undefined, offered: undefined });
    }
    return this.readBack(step);
  }

  private async afterConfirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { locale } = turnServices(step.context);
    if (gaveUp(step.result)) return this.handOver(step);
    if (isAnswer<string>(step.result) && step.result.value === 'confirm') return this.book(step);
    const choices: Choice[] = [
      { value: 'time', title: t(locale, 'book.changeTime'), synonyms: ['time', '日期', '时间', 'date', 'day'] },
      { value: 'service', title: t(locale, 'book.changeService'), synonyms: ['service', '服务', '项目'] },
      { value: 'vehicle', title: t(locale, 'book.changeVehicle'), synonyms: ['car', 'vehicle', '车', '车牌', 'plate'] },
    ];
    return step.prompt(CHANGE, { prompt: choiceActivity(step.context, locale, t(locale, 'book.whatToChange'), choices), choices });
  }

  private async afterChange(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const request = this.request(step);
    if (gaveUp(step.result) || !isAnswer<string>(step.result)) return this.handOver(step);
    const next: BookingRequest = { ...request, slotStart: undefined, offered: undefined };
    if (step.result.value === 'time') next.wanted = undefined;
    if (step.result.value === 'service') next.serviceIds = undefined;
    if (step.result.value === 'vehicle') {
      next.vehicleId = undefined;
      next.askPlate = false;
      next.chooseVehicle = true;
    }
    return this.restart(step, next);
  }

  private async readBack(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const request = this.request(step);
    const services = turnServices(step.context);
    const { locale } = services;
    const vehicle = await services.prisma.vehicle.findUniqueOrThrow({ where: { id: request.vehicleId! } });
    const items = await services.prisma.serviceCatalogItem.findMany({ where: { id: { in: request.serviceIds! } } });
    const estimate = await estimateServices(services.prisma, services.shop.id, request.serviceIds!);
    const minutes = items.reduce((sum, i) => sum + i.labourMinutes, 0);
    const text = t(locale, 'book.readBack', {
      when: formatLocal(new Date(request.slotStart!), services.shop.timeZone, locale),
      plate: vehicle.plate,
      services: items.map((i) => (locale === 'zh' ? i.nameZh : i.nameEn)).join(locale === 'zh' ? '、' : ', '),
      duration: t(locale, 'hours', { h: Math.round((minutes / 60) * 10) / 10 }),
      price: formatFen(estimate.totalFen, locale),
    });
    const choices: Choice[] = [
      { value: 'confirm', title: t(locale, 'book.confirm'), synonyms: YES_WORDS },
      { value: 'change', title: t(locale, 'book.change'), synonyms: NO_WORDS },
    ];
    return step.prompt(CONFIRM, { prompt: choiceActivity(step.context, locale, text, choices), choices });
  }

  private async book(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const request = this.request(step);
    const services = turnServices(step.context);
    const { locale } = services;
    try {
      const booking = await createBooking(services.prisma, {
        shopId: services.shop.id,
        customerId: services.customer!.id,
        vehicleId: request.vehicleId!,
        catalogItemIds: request.serviceIds!,
        startsAt: new Date(request.slotStart!),
        channel: step.context.activity.channelId,
        now: services.now(),
      });
      const vehicle = await services.prisma.vehicle.findUniqueOrThrow({ where: { id: request.vehicleId! } });
      const items = await services.prisma.serviceCatalogItem.findMany({ where: { id: { in: request.serviceIds! } } });
      await step.context.sendActivity(
        t(locale, 'book.done', {
          ref: bookingReference(booking.id),
          when: formatLocal(booking.startsAt, services.shop.timeZone, locale),
          plate: vehicle.plate,
          services: items.map((i) => (locale === 'zh' ? i.nameZh : i.nameEn)).join(locale === 'zh' ? '、' : ', '),
        }),
      );
      return step.endDialog({ bookingId: booking.id });
    } catch (error) {
      if (error instanceof VehicleAlreadyBookedError) {
        const vehicle = await services.prisma.vehicle.findUniqueOrThrow({ where: { id: request.vehicleId! } });
        await step.context.sendActivity(
          t(locale, 'book.vehicleBusy', { plate: vehicle.plate, when: formatLocal(error.startsAt, services.shop.timeZone, locale), ref: bookingReference(error.bookingId) }),
        );
        return step.endDialog();
      }
      if (!(error instanceof SlotUnavailableError)) throw error;
      await step.context.sendActivity(t(locale, 'book.slotTaken'));
      return this.restart(step, { ...request, slotStart: undefined });
    }
  }

  private async noteParts(context: TurnContext, search: SlotSearchResult): Promise<void> {
    const { locale } = turnServices(context);
    if (search.partsShortage?.restockDate) await context.sendActivity(t(locale, 'book.partsRestock', { date: formatLocalDate(search.partsShortage.restockDate, locale) }));
    else if (search.partsShortage) await context.sendActivity(t(locale, 'book.partsShort', { parts: search.partsShortage.partSkus.join(', ') }));
  }

  private async handOver(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.endDialog({ handoff: true });
  }
}

/** Short, human reference for a booking: the last 6 characters of its id, upper case. */
export function bookingReference(id: string): string {
  return id.slice(-6).toUpperCase();
}

function vehicleChoices(vehicles: { id: string; plate: string; model: string | null }[], locale: Locale): Choice[] {
  return [
    ...vehicles.map((v) => ({ value: v.id, title: v.model ? `${v.plate}（${v.model}）` : v.plate, synonyms: [v.plate.toLowerCase()] })),
    { value: 'other', title: t(locale, 'book.otherVehicle') },
  ];
}

/**
 * What to offer first: routine maintenance (by its interval, shortest first), then
 * everything else by length of job. The full catalogue is still matched by name.
 */
async function popularServices(context: TurnContext, count = 6) {
  const services = turnServices(context);
  const catalog = [...(await listCatalog(services.prisma, services.shop.id))];
  catalog.sort((a, b) => (a.intervalKm ?? Infinity) - (b.intervalKm ?? Infinity) || a.labourMinutes - b.labourMinutes);
  return catalog.slice(0, count);
}

async function serviceExamples(context: TurnContext): Promise<string> {
  const { locale } = turnServices(context);
  return (await popularServices(context))
    .map((i) => (locale === 'zh' ? i.nameZh : i.nameEn))
    .join(locale === 'zh' ? '、' : ', ');
}

/**
 * The answer to "which service?". A reply that names no service but a time or a plate
 * ("明天下午3点") is kept, and the question asked again, instead of being thrown away.
 */
async function parseServices(text: string, context: TurnContext): Promise<ParseResult<ServiceAnswer>> {
  const services = turnServices(context);
  const found = await matchServices(services.prisma, services.shop.id, text);
  const wanted = understandWhen(text, { now: services.now(), timeZone: services.shop.timeZone }) ?? undefined;
  const plate = findPlate(text) ?? undefined;
  if (found.length || wanted || plate) return { ok: true, value: { serviceIds: found.map((s) => s.id), wanted, plate } };
  await context.sendActivity(t(services.locale, 'book.serviceUnknown', { text: text.slice(0, 40), examples: await serviceExamples(context) }));
  return { ok: false, reason: '' };
}

/** A number or title picks an offered slot; a new date or time asks again with it. */
function parseSlotChoice(text: string, context: TurnContext, choices: Choice[], known?: unknown): ParseResult<SlotAnswer> {
  const choice = recognizeChoice(text, choices);
  if (choice) return { ok: true, value: choice.value === 'other' ? { other: true } : { slot: choice.value } };
  const parsed = parseWhenAnswer(text, context, known as WantedTime | undefined);
  return parsed.ok ? { ok: true, value: { wanted: parsed.value } } : parsed;
}

async function describeMiss(context: TurnContext, search: SlotSearchResult, wanted: WantedTime): Promise<string | null> {
  const { locale, prisma, shop } = turnServices(context);
  switch (search.reason) {
    case 'closed':
      return t(locale, 'book.closed', { date: formatLocalDate(wanted.date, locale) });
    case 'full':
      return t(locale, 'book.full', { when: `${formatLocalDate(wanted.date, locale)}${wanted.time ? ` ${wanted.time}` : ''}` });
    case 'past':
      return t(locale, 'book.past');
    case 'outside-hours': {
      const hours = openingFor(await loadShopCalendar(prisma, shop.id), wanted.date);
      return t(locale, 'book.outsideHours', { hours: hours ? `${minuteToTime(hours.openMinute)}–${minuteToTime(hours.closeMinute)}` : '—' });
    }
    case 'beyond-horizon':
      return t(locale, 'book.beyondHorizon', { days: shop.bookingHorizonDays });
    default:
      return null;
  }
}
