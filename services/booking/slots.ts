import { minuteToTime, timeToMinute, zonedInstant, type LocalDate, type OpeningWindow } from '../time';

/**
 * The pure units of the slot search, each small enough to test on its own (in the
 * style of cal.com's slots router). `availability.ts` loads the data and composes them.
 */

export type BayKind = 'GENERAL' | 'ALIGNMENT' | 'QUICK';

export interface Slot {
  startsAt: Date;
  endsAt: Date;
  /** Shop-local date and start time. */
  date: LocalDate;
  time: string;
}

/** Customers cannot book a slot that starts sooner than this: the shop needs to prepare. */
export const LEAD_TIME_MINUTES = 60;

// ───────────────────────────── What the job needs ─────────────────────────────

export interface JobRequirements {
  /** Sum of the flat-rate minutes, rounded up to whole slots. */
  durationMinutes: number;
  /** Bay kinds that can take the job, preferred first. */
  bayKinds: BayKind[];
  /** Every skill some item requires; one technician must have them all. */
  skills: string[];
}

// A wheel alignment needs the rig; general work needs a lift; quick work fits either lane.
const BAY_SPECIFICITY: Record<BayKind, number> = { QUICK: 0, GENERAL: 1, ALIGNMENT: 2 };

export function usableBayKinds(needed: BayKind): BayKind[] {
  return needed === 'QUICK' ? ['QUICK', 'GENERAL'] : [needed];
}

export function roundUpToSlots(minutes: number, slotMinutes: number): number {
  return Math.max(1, Math.ceil(minutes / slotMinutes)) * slotMinutes;
}

export function jobRequirements(
  items: ReadonlyArray<{ labourMinutes: number; bayKind: BayKind; requiredSkill: string | null }>,
  slotMinutes: number,
): JobRequirements {
  if (items.length === 0) throw new RangeError('a booking needs at least one service');
  const minutes = items.reduce((sum, i) => sum + i.labourMinutes, 0);
  const needed = items.reduce<BayKind>((k, i) => (BAY_SPECIFICITY[i.bayKind] > BAY_SPECIFICITY[k] ? i.bayKind : k), 'QUICK');
  const skills = [...new Set(items.map((i) => i.requiredSkill).filter((s): s is string => !!s))].sort();
  return { durationMinutes: roundUpToSlots(minutes, slotMinutes), bayKinds: usableBayKinds(needed), skills };
}

// ───────────────────────────── Time grid ─────────────────────────────

/**
 * Start minutes of bookable slots on a day. The grid is anchored at midnight, not at
 * the opening time, so occupancy keys stay aligned even if the shop changes its hours.
 */
export function candidateStarts(opening: OpeningWindow, slotMinutes: number, durationMinutes: number): number[] {
  const starts: number[] = [];
  const first = Math.ceil(opening.openMinute / slotMinutes) * slotMinutes;
  for (let m = first; m + durationMinutes <= opening.closeMinute; m += slotMinutes) starts.push(m);
  return starts;
}

/** Whether `minute` is a start the grid offers (on the grid, inside the hours). */
export function isOnGrid(minute: number, opening: OpeningWindow, slotMinutes: number, durationMinutes: number): boolean {
  return minute % slotMinutes === 0 && minute >= opening.openMinute && minute + durationMinutes <= opening.closeMinute;
}

/** Instants of each slot unit a job starting at `startMinute` occupies (the occupancy keys). */
export function slotUnits(date: LocalDate, startMinute: number, durationMinutes: number, slotMinutes: number, tz: string): Date[] {
  const units: Date[] = [];
  for (let m = startMinute; m < startMinute + durationMinutes; m += slotMinutes) units.push(zonedInstant(date, m, tz));
  return units;
}

