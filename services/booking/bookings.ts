import { z } from 'zod';
import type { Prisma, PrismaClient, RawSql } from '../db/client';
import { KEEP_PLAN } from '../db/plan-hint';
import { newId } from '../customers';
import { openingFor } from '../calendar';
import { addDays, localParts, minuteToTime, zonedInstant } from '../time';
import { loadSearchContext, OccupancyLoader, occupancyQuery, searchSlots, type OccupancyRow, type SearchContext } from './availability';
import { BookingInputError, BookingNotChangeableError, BookingNotFoundError, PriceChangedError, SlotUnavailableError, VehicleAlreadyBookedError } from './errors';
import { estimateFor, estimateSnapshot } from './estimate';
import { actorSchema } from '../actor';
import { createTask } from '../advisor-tasks';
import { isOnGrid, slotUnits, type Slot } from './slots';
import { cancelNoShowCheck, noShowRunAt, scheduleNoShowCheck } from '../follow-up/no-show-schedule';
import { NO_SHOW_JOB_KIND, noShowDedupeKey } from '../follow-up/kinds';

/**
 * Booking writes. Double booking is prevented by the database, not by the read before
 * the write: each booking inserts one BayOccupancy and one TechnicianOccupancy row per
 * slot unit it holds, and their primary keys (resource, slotStart) make a second holder
 * impossible. A transaction that loses the race gets a unique violation, rolls back
 * entirely and retries with the next free resource.
 */

type Booking = Prisma.BookingModel;
type Tx = Prisma.TransactionClient;

export const REMINDER_JOB_KIND = 'booking.reminder';
export const reminderDedupeKey = (bookingId: string) => `booking-reminder:${bookingId}`;

// Waiting for a connection (PostgreSQL pool) or for PGlite's single connection under a
// burst of bookings can take seconds; Prisma's defaults (2 s / 5 s) would fail them.
const TX_OPTIONS = { maxWait: 30_000, timeout: 30_000 } as const;
const MAX_ATTEMPTS = 10;

/** The evening before at 18:00 shop time, or at once if that has already passed. */
export function reminderRunAt(startsAt: Date, timeZone: string, now: Date): Date {
  const { date } = localParts(startsAt, timeZone);
  const runAt = zonedInstant(addDays(date, -1), 18 * 60, timeZone);
  return runAt < now ? now : runAt;
}

/** Unique violation (another booking took the bay or technician) or serialization failure / deadlock. */
export function isRetryableConflict(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  // P2002/P2034: through Prisma; 23505/40001/40P01: the SQLSTATEs of the plain-SQL booking.
  if (e.code === 'P2002' || e.code === 'P2034' || e.code === '23505' || e.code === '40001' || e.code === '40P01') return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return /could not serialize|deadlock detected|40001|40P01/.test(message);
}

function backoff(attempt: number): Promise<void> {
  // Jitter so that losers of one race do not collide again in lockstep.
  return new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 10 * attempt) + 1));
}

interface Placement {
  slot: Slot;
  units: Date[];
}

/** Checks that `startsAt` is a slot the shop offers for this job, ignoring occupancy. */
export function placeJob(ctx: SearchContext, startsAt: Date): Placement {
  const tz = ctx.shop.timeZone;
  const { date, minute } = localParts(startsAt, tz);
  const duration = ctx.requirements.durationMinutes;
  if (startsAt < ctx.earliest || date < ctx.today) throw new SlotUnavailableError('past');
  if (date > ctx.lastDate) throw new SlotUnavailableError('beyond-horizon');
  const opening = openingFor(ctx.shop, date);
  if (!opening) throw new SlotUnavailableError('closed');
  if (!isOnGrid(minute, opening, ctx.shop.slotMinutes, duration) || zonedInstant(date, minute, tz).getTime() !== startsAt.getTime()) {
    throw new SlotUnavailableError('outside-hours');
  }
  // Parts are expected on their restock date: nothing earlier can be done.
  if (ctx.parts.availableFrom && date < ctx.parts.availableFrom) throw new SlotUnavailableError('full');
  const units = slotUnits(date, minute, duration, ctx.shop.slotMinutes, tz);
  const slot = { startsAt, endsAt: zonedInstant(date, minute + duration, tz), date, time: minuteToTime(minute) };
  return { slot, units };
}

