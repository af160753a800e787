import { z } from 'zod';
import type { Prisma } from '../db/client';
import { openingFor, type LoadedShopCalendar } from '../calendar';
import { loadShopSnapshot, type CatalogItemWithParts } from '../shop-snapshot';
import {
  addDays,
  dbDateToLocalDate,
  DAY_PARTS,
  isLocalDate,
  localParts,
  partOfDayTarget,
  partOfDayWindow,
  timeToMinute,
  zonedInstant,
  type LocalDate,
  type OpeningWindow,
  type WantedTime,
} from '../time';
import { UnknownServiceError, type SlotUnavailableReason } from './errors';
import {
  candidateStarts,
  earliestStart,
  isOnGrid,
  jobRequirements,
  makeSlot,
  nearestTo,
  OccupancyIndex,
  partsVerdict,
  qualifiedTechnicians,
  slotUnits,
  toMilli,
  usableBays,
  LEAD_TIME_MINUTES,
  type Bay,
  type JobRequirements,
  type PartNeed,
  type PartsVerdict,
  type Slot,
  type Technician,
} from './slots';

export type { Slot } from './slots';

/**
 * Bookable slots for a set of services. Everything the search needs is loaded once per
 * call (shop calendar, items, resources, parts); occupancy is read only for the days
 * being looked at, by the indexed slotStart, never by scanning bookings.
 */

/** Prisma client or interactive-transaction client: the booking writes search inside their transaction. */
export type Db = Prisma.TransactionClient;

export type { CatalogItemWithParts } from '../shop-snapshot';

export interface SearchContext {
  shop: LoadedShopCalendar;
  items: CatalogItemWithParts[];
  requirements: JobRequirements;
  /** Usable bays and qualified technicians, in the order they are assigned. */
  bays: Bay[];
  technicians: Technician[];
  parts: PartsVerdict;
  today: LocalDate;
  /** Last date inside the booking horizon. */
  lastDate: LocalDate;
  earliest: Date;
}

export interface SearchOptions {
  /** A booking being moved: its occupancy and its parts reservation don't count against it. */
  excludeBookingId?: string;
  leadMinutes?: number;
}

/** Loads the shop's items and, when they need parts, what confirmed future bookings already reserved. */
export async function loadSearchContext(
  db: Db,
  input: { shopId: string; catalogItemIds: readonly string[]; now: Date } & SearchOptions,
): Promise<SearchContext> {
  const ids = [...new Set(input.catalogItemIds)];
  const { shop, bays, technicians, items: catalogue } = await loadShopSnapshot(db, input.shopId);
  const missing = ids.filter((id) => !catalogue.has(id));
  if (missing.length || ids.length === 0) throw new UnknownServiceError(missing);
  const items = ids.map((id) => catalogue.get(id)!);
  const requirements = jobRequirements(items, shop.slotMinutes);
  const parts = partsVerdict(await partNeeds(db, input.shopId, items, input.now, input.excludeBookingId));
  const today = localParts(input.now, shop.timeZone).date;
  return {
    shop,
    items,
    requirements,
    bays: usableBays(bays, requirements.bayKinds),
    technicians: qualifiedTechnicians(technicians, requirements.skills),
    parts,
    today,
    lastDate: addDays(today, shop.bookingHorizonDays),
    earliest: earliestStart(input.now, input.leadMinutes ?? LEAD_TIME_MINUTES),
  };
}

