import { findSlots } from '../services/booking/availability';
import {
  BookingInputError,
  BookingNotChangeableError,
  BookingNotFoundError,
  cancelBooking,
  createBooking,
  estimateServices,
  listUpcomingBookings,
  reminderRunAt,
  rescheduleBooking,
  SlotUnavailableError,
} from '../services/booking/bookings';
import { at, bookingScenario, NOW, TZ, type BookingScenario } from './support/booking-scenarios';

let s: BookingScenario;
beforeAll(async () => {
  s = await bookingScenario();
});
beforeEach(() => s.reset());
afterAll(() => s.close());

const free = async (code: string, date: string, time: string) =>
  (await findSlots(s.prisma, { shopId: s.shopId, catalogItemIds: [s.item(code)], wanted: { date, time, part: null }, now: NOW })).requested !== null;

async function expectRejects<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as E;
  }
  throw new Error(`expected ${type.name}`);
}

describe('createBooking', () => {
  it('writes the booking, its lines, occupancy per slot unit, estimate, reminder job and audit event', async () => {
    const customer = await s.newCustomer();
    const booking = await s.book(['PM-REGULAR', 'WIPERS'], at('2026-11-30', '10:00'), customer);
    // 90 + 15 minutes → 120 minutes, GENERAL bay.
    expect(booking).toMatchObject({ status: 'CONFIRMED', startsAt: at('2026-11-30', '10:00'), endsAt: at('2026-11-30', '12:00'), channel: 'test', partsFlagged: false });
    expect(booking.bayId).toBe(s.bayId('1号工位'));
    const [lines, bays, techs, job, audit] = await Promise.all([
      s.prisma.bookingLine.findMany({ where: { bookingId: booking.id } }),
      s.prisma.bayOccupancy.findMany({ where: { bookingId: booking.id }, orderBy: { slotStart: 'asc' } }),
      s.prisma.technicianOccupancy.findMany({ where: { bookingId: booking.id } }),
      s.prisma.job.findUnique({ where: { dedupeKey: `booking-reminder:${booking.id}` } }),
      s.prisma.auditEvent.findMany({ where: { entityType: 'Booking', entityId: booking.id } }),
    ]);
    expect(lines.map((l) => l.catalogItemId).sort()).toEqual([s.item('PM-REGULAR'), s.item('WIPERS')].sort());
    expect(bays.map((b) => b.slotStart)).toEqual(['10:00', '10:30', '11:00', '11:30'].map((t) => at('2026-11-30', t)));
    expect(techs).toHaveLength(4);
    expect(new Set(techs.map((t) => t.technicianId))).toEqual(new Set([booking.technicianId]));
    expect(job).toMatchObject({ kind: 'booking.reminder', status: 'PENDING', payload: { bookingId: booking.id } });
    expect(audit).toEqual([expect.objectContaining({ action: 'booking.created', actorType: 'customer', actorId: customer.customerId })]);
    // Estimate = the one cost calculation (see below): regular maintenance 122831 + wipers.
    expect(booking.estimateFen).toBe((await estimateServices(s.prisma, s.shopId, [s.item('PM-REGULAR'), s.item('WIPERS')])).totalFen);
  });

  it('refuses a slot that is not bookable, saying why', async () => {
    expect((await expectRejects(s.book(['OIL-CHANGE'], at('2026-11-27', '10:30')), SlotUnavailableError)).reason).toBe('past');
    expect((await expectRejects(s.book(['OIL-CHANGE'], at('2026-11-29', '10:00')), SlotUnavailableError)).reason).toBe('closed');
    expect((await expectRejects(s.book(['OIL-CHANGE'], at('2026-11-30', '10:15')), SlotUnavailableError)).reason).toBe('outside-hours');
    expect((await expectRejects(s.book(['OIL-CHANGE'], at('2026-11-30', '17:30')), SlotUnavailableError)).reason).toBe('outside-hours');
    expect((await expectRejects(s.book(['OIL-CHANGE'], at('2027-02-01', '10:00')), SlotUnavailableError)).reason).toBe('beyond-horizon');
    expect((await expectRejects(s.book(['BRAKE-PAD-R'], at('2026-11-30', '10:00')), SlotUnavailableError)).reason).toBe('full');
  });

  it('refuses a taken slot and offers alternatives', async () => {
    await s.book(['ALIGNMENT'], at('2026-11-30', '10:00'));
    const error = await expectRejects(s.book(['ALIGNMENT'], at('2026-11-30', '10:00')), SlotUnavailableError);
    expect(error.reason).toBe('full');
    expect(error.alternatives.map((a) => a.time)).toEqual(['09:00', '11:00']);
  });

  it('checks the vehicle belongs to the customer', async () => {
    const a = await s.newCustomer();
    const b = await s.newCustomer();
    await expectRejects(s.book(['OIL-CHANGE'], at('2026-11-30', '10:00'), { customerId: a.customerId, vehicleId: b.vehicleId }), BookingInputError);
  });

  it('validates its input', async () => {
    const c = await s.newCustomer();
    await expect(
      createBooking(s.prisma, { shopId: s.shopId, ...c, catalogItemIds: [], startsAt: at('2026-11-30', '10:00'), channel: 'test', now: NOW }),
    ).rejects.toThrow(/at least one service/);
    await expect(
      createBooking(s.prisma, { shopId: s.shopId, ...c, catalogItemIds: [s.item('OIL-CHANGE')], startsAt: new Date('nope'), channel: 'test', now: NOW }),
    ).rejects.toThrow(/valid Date/);
  });
});

