import type { Prisma, PrismaClient } from '../db/client';
import type { Actor } from '../actor';
import { isRetryableConflict } from '../booking';
import { RepairOrderError } from './errors';

export type Tx = Prisma.TransactionClient;

/** Durable jobs of repair orders (handlers in bot/job-handlers.ts call expireApproval / checkPromise). */
export const APPROVAL_EXPIRY_JOB_KIND = 'repair.approval-expiry';
export const PROMISE_CHECK_JOB_KIND = 'repair.promise-check';
export type Json = Prisma.InputJsonValue;

// Waiting for PGlite's one connection or a pool slot under a burst can take seconds.
const TX_OPTIONS = { maxWait: 30_000, timeout: 30_000 } as const;
const MAX_ATTEMPTS = 8;

/**
 * Runs `work` in one transaction, again when it lost a race on a unique key (two check-ins
 * taking the same number) or to a serialization failure; anything else is thrown as is.
 */
export async function inTransaction<T>(prisma: PrismaClient, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await prisma.$transaction(work, TX_OPTIONS);
    } catch (error) {
      if (!isRetryableConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 10 * attempt) + 1));
    }
  }
}

/**
 * Takes the repair order's row lock for the rest of the transaction. Every change to an
 * order, its lines and its extra work goes through this, so concurrent actions on one
 * order run one after the other and each sees the other's result (a double tap decides
 * once, two "ready" presses change and audit once, the last decision returns the order to work).
 */
export async function lockOrder(tx: Tx, repairOrderId: string, shopId?: string) {
  const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "RepairOrder" WHERE id = ${repairOrderId} FOR UPDATE`;
  if (rows.length === 0) throw new RepairOrderError('not-found', `no repair order ${repairOrderId}`);
  const order = await tx.repairOrder.findUniqueOrThrow({ where: { id: repairOrderId }, include: { shop: true, vehicle: true, advisor: true, customer: true } });
  if (shopId && order.shopId !== shopId) throw new RepairOrderError('not-found', `no repair order ${repairOrderId}`);
  return order;
}

export type LockedOrder = Awaited<ReturnType<typeof lockOrder>>;

export async function audit(
  tx: Tx,
  input: { shopId: string; repairOrderId: string; actor: Actor; action: string; at: Date; data?: Record<string, unknown> },
): Promise<void> {
  await tx.auditEvent.create({
    data: {
      shopId: input.shopId,
      actorType: input.actor.type,
      actorId: input.actor.id,
      action: input.action,
      entityType: 'RepairOrder',
      entityId: input.repairOrderId,
      at: input.at,
      data: (input.data ?? undefined) as Json | undefined,
    },
  });
}

/** The first settled-line amendment is remembered: the KPI 错单率 counts such orders. */
export function amendmentMark(order: { settledAt: Date | null; amendedAfterSettlementAt: Date | null }, now: Date): { amendedAfterSettlementAt?: Date } {
  return order.settledAt && !order.amendedAfterSettlementAt ? { amendedAfterSettlementAt: now } : {};
}

export function decimalText(value: { toFixed(digits?: number): string } | string | number): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return value.toFixed(3);
  return value.toFixed(3);
}
