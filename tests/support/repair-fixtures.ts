import { createBooking } from '../../services/booking';
import type { Actor } from '../../services/actor';
import { createTestDatabase, SEED_NOW, type TestDatabase } from './database';

/**
 * A seeded shop with customers who have a chat identity, a car (with a warranty) and a
 * confirmed booking for tomorrow: the starting point of every repair-order test. The clock
 * is the test's to move.
 */
export interface RepairWorld {
  db: TestDatabase;
  shopId: string;
  advisorId: string;
  otherAdvisorId: string;
  /** Moves with `advance`; starts Saturday 28 November 2026, 10:00 in Shanghai. */
  now(): Date;
  advance(minutes: number): Date;
  setNow(date: Date): void;
  newCustomer(options?: { plate?: string; warrantyEndDate?: string | null; warrantyEndKm?: number | null; book?: string[] }): Promise<Customer>;
  advisor(id?: string): Actor;
  close(): Promise<void>;
}

export interface Customer {
  id: string;
  identityId: string;
  vehicleId: string;
  plate: string;
  bookingId: string | null;
}

export const CHECK_IN_AT = new Date('2026-11-28T02:00:00Z');

export async function repairWorld(): Promise<RepairWorld> {
  const db = await createTestDatabase();
  const shop = await db.prisma.shop.findFirstOrThrow();
  const advisors = await db.prisma.advisor.findMany({ where: { shopId: shop.id, role: 'ADVISOR' }, orderBy: { name: 'asc' } });
  const advisor = advisors.find((a) => a.name === '张敏')!;
  const other = advisors.find((a) => a.name !== '张敏')!;
  let clock = CHECK_IN_AT.getTime();
  let counter = 0;
  return {
    db,
    shopId: shop.id,
    advisorId: advisor.id,
    otherAdvisorId: other.id,
    now: () => new Date(clock),
    advance(minutes) {
      clock += minutes * 60_000;
      return new Date(clock);
    },
    setNow(date) {
      clock = date.getTime();
    },
    async newCustomer(options = {}) {
      counter++;
      const n = String(counter).padStart(4, '0');
      const customer = await db.prisma.customer.create({ data: { shopId: shop.id, name: `客户${n}`, mobile: `1380000${n}`, advisorId: advisor.id } });
      const plate = options.plate ?? `沪R1${n}`;
      const vehicle = await db.prisma.vehicle.create({
        data: {
          shopId: shop.id,
          customerId: customer.id,
          plate,
          mileageKm: 30_000,
          warrantyEndDate: options.warrantyEndDate === null ? null : new Date(`${options.warrantyEndDate ?? '2028-06-30'}T00:00:00Z`),
          warrantyEndKm: options.warrantyEndKm === undefined ? 100_000 : options.warrantyEndKm,
        },
      });
      const identity = await db.prisma.channelIdentity.create({ data: { channel: 'msteams', externalId: `user-${n}`, customerId: customer.id } });
      let bookingId: string | null = null;
      const services = options.book ?? ['PM-REGULAR'];
      if (services.length > 0) {
        const items = await db.prisma.serviceCatalogItem.findMany({ where: { shopId: shop.id, code: { in: services } } });
        // Saturday 28 November, a different hour per customer so bays never run out.
        const startsAt = new Date(Date.UTC(2026, 10, 28, 1 + ((counter - 1) % 6), 0));
        const booking = await createBooking(db.prisma, { shopId: shop.id, customerId: customer.id, vehicleId: vehicle.id, catalogItemIds: items.map((i) => i.id), startsAt, channel: 'msteams', now: SEED_NOW });
        bookingId = booking.id;
      }
      return { id: customer.id, identityId: identity.id, vehicleId: vehicle.id, plate, bookingId };
    },
    advisor: (id = advisor.id) => ({ type: 'advisor', id }),
    close: () => db.close(),
  };
}
