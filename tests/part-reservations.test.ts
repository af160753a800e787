import { cancelBooking, createBooking, rescheduleBooking } from '../services/booking/bookings';
import { at, bookingScenario, NOW, type BookingScenario } from './support/booking-scenarios';

/**
 * The per-day parts reservation totals are kept by database triggers: after any write to
 * bookings, their lines or the catalogue's part quantities they must equal what the confirmed
 * bookings reserve, summed from scratch.
 */

let s: BookingScenario;
beforeAll(async () => {
  s = await bookingScenario();
});
afterAll(async () => {
  await s.close();
});

async function kept(): Promise<string[]> {
  const rows = await s.db.raw.query<{ partId: string; day: string; milli: string }>(
    `SELECT "partId", to_char("day", 'YYYY-MM-DD') AS "day", "milli"::text AS "milli" FROM "PartReservationDay" WHERE "milli" <> 0 ORDER BY 1, 2`,
  );
  return rows.map((r) => `${r.partId} ${r.day} ${r.milli}`);
}

async function fromBookings(): Promise<string[]> {
  const rows = await s.db.raw.query<{ partId: string; day: string; milli: string }>(
    `SELECT cp."partId", to_char((b."startsAt" AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS "day", SUM(cp."quantity" * 1000)::bigint::text AS "milli"
       FROM "Booking" b JOIN "BookingLine" bl ON bl."bookingId" = b."id" JOIN "ServiceCatalogPart" cp ON cp."catalogItemId" = bl."catalogItemId"
      WHERE b."status" = 'CONFIRMED' GROUP BY 1, 2 HAVING SUM(cp."quantity") <> 0 ORDER BY 1, 2`,
  );
  return rows.map((r) => `${r.partId} ${r.day} ${r.milli}`);
}

async function expectConsistent(): Promise<void> {
  expect(await kept()).toEqual(await fromBookings());
}

describe('parts reserved per day, kept by the database', () => {
  it('follows bookings made through Prisma and through plain SQL, moves, cancellations, deletions and catalogue edits', async () => {
    const first = await s.book(['PM-REGULAR'], at('2026-11-30', '09:00'));
    const other = await s.newCustomer();
    const second = await createBooking(s.prisma, { shopId: s.shopId, ...other, catalogItemIds: [s.item('PM-REGULAR'), s.item('OIL-CHANGE')], startsAt: at('2026-12-01', '10:00'), now: NOW, channel: 'test' }, { sql: s.db.raw });
    expect(await kept()).not.toEqual([]);
    await expectConsistent();

    await rescheduleBooking(s.prisma, { bookingId: first.id, customerId: first.customerId, startsAt: at('2026-12-03', '14:00'), now: NOW });
    await expectConsistent();

    await cancelBooking(s.prisma, { bookingId: second.id, customerId: second.customerId, reason: null, now: NOW });
    await expectConsistent();

    const third = await s.book(['PM-REGULAR'], at('2026-12-04', '09:00'));
    await s.db.raw.query(`DELETE FROM "BookingLine" WHERE "bookingId" = $1`, [third.id]);
    await expectConsistent();

    const fourth = await s.book(['PM-REGULAR'], at('2026-12-05', '09:00'));
    await s.db.raw.query(`DELETE FROM "Booking" WHERE "id" = $1`, [fourth.id]);
    await expectConsistent();

    await s.db.raw.query(`UPDATE "ServiceCatalogPart" SET "quantity" = "quantity" + 1 WHERE "catalogItemId" = $1`, [s.item('PM-REGULAR')]);
    await expectConsistent();
    expect((await kept()).length).toBeGreaterThan(0);
  });
});
