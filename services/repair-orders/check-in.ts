import { z } from 'zod';
import type { PrismaClient } from '../db/client';
import { actorSchema, type Actor } from '../actor';
import { hoursFromMinutes } from '../costs';
import { localParts } from '../time';
import { RepairOrderError } from './errors';
import { FINISHED } from './lifecycle';
import { PROMISE_CHECK_JOB_KIND, audit, inTransaction, lockOrder, type Json, type Tx } from './internal';
import { enqueueNotice } from './notices';
import { createTask } from '../advisor-tasks';
import type { ResolvedLine } from './pricing';
import { lineColumns } from './pricing';
import { cancelNoShowCheck } from '../follow-up/no-show-schedule';

/**
 * Check-in (接车): a booking or a walk-in becomes a repair order with its advisor, the
 * odometer reading, the customer's concern in their words and a promised time. The order is
 * priced at today's catalogue prices; the booking's estimate is kept beside it, so the
 * cost explanation can say line by line why the total differs.
 */

const dateSchema = z.date().refine((d) => !Number.isNaN(d.getTime()), 'must be a valid Date');

const checkInSchema = z
  .object({
    shopId: z.string().min(1),
    bookingId: z.string().min(1).optional(),
    /** Walk-in: the vehicle by id or plate; the customer is its owner. */
    vehicleId: z.string().min(1).optional(),
    plate: z.string().min(1).max(20).optional(),
    /** Walk-in: catalogue operations (ids or codes) agreed at the desk; a booking brings its own. */
    services: z.array(z.string().min(1)).max(20).default([]),
    advisorId: z.string().min(1).nullish(),
    mileageInKm: z.number().int().min(0).max(2_000_000).nullable(),
    concern: z.string().trim().min(1, 'concern: the customer’s words are needed').max(2000),
    promisedAt: dateSchema.nullish(),
    actor: actorSchema,
    now: dateSchema,
  })
  .refine((v) => [v.bookingId, v.vehicleId, v.plate].filter(Boolean).length === 1, 'give exactly one of bookingId, vehicleId or plate');

export type CheckInInput = z.input<typeof checkInSchema>;

export interface CheckInResult {
  repairOrderId: string;
  number: string;
  /** False when the booking had already been checked in: the existing order is returned. */
  created: boolean;
}

async function catalogueLines(tx: Tx, shop: { id: string; labourRateFen: number }, ids: readonly string[], codes: readonly string[] = []): Promise<ResolvedLine[]> {
  if (ids.length === 0 && codes.length === 0) return [];
  const items = await tx.serviceCatalogItem.findMany({
    where: { shopId: shop.id, OR: [{ id: { in: [...ids] } }, { code: { in: [...codes] } }] },
    include: { parts: { include: { part: true }, orderBy: { part: { sku: 'asc' } } } },
  });
  const missing = [...ids, ...codes].filter((key) => !items.some((i) => i.id === key || i.code === key));
  if (missing.length) throw new RepairOrderError('unknown-item', `no operation ${missing.join(', ')} in this shop`, { operation: missing });
  const lines: ResolvedLine[] = [];
  for (const item of items) {
    const common = { catalogItemId: item.id, payer: null, coveragePercent: null, warrantyCovered: item.warrantyCovered };
    lines.push({ ...common, kind: 'LABOUR', partId: null, sku: null, spec: null, unit: null, descriptionZh: item.nameZh, descriptionEn: item.nameEn, quantity: hoursFromMinutes(item.labourMinutes), unitPriceFen: shop.labourRateFen });
    for (const cp of item.parts) {
      lines.push({ ...common, kind: 'PART', partId: cp.partId, sku: cp.part.sku, spec: cp.part.spec, unit: cp.part.unit, descriptionZh: cp.part.nameZh, descriptionEn: cp.part.nameEn, quantity: cp.quantity.toFixed(3), unitPriceFen: cp.part.unitPriceFen });
    }
  }
  return lines;
}

