import type { Prisma, PrismaClient } from '../db/client';
import { addWorkingDays } from '../calendar';
import { openRecommendations } from '../repair-orders/recommendations';
import { inTransaction } from '../repair-orders/internal';
import { enqueueNotice } from '../repair-orders/notices';
import { shopCalendar } from '../shop-snapshot';
import { addDays, addMonths, localDateToDbDate, localParts, type LocalDate } from '../time';
import { raiseFollowUpTask } from './tasks';

/**
 * Maintenance due (定期保养提醒).
 *
 * For every interval operation of the catalogue (intervalMonths and/or intervalKm) that a
 * vehicle had done here, the next one falls due at whichever comes first: the months after
 * the visit that did it, or the day the odometer is projected to pass the visit's reading
 * plus the kilometres. The projection runs from the newest odometer reading at the vehicle's
 * average daily distance between its last two readings (at least a day apart). An operation
 * with a successor (首保 → 常规保养, ServiceCatalogItem.nextServiceCode) makes its successor due
 * instead, on the successor's interval. Operations never done here are not guessed at.
 *
 * The daily run (remindMaintenanceDue) reminds the customer of services due within
 * Shop.maintenanceLeadDays, at most Shop.maintenanceMaxReminders times per due service and
 * Shop.maintenanceReminderSpacingDays apart, then asks the advisor to call (task
 * MAINTENANCE_DUE). Work deferred or declined on earlier visits rides along. Nobody is
 * reminded who opted out of follow-up, whose car is in the workshop, or who has a booking.
 */

// ───────────────────────────── Pure calculation ─────────────────────────────

export interface OdometerReading {
  km: number;
  at: Date;
}

const DAY_MS = 86_400_000;

/**
 * Kilometres per day between the newest reading and the newest one at least a day older; null
 * when there are no two such readings or the odometer went backwards (a typo, a new cluster).
 */
export function averageDailyKm(readings: readonly OdometerReading[]): number | null {
  const sorted = [...readings].sort((a, b) => b.at.getTime() - a.at.getTime());
  const latest = sorted[0];
  if (!latest) return null;
  const previous = sorted.find((r) => latest.at.getTime() - r.at.getTime() >= DAY_MS);
  if (!previous) return null;
  const days = (latest.at.getTime() - previous.at.getTime()) / DAY_MS;
  const rate = (latest.km - previous.km) / days;
  return rate >= 0 ? rate : null;
}

export type DueBy = 'date' | 'mileage' | 'both';

export interface DueInput {
  /** The visit that last did it: its date (shop calendar) and odometer reading, if one was taken. */
  lastDone: { date: LocalDate; km: number | null };
  interval: { months: number | null; km: number | null };
  /** The newest odometer reading and its date. */
  odometer: { date: LocalDate; km: number } | null;
  /** averageDailyKm of the vehicle. */
  dailyKm: number | null;
}

export interface DueProjection {
  dueDate: LocalDate;
  dueBy: DueBy;
  /** The odometer reading at which it is due by distance (also when the date comes first). */
  dueKm: number | null;
}

/** When the next service is due, whichever of date and distance comes first; null when neither can be known. */
export function projectDue(input: DueInput): DueProjection | null {
  const { lastDone, interval, odometer, dailyKm } = input;
  const byDate = interval.months ? addMonths(lastDone.date, interval.months) : null;
  const dueKm = interval.km && lastDone.km !== null ? lastDone.km + interval.km : null;
  let byKm: LocalDate | null = null;
  if (dueKm !== null && odometer) {
    const remaining = dueKm - odometer.km;
    if (remaining <= 0 && !(dailyKm && dailyKm > 0)) byKm = odometer.date; // passed, and we cannot say since when
    else if (dailyKm && dailyKm > 0) byKm = addDays(odometer.date, Math.ceil(remaining / dailyKm));
  }
  if (!byDate && !byKm) return null;
  if (byDate && byKm) {
    if (byDate === byKm) return { dueDate: byDate, dueBy: 'both', dueKm };
    return byDate < byKm ? { dueDate: byDate, dueBy: 'date', dueKm } : { dueDate: byKm, dueBy: 'mileage', dueKm };
  }
  return byDate ? { dueDate: byDate, dueBy: 'date', dueKm } : { dueDate: byKm!, dueBy: 'mileage', dueKm };
}

export interface CatalogueInterval {
  id: string;
  code: string;
  intervalMonths: number | null;
  intervalKm: number | null;
  nextServiceCode: string | null;
}

export interface ServiceVisit {
  repairOrderId: string;
  /** Shop-local date the car was handed back. */
  date: LocalDate;
  km: number | null;
  /** Catalogue operations done on that visit. */
  catalogItemIds: readonly string[];
}

export interface DueService extends DueProjection {
  catalogItemId: string;
  /** The visit the interval counts from. */
  basisRepairOrderId: string;
}

/**
 * Every service a vehicle will need next, from its visits: per due operation, counted from the
 * newest visit that did it (or did its predecessor).
 */