describe('reminder job', () => {
  it('runs the evening before at 18:00 shop time', async () => {
    const booking = await s.book(['OIL-CHANGE'], at('2026-11-30', '10:00'));
    const job = await s.prisma.job.findUniqueOrThrow({ where: { dedupeKey: `booking-reminder:${booking.id}` } });
    expect(job.runAt).toEqual(at('2026-11-29', '18:00'));
    expect(job.runAt.toISOString()).toBe('2026-11-29T10:00:00.000Z');
  });

  it('runs at once when the evening before has passed (a booking for later today)', async () => {
    const booking = await s.book(['OIL-CHANGE'], at('2026-11-27', '14:00'));
    const job = await s.prisma.job.findUniqueOrThrow({ where: { dedupeKey: `booking-reminder:${booking.id}` } });
    expect(job.runAt).toEqual(NOW);
  });

  it('is computed in the shop zone', () => {
    expect(reminderRunAt(at('2026-12-01', '08:30'), TZ, NOW).toISOString()).toBe('2026-11-30T10:00:00.000Z');
  });
});

describe('cancelBooking', () => {
  it('frees the slot at once and cancels the reminder', async () => {
    const a = await s.newCustomer();
    const booking = await s.book(['ALIGNMENT'], at('2026-11-30', '10:00'), a);
    expect(await free('ALIGNMENT', '2026-11-30', '10:00')).toBe(false);
    const cancelled = await cancelBooking(s.prisma, { bookingId: booking.id, customerId: a.customerId, reason: '临时有事', now: NOW });
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancelReason: '临时有事', cancelledAt: NOW });
    expect(await free('ALIGNMENT', '2026-11-30', '10:00')).toBe(true);
    expect(await s.prisma.bayOccupancy.count({ where: { bookingId: booking.id } })).toBe(0);
    expect(await s.prisma.technicianOccupancy.count({ where: { bookingId: booking.id } })).toBe(0);
    expect((await s.prisma.job.findUniqueOrThrow({ where: { dedupeKey: `booking-reminder:${booking.id}` } })).status).toBe('CANCELLED');
    // Someone else can take it straight away.
    await s.book(['ALIGNMENT'], at('2026-11-30', '10:00'));
  });

  it('is idempotent and keeps the first cancellation', async () => {
    const a = await s.newCustomer();
    const booking = await s.book(['OIL-CHANGE'], at('2026-11-30', '10:00'), a);
    await cancelBooking(s.prisma, { bookingId: booking.id, customerId: a.customerId, reason: 'first', now: NOW });
    const again = await cancelBooking(s.prisma, { bookingId: booking.id, customerId: a.customerId, reason: 'second', now: NOW });
    expect(again.cancelReason).toBe('first');
  });

  it('cannot cancel a booking that has started', async () => {
    const a = await s.newCustomer();
    const booking = await s.book(['OIL-CHANGE'], at('2026-11-30', '10:00'), a);
    await expectRejects(cancelBooking(s.prisma, { bookingId: booking.id, customerId: a.customerId, now: at('2026-11-30', '10:15') }), BookingNotChangeableError);
  });
});

