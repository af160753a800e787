import type { Prisma } from '../db/client';
import { NO_SHOW_JOB_KIND, noShowDedupeKey } from './kinds';

type Tx = Prisma.TransactionClient;

/** When a booking not checked in counts as a no-show. */
export function noShowRunAt(startsAt: Date, noShowAfterMinutes: number): Date {
  return new Date(startsAt.getTime() + noShowAfterMinutes * 60_000);
}

/**
 * Schedules (or, for a moved booking, re-schedules) the no-show check of a booking, in the
 * transaction that books or moves it. One job per booking (dedupe key); moving the booking
 * moves the job and makes it pending again.
 */
export async function scheduleNoShowCheck(tx: Tx, booking: { id: string; startsAt: Date }, shop: { noShowAfterMinutes: number }): Promise<void> {
  const runAt = noShowRunAt(booking.startsAt, shop.noShowAfterMinutes);
  const payload = { bookingId: booking.id, startsAt: booking.startsAt.toISOString() };
  await tx.job.upsert({
    where: { dedupeKey: noShowDedupeKey(booking.id) },
    create: { kind: NO_SHOW_JOB_KIND, runAt, payload, dedupeKey: noShowDedupeKey(booking.id) },
    update: { runAt, payload, status: 'PENDING', attempts: 0, lastError: null, lockedBy: null, lockedUntil: null, finishedAt: null },
  });
}

/** The booking was cancelled or checked in: its no-show check will not run. */
export async function cancelNoShowCheck(tx: Tx, bookingId: string, now: Date): Promise<void> {
  await tx.job.updateMany({
    where: { dedupeKey: noShowDedupeKey(bookingId), status: { in: ['PENDING', 'FAILED'] } },
    data: { status: 'CANCELLED', finishedAt: now },
  });
}
