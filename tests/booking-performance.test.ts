import { findSlots } from '../services/booking/availability';
import { bookingScenario, NOW, seedHistory, type BookingScenario } from './support/booking-scenarios';

/**
 * The slot search reads occupancy by the indexed slotStart for the days it looks at and
 * sums parts reserved by future bookings only, so a shop's history must not slow it
 * down: the time with 10,000 bookings may be at most twice the time with 100.
 */

let s: BookingScenario;
beforeAll(async () => {
  s = await bookingScenario();
});
afterAll(() => s.close());

async function timeSearches(rounds: number): Promise<number> {
  const searches = [
    { catalogItemIds: [s.item('PM-REGULAR')], wanted: { date: '2026-11-30', time: '10:00', part: null } },
    { catalogItemIds: [s.item('ALIGNMENT'), s.item('OIL-CHANGE')], wanted: { date: '2026-11-28', time: null, part: 'afternoon' as const } },
    { catalogItemIds: [s.item('BRAKE-PAD-R')], wanted: { date: '2026-11-30', time: '09:00', part: null } },
  ];
  const samples: number[] = [];
  for (let i = 0; i < rounds + 3; i++) {
    const started = performance.now();
    for (const q of searches) await findSlots(s.prisma, { shopId: s.shopId, now: NOW, ...q });
    if (i >= 3) samples.push(performance.now() - started); // the first rounds warm caches and the JIT
  }
  // The fastest round: other test files running in parallel only ever add time, so the
  // minimum is what the search itself costs.
  return Math.min(...samples);
}

it('searches as fast with 10,000 bookings as with 100 (within 2×)', async () => {
  await seedHistory(s, 100, { before: '2026-11-27' });
  await s.db.raw.exec('ANALYZE');
  const with100 = await timeSearches(15);

  const started = performance.now();
  await seedHistory(s, 9_900, { before: '2026-11-27', offset: 100 });
  const seeding = performance.now() - started;
  // A live database is analysed by autovacuum; a test database must be told.
  await s.db.raw.exec('ANALYZE');
  expect(await s.prisma.booking.count()).toBe(10_000);
  expect(await s.prisma.bayOccupancy.count()).toBe(10_000);
  const with10k = await timeSearches(15);

  console.log(
    `[performance] engine=${s.db.engine} slot search (3 searches, best of 15 rounds): ${with100.toFixed(1)} ms with 100 bookings, ${with10k.toFixed(1)} ms with 10,000 (ratio ${(with10k / with100).toFixed(2)}); createMany of 9,900 bookings+lines+occupancy: ${seeding.toFixed(0)} ms`,
  );
  expect(with10k).toBeLessThanOrEqual(2 * with100);
});