describe('rescheduleBooking', () => {
  it('moves occupancy and the reminder to the new slot', async () => {
    const a = await s.newCustomer();
    const booking = await s.book(['ALIGNMENT'], at('2026-11-30', '10:00'), a);
    const moved = await rescheduleBooking(s.prisma, { bookingId: booking.id, customerId: a.customerId, startsAt: at('2026-12-01', '14:00'), now: NOW });
    expect(moved).toMatchObject({ id: booking.id, startsAt: at('2026-12-01', '14:00'), endsAt: at('2026-12-01', '15:00'), status: 'CONFIRMED' });
    expect(await free('ALIGNMENT', '2026-11-30', '10:00')).toBe(true);
    expect(await free('ALIGNMENT', '2026-12-01', '14:00')).toBe(false);
    const units = await s.prisma.bayOccupancy.findMany({ where: { bookingId: booking.id }, orderBy: { slotStart: 'asc' } });
    expect(units.map((u) => u.slotStart)).toEqual([at('2026-12-01', '14:00'), at('2026-12-01', '14:30')]);
    const job = await s.prisma.job.findUniqueOrThrow({ where: { dedupeKey: `booking-reminder:${booking.id}` } });
    expect(job).toMatchObject({ runAt: at('2026-11-30', '18:00'), status: 'PENDING' });
    const actions = (await s.prisma.auditEvent.findMany({ where: { entityId: booking.id }, orderBy: { at: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual(['booking.created', 'booking.rescheduled']);
  });

  it('may move into an overlap with its own old slot', async () => {
    await s.onlyBays(['4号四轮定位工位']);
    const a = await s.newCustomer();
    const booking = await s.book(['ALIGNMENT'], at('2026-11-30', '10:00'), a);
    const moved = await rescheduleBooking(s.prisma, { bookingId: booking.id, customerId: a.customerId, startsAt: at('2026-11-30', '10:30'), now: NOW });
    expect(moved.startsAt).toEqual(at('2026-11-30', '10:30'));
  });

  it('refuses a taken slot, leaving the booking where it was', async () => {
    const a = await s.newCustomer();
    const mine = await s.book(['ALIGNMENT'], at('2026-11-30', '10:00'), a);
    await s.book(['ALIGNMENT'], at('2026-11-30', '14:00'));
    const error = await expectRejects(
      rescheduleBooking(s.prisma, { bookingId: mine.id, customerId: a.customerId, startsAt: at('2026-11-30', '14:00'), now: NOW }),
      SlotUnavailableError,
    );
    expect(error.reason).toBe('full');
    expect(error.alternatives.length).toBeGreaterThan(0);
    expect((await s.prisma.booking.findUniqueOrThrow({ where: { id: mine.id } })).startsAt).toEqual(at('2026-11-30', '10:00'));
    expect(await s.prisma.bayOccupancy.count({ where: { bookingId: mine.id } })).toBe(2);
  });

  it('does not let its own parts reservation block the move', async () => {
    await s.setStock('BAT-60AH', 1, '2026-12-10');
    const a = await s.newCustomer();
    const booking = await s.book(['BATTERY'], at('2026-11-30', '10:00'), a);
    const moved = await rescheduleBooking(s.prisma, { bookingId: booking.id, customerId: a.customerId, startsAt: at('2026-12-01', '10:00'), now: NOW });
    expect(moved.partsFlagged).toBe(false);
  });

  it('cannot move a cancelled booking', async () => {
    const a = await s.newCustomer();
    const booking = await s.book(['OIL-CHANGE'], at('2026-11-30', '10:00'), a);
    await cancelBooking(s.prisma, { bookingId: booking.id, customerId: a.customerId, now: NOW });
    await expectRejects(rescheduleBooking(s.prisma, { bookingId: booking.id, customerId: a.customerId, startsAt: at('2026-12-01', '10:00'), now: NOW }), BookingNotChangeableError);
  });
});

describe('ownership', () => {
  it('never lets customer B see or touch customer A’s booking', async () => {
    const a = await s.newCustomer();
    const b = await s.newCustomer();
    const booking = await s.book(['OIL-CHANGE'], at('2026-11-30', '10:00'), a);
    await expectRejects(cancelBooking(s.prisma, { bookingId: booking.id, customerId: b.customerId, now: NOW }), BookingNotFoundError);
    await expectRejects(
      rescheduleBooking(s.prisma, { bookingId: booking.id, customerId: b.customerId, startsAt: at('2026-12-01', '10:00'), now: NOW }),
      BookingNotFoundError,
    );
    // Same error for an id that does not exist at all: ids cannot be probed.
    await expectRejects(cancelBooking(s.prisma, { bookingId: 'no-such-booking', customerId: b.customerId, now: NOW }), BookingNotFoundError);
    expect(await listUpcomingBookings(s.prisma, b.customerId, NOW)).toEqual([]);
    const still = await s.prisma.booking.findUniqueOrThrow({ where: { id: booking.id } });
    expect(still).toMatchObject({ status: 'CONFIRMED', startsAt: at('2026-11-30', '10:00') });
  });
});

describe('listUpcomingBookings', () => {
  it('lists confirmed bookings that have not ended, soonest first, with services and vehicle', async () => {
    const a = await s.newCustomer();
    const later = await s.book(['ALIGNMENT'], at('2026-12-01', '10:00'), a);
    const sooner = await s.book(['OIL-CHANGE'], at('2026-11-30', '10:00'), a);
    const cancelled = await s.book(['WIPERS'], at('2026-12-02', '10:00'), a);
    await cancelBooking(s.prisma, { bookingId: cancelled.id, customerId: a.customerId, now: NOW });
    const list = await listUpcomingBookings(s.prisma, a.customerId, NOW);
    expect(list.map((b) => b.id)).toEqual([sooner.id, later.id]);
    expect(list[0].lines[0].catalogItem.code).toBe('OIL-CHANGE');
    expect(list[0].vehicle.id).toBe(a.vehicleId);
    expect(await listUpcomingBookings(s.prisma, a.customerId, at('2026-11-30', '11:30'))).toHaveLength(1);
  });
});

describe('estimateServices', () => {
  it('prices labour at the shop rate plus catalogue parts plus VAT (hand-computed)', async () => {
    // Regular maintenance: 1.5 h × ¥300 = 45000; oil 4.5 × 9800 = 44100; filters 6800 + 12800.
    // Subtotal 108700; VAT 13 % = 14131; total 122831.
    const estimate = await estimateServices(s.prisma, s.shopId, [s.item('PM-REGULAR')]);
    expect(estimate).toMatchObject({ labourFen: 45_000, partsFen: 63_700, subtotalFen: 108_700, taxFen: 14_131, totalFen: 122_831 });
    expect(estimate.lines.map((l) => l.kind)).toEqual(['LABOUR', 'PART', 'PART', 'PART']);
  });

  it('prices a 20-minute job as 0.333 h, as the repair order will store it', async () => {
    // Cabin filter: 0.333 h × 30000 = 9990; filter 9800; subtotal 19790; VAT 2572.7 → 2573; total 22363.
    const estimate = await estimateServices(s.prisma, s.shopId, [s.item('CABIN-FILTER')]);
    expect(estimate).toMatchObject({ labourFen: 9_990, partsFen: 9_800, subtotalFen: 19_790, taxFen: 2_573, totalFen: 22_363 });
  });
});