async function partNeeds(db: Db, shopId: string, items: CatalogItemWithParts[], now: Date, excludeBookingId?: string): Promise<PartNeed[]> {
  const needs = new Map<string, PartNeed>();
  for (const item of items) {
    for (const cp of item.parts) {
      const need = needs.get(cp.partId);
      if (need) need.neededMilli += toMilli(cp.quantity);
      else
        needs.set(cp.partId, {
          partId: cp.partId,
          sku: cp.part.sku,
          neededMilli: toMilli(cp.quantity),
          stockMilli: toMilli(cp.part.stockQty),
          reservedMilli: 0,
          restockDate: cp.part.restockDate ? dbDateToLocalDate(cp.part.restockDate) : null,
        });
    }
  }
  if (needs.size === 0) return [];
  // What confirmed bookings reserve from today on: whole days after today from the per-day
  // totals the database keeps (PartReservationDay, by trigger), so a full forward book costs a
  // few rows, not every booking; today's bookings that have not started yet, exactly; and a
  // booking being moved gives its own reservation back.
  const rows = await db.$queryRawUnsafe<Array<{ partId: string; milli: string }>>(
    `SELECT x."partId", SUM(x."milli")::text AS milli FROM (
       SELECT r."partId", r."milli" FROM "PartReservationDay" r
        WHERE r."partId" = ANY($3::text[]) AND r."day" > ($2::timestamptz AT TIME ZONE 'UTC')::date
       UNION ALL
       SELECT cp."partId", (cp."quantity" * 1000)::bigint
         FROM "Booking" b
         JOIN "BookingLine" bl ON bl."bookingId" = b."id"
         JOIN "ServiceCatalogPart" cp ON cp."catalogItemId" = bl."catalogItemId"
        WHERE b."shopId" = $1 AND b."status" = 'CONFIRMED' AND b."startsAt" >= $2::timestamptz
          AND b."startsAt" < (date_trunc('day', $2::timestamptz AT TIME ZONE 'UTC') + interval '1 day') AT TIME ZONE 'UTC'
          AND cp."partId" = ANY($3::text[]) AND b."id" <> $4
       UNION ALL
       SELECT cp."partId", -(cp."quantity" * 1000)::bigint
         FROM "Booking" b
         JOIN "BookingLine" bl ON bl."bookingId" = b."id"
         JOIN "ServiceCatalogPart" cp ON cp."catalogItemId" = bl."catalogItemId"
        WHERE b."id" = $4 AND b."status" = 'CONFIRMED' AND cp."partId" = ANY($3::text[])
          AND (b."startsAt" AT TIME ZONE 'UTC')::date > ($2::timestamptz AT TIME ZONE 'UTC')::date
     ) x
     GROUP BY x."partId"`,
    shopId,
    now,
    [...needs.keys()],
    excludeBookingId ?? '',
  );
  for (const row of rows) needs.get(row.partId)!.reservedMilli = Number(row.milli);
  return [...needs.values()];
}

// ───────────────────────────── Occupancy, loaded per day range ─────────────────────────────

/** The occupied slot units of one resource: `b` a bay, `t` a technician; `ms` their starts in epoch milliseconds. */
export interface OccupancyRow {
  kind: 'b' | 't';
  id: string;
  ms: number[];
}

/**
 * The occupancy of the search's bays and technicians in [from, to), as one statement (for
 * embedding, its parameters are numbered from `firstParam`). One row per resource: a full
 * book has thousands of units in a week, and a row each cost more than the search.
 */
export function occupancyQuery(ctx: Pick<SearchContext, 'bays' | 'technicians'>, from: Date, to: Date, excludeBookingId: string | undefined, firstParam: number) {
  const p = (i: number) => `$${firstParam + i}`;
  // Without a booking to leave out, the primary keys (resource, slotStart) answer alone.
  const notThis = excludeBookingId ? ` AND "bookingId" <> ${p(4)}` : '';
  return {
    sql: `SELECT 'b' AS "kind", "bayId" AS "id", array_agg((extract(epoch FROM "slotStart") * 1000)::float8) AS "ms" FROM "BayOccupancy"
           WHERE "bayId" = ANY(${p(0)}::text[]) AND "slotStart" >= ${p(2)} AND "slotStart" < ${p(3)}${notThis}
           GROUP BY "bayId"
          UNION ALL
          SELECT 't', "technicianId", array_agg((extract(epoch FROM "slotStart") * 1000)::float8) FROM "TechnicianOccupancy"
           WHERE "technicianId" = ANY(${p(1)}::text[]) AND "slotStart" >= ${p(2)} AND "slotStart" < ${p(3)}${notThis}
           GROUP BY "technicianId"`,
    params: [ctx.bays.map((b) => b.id), ctx.technicians.map((t) => t.id), from, to, ...(excludeBookingId ? [excludeBookingId] : [])] as unknown[],
  };
}