/** Picks the first free bay and technician for the whole job, or explains that none is. */
async function assignResources(tx: Tx, ctx: SearchContext, placement: Placement, excludeBookingId?: string) {
  const occupancy = new OccupancyLoader(tx, ctx, excludeBookingId);
  await occupancy.ensure(placement.slot.date, placement.slot.date);
  const bay = occupancy.bays.firstFree(ctx.bays, placement.units);
  const technician = occupancy.technicians.firstFree(ctx.technicians, placement.units);
  if (!bay || !technician) throw new SlotUnavailableError('full');
  return { bay, technician };
}

async function holdResources(tx: Tx, bookingId: string, bayId: string, technicianId: string, units: readonly Date[]): Promise<void> {
  // Bays before technicians in every transaction: one lock order, so waits never form a cycle.
  await tx.bayOccupancy.createMany({ data: units.map((slotStart) => ({ bayId, slotStart, bookingId })) });
  await tx.technicianOccupancy.createMany({ data: units.map((slotStart) => ({ technicianId, slotStart, bookingId })) });
}

/** Process-wide counters, for logs and /metrics: how often bookings lost a race. */
export const bookingMetrics = { conflictsRetried: 0, conflictsExhausted: 0 };

/** Runs `attempt` in its own transaction until it commits, retrying lost races a bounded number of times. */
async function withRetries<T>(prisma: PrismaClient, work: (tx: Tx, attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await prisma.$transaction((tx) => work(tx, attempt), TX_OPTIONS);
    } catch (error) {
      await afterConflict(error, attempt);
    }
  }
}

/** A lost race waits and goes again, up to MAX_ATTEMPTS, then counts as full; any other error is thrown. */
async function afterConflict(error: unknown, attempt: number): Promise<void> {
  if (!isRetryableConflict(error)) throw error;
  if (attempt >= MAX_ATTEMPTS) {
    bookingMetrics.conflictsExhausted++;
    throw new SlotUnavailableError('full');
  }
  bookingMetrics.conflictsRetried++;
  await backoff(attempt);
}

/** Fills in other slots for a failed attempt; best effort, never hides the original error. */
async function withAlternatives(prisma: PrismaClient, error: unknown, input: { shopId: string; catalogItemIds: string[]; startsAt: Date; now: Date; excludeBookingId?: string }): Promise<never> {
  if (error instanceof SlotUnavailableError && error.alternatives.length === 0) {
    try {
      const ctx = await loadSearchContext(prisma, input);
      const { date, minute } = localParts(input.startsAt, ctx.shop.timeZone);
      const wanted = { date, time: minuteToTime(minute), part: null };
      const found = await searchSlots(ctx, new OccupancyLoader(prisma, ctx, input.excludeBookingId), wanted);
      error.alternatives = found.requested ? [found.requested, ...found.alternatives].slice(0, 2) : found.alternatives;
    } catch {
      /* alternatives are a courtesy */
    }
  }
  throw error;
}

const dateSchema = z.date().refine((d) => !Number.isNaN(d.getTime()), 'must be a valid Date');

const createSchema = z.object({
  shopId: z.string().min(1),
  customerId: z.string().min(1),
  vehicleId: z.string().min(1),
  catalogItemIds: z.array(z.string().min(1)).min(1, 'choose at least one service'),
  startsAt: dateSchema,
  channel: z.string().min(1).nullable().default(null),
  notes: z.string().max(2000).nullish(),
  /**
   * The total the customer agreed to at the read-back. It is the one stored; the estimate is
   * recomputed only to notice a change (a price edited meanwhile), which is then refused.
   */
  quotedTotalFen: z.number().int().nonnegative().optional(),
  /** The request that books (e.g. the chat turn): the same key again returns the booking it made. */
  idempotencyKey: z.string().min(1).max(300).optional(),
  now: dateSchema,
  /** Compute other slots when the wanted one is gone (a few extra queries). */
  offerAlternatives: z.boolean().default(true),
});