export function makeSlot(date: LocalDate, startMinute: number, durationMinutes: number, tz: string): Slot {
  return {
    startsAt: zonedInstant(date, startMinute, tz),
    endsAt: zonedInstant(date, startMinute + durationMinutes, tz),
    date,
    time: minuteToTime(startMinute),
  };
}

export function earliestStart(now: Date, leadMinutes = LEAD_TIME_MINUTES): Date {
  return new Date(now.getTime() + leadMinutes * 60_000);
}

// ───────────────────────────── Resources ─────────────────────────────

/** Occupied slot units per resource (bay or technician id → slotStart epoch ms). */
export class OccupancyIndex {
  private readonly busy = new Map<string, Set<number>>();

  add(resourceId: string, slotStart: Date): void {
    let set = this.busy.get(resourceId);
    if (!set) this.busy.set(resourceId, (set = new Set()));
    set.add(slotStart.getTime());
  }

  isFree(resourceId: string, units: readonly Date[]): boolean {
    const set = this.busy.get(resourceId);
    return !set || units.every((u) => !set.has(u.getTime()));
  }

  /** The first resource (in the given preference order) free for every unit, or null. */
  firstFree<R extends { id: string }>(resources: readonly R[], units: readonly Date[]): R | null {
    return resources.find((r) => this.isFree(r.id, units)) ?? null;
  }
}

export interface Bay {
  id: string;
  name: string;
  kind: BayKind;
}

export interface Technician {
  id: string;
  name: string;
  skills: readonly string[];
}

/** Bays of a usable kind, the job's own kind first (a quick job keeps the lifts free). */
export function usableBays<B extends Bay>(bays: readonly B[], kinds: readonly BayKind[]): B[] {
  return bays
    .filter((b) => kinds.includes(b.kind))
    .sort((a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function qualifiedTechnicians<T extends Technician>(technicians: readonly T[], skills: readonly string[]): T[] {
  return technicians
    .filter((t) => skills.every((s) => t.skills.includes(s)))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// ───────────────────────────── Parts ─────────────────────────────

export interface PartNeed {
  partId: string;
  sku: string;
  /** Quantities in thousandths (Decimal(10,3) as integers) so sums are exact. */
  neededMilli: number;
  stockMilli: number;
  reservedMilli: number;
  restockDate: LocalDate | null;
}

export interface PartsVerdict {
  /** Parts that are short for this job after reservations by confirmed future bookings. */
  shortSkus: string[];
  /** First date slots may be offered (the latest restock date), when every short part has one. */
  availableFrom: LocalDate | null;
  /** True when some short part has no restock date: bookable, but an advisor must check. */
  flagged: boolean;
  restockDate: LocalDate | null;
}

export function partsVerdict(needs: readonly PartNeed[]): PartsVerdict {
  const short = needs.filter((n) => n.stockMilli - n.reservedMilli < n.neededMilli);
  const dates = short.map((n) => n.restockDate).filter((d): d is LocalDate => d !== null).sort();
  const flagged = short.some((n) => n.restockDate === null);
  const latest = dates.length ? dates[dates.length - 1] : null;
  return {
    shortSkus: short.map((n) => n.sku).sort(),
    availableFrom: latest,
    flagged,
    restockDate: flagged ? null : latest,
  };
}

/** Quantity (Decimal, string or number with ≤ 3 decimals) in thousandths. */
export function toMilli(quantity: { toString(): string } | number): number {
  return Math.round(Number(quantity.toString()) * 1000);
}

// ───────────────────────────── Choosing what to offer ─────────────────────────────

/** Slots ordered by distance from a target minute of the day; earlier wins ties. */
export function nearestTo(slots: readonly Slot[], targetMinute: number): Slot[] {
  const minuteOf = (s: Slot) => timeToMinute(s.time)!;
  return [...slots].sort(
    (a, b) => Math.abs(minuteOf(a) - targetMinute) - Math.abs(minuteOf(b) - targetMinute) || a.startsAt.getTime() - b.startsAt.getTime(),
  );
}