/** Reads occupancy lazily for the days the search visits, a week at a time. */
export class OccupancyLoader {
  readonly bays = new OccupancyIndex();
  readonly technicians = new OccupancyIndex();
  private readonly loaded = new Set<LocalDate>();
  /** Number of round trips, for tests that check the search stays narrow. */
  queries = 0;

  constructor(
    private readonly db: Db,
    private readonly ctx: Pick<SearchContext, 'bays' | 'technicians' | 'shop'>,
    private readonly excludeBookingId?: string,
  ) {}

  /** Occupancy read by someone else (the booking's own combined read). */
  add(rows: readonly OccupancyRow[]): void {
    for (const r of rows) {
      const index = r.kind === 'b' ? this.bays : this.technicians;
      for (const ms of r.ms) index.add(r.id, new Date(Number(ms)));
    }
  }

  async ensure(from: LocalDate, to: LocalDate): Promise<void> {
    const missing: LocalDate[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) if (!this.loaded.has(d)) missing.push(d);
    if (missing.length === 0 || this.ctx.bays.length === 0 || this.ctx.technicians.length === 0) return;
    const tz = this.ctx.shop.timeZone;
    const range = { gte: zonedInstant(missing[0], 0, tz), lt: zonedInstant(addDays(missing[missing.length - 1], 1), 0, tz) };
    // Bays and technicians in one round trip: this runs on every slot search and in every booking.
    const q = occupancyQuery(this.ctx, range.gte, range.lt, this.excludeBookingId, 1);
    const rows = await this.db.$queryRawUnsafe<OccupancyRow[]>(q.sql, ...q.params);
    this.queries += 1;
    this.add(rows);
    for (const d of missing) this.loaded.add(d);
  }
}

// ───────────────────────────── One day ─────────────────────────────

export interface DayVerdict {
  opening: OpeningWindow | null;
  /** Bookable slots, in time order. */
  slots: Slot[];
  /** Starts inside opening hours that are already too soon (or passed). */
  pastStarts: number;
  /** True when parts or the horizon rule out the whole day. */
  blocked: boolean;
}

/** Whether a day can have slots at all, before looking at occupancy. */
function dayBlocked(ctx: SearchContext, date: LocalDate): boolean {
  return date < ctx.today || date > ctx.lastDate || (ctx.parts.availableFrom !== null && date < ctx.parts.availableFrom);
}

/** Bookable slots of one day; the loader must already hold that day's occupancy. */
export function evaluateDay(ctx: SearchContext, occupancy: OccupancyLoader, date: LocalDate): DayVerdict {
  const opening = openingFor(ctx.shop, date);
  if (!opening) return { opening, slots: [], pastStarts: 0, blocked: false };
  const { durationMinutes } = ctx.requirements;
  const slotMinutes = ctx.shop.slotMinutes;
  const tz = ctx.shop.timeZone;
  const slots: Slot[] = [];
  let pastStarts = 0;
  const blocked = dayBlocked(ctx, date);
  for (const start of candidateStarts(opening, slotMinutes, durationMinutes)) {
    const slot = makeSlot(date, start, durationMinutes, tz);
    if (slot.startsAt < ctx.earliest) {
      pastStarts++;
      continue;
    }
    if (blocked) continue;
    const units = slotUnits(date, start, durationMinutes, slotMinutes, tz);
    if (occupancy.bays.firstFree(ctx.bays, units) && occupancy.technicians.firstFree(ctx.technicians, units)) slots.push(slot);
  }
  return { opening, slots, pastStarts, blocked };
}

// ───────────────────────────── The search ─────────────────────────────

export interface FindSlotsInput {
  shopId: string;
  catalogItemIds: string[];
  wanted: WantedTime;
  now: Date;
  /** How many other slots to offer; 2 by default. */
  maxAlternatives?: number;
  /** When rescheduling: the booking's own occupancy and parts reservation don't count. */
  excludeBookingId?: string;
  /** Same as excludeBookingId (the name the dialogs use). */
  ignoreBookingId?: string;
}