export type CreateBookingInput = z.input<typeof createSchema>;

/**
 * Books. With `options.sql`, the common case (nothing short in parts stock, not a repeat of
 * an earlier request) goes through `bookPlain`; the rest, and every caller without it, take
 * the Prisma transaction below. Both keep the same guards and write the same rows.
 */
export async function createBooking(prisma: PrismaClient, rawInput: CreateBookingInput, options: { sql?: Pick<RawSql, 'query'> } = {}): Promise<Booking & { plate?: string }> {
  const input = createSchema.parse(rawInput);
  try {
    if (options.sql) {
      const booked = await bookPlain(prisma, options.sql, input);
      if (booked) return booked;
    }
    return await withRetries(prisma, async (tx, attempt) => {
      if (input.idempotencyKey) {
        // Inside the transaction: a racing twin loses on the unique key, retries, and lands here.
        const made = await tx.booking.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
        if (made) return made;
      }
      const customer = await tx.customer.findFirst({ where: { id: input.customerId, shopId: input.shopId }, select: { id: true } });
      if (!customer) throw new BookingInputError(`customer ${input.customerId} is not a customer of shop ${input.shopId}`);
      const vehicle = await tx.vehicle.findFirst({ where: { id: input.vehicleId, customerId: input.customerId }, select: { id: true } });
      if (!vehicle) throw new BookingInputError(`vehicle ${input.vehicleId} does not belong to customer ${input.customerId}`);

      const ctx = await loadSearchContext(tx, input);
      const placement = placeJob(ctx, input.startsAt);
      const clash = await tx.booking.findFirst({
        where: { vehicleId: input.vehicleId, status: 'CONFIRMED', startsAt: { lt: placement.slot.endsAt }, endsAt: { gt: placement.slot.startsAt } },
        select: { id: true, startsAt: true },
      });
      if (clash) throw new VehicleAlreadyBookedError(clash.id, clash.startsAt);
      const { bay, technician } = await assignResources(tx, ctx, placement);
      const estimate = estimateFor(ctx.shop, ctx.items);
      if (input.quotedTotalFen !== undefined && input.quotedTotalFen !== estimate.totalFen) throw new PriceChangedError(input.quotedTotalFen, estimate.totalFen);
      const booking = await tx.booking.create({
        data: {
          shopId: input.shopId,
          customerId: input.customerId,
          vehicleId: input.vehicleId,
          bayId: bay.id,
          technicianId: technician.id,
          startsAt: placement.slot.startsAt,
          endsAt: placement.slot.endsAt,
          estimateFen: estimate.totalFen,
          estimateJson: estimateSnapshot(estimate) as unknown as Prisma.InputJsonValue,
          partsFlagged: ctx.parts.shortSkus.length > 0,
          channel: input.channel,
          notes: input.notes ?? null,
          idempotencyKey: input.idempotencyKey ?? null,
          lines: { create: ctx.items.map((i) => ({ catalogItemId: i.id })) },
        },
      });
      await holdResources(tx, booking.id, bay.id, technician.id, placement.units);
      if (ctx.parts.shortSkus.length > 0) {
        // The advisor confirms the parts arrive (or calls the customer) before the visit.
        const owner = await tx.customer.findUniqueOrThrow({ where: { id: input.customerId }, select: { advisorId: true, name: true } });
        await createTask(tx, {
          shopId: input.shopId,
          advisorId: owner.advisorId,
          customerId: input.customerId,
          vehicleId: input.vehicleId,
          bookingId: booking.id,
          kind: 'PARTS_SHORTAGE',
          title: `配件缺货待确认：${ctx.parts.shortSkus.join('、')}（${owner.name}）`,
          details: { bookingId: booking.id, partSkus: ctx.parts.shortSkus },
          dedupeKey: `parts-shortage:${booking.id}`,
          dueAt: new Date(Math.min(input.now.getTime() + 24 * 3600_000, booking.startsAt.getTime())),
          now: input.now,
        });
      }
      await tx.job.create({
        data: {
          kind: REMINDER_JOB_KIND,
          runAt: reminderRunAt(booking.startsAt, ctx.shop.timeZone, input.now),
          payload: { bookingId: booking.id },
          dedupeKey: reminderDedupeKey(booking.id),
        },
      });
      await scheduleNoShowCheck(tx, booking, ctx.shop);
      await tx.auditEvent.create({
        data: {
          shopId: input.shopId,
          actorType: 'customer',
          actorId: input.customerId,
          action: 'booking.created',
          entityType: 'Booking',
          entityId: booking.id,
          at: input.now,
          data: {
            startsAt: booking.startsAt.toISOString(),
            catalogItemIds: ctx.items.map((i) => i.id),
            bayId: bay.id,
            technicianId: technician.id,
            estimateFen: estimate.totalFen,
            partsShort: ctx.parts.shortSkus,
            channel: input.channel,
            // How many lost races it took: a measure of contention on popular slots.
            attempt,
          },
        },
      });
      return booking;
    });
  } catch (error) {
    if (!input.offerAlternatives) throw error;
    return withAlternatives(prisma, error, input);
  }
}

