import { findSlots } from '../services/booking/availability';
import { bookingScenario, NOW, seedHistory, type BookingScenario } from './support/booking-scenarios';

/**
 * The slot search reads occupancy by the indexed slotStart for the days it looks at and
 * sums parts reserved by future bookings only, so a shop's history must not slow it
 * down: the time with 10,000 bookings may be at most twice the time with 100.
 *
 * Two databases, measured in alternating rounds, so that whatever else the machine is
 * doing (other test files run in parallel) weighs on both sides alike.
 */

let small: BookingScenario;
let large: BookingScenario;
beforeAll(async () => {
  small = await bookingScenario();
  large = await bookingScenario();
});
afterAll(async () => {
  await small?.close();
  await large?.close();
});

async function searchOnce(s: BookingScenario): Promise<number> {
  const searches = [
    { catalogItemIds: [s.item('PM-REGULAR')], wanted: { date: '2026-11-30', time: '10:00', part: null } },
    { catalogItemIds: [s.item('ALIGNMENT'), s.item('OIL-CHANGE')], wanted: { date: '2026-11-28', time: null, part: 'afternoon' as const } },
    { catalogItemIds: [s.item('BRAKE-PAD-R')], wanted: { date: '2026-11-30', time: '09:00', part: null } },
  ];
  const started = performance.now();
  for (const q of searches) await findSlots(s.prisma, { shopId: s.shopId, now: NOW, ...q });
  return performance.now() - started;
}

it('searches as fast with 10,000 bookings as with 100 (within 2×)', async () => {
  await seedHistory(small, 100, { before: '2026-11-27' });
  const started = performance.now();
  await seedHistory(large, 10_000, { before: '2026-11-27' });
  const seeding = performance.now() - started;
  // A live database is analysed by autovacuum; a test database must be told.
  await small.db.raw.exec('ANALYZE');
  await large.db.raw.exec('ANALYZE');
  expect(await large.prisma.booking.count()).toBe(10_000);
  expect(await large.prisma.bayOccupancy.count()).toBe(10_000);

  const rounds = { small: [] as number[], large: [] as number[] };
  for (let i = 0; i < 18; i++) {
    const a = await searchOnce(small);
    const b = await searchOnce(large);
    // The first rounds warm the JIT and the databases' caches.
    if (i >= 3) {
      rounds.small.push(a);
      rounds.large.push(b);
    }
  }
  const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
  const with100 = median(rounds.small);
  const with10k = median(rounds.large);
  console.log(
    `[performance] engine=${small.db.engine} slot search (3 searches, median of 15 alternating rounds): ${with100.toFixed(1)} ms with 100 bookings, ${with10k.toFixed(1)} ms with 10,000 (ratio ${(with10k / with100).toFixed(2)}); best ${Math.min(...rounds.small).toFixed(1)} / ${Math.min(...rounds.large).toFixed(1)} ms; createMany of 10,000 bookings+lines+occupancy: ${seeding.toFixed(0)} ms`,
  );
  expect(with10k).toBeLessThanOrEqual(2 * with100);
});