export interface FindSlotsResult {
  /** The exact slot asked for, when it is bookable. */
  requested: Slot | null;
  /** Nearest other slots: the same day first, then the following working days. */
  alternatives: Slot[];
  reason?: SlotUnavailableReason;
  /** Parts short for this job: no date means the advisor must confirm (booking is flagged). */
  partsShortage?: { partSkus: string[]; restockDate: LocalDate | null };
}

/** The name the dialogs use for the result. */
export type SlotSearchResult = FindSlotsResult;

const findSlotsSchema = z.object({
  shopId: z.string().min(1),
  catalogItemIds: z.array(z.string().min(1)).min(1, 'choose at least one service'),
  wanted: z.object({
    date: z.string().refine(isLocalDate, 'date must be YYYY-MM-DD'),
    time: z
      .string()
      .refine((t) => timeToMinute(t) !== null, 'time must be HH:mm')
      .nullable(),
    part: z.enum(DAY_PARTS).nullable(),
  }),
  now: z.date().refine((d) => !Number.isNaN(d.getTime()), 'now must be a valid Date'),
  maxAlternatives: z.number().int().min(0).max(20).default(2),
  excludeBookingId: z.string().optional(),
  ignoreBookingId: z.string().optional(),
});

// How far the search walks for alternatives, and how many days it reads per query.
const PREFETCH_DAYS = 7;
/** Days read by a search's first query: a full forward book has thousands of units a week. */
const FIRST_READ_DAYS = 2;

export async function findSlots(db: Db, rawInput: FindSlotsInput): Promise<FindSlotsResult> {
  const parsed = findSlotsSchema.parse(rawInput);
  const input = { ...parsed, excludeBookingId: parsed.excludeBookingId ?? parsed.ignoreBookingId };
  const ctx = await loadSearchContext(db, input);
  const occupancy = new OccupancyLoader(db, ctx, input.excludeBookingId);
  return searchSlots(ctx, occupancy, input.wanted, input.maxAlternatives);
}