/** RO-YYYYMMDD-NNNN: the shop-local date and the day's sequence (a lost race retries the transaction). */
async function nextNumber(tx: Tx, shopId: string, now: Date, timeZone: string): Promise<string> {
  const prefix = `RO-${localParts(now, timeZone).date.replace(/-/g, '')}-`;
  const taken = await tx.repairOrder.count({ where: { shopId, number: { startsWith: prefix } } });
  return `${prefix}${String(taken + 1).padStart(4, '0')}`;
}

export async function checkIn(prisma: PrismaClient, rawInput: CheckInInput): Promise<CheckInResult> {
  const input = checkInSchema.parse(rawInput);
  const { now } = input;
  if (input.promisedAt && input.promisedAt <= now) throw new RepairOrderError('promise-in-past', 'the promised time has already passed', { promisedAt: input.promisedAt });
  return inTransaction(prisma, async (tx) => {
    const shop = await tx.shop.findUniqueOrThrow({ where: { id: input.shopId } });
    let booking: Awaited<ReturnType<typeof tx.booking.findFirst<{ include: { lines: true; repairOrder: true } }>>> = null;
    let vehicleId: string;
    if (input.bookingId) {
      booking = await tx.booking.findFirst({ where: { id: input.bookingId, shopId: shop.id }, include: { lines: true, repairOrder: true } });
      if (!booking) throw new RepairOrderError('not-found', `no booking ${input.bookingId}`);
      if (booking.repairOrder) return { repairOrderId: booking.repairOrder.id, number: booking.repairOrder.number, created: false };
      if (booking.status !== 'CONFIRMED') throw new RepairOrderError('booking-not-checkable', `booking ${booking.id} is ${booking.status} and cannot be checked in`, { status: booking.status });
      vehicleId = booking.vehicleId;
    } else {
      const vehicle = await tx.vehicle.findFirst({ where: { shopId: shop.id, ...(input.vehicleId ? { id: input.vehicleId } : { plate: input.plate!.toUpperCase().replace(/[\s·.-]/g, '') }) } });
      if (!vehicle) throw new RepairOrderError('not-found', `no vehicle ${input.vehicleId ?? input.plate} in this shop`);
      vehicleId = vehicle.id;
    }
    // One car is in the workshop once: concurrent check-ins of it wait here for each other.
    await tx.$queryRaw`SELECT id FROM "Vehicle" WHERE id = ${vehicleId} FOR UPDATE`;
    const vehicle = await tx.vehicle.findUniqueOrThrow({ where: { id: vehicleId }, include: { customer: true } });
    const open = await tx.repairOrder.findFirst({ where: { vehicleId, status: { notIn: [...FINISHED] } }, select: { id: true, number: true } });
    if (open) throw new RepairOrderError('vehicle-has-open-order', `vehicle ${vehicle.plate} is already in the workshop on ${open.number}`, { number: open.number, repairOrderId: open.id });

    const advisorId = input.advisorId ?? vehicle.customer.advisorId;
    if (!advisorId) throw new RepairOrderError('advisor-required', 'no advisor given and the customer has none');
    const advisor = await tx.advisor.findFirst({ where: { id: advisorId, shopId: shop.id, active: true } });
    if (!advisor) throw new RepairOrderError('not-found', `no active advisor ${advisorId} in this shop`);

    const lines = booking
      ? await catalogueLines(tx, shop, booking.lines.map((l) => l.catalogItemId))
      : await catalogueLines(tx, shop, input.services.filter((s) => /^[a-z0-9]{20,40}$/.test(s)), input.services.filter((s) => !/^[a-z0-9]{20,40}$/.test(s)));

    const number = await nextNumber(tx, shop.id, now, shop.timeZone);
    const order = await tx.repairOrder.create({
      data: {
        shopId: shop.id,
        number,
        bookingId: booking?.id ?? null,
        customerId: vehicle.customerId,
        vehicleId,
        advisorId: advisor.id,
        concern: input.concern,
        mileageInKm: input.mileageInKm,
        checkedInAt: now,
        promisedAt: input.promisedAt ?? null,
        estimateFen: booking?.estimateFen ?? null,
        estimateJson: (booking?.estimateJson ?? undefined) as Json | undefined,
        lines: { create: lines.map((l) => ({ ...lineColumns(l), createdAt: now })) },
      },
    });
    if (booking) {
      await tx.booking.update({ where: { id: booking.id }, data: { status: 'CHECKED_IN' } });
      await cancelNoShowCheck(tx, booking.id, now);
    }
    if (input.mileageInKm !== null) {
      await tx.mileageReading.create({ data: { vehicleId, km: input.mileageInKm, source: 'check-in', repairOrderId: order.id, recordedAt: now } });
      // The odometer read at the desk is the truth, also below a guess given at registration.
      await tx.vehicle.update({ where: { id: vehicleId }, data: { mileageKm: input.mileageInKm, mileageRecordedAt: now } });
    }
    if (input.promisedAt) await recordPromise(tx, { order: { ...order, shop }, promisedAt: input.promisedAt, reason: null, actor: input.actor, now });
    await audit(tx, {
      shopId: shop.id,
      repairOrderId: order.id,
      actor: input.actor,
      action: 'repair-order.checked-in',
      at: now,
      data: { bookingId: booking?.id ?? null, advisorId: advisor.id, mileageInKm: input.mileageInKm, concern: input.concern, promisedAt: input.promisedAt?.toISOString() ?? null, lines: lines.length },
    });
    await enqueueNotice(
      tx,
      {
        notice: 'ro.checked-in',
        customerId: order.customerId,
        repairOrderId: order.id,
        number,
        plate: vehicle.plate,
        advisor: { id: advisor.id, name: advisor.name },
        promisedAt: input.promisedAt?.toISOString() ?? null,
        checkedInAt: now.toISOString(),
      },
      { now, dedupeKey: `notice:ro.checked-in:${order.id}` },
    );
    return { repairOrderId: order.id, number, created: true };
  });
}

