import { createBooking, type CreateBookingInput } from '../../services/booking/bookings';
import { invalidateShopSnapshot } from '../../services/shop-snapshot';
import { localDateToDbDate, zonedInstant, timeToMinute } from '../../services/time';
import { createTestDatabase, SEED_NOW, SHOP_TZ, type TestDatabase } from './database';

/**
 * Scenario builders for the booking tests, on the seeded demo shop:
 *   Mon–Fri 08:30–18:00, Sat 09:00–17:00, Sunday closed; 30-minute slots, 60-day horizon;
 *   bays 1号/2号 GENERAL, 3号 QUICK, 4号 ALIGNMENT;
 *   陈 maintenance/brakes/electrical, 刘 maintenance/tyres/alignment,
 *   赵 maintenance/ac/electrical, 孙 maintenance/brakes/tyres;
 *   rear brake pads out of stock until SEED_NOW + 5 days (2026-12-02).
 * The clock is frozen at SEED_NOW = Friday 2026-11-27 10:00 in Shanghai.
 */

export const NOW = SEED_NOW;
export const TZ = SHOP_TZ;

/** The instant of a shop-local date and 'HH:mm'. */
export function at(date: string, time: string): Date {
  const minute = timeToMinute(time);
  if (minute === null) throw new Error(`bad time ${time}`);
  return zonedInstant(date, minute, TZ);
}

export interface TestCustomer {
  customerId: string;
  vehicleId: string;
}