export function dueServices(input: { visits: readonly ServiceVisit[]; catalogue: readonly CatalogueInterval[]; readings: readonly OdometerReading[]; timeZone: string }): DueService[] {
  const byId = new Map(input.catalogue.map((c) => [c.id, c]));
  const byCode = new Map(input.catalogue.map((c) => [c.code, c]));
  const basis = new Map<string, ServiceVisit>();
  for (const visit of input.visits) {
    for (const id of visit.catalogItemIds) {
      const done = byId.get(id);
      if (!done) continue;
      const target = (done.nextServiceCode && byCode.get(done.nextServiceCode)) || done;
      if (!target.intervalMonths && !target.intervalKm) continue;
      const current = basis.get(target.id);
      if (!current || visit.date > current.date || (visit.date === current.date && (visit.km ?? -1) > (current.km ?? -1))) basis.set(target.id, visit);
    }
  }
  const newest = [...input.readings].sort((a, b) => b.at.getTime() - a.at.getTime())[0];
  const odometer = newest ? { date: localParts(newest.at, input.timeZone).date, km: newest.km } : null;
  const dailyKm = averageDailyKm(input.readings);
  const out: DueService[] = [];
  for (const [catalogItemId, visit] of basis) {
    const item = byId.get(catalogItemId)!;
    const due = projectDue({ lastDone: { date: visit.date, km: visit.km }, interval: { months: item.intervalMonths, km: item.intervalKm }, odometer, dailyKm });
    if (due) out.push({ ...due, catalogItemId, basisRepairOrderId: visit.repairOrderId });
  }
  return out.sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.catalogItemId.localeCompare(b.catalogItemId)));
}

export interface ReminderState {
  reminders: number;
  lastRemindedAt: Date | null;
  advisorTaskId: string | null;
}

/** What a due service gets today: a reminder, the advisor's call, or nothing (yet, or any more). */
export function nextStep(state: ReminderState, rules: { maxReminders: number; spacingDays: number }, now: Date): 'remind' | 'task' | 'wait' | 'done' {
  if (state.advisorTaskId) return 'done';
  const rested = !state.lastRemindedAt || now.getTime() - state.lastRemindedAt.getTime() >= rules.spacingDays * DAY_MS;
  if (!rested) return 'wait';
  return state.reminders < rules.maxReminders ? 'remind' : 'task';
}

// ───────────────────────────── The daily run ─────────────────────────────

export interface MaintenanceRunResult {
  vehiclesChecked: number;
  /** Vehicles whose customer got a maintenance.due notice, and advisor tasks raised. */
  noticesEnqueued: number;
  tasksRaised: number;
}

const FINISHED_ORDER: Array<'DELIVERED' | 'CLOSED'> = ['DELIVERED', 'CLOSED'];

/**
 * One shop's maintenance-due reminders for today. Each vehicle is one transaction under its
 * row lock, and what it records (reminder counts, the notice's and the task's dedupe keys per
 * day) makes a repeated run on the same day add nothing.
 */
