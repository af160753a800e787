import { cancelBooking } from '../services/booking/bookings';
import { completeTask } from '../services/advisor-tasks';
import { at, bookingScenario, NOW, type BookingScenario } from './support/booking-scenarios';

/**
 * The same state change requested several times at once (a DMS retrying, two screens, a
 * double click) changes the row once and writes one audit event, on both engines: the
 * change is a conditional update, and PostgreSQL's row lock makes the losers see the winner's
 * result. The actor in the audit row is whoever the caller names.
 */
let s: BookingScenario;
beforeAll(async () => {
  s = await bookingScenario();
});
beforeEach(() => s.reset());
afterAll(() => s.close());

describe('concurrent state changes', () => {
  it('five concurrent cancels of one booking: one change, one audit row, five times the same answer', async () => {
    const booking = await s.book(['PM-REGULAR'], at('2026-11-30', '10:00'));
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        cancelBooking(s.prisma, { bookingId: booking.id, customerId: booking.customerId, reason: `call ${i}`, now: NOW, actor: { type: 'api-key', id: 'dms' } }),
      ),
    );
    expect(new Set(results.map((b) => `${b.status} ${b.cancelReason} ${b.cancelledAt?.toISOString()}`)).size).toBe(1);
    expect(results[0].status).toBe('CANCELLED');
    const audits = await s.prisma.auditEvent.findMany({ where: { entityId: booking.id, action: 'booking.cancelled' } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorType: 'api-key', actorId: 'dms' });
    expect(await s.prisma.bayOccupancy.count({ where: { bookingId: booking.id } })).toBe(0);
  });

  it('audits a cancel as the customer unless another actor is named', async () => {
    const booking = await s.book(['PM-REGULAR'], at('2026-11-30', '11:00'));
    await cancelBooking(s.prisma, { bookingId: booking.id, customerId: booking.customerId, reason: null, now: NOW });
    expect(await s.prisma.auditEvent.findFirstOrThrow({ where: { entityId: booking.id, action: 'booking.cancelled' } })).toMatchObject({ actorType: 'customer', actorId: booking.customerId });
  });

  it('five concurrent completions of one task: one change and one audit row, the others told it is no longer open', async () => {
    const advisor = await s.prisma.advisor.findFirstOrThrow({ where: { shopId: s.shopId, role: 'ADVISOR' } });
    const task = await s.prisma.advisorTask.create({ data: { shopId: s.shopId, kind: 'OTHER', title: '回电客户', dueAt: NOW } });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => completeTask(s.prisma, { advisorId: advisor.id, taskId: task.id, now: NOW })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => ((o as PromiseRejectedResult).reason as Error).constructor.name)).toEqual(Array(4).fill('TaskNotFoundError'));
    expect(await s.prisma.auditEvent.count({ where: { entityId: task.id, action: 'task.completed' } })).toBe(1);
  });
});