export interface BookingScenario {
  db: TestDatabase;
  prisma: TestDatabase['prisma'];
  shopId: string;
  /** Catalogue item id by operation code (PM-REGULAR, ALIGNMENT …). */
  item: (code: string) => string;
  bayId: (name: string) => string;
  technicianId: (name: string) => string;
  newCustomer(): Promise<TestCustomer>;
  /** Creates many customers with one vehicle each in two statements. */
  newCustomers(count: number): Promise<TestCustomer[]>;
  /** Books with sensible defaults (a new customer, channel "test", now = NOW). */
  book(codes: string[], startsAt: Date, overrides?: Partial<CreateBookingInput>): ReturnType<typeof createBooking>;
  /** Deactivates every bay not named. */
  onlyBays(names: string[]): Promise<void>;
  onlyTechnicians(names: string[]): Promise<void>;
  setStock(sku: string, stockQty: number, restockDate: string | null): Promise<void>;
  addCalendarDay(date: string, kind: 'HOLIDAY' | 'WORKDAY', openMinute?: number, closeMinute?: number): Promise<void>;
  /** Puts the shop back as seeded (bookings, jobs, customers, resources, stock, calendar) for the next test. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

let customerSeq = 0;

export async function bookingScenario(): Promise<BookingScenario> {
  const db = await createTestDatabase();
  const prisma = db.prisma;
  invalidateShopSnapshot();
  const shop = await prisma.shop.findUniqueOrThrow({ where: { code: 'DEMO' } });
  const [items, bays, technicians] = await Promise.all([
    prisma.serviceCatalogItem.findMany({ where: { shopId: shop.id } }),
    prisma.serviceBay.findMany({ where: { shopId: shop.id } }),
    prisma.technician.findMany({ where: { shopId: shop.id } }),
  ]);
  // What reset() restores: loading a fresh database costs ~1.5 s, resetting ~50 ms.
  const seededParts = await prisma.part.findMany({ where: { shopId: shop.id }, select: { id: true, stockQty: true, restockDate: true } });
  const seededDays = (await prisma.workingCalendarDay.findMany({ where: { shopId: shop.id }, select: { id: true } })).map((d) => d.id);
  const seededCustomers = (await prisma.customer.findMany({ where: { shopId: shop.id }, select: { id: true } })).map((c) => c.id);
  const lookup = <T>(rows: T[], key: (r: T) => string, id: (r: T) => string, what: string) => (name: string) => {
    const row = rows.find((r) => key(r) === name);
    if (!row) throw new Error(`no ${what} ${name}`);
    return id(row);
  };

  const makeCustomers = async (count: number): Promise<TestCustomer[]> => {
    const base = ++customerSeq * 100_000;
    const rows = Array.from({ length: count }, (_, i) => {
      const n = base + i;
      return { id: `cust-${n}`, vehicleId: `veh-${n}`, mobile: `139${String(n).padStart(8, '0')}`, plate: `沪T${String(n).padStart(6, '0')}` };
    });
    await prisma.customer.createMany({ data: rows.map((r) => ({ id: r.id, shopId: shop.id, name: `客户${r.id}`, mobile: r.mobile })) });
    await prisma.vehicle.createMany({ data: rows.map((r) => ({ id: r.vehicleId, shopId: shop.id, customerId: r.id, plate: r.plate })) });
    return rows.map((r) => ({ customerId: r.id, vehicleId: r.vehicleId }));
  };

  const scenario: BookingScenario = {
    db,
    prisma,
    shopId: shop.id,
    item: lookup(items, (i) => i.code, (i) => i.id, 'catalogue item'),
    bayId: lookup(bays, (b) => b.name, (b) => b.id, 'bay'),
    technicianId: lookup(technicians, (t) => t.name, (t) => t.id, 'technician'),
    newCustomer: async () => (await makeCustomers(1))[0],
    newCustomers: makeCustomers,
    async book(codes, startsAt, overrides = {}) {
      const customer = overrides.customerId ? { customerId: overrides.customerId, vehicleId: overrides.vehicleId! } : await makeCustomers(1).then((c) => c[0]);
      return createBooking(prisma, {
        shopId: shop.id,
        ...customer,
        catalogItemIds: codes.map((c) => scenario.item(c)),
        startsAt,
        channel: 'test',
        now: NOW,
        ...overrides,
      });
    },
    async onlyBays(names) {
      await prisma.serviceBay.updateMany({ where: { shopId: shop.id, name: { notIn: names } }, data: { active: false } });
      invalidateShopSnapshot(shop.id);
    },
    async onlyTechnicians(names) {
      await prisma.technician.updateMany({ where: { shopId: shop.id, name: { notIn: names } }, data: { active: false } });
      invalidateShopSnapshot(shop.id);
    },
    async setStock(sku, stockQty, restockDate) {
      await prisma.part.update({
        where: { shopId_sku: { shopId: shop.id, sku } },
        data: { stockQty, restockDate: restockDate ? localDateToDbDate(restockDate) : null },
      });
      invalidateShopSnapshot(shop.id);
    },
    async addCalendarDay(date, kind, openMinute, closeMinute) {
      await prisma.workingCalendarDay.create({
        data: { shopId: shop.id, date: localDateToDbDate(date), kind, name: kind === 'HOLIDAY' ? '测试假日' : '测试调休', openMinute, closeMinute },
      });
      invalidateShopSnapshot(shop.id);
    },
    async reset() {
      await prisma.booking.deleteMany({ where: { shopId: shop.id } }); // lines and occupancy cascade
      await prisma.job.deleteMany({});
      await prisma.auditEvent.deleteMany({});
      await prisma.customer.deleteMany({ where: { shopId: shop.id, id: { notIn: seededCustomers } } }); // vehicles cascade
      await prisma.workingCalendarDay.deleteMany({ where: { shopId: shop.id, id: { notIn: seededDays } } });
      await prisma.serviceBay.updateMany({ where: { shopId: shop.id }, data: { active: true } });
      await prisma.technician.updateMany({ where: { shopId: shop.id }, data: { active: true } });
      for (const part of seededParts) await prisma.part.update({ where: { id: part.id }, data: { stockQty: part.stockQty, restockDate: part.restockDate } });
          invalidateShopSnapshot();
    },
    close: () => db.close(),
  };
  return scenario;
}

/**
 * Writes `count` past bookings with their lines and occupancy with createMany, the way a
 * shop accumulates history: four per slot (one per bay and technician), 08:30–16:30,
 * going back one day per 64 bookings from `before`.
 */
export async function seedHistory(s: BookingScenario, count: number, options: { before: string; offset?: number }): Promise<void> {
  const bays = ['1号工位', '2号工位', '3号快保工位', '4号四轮定位工位'].map(s.bayId);
  const techs = ['陈师傅', '刘师傅', '赵师傅', '孙师傅'].map(s.technicianId);
  const customer = await s.newCustomer();
  const itemId = s.item('PM-REGULAR');
  const { addDays } = await import('../../services/time');
  const offset = options.offset ?? 0;
  const CHUNK = 2000;
  for (let from = 0; from < count; from += CHUNK) {
    const rows = [];
    for (let k = from; k < Math.min(count, from + CHUNK); k++) {
      const i = k + offset;
      const date = addDays(options.before, -1 - Math.floor(i / 64));
      const j = i % 64;
      const startsAt = zonedInstant(date, 510 + Math.floor(j / 4) * 30, TZ);
      rows.push({ id: `hist-${i}`, startsAt, bayId: bays[j % 4], technicianId: techs[j % 4] });
    }
    await s.prisma.booking.createMany({
      data: rows.map((r) => ({
        id: r.id,
        shopId: s.shopId,
        customerId: customer.customerId,
        vehicleId: customer.vehicleId,
        bayId: r.bayId,
        technicianId: r.technicianId,
        status: 'COMPLETED' as const,
        startsAt: r.startsAt,
        endsAt: new Date(r.startsAt.getTime() + 30 * 60_000),
        estimateFen: 100_000,
      })),
    });
    await s.prisma.bookingLine.createMany({ data: rows.map((r) => ({ bookingId: r.id, catalogItemId: itemId })) });
    await s.prisma.bayOccupancy.createMany({ data: rows.map((r) => ({ bayId: r.bayId, slotStart: r.startsAt, bookingId: r.id })) });
    await s.prisma.technicianOccupancy.createMany({ data: rows.map((r) => ({ technicianId: r.technicianId, slotStart: r.startsAt, bookingId: r.id })) });
  }
}