async function recordPromise(
  tx: Tx,
  input: { order: { id: string; shopId: string; shop: { promiseWarningMinutes: number } }; promisedAt: Date; reason: string | null; actor: Actor; now: Date },
) {
  const promise = await tx.repairOrderPromise.create({
    data: { repairOrderId: input.order.id, promisedAt: input.promisedAt, reason: input.reason, actorType: input.actor.type, actorId: input.actor.id, createdAt: input.now },
  });
  // Told before it passes: a check shortly before the promise raises an advisor task when the
  // car is not ready. A promise already inside that window was just given by someone who knows.
  const runAt = new Date(input.promisedAt.getTime() - input.order.shop.promiseWarningMinutes * 60_000);
  if (runAt > input.now) {
    await tx.job.create({
      data: {
        kind: PROMISE_CHECK_JOB_KIND,
        runAt,
        payload: { repairOrderId: input.order.id, promisedAt: input.promisedAt.toISOString() },
        dedupeKey: `promise-check:${input.order.id}:${promise.id}`,
      },
    });
  }
  return promise;
}

export interface PromiseResult {
  promisedAt: Date;
  previousPromisedAt: Date | null;
}

/**
 * Gives or moves the promised time. Moving it needs the reason, and the customer is told
 * (notice ro.promise-moved) with the new time; the old promise stays in the history.
 */