export async function remindMaintenanceDue(prisma: PrismaClient, input: { shopId: string; now: Date }): Promise<MaintenanceRunResult> {
  const { now, shopId } = input;
  const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopId } });
  const tz = shop.timeZone;
  const today = localParts(now, tz).date;
  const horizon = addDays(today, shop.maintenanceLeadDays);
  const catalogue = await prisma.serviceCatalogItem.findMany({
    where: { shopId, active: true },
    select: { id: true, code: true, nameZh: true, nameEn: true, intervalMonths: true, intervalKm: true, nextServiceCode: true },
  });
  const names = new Map(catalogue.map((c) => [c.id, { zh: c.nameZh, en: c.nameEn }]));
  const vehicles = await prisma.vehicle.findMany({
    where: { shopId, customer: { consentService: true }, repairOrders: { some: { status: { in: FINISHED_ORDER } } } },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  const result: MaintenanceRunResult = { vehiclesChecked: vehicles.length, noticesEnqueued: 0, tasksRaised: 0 };
  const rules = { maxReminders: shop.maintenanceMaxReminders, spacingDays: shop.maintenanceReminderSpacingDays };
  for (const { id: vehicleId } of vehicles) {
    const orders = await prisma.repairOrder.findMany({
      where: { vehicleId, status: { in: FINISHED_ORDER } },
      select: { id: true, deliveredAt: true, closedAt: true, checkedInAt: true, mileageInKm: true, lines: { where: { status: 'ACTIVE', catalogItemId: { not: null } }, select: { catalogItemId: true } } },
    });
    const visits: ServiceVisit[] = orders.map((o) => ({
      repairOrderId: o.id,
      date: localParts(o.deliveredAt ?? o.closedAt ?? o.checkedInAt, tz).date,
      km: o.mileageInKm,
      catalogItemIds: [...new Set(o.lines.map((l) => l.catalogItemId!))],
    }));
    const readings = (await prisma.mileageReading.findMany({ where: { vehicleId }, select: { km: true, recordedAt: true } })).map((r) => ({ km: r.km, at: r.recordedAt }));
    const due = dueServices({ visits, catalogue, readings, timeZone: tz }).filter((d) => d.dueDate <= horizon);
    if (due.length === 0) continue;
    // Read outside the transaction (a read of its own); it only rides along.
    const carried = await openRecommendations(prisma, { vehicleId });
    const outcome = await inTransaction(prisma, (tx) => remindVehicle(tx, { vehicleId, due, carried, names, rules, now, today, shopId }));
    if (outcome.notice) result.noticesEnqueued++;
    if (outcome.task) result.tasksRaised++;
  }
  return result;
}

async function remindVehicle(
  tx: Prisma.TransactionClient,
  input: {
    shopId: string;
    vehicleId: string;
    due: DueService[];
    carried: Awaited<ReturnType<typeof openRecommendations>>;
    names: Map<string, { zh: string; en: string }>;
    rules: { maxReminders: number; spacingDays: number };
    now: Date;
    today: LocalDate;
  },
): Promise<{ notice: boolean; task: boolean }> {
  const { now, vehicleId } = input;
  await tx.$queryRaw`SELECT id FROM "Vehicle" WHERE id = ${vehicleId} FOR UPDATE`;
  const vehicle = await tx.vehicle.findUniqueOrThrow({ where: { id: vehicleId }, include: { customer: true } });
  if (!vehicle.customer.consentService) return { notice: false, task: false };
  // Coming in anyway, or in the workshop now: nothing to remind of.
  const booked = await tx.booking.count({ where: { vehicleId, status: 'CONFIRMED', startsAt: { gt: now } } });
  const inWorkshop = await tx.repairOrder.count({ where: { vehicleId, status: { notIn: ['DELIVERED', 'CLOSED', 'CANCELLED'] } } });
  if (booked > 0 || inWorkshop > 0) return { notice: false, task: false };

  const remind: Array<{ due: DueService; rowId: string; reminders: number }> = [];
  const call: Array<{ due: DueService; rowId: string }> = [];
  for (const due of input.due) {
    const key = { vehicleId, catalogItemId: due.catalogItemId, basisRepairOrderId: due.basisRepairOrderId };
    // A newer odometer reading moves the projection: the row follows it.
    const row = await tx.maintenanceReminder.upsert({
      where: { vehicleId_catalogItemId_basisRepairOrderId: key },
      create: { ...key, shopId: input.shopId, dueDate: localDateToDbDate(due.dueDate), dueBy: due.dueBy, dueKm: due.dueKm, createdAt: now },
      update: { dueDate: localDateToDbDate(due.dueDate), dueBy: due.dueBy, dueKm: due.dueKm },
    });
    const step = nextStep(row, input.rules, now);
    if (step === 'remind') remind.push({ due, rowId: row.id, reminders: row.reminders });
    if (step === 'task') call.push({ due, rowId: row.id });
  }

  const service = (d: DueService) => ({
    catalogItemId: d.catalogItemId,
    zh: input.names.get(d.catalogItemId)?.zh ?? '',
    en: input.names.get(d.catalogItemId)?.en ?? '',
    dueBy: d.dueBy,
    dueDate: d.dueDate,
    ...(d.dueKm !== null ? { dueKm: d.dueKm } : {}),
  });
  const carried = input.carried.map((c) => ({ itemId: c.itemId, zh: c.title.zh, en: c.title.en, priceFen: c.priceFen, repairOrderNumber: c.repairOrderNumber }));

  if (remind.length > 0) {
    await enqueueNotice(
      tx,
      {
        notice: 'maintenance.due',
        customerId: vehicle.customerId,
        vehicleId,
        plate: vehicle.plate,
        services: remind.map((r) => service(r.due)),
        carried,
        // A service named for the first time makes it a first reminder.
        reminderNumber: Math.min(...remind.map((r) => r.reminders)) + 1,
      },
      { now, dedupeKey: `notice:maintenance.due:${vehicleId}:${input.today}` },
    );
    for (const r of remind) await tx.maintenanceReminder.update({ where: { id: r.rowId }, data: { reminders: { increment: 1 }, lastRemindedAt: now } });
  }
  if (call.length > 0) {
    const calendar = await shopCalendar(tx, input.shopId);
    const task = await raiseFollowUpTask(tx, {
      shopId: input.shopId,
      kind: 'MAINTENANCE_DUE',
      advisorId: vehicle.customer.advisorId,
      customerId: vehicle.customerId,
      vehicleId,
      title: `保养到期未预约：${vehicle.plate}（${vehicle.customer.name}）${call.map((c) => service(c.due).zh).join('、')}`,
      details: { plate: vehicle.plate, services: call.map((c) => service(c.due)), carried },
      dedupeKey: `maintenance-due:${vehicleId}:${input.today}`,
      dueAt: addWorkingDays(calendar, now, 1),
    });
    for (const c of call) await tx.maintenanceReminder.update({ where: { id: c.rowId }, data: { advisorTaskId: task.id } });
  }
  return { notice: remind.length > 0, task: call.length > 0 };
}