/** The search proper, over a loaded context (createBooking reuses it to offer alternatives). */
export async function searchSlots(ctx: SearchContext, occupancy: OccupancyLoader, wanted: WantedTime, maxAlternatives = 2): Promise<FindSlotsResult> {
  const { durationMinutes } = ctx.requirements;
  const slotMinutes = ctx.shop.slotMinutes;
  const wantedMinute = wanted.time ? timeToMinute(wanted.time) : null;
  const shortage = ctx.parts.shortSkus.length
    ? { partsShortage: { partSkus: ctx.parts.shortSkus, restockDate: ctx.parts.restockDate } }
    : {};

  /** Where on another day's timetable the customer's wish points. */
  const targetOn = (opening: OpeningWindow): number =>
    wantedMinute ?? (wanted.part ? partOfDayTarget(wanted.part, opening) : opening.openMinute);

  let reads = 0;
  const visit = async (date: LocalDate, forward: boolean): Promise<DayVerdict> => {
    // Most searches are answered on the wanted day: read two days first, then a week at a time.
    const span = reads++ === 0 ? FIRST_READ_DAYS : PREFETCH_DAYS;
    if (forward) await occupancy.ensure(date, minDate(addDays(date, span - 1), ctx.lastDate));
    else await occupancy.ensure(maxDate(addDays(date, -(span - 1)), ctx.today), date);
    return evaluateDay(ctx, occupancy, date);
  };

  /** Alternatives from the days after (or before) `from`, nearest to the wish on each day. */
  const fromOtherDays = async (from: LocalDate, forward: boolean, need: number, inclusive = false): Promise<Slot[]> => {
    const out: Slot[] = [];
    if (need <= 0) return out;
    const step = forward ? 1 : -1;
    let date = inclusive ? from : addDays(from, step);
    if (forward && ctx.parts.availableFrom && date < ctx.parts.availableFrom) date = ctx.parts.availableFrom;
    while (out.length < need && (forward ? date <= ctx.lastDate : date >= ctx.today)) {
      const opening = openingFor(ctx.shop, date);
      if (opening && !dayBlocked(ctx, date)) {
        const day = await visit(date, forward);
        out.push(...nearestTo(day.slots, targetOn(opening)).slice(0, need - out.length));
      }
      date = addDays(date, step);
    }
    return out;
  };

  const result = (requested: Slot | null, sameDay: Slot[], reason: SlotUnavailableReason | undefined, others: Slot[]): FindSlotsResult => ({
    requested,
    alternatives: [...sameDay, ...others].slice(0, maxAlternatives),
    ...(reason ? { reason } : {}),
    ...shortage,
  });

  const date = wanted.date;
  if (date < ctx.today) {
    return result(null, [], 'past', await fromOtherDays(ctx.today, true, maxAlternatives, true));
  }
  if (date > ctx.lastDate) {
    // Nothing after the horizon can be offered: the latest bookable days come closest.
    return result(null, [], 'beyond-horizon', await fromOtherDays(ctx.lastDate, false, maxAlternatives, true));
  }
  const opening = openingFor(ctx.shop, date);
  if (!opening) return result(null, [], 'closed', await fromOtherDays(date, true, maxAlternatives));

  const day = await visit(date, true);
  const rest = async (taken: number) => fromOtherDays(date, true, maxAlternatives - taken);

  if (wantedMinute !== null) {
    const start = zonedInstant(date, wantedMinute, ctx.shop.timeZone);
    const nearest = nearestTo(day.slots, wantedMinute);
    if (wantedMinute < opening.openMinute || wantedMinute + durationMinutes > opening.closeMinute) {
      const same = nearest.slice(0, maxAlternatives);
      return result(null, same, 'outside-hours', await rest(same.length));
    }
    if (start < ctx.earliest) {
      const same = nearest.slice(0, maxAlternatives);
      return result(null, same, 'past', await rest(same.length));
    }
    const exact = day.slots.find((s) => s.startsAt.getTime() === start.getTime()) ?? null;
    const same = nearest.filter((s) => s !== exact).slice(0, maxAlternatives);
    // Off the grid (10:15) is not "full": the nearest grid times are simply offered.
    const reason = exact || !isOnGrid(wantedMinute, opening, slotMinutes, durationMinutes) ? undefined : 'full';
    return result(exact, same, reason, await rest(same.length));
  }

  if (wanted.part) {
    const window = partOfDayWindow(wanted.part, opening);
    if (!window) {
      // Evening: the shop is shut by then; the latest slots are the closest offer.
      const same = nearestTo(day.slots, opening.closeMinute).slice(0, maxAlternatives);
      return result(null, same, 'outside-hours', await rest(same.length));
    }
    const inWindow = day.slots.filter((s) => {
      const m = timeToMinute(s.time)!;
      return m >= window.fromMinute && m < window.toMinute;
    });
    if (inWindow.length) {
      const same = inWindow.slice(0, maxAlternatives);
      return result(null, same, undefined, await rest(same.length));
    }
    const windowStarts = candidateStarts(opening, slotMinutes, durationMinutes).filter((m) => m >= window.fromMinute && m < window.toMinute);
    const windowPast = windowStarts.every((m) => zonedInstant(date, m, ctx.shop.timeZone) < ctx.earliest);
    const same = nearestTo(day.slots, window.fromMinute).slice(0, maxAlternatives);
    return result(null, same, windowPast ? 'past' : 'full', await rest(same.length));
  }

  if (day.slots.length) {
    const same = day.slots.slice(0, maxAlternatives);
    return result(null, same, undefined, await rest(same.length));
  }
  const allPast = day.pastStarts > 0 && day.pastStarts === candidateStarts(opening, slotMinutes, durationMinutes).length;
  return result(null, [], allPast ? 'past' : 'full', await rest(0));
}

function minDate(a: LocalDate, b: LocalDate): LocalDate {
  return a < b ? a : b;
}

function maxDate(a: LocalDate, b: LocalDate): LocalDate {
  return a > b ? a : b;
}
