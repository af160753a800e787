import type { PrismaClient } from '../db/client';
import type { Actor } from '../actor';
import { RepairOrderError } from './errors';
import { PROMISE_CHECK_JOB_KIND, amendmentMark, audit, inTransaction, lockOrder, type Json, type LockedOrder, type Tx } from './internal';
import { enqueueNotice } from './notices';
import { priceOrder } from './pricing';
import type { RepairOrderStatus } from './types';
import { scheduleSurvey } from '../follow-up/surveys';

/**
 * The repair order's lifecycle, as one table. Every status change goes through
 * `applyTransition` (the REST API, advisor commands, extra-work decisions alike), under
 * the order's row lock: a move to the status the order already has changes nothing and
 * writes no audit row, so concurrent or repeated requests change and audit once.
 */
export const TRANSITIONS: Readonly<Record<RepairOrderStatus, readonly RepairOrderStatus[]>> = {
  CHECKED_IN: ['IN_PROGRESS', 'AWAITING_APPROVAL', 'CANCELLED'],
  IN_PROGRESS: ['AWAITING_APPROVAL', 'READY', 'CANCELLED'],
  // Back to work only when nothing is pending (the last decision does it by itself).
  AWAITING_APPROVAL: ['IN_PROGRESS', 'CANCELLED'],
  // Taken back into work (re-opened), or new extra work found at the final check.
  READY: ['DELIVERED', 'IN_PROGRESS', 'AWAITING_APPROVAL'],
  DELIVERED: ['CLOSED'],
  CLOSED: [],
  CANCELLED: [],
};

/** Statuses in which lines and extra work may still change. */
export const EDITABLE: readonly RepairOrderStatus[] = ['CHECKED_IN', 'IN_PROGRESS', 'AWAITING_APPROVAL', 'READY', 'DELIVERED'];
/** Statuses in which extra work may be proposed (the car is still in the shop). */
export const EXTRA_WORK_OPEN: readonly RepairOrderStatus[] = ['CHECKED_IN', 'IN_PROGRESS', 'AWAITING_APPROVAL', 'READY'];
/** The order is over: nothing waits in the workshop. */
export const FINISHED: readonly RepairOrderStatus[] = ['DELIVERED', 'CLOSED', 'CANCELLED'];

export function allowedMoves(from: RepairOrderStatus): readonly RepairOrderStatus[] {
  return TRANSITIONS[from];
}

export interface TransitionResult {
  /** False when the order already had that status (nothing written). */
  changed: boolean;
  from: RepairOrderStatus;
  to: RepairOrderStatus;
  number: string;
}

async function pendingItemCount(tx: Tx, repairOrderId: string): Promise<number> {
  return tx.extraWorkItem.count({ where: { status: 'PENDING', request: { repairOrderId } } });
}

/**
 * Moves a locked order to `to`, or refuses with the reason. `via: 'extra-work'` is how
 * proposing extra work enters AWAITING_APPROVAL; nothing else may.
 */