type ParsedCreate = z.output<typeof createSchema>;

/**
 * The common booking as two plain statements instead of a 15-round-trip transaction: one read
 * (a booking already made by this request, the customer and vehicle, a clash of the vehicle,
 * the day's occupancy) and one write that is atomic on its own — booking, lines, occupancy,
 * reminder and no-show jobs, audit event. The occupancy primary keys still decide a race: the
 * loser's statement fails whole with a unique violation and it reads again. Returns null for
 * what the transaction path handles (parts short: the advisor task; a repeated request).
 */
async function bookPlain(prisma: PrismaClient, sql: Pick<RawSql, 'query'>, input: ParsedCreate): Promise<(Booking & { plate: string }) | null> {
  for (let attempt = 1; ; attempt++) {
    const ctx = await loadSearchContext(prisma, input);
    if (ctx.parts.shortSkus.length > 0) return null;
    const placement = placeJob(ctx, input.startsAt);
    const tz = ctx.shop.timeZone;
    const day = placement.slot.date;
    const occupancy = occupancyQuery(ctx, zonedInstant(day, 0, tz), zonedInstant(addDays(day, 1), 0, tz), undefined, 7);
    const [read] = await sql.query<{ madeId: string | null; customerOk: boolean; plate: string | null; clash: { id: string; ms: number } | null; occupancy: OccupancyRow[] }>(
      `${KEEP_PLAN}SELECT (SELECT "id" FROM "Booking" WHERE "idempotencyKey" = $1) AS "madeId",
              EXISTS (SELECT 1 FROM "Customer" WHERE "id" = $2 AND "shopId" = $3) AS "customerOk",
              (SELECT "plate" FROM "Vehicle" WHERE "id" = $4 AND "customerId" = $2) AS "plate",
              (SELECT json_build_object('id', "id", 'ms', extract(epoch FROM "startsAt") * 1000) FROM "Booking"
                WHERE "vehicleId" = $4 AND "status" = 'CONFIRMED' AND "startsAt" < $6 AND "endsAt" > $5 LIMIT 1) AS "clash",
              (SELECT coalesce(json_agg(o), '[]'::json) FROM (${occupancy.sql}) o) AS "occupancy"`,
      [input.idempotencyKey ?? null, input.customerId, input.shopId, input.vehicleId, placement.slot.startsAt, placement.slot.endsAt, ...occupancy.params],
    );
    if (read.madeId) return null;
    if (!read.customerOk) throw new BookingInputError(`customer ${input.customerId} is not a customer of shop ${input.shopId}`);
    if (read.plate === null) throw new BookingInputError(`vehicle ${input.vehicleId} does not belong to customer ${input.customerId}`);
    if (read.clash) throw new VehicleAlreadyBookedError(read.clash.id, new Date(Number(read.clash.ms)));
    const loaded = new OccupancyLoader(prisma, ctx);
    loaded.add(read.occupancy);
    const bay = loaded.bays.firstFree(ctx.bays, placement.units);
    const technician = loaded.technicians.firstFree(ctx.technicians, placement.units);
    if (!bay || !technician) throw new SlotUnavailableError('full');
    const estimate = estimateFor(ctx.shop, ctx.items);
    if (input.quotedTotalFen !== undefined && input.quotedTotalFen !== estimate.totalFen) throw new PriceChangedError(input.quotedTotalFen, estimate.totalFen);

    const id = newId();
    const { startsAt, endsAt } = placement.slot;
    const jobs = [
      { id: newId(), kind: REMINDER_JOB_KIND, payload: { bookingId: id }, runAt: reminderRunAt(startsAt, tz, input.now), dedupeKey: reminderDedupeKey(id) },
      { id: newId(), kind: NO_SHOW_JOB_KIND, payload: { bookingId: id, startsAt: startsAt.toISOString() }, runAt: noShowRunAt(startsAt, ctx.shop.noShowAfterMinutes), dedupeKey: noShowDedupeKey(id) },
    ];
    const audit = {
      startsAt: startsAt.toISOString(),
      catalogItemIds: ctx.items.map((i) => i.id),
      bayId: bay.id,
      technicianId: technician.id,
      estimateFen: estimate.totalFen,
      partsShort: [],
      channel: input.channel,
      attempt,
    };
    try {
      // Bays before technicians (the order of the CTEs): one lock order for every booking.
      await sql.query(
        `WITH booking AS (
           INSERT INTO "Booking" ("id", "shopId", "customerId", "vehicleId", "bayId", "technicianId", "startsAt", "endsAt", "estimateFen", "estimateJson",
                                  "partsFlagged", "channel", "notes", "idempotencyKey", "createdAt", "updatedAt")
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, false, $11, $12, $13, now(), now())
           RETURNING "id"
         ),
         lines AS (
           INSERT INTO "BookingLine" ("id", "bookingId", "catalogItemId")
           SELECT l->>'id', booking."id", l->>'item' FROM booking, json_array_elements($15::json) l
           RETURNING 1
         ),
         bays AS (
           INSERT INTO "BayOccupancy" ("bayId", "slotStart", "bookingId")
           SELECT $5, u::timestamptz, booking."id" FROM booking, json_array_elements_text($16::json) u
           RETURNING 1
         ),
         technicians AS (
           INSERT INTO "TechnicianOccupancy" ("technicianId", "slotStart", "bookingId")
           SELECT $6, u::timestamptz, booking."id" FROM booking, json_array_elements_text($16::json) u
           RETURNING 1
         ),
         jobs AS (
           INSERT INTO "Job" ("id", "kind", "payload", "runAt", "dedupeKey")
           SELECT j->>'id', j->>'kind', j->'payload', (j->>'runAt')::timestamptz, j->>'dedupeKey' FROM booking, json_array_elements($17::json) j
           ON CONFLICT ("dedupeKey") DO UPDATE SET "runAt" = EXCLUDED."runAt", "payload" = EXCLUDED."payload", "status" = 'PENDING', "attempts" = 0,
             "lastError" = NULL, "lockedBy" = NULL, "lockedUntil" = NULL, "finishedAt" = NULL
           RETURNING 1
         )
         INSERT INTO "AuditEvent" ("id", "shopId", "actorType", "actorId", "action", "entityType", "entityId", "data", "at")
         SELECT $18, $2, 'customer', $3, 'booking.created', 'Booking', booking."id", $19::jsonb, $14 FROM booking`,
        [
          id, input.shopId, input.customerId, input.vehicleId, bay.id, technician.id, startsAt, endsAt, estimate.totalFen, JSON.stringify(estimateSnapshot(estimate)),
          input.channel, input.notes ?? null, input.idempotencyKey ?? null, input.now,
          JSON.stringify(ctx.items.map((i) => ({ id: newId(), item: i.id }))),
          JSON.stringify(placement.units.map((u) => u.toISOString())),
          JSON.stringify(jobs.map((j) => ({ ...j, runAt: j.runAt.toISOString() }))),
          newId(), JSON.stringify(audit),
        ],
      );
    } catch (error) {
      await afterConflict(error, attempt);
      continue;
    }
    return {
      id,
      shopId: input.shopId,
      customerId: input.customerId,
      vehicleId: input.vehicleId,
      bayId: bay.id,
      technicianId: technician.id,
      status: 'CONFIRMED',
      startsAt,
      endsAt,
      estimateFen: estimate.totalFen,
      estimateJson: estimateSnapshot(estimate) as unknown as Prisma.JsonValue,
      partsFlagged: false,
      channel: input.channel,
      notes: input.notes ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      cancelReason: null,
      cancelledAt: null,
      // As the database stamped them (its clock, like Prisma's defaults), close enough for a caller.
      createdAt: new Date(),
      updatedAt: new Date(),
      plate: read.plate,
    };
  }
}

