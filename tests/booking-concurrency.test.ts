import { bookingMetrics, SlotUnavailableError } from '../services/booking/bookings';
import { at, bookingScenario, type BookingScenario } from './support/booking-scenarios';

/**
 * THE double-booking test: 50 customers press "book" for the same slot at once. The
 * guard is the occupancy tables' primary keys, so it must hold on PGlite (one
 * connection, transactions serialised) and on PostgreSQL (a pool, real concurrency).
 */

let s: BookingScenario;
beforeAll(async () => {
  s = await bookingScenario();
});
afterAll(() => s.close());

it('lets exactly 3 of 50 concurrent bookings take a slot with capacity 3', async () => {
  // An oil change fits the quick lane or either lift (3 bays); three technicians remain.
  await s.onlyTechnicians(['陈师傅', '刘师傅', '赵师傅']);
  const customers = await s.newCustomers(50);
  const startsAt = at('2026-11-30', '10:00');

  const started = performance.now();
  const results = await Promise.allSettled(customers.map((c) => s.book(['OIL-CHANGE'], startsAt, c)));
  const elapsed = performance.now() - started;

  const won = results.filter((r) => r.status === 'fulfilled');
  const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  const unexpected = lost.filter((r) => !(r.reason instanceof SlotUnavailableError)).map((r) => String(r.reason));
  console.log(`[concurrency] engine=${s.db.engine} 50 concurrent createBooking on one slot: ${won.length} booked, ${lost.length} refused in ${elapsed.toFixed(0)} ms`);
  expect(unexpected).toEqual([]);
  expect(won).toHaveLength(3);
  expect(lost).toHaveLength(47);
  expect(lost.every((r) => (r.reason as SlotUnavailableError).reason === 'full')).toBe(true);

  // One hour = two units; each bay and technician holds each unit at most once.
  const bayRows = await s.prisma.bayOccupancy.findMany({ where: { slotStart: { in: [at('2026-11-30', '10:00'), at('2026-11-30', '10:30')] } } });
  const techRows = await s.prisma.technicianOccupancy.findMany({ where: { slotStart: { in: [at('2026-11-30', '10:00'), at('2026-11-30', '10:30')] } } });
  expect(bayRows).toHaveLength(6);
  expect(techRows).toHaveLength(6);
  expect(new Set(bayRows.map((r) => `${r.bayId}@${r.slotStart.toISOString()}`)).size).toBe(6);
  expect(new Set(techRows.map((r) => `${r.technicianId}@${r.slotStart.toISOString()}`)).size).toBe(6);
  expect(new Set(bayRows.map((r) => r.bayId)).size).toBe(3);
  expect(new Set(techRows.map((r) => r.technicianId)).size).toBe(3);
  // Nothing of the losers was left behind.
  expect(await s.prisma.booking.count({ where: { startsAt } })).toBe(3);
  expect(await s.prisma.job.count({ where: { kind: 'booking.reminder' } })).toBe(3);
  expect(await s.prisma.bookingLine.count()).toBe(3);
  const attempts = (await s.prisma.auditEvent.findMany({ where: { action: 'booking.created' } })).map((e) => (e.data as { attempt: number }).attempt);
  console.log(
    `[concurrency] engine=${s.db.engine} attempts of the winners: ${attempts.join(', ')}; unique-violation retries: ${bookingMetrics.conflictsRetried}, exhausted: ${bookingMetrics.conflictsExhausted}`,
  );
});
