import type { PrismaClient } from '../db/client';
import { addWorkingMinutes } from '../calendar';
import { bookingReference } from '../desk';
import { inTransaction } from '../repair-orders/internal';
import { enqueueNotice } from '../repair-orders/notices';
import { shopCalendar } from '../shop-snapshot';
import { reminderDedupeKey } from '../booking/bookings';
import { noShowRunAt } from './no-show-schedule';
import { raiseFollowUpTask } from './tasks';

/** Working minutes the advisor has to call a customer who did not come. */
const NO_SHOW_TASK_WORKING_MINUTES = 120;

export type NoShowResult =
  | { outcome: 'no-show'; bookingId: string; taskId: string; created: boolean }
  /** Checked in, cancelled, moved or already handled: nothing to do. */
  | { outcome: 'not-applicable'; bookingId: string; status: string | null }
  /** Not due yet (the shop's no-show minutes were raised after scheduling): run again then. */
  | { outcome: 'not-yet'; bookingId: string; dueAt: Date };

/**
 * The no-show check (job booking.no-show-check): a CONFIRMED booking not checked in by
 * Shop.noShowAfterMinutes after its start becomes NO_SHOW, frees its bay and technician,
 * raises an advisor task (NO_SHOW) and enqueues ONE customer notice offering a new time.
 * All in one transaction under the booking's row lock, conditional on its status: a second
 * run (another worker, a restart) finds it NO_SHOW and does nothing; a check-in or a
 * cancellation that commits first makes it do nothing too.
 */
export async function recordNoShow(prisma: PrismaClient, input: { bookingId: string; startsAt: string; now: Date }): Promise<NoShowResult> {
  const { now } = input;
  return inTransaction(prisma, async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Booking" WHERE id = ${input.bookingId} FOR UPDATE`;
    const booking = await tx.booking.findUnique({ where: { id: input.bookingId }, include: { vehicle: true, customer: true, shop: true } });
    if (!booking) return { outcome: 'not-applicable', bookingId: input.bookingId, status: null };
    // A moved booking has its own check (same job, new payload): this one is stale.
    if (booking.status !== 'CONFIRMED' || booking.startsAt.toISOString() !== input.startsAt) {
      return { outcome: 'not-applicable', bookingId: booking.id, status: booking.status };
    }
    const dueAt = noShowRunAt(booking.startsAt, booking.shop.noShowAfterMinutes);
    if (now < dueAt) return { outcome: 'not-yet', bookingId: booking.id, dueAt };

    const moved = await tx.booking.updateMany({ where: { id: booking.id, status: 'CONFIRMED' }, data: { status: 'NO_SHOW' } });
    if (moved.count === 0) return { outcome: 'not-applicable', bookingId: booking.id, status: booking.status };
    // The rest of its time is the workshop's again (a walk-in can take the bay).
    await tx.bayOccupancy.deleteMany({ where: { bookingId: booking.id } });
    await tx.technicianOccupancy.deleteMany({ where: { bookingId: booking.id } });
    await tx.job.updateMany({ where: { dedupeKey: reminderDedupeKey(booking.id), status: 'PENDING' }, data: { status: 'CANCELLED', finishedAt: now } });

    const ref = bookingReference(booking.id);
    const calendar = await shopCalendar(tx, booking.shopId);
    const task = await raiseFollowUpTask(tx, {
      shopId: booking.shopId,
      kind: 'NO_SHOW',
      advisorId: booking.customer.advisorId,
      customerId: booking.customerId,
      vehicleId: booking.vehicleId,
      bookingId: booking.id,
      title: `预约未到店：${ref}（${booking.vehicle.plate}，${booking.customer.name}）`,
      details: { ref, startsAt: booking.startsAt.toISOString(), plate: booking.vehicle.plate },
      dedupeKey: `no-show:${booking.id}`,
      dueAt: addWorkingMinutes(calendar, now, NO_SHOW_TASK_WORKING_MINUTES),
    });
    await enqueueNotice(
      tx,
      { notice: 'booking.no-show', customerId: booking.customerId, bookingId: booking.id, ref, startsAt: booking.startsAt.toISOString(), plate: booking.vehicle.plate },
      { now, dedupeKey: `notice:booking.no-show:${booking.id}` },
    );
    await tx.auditEvent.create({
      data: {
        shopId: booking.shopId,
        actorType: 'system',
        actorId: 'booking.no-show-check',
        action: 'booking.no-show',
        entityType: 'Booking',
        entityId: booking.id,
        at: now,
        data: { startsAt: booking.startsAt.toISOString(), taskId: task.id },
      },
    });
    return { outcome: 'no-show', bookingId: booking.id, taskId: task.id, created: task.created };
  });
}