export async function setPromise(
  prisma: PrismaClient,
  input: { repairOrderId: string; promisedAt: Date; reason?: string | null; actor: Actor; now: Date; shopId?: string },
): Promise<PromiseResult> {
  if (input.promisedAt <= input.now) throw new RepairOrderError('promise-in-past', 'the promised time has already passed', { promisedAt: input.promisedAt });
  return inTransaction(prisma, async (tx) => {
    const order = await lockOrder(tx, input.repairOrderId, input.shopId);
    if (FINISHED.includes(order.status) || order.status === 'READY') {
      throw new RepairOrderError('not-editable', `repair order ${order.number} is ${order.status}: there is nothing left to promise`, { status: order.status });
    }
    const previous = order.promisedAt;
    if (previous && previous.getTime() === input.promisedAt.getTime()) return { promisedAt: previous, previousPromisedAt: previous };
    const reason = input.reason?.trim() || null;
    if (previous && !reason) throw new RepairOrderError('reason-required', 'moving a promised time needs the reason the customer will be told');
    await tx.repairOrder.update({ where: { id: order.id }, data: { promisedAt: input.promisedAt } });
    // The check for the old promise would warn about a time no longer promised.
    await tx.job.updateMany({ where: { kind: PROMISE_CHECK_JOB_KIND, status: 'PENDING', payload: { path: ['repairOrderId'], equals: order.id } }, data: { status: 'CANCELLED', finishedAt: input.now } });
    await recordPromise(tx, { order, promisedAt: input.promisedAt, reason, actor: input.actor, now: input.now });
    await tx.advisorTask.updateMany({ where: { kind: 'PROMISE_AT_RISK', status: 'OPEN', details: { path: ['repairOrderId'], equals: order.id } }, data: { status: 'DONE', completedAt: input.now } });
    await audit(tx, {
      shopId: order.shopId,
      repairOrderId: order.id,
      actor: input.actor,
      action: previous ? 'repair-order.promise-moved' : 'repair-order.promised',
      at: input.now,
      data: { from: previous?.toISOString() ?? null, to: input.promisedAt.toISOString(), reason },
    });
    if (previous) {
      await enqueueNotice(
        tx,
        {
          notice: 'ro.promise-moved',
          customerId: order.customerId,
          repairOrderId: order.id,
          number: order.number,
          plate: order.vehicle.plate,
          previousPromisedAt: previous.toISOString(),
          promisedAt: input.promisedAt.toISOString(),
          reason: reason!,
        },
        { now: input.now, dedupeKey: `notice:ro.promise-moved:${order.id}:${input.promisedAt.toISOString()}:${input.now.toISOString()}` },
      );
    }
    return { promisedAt: input.promisedAt, previousPromisedAt: previous };
  });
}

/**
 * Run shortly before a promise (job repair.promise-check): when the car will not be ready
 * in time, the advisor gets a task to tell the customer the reason and a new time
 * (setPromise). Nothing happens when the order is ready or the promise has moved since.
 */
export async function checkPromise(prisma: PrismaClient, input: { repairOrderId: string; promisedAt: string; now: Date }): Promise<{ atRisk: boolean; taskId: string | null }> {
  return inTransaction(prisma, async (tx) => {
    const order = await tx.repairOrder.findUnique({ where: { id: input.repairOrderId }, include: { vehicle: true, customer: true } });
    if (!order || !order.promisedAt || order.promisedAt.toISOString() !== input.promisedAt) return { atRisk: false, taskId: null };
    if (!['CHECKED_IN', 'IN_PROGRESS', 'AWAITING_APPROVAL'].includes(order.status)) return { atRisk: false, taskId: null };
    const { task, created } = await createTask(tx, {
      shopId: order.shopId,
      advisorId: order.advisorId,
      customerId: order.customerId,
      vehicleId: order.vehicleId,
      repairOrderId: order.id,
      bookingId: order.bookingId,
      kind: 'PROMISE_AT_RISK',
      title: `承诺交车时间将到：${order.number}（${order.vehicle.plate}，${order.customer.name}）`,
      details: { repairOrderId: order.id, number: order.number, promisedAt: input.promisedAt, status: order.status },
      dedupeKey: `promise-at-risk:${order.id}:${input.promisedAt}`,
      dueAt: order.promisedAt,
      now: input.now,
    });
    if (!created) return { atRisk: true, taskId: task.id };
    await audit(tx, { shopId: order.shopId, repairOrderId: order.id, actor: { type: 'system', id: PROMISE_CHECK_JOB_KIND }, action: 'repair-order.promise-at-risk', at: input.now, data: { promisedAt: input.promisedAt, status: order.status, taskId: task.id } });
    return { atRisk: true, taskId: task.id };
  });
}