export async function applyTransition(
  tx: Tx,
  order: LockedOrder,
  input: { to: RepairOrderStatus; reason?: string | null; actor: Actor; now: Date; via?: 'extra-work' | 'decision' },
): Promise<TransitionResult> {
  const from = order.status as RepairOrderStatus;
  const { to, now } = input;
  const reason = input.reason?.trim() || null;
  if (from === to) return { changed: false, from, to, number: order.number };
  // The reason a caller needs first: nothing is ready while the customer still has to decide.
  if (to === 'READY' && !FINISHED.includes(from)) {
    const pendingItems = await pendingItemCount(tx, order.id);
    if (pendingItems > 0) {
      throw new RepairOrderError('extra-work-pending', `repair order ${order.number} has ${pendingItems} extra-work item(s) waiting for the customer`, { pendingItems, from, to });
    }
  }
  if (!TRANSITIONS[from].includes(to)) {
    throw new RepairOrderError('illegal-transition', `repair order ${order.number} cannot go from ${from} to ${to}`, { from, to, allowed: TRANSITIONS[from] });
  }
  if (to === 'AWAITING_APPROVAL' && input.via !== 'extra-work') {
    throw new RepairOrderError('use-extra-work', `repair order ${order.number} waits for approval only when extra work is proposed`, { from, to });
  }
  if (from === 'AWAITING_APPROVAL' && to === 'IN_PROGRESS') {
    const pendingItems = await pendingItemCount(tx, order.id);
    if (pendingItems > 0) {
      throw new RepairOrderError('extra-work-pending', `repair order ${order.number} has ${pendingItems} extra-work item(s) waiting for the customer`, { pendingItems, from, to });
    }
  }
  const reopening = from === 'READY' && (to === 'IN_PROGRESS' || to === 'AWAITING_APPROVAL');
  if ((to === 'CANCELLED' || (reopening && to === 'IN_PROGRESS')) && !reason) {
    throw new RepairOrderError('reason-required', `${to === 'CANCELLED' ? 'cancelling' : 're-opening'} repair order ${order.number} needs a reason`, { from, to });
  }

  const data: Record<string, unknown> = { status: to };
  if (reopening) Object.assign(data, { reopenCount: { increment: 1 }, readyAt: null }, amendmentMark(order, now));
  const breakdown = to === 'READY' || to === 'DELIVERED' ? await priceOrder(tx, order) : null;
  const totalFen = breakdown?.totalFen ?? null;
  if (to === 'READY') Object.assign(data, { readyAt: now, settledAt: order.settledAt ?? now });
  // The settlement as delivered is kept as it was; a later correction shows beside it in the audit.
  if (to === 'DELIVERED') Object.assign(data, { deliveredAt: now, settlementJson: breakdown as unknown as Json });
  if (to === 'CLOSED') Object.assign(data, { closedAt: now, closeReason: reason });
  if (to === 'CANCELLED') Object.assign(data, { cancelledAt: now, cancelReason: reason });

  // Conditional on the status read under the lock: a second writer can never apply the same move twice.
  const claimed = await tx.repairOrder.updateMany({ where: { id: order.id, status: from }, data });
  if (claimed.count === 0) throw new Error(`repair order ${order.id} changed under its lock`);

  if (to === 'CANCELLED') {
    // The car leaves: questions still open lapse, and no one is asked to call about them.
    const pending = await tx.extraWorkItem.findMany({ where: { status: 'PENDING', request: { repairOrderId: order.id } }, select: { id: true } });
    await tx.extraWorkItem.updateMany({ where: { id: { in: pending.map((p) => p.id) } }, data: { status: 'EXPIRED' } });
    await tx.extraWorkRequest.updateMany({ where: { repairOrderId: order.id, status: 'OPEN' }, data: { status: 'CLOSED', closedAt: now } });
  }
  if (to === 'DELIVERED') {
    if (order.bookingId) await tx.booking.updateMany({ where: { id: order.bookingId, status: 'CHECKED_IN' }, data: { status: 'COMPLETED' } });
    await tx.vehicle.update({ where: { id: order.vehicleId }, data: { lastServiceAt: now } });
    await scheduleSurvey(tx, order, now);
  }
  if (FINISHED.includes(to) || to === 'READY') {
    // Nothing is late any more once the car is ready.
    await tx.job.updateMany({ where: { kind: PROMISE_CHECK_JOB_KIND, status: 'PENDING', payload: { path: ['repairOrderId'], equals: order.id } }, data: { status: 'CANCELLED', finishedAt: now } });
  }

  await audit(tx, { shopId: order.shopId, repairOrderId: order.id, actor: input.actor, action: 'repair-order.status-changed', at: now, data: { from, to, reason, via: input.via ?? null, totalFen } });

  const base = { customerId: order.customerId, repairOrderId: order.id, number: order.number, plate: order.vehicle.plate };
  if (to === 'READY') {
    const readyCount = order.reopenCount + (reopening ? 1 : 0);
    await enqueueNotice(
      tx,
      {
        ...base,
        notice: 'ro.ready',
        totalFen: totalFen!,
        readyAt: now.toISOString(),
        shop: { name: { zh: order.shop.name, en: order.shop.nameEn ?? order.shop.name }, address: order.shop.address, phone: order.shop.phone },
      },
      { now, dedupeKey: `notice:ro.ready:${order.id}:${readyCount}` },
    );
  }
  if (to === 'DELIVERED') {
    await enqueueNotice(tx, { ...base, notice: 'ro.delivered', totalFen: totalFen!, deliveredAt: now.toISOString() }, { now, dedupeKey: `notice:ro.delivered:${order.id}` });
  }
  return { changed: true, from, to, number: order.number };
}

/**
 * Changes a repair order's status (advisor, REST API). AWAITING_APPROVAL is refused here:
 * proposing extra work gets there. A reason is required to cancel and to re-open.
 * Throws RepairOrderError: not-found, illegal-transition, extra-work-pending, reason-required, use-extra-work.
 */
export async function transitionRepairOrder(
  prisma: PrismaClient,
  input: { repairOrderId: string; to: RepairOrderStatus; reason?: string | null; actor: Actor; now: Date; shopId?: string },
): Promise<TransitionResult> {
  return inTransaction(prisma, async (tx) => {
    const order = await lockOrder(tx, input.repairOrderId, input.shopId);
    return applyTransition(tx, order, input);
  });
}