/** The booking, if it exists and belongs to this customer; otherwise BookingNotFoundError. */
async function ownBooking(tx: Tx, bookingId: string, customerId: string) {
  const booking = await tx.booking.findUnique({ where: { id: bookingId }, include: { lines: { select: { catalogItemId: true } } } });
  if (!booking || booking.customerId !== customerId) throw new BookingNotFoundError(bookingId);
  return booking;
}

function assertChangeable(booking: Booking, now: Date): void {
  if (booking.status !== 'CONFIRMED') throw new BookingNotChangeableError(booking.id, booking.status);
  if (booking.startsAt <= now) throw new BookingNotChangeableError(booking.id, 'started');
}

const rescheduleSchema = z.object({
  bookingId: z.string().min(1),
  customerId: z.string().min(1),
  startsAt: dateSchema,
  now: dateSchema,
  offerAlternatives: z.boolean().default(true),
});

/** Moves a booking to another slot under the same guard; the reminder follows it. */
export async function rescheduleBooking(prisma: PrismaClient, rawInput: z.input<typeof rescheduleSchema>): Promise<Booking> {
  const input = rescheduleSchema.parse(rawInput);
  let searchInput: { shopId: string; catalogItemIds: string[] } | undefined;
  try {
    return await withRetries(prisma, async (tx, attempt) => {
      const current = await ownBooking(tx, input.bookingId, input.customerId);
      assertChangeable(current, input.now);
      const catalogItemIds = current.lines.map((l) => l.catalogItemId);
      searchInput = { shopId: current.shopId, catalogItemIds };
      // The booking's own occupancy and parts reservation must not block its new slot.
      const ctx = await loadSearchContext(tx, { shopId: current.shopId, catalogItemIds, now: input.now, excludeBookingId: current.id });
      const placement = placeJob(ctx, input.startsAt);
      const { bay, technician } = await assignResources(tx, ctx, placement, current.id);
      await tx.bayOccupancy.deleteMany({ where: { bookingId: current.id } });
      await tx.technicianOccupancy.deleteMany({ where: { bookingId: current.id } });
      await holdResources(tx, current.id, bay.id, technician.id, placement.units);
      const booking = await tx.booking.update({
        where: { id: current.id },
        data: {
          startsAt: placement.slot.startsAt,
          endsAt: placement.slot.endsAt,
          bayId: bay.id,
          technicianId: technician.id,
          partsFlagged: ctx.parts.shortSkus.length > 0,
        },
      });
      const runAt = reminderRunAt(booking.startsAt, ctx.shop.timeZone, input.now);
      // A reminder already sent for the old date must go out again for the new one.
      await tx.job.upsert({
        where: { dedupeKey: reminderDedupeKey(booking.id) },
        create: { kind: REMINDER_JOB_KIND, runAt, payload: { bookingId: booking.id }, dedupeKey: reminderDedupeKey(booking.id) },
        update: { runAt, status: 'PENDING', attempts: 0, lastError: null, lockedBy: null, lockedUntil: null, finishedAt: null },
      });
      await scheduleNoShowCheck(tx, booking, ctx.shop);
      await tx.auditEvent.create({
        data: {
          shopId: booking.shopId,
          actorType: 'customer',
          actorId: input.customerId,
          action: 'booking.rescheduled',
          entityType: 'Booking',
          entityId: booking.id,
          at: input.now,
          data: { from: current.startsAt.toISOString(), to: booking.startsAt.toISOString(), bayId: bay.id, technicianId: technician.id, attempt },
        },
      });
      return booking;
    });
  } catch (error) {
    if (!input.offerAlternatives || !searchInput) throw error;
    return withAlternatives(prisma, error, { ...searchInput, startsAt: input.startsAt, now: input.now, excludeBookingId: input.bookingId });
  }
}

