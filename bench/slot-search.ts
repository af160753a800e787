/**
 * Slot search time with 100 vs 10,000 existing bookings, as tests/booking-performance.test.ts
 * measures it (3 searches, median of 15 rounds after 3 warm-up rounds), on a fresh test
 * database: in-memory PGlite, or a new database on TEST_DATABASE_URL's server.
 * Prints one JSON line. Run: node -r tsx/cjs bench/slot-search.ts
 */
import { findSlots } from '../services/booking/availability';
import { bookingScenario, NOW, seedHistory, type BookingScenario } from '../tests/support/booking-scenarios';

async function timeSearches(s: BookingScenario, rounds: number): Promise<number> {
  const searches = [
    { catalogItemIds: [s.item('PM-REGULAR')], wanted: { date: '2026-11-30', time: '10:00', part: null } },
    { catalogItemIds: [s.item('ALIGNMENT'), s.item('OIL-CHANGE')], wanted: { date: '2026-11-28', time: null, part: 'afternoon' as const } },
    { catalogItemIds: [s.item('BRAKE-PAD-R')], wanted: { date: '2026-11-30', time: '09:00', part: null } },
  ];
  const samples: number[] = [];
  for (let i = 0; i < rounds + 3; i++) {
    const started = performance.now();
    for (const q of searches) await findSlots(s.prisma, { shopId: s.shopId, now: NOW, ...q });
    if (i >= 3) samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

async function main(): Promise<void> {
  // No template dump from a test run: build this database from the migrations.
  process.env.AFTERCARE_TEST_RUN = `bench-${process.pid}`;
  const s = await bookingScenario();
  try {
    await seedHistory(s, 100, { before: '2026-11-27' });
    await s.db.raw.exec('ANALYZE');
    const with100 = await timeSearches(s, 15);
    await seedHistory(s, 9_900, { before: '2026-11-27', offset: 100 });
    await s.db.raw.exec('ANALYZE');
    const with10k = await timeSearches(s, 15);
    const r = (v: number) => Math.round(v * 100) / 100;
    process.stdout.write(`${JSON.stringify({ engine: s.db.engine, searches: 3, with100Ms: r(with100), with10kMs: r(with10k), ratio: r(with10k / with100) })}\n`);
  } finally {
    await s.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