const cancelSchema = z.object({
  bookingId: z.string().min(1),
  /** The booking's customer: a booking of anyone else is "not found". */
  customerId: z.string().min(1),
  reason: z.string().max(500).nullable().default(null),
  now: dateSchema,
  /** Who cancels, for the audit trail; the customer unless said otherwise (an API key, an advisor). */
  actor: actorSchema.optional(),
});

/**
 * Cancels a booking; its slot is free the moment this commits. Cancelling a cancelled
 * booking returns it unchanged, also when several cancels race: the status change is a
 * conditional update, so under PostgreSQL's row lock exactly one of them changes the row
 * and writes the audit event, and the others see the cancelled booking.
 */
export async function cancelBooking(prisma: PrismaClient, rawInput: z.input<typeof cancelSchema>): Promise<Booking> {
  const input = cancelSchema.parse(rawInput);
  const actor = input.actor ?? { type: 'customer' as const, id: input.customerId };
  return prisma.$transaction(async (tx) => {
    const current = await ownBooking(tx, input.bookingId, input.customerId);
    if (current.status === 'CANCELLED') return current;
    assertChangeable(current, input.now);
    const claimed = await tx.booking.updateMany({
      where: { id: current.id, status: 'CONFIRMED' },
      data: { status: 'CANCELLED', cancelledAt: input.now, cancelReason: input.reason },
    });
    if (claimed.count === 0) {
      // Another transaction changed it between our read and our update (it waited for that one's commit).
      const after = await tx.booking.findUniqueOrThrow({ where: { id: current.id } });
      if (after.status === 'CANCELLED') return after;
      throw new BookingNotChangeableError(after.id, after.status);
    }
    await tx.bayOccupancy.deleteMany({ where: { bookingId: current.id } });
    await tx.technicianOccupancy.deleteMany({ where: { bookingId: current.id } });
    await tx.job.updateMany({
      where: { dedupeKey: reminderDedupeKey(current.id), status: { in: ['PENDING', 'FAILED'] } },
      data: { status: 'CANCELLED', finishedAt: input.now },
    });
    await cancelNoShowCheck(tx, current.id, input.now);
    await tx.auditEvent.create({
      data: {
        shopId: current.shopId,
        actorType: actor.type,
        actorId: actor.id,
        action: 'booking.cancelled',
        entityType: 'Booking',
        entityId: current.id,
        at: input.now,
        data: { startsAt: current.startsAt.toISOString(), reason: input.reason, customerId: current.customerId },
      },
    });
    return tx.booking.findUniqueOrThrow({ where: { id: current.id } });
  }, TX_OPTIONS);
}

export type UpcomingBooking = Prisma.BookingGetPayload<{
  include: { lines: { include: { catalogItem: true } }; vehicle: true };
}>;

/** The customer's confirmed bookings that have not ended yet, soonest first. */
export async function listUpcomingBookings(prisma: Pick<PrismaClient, 'booking'>, customerId: string, now: Date): Promise<UpcomingBooking[]> {
  return prisma.booking.findMany({
    where: { customerId, status: 'CONFIRMED', endsAt: { gt: now } },
    include: { lines: { include: { catalogItem: true } }, vehicle: true },
    orderBy: { startsAt: 'asc' },
  });
}

export { estimateServices } from './estimate';
export { SlotUnavailableError, BookingNotFoundError, BookingNotChangeableError, BookingInputError, UnknownServiceError, VehicleAlreadyBookedError } from './errors';
