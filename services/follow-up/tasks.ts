import type { Prisma } from '../db/client';

type Tx = Prisma.TransactionClient;

export type FollowUpTaskKind = 'NO_SHOW' | 'MAINTENANCE_DUE' | 'LOW_SCORE';

export interface FollowUpTaskInput {
  shopId: string;
  kind: FollowUpTaskKind;
  /** The owner (the customer's advisor); null: anyone in the shop. */
  advisorId: string | null;
  customerId: string;
  /** What it is about, as ids; kept in details beside the kind's facts. */
  vehicleId?: string | null;
  bookingId?: string | null;
  repairOrderId?: string | null;
  /** Short neutral summary for people reading the database (screens render their own). */
  title: string;
  details: Record<string, unknown>;
  /** Raised once per source: a repeated run finds the task it raised. */
  dedupeKey: string;
  dueAt: Date;
}

/**
 * The one place follow-up raises an advisor task (no-show, maintenance due, low survey score
 * without a complaint hook), inside the caller's transaction. When the advisor-task service
 * gains its own creation function (with the push to the owner), this becomes a call to it.
 */
export async function raiseFollowUpTask(tx: Tx, input: FollowUpTaskInput): Promise<{ id: string; created: boolean }> {
  const existing = await tx.advisorTask.findUnique({ where: { dedupeKey: input.dedupeKey }, select: { id: true } });
  if (existing) return { id: existing.id, created: false };
  const ids = { vehicleId: input.vehicleId ?? null, bookingId: input.bookingId ?? null, repairOrderId: input.repairOrderId ?? null };
  const task = await tx.advisorTask.create({
    data: {
      shopId: input.shopId,
      advisorId: input.advisorId,
      customerId: input.customerId,
      kind: input.kind,
      title: input.title,
      details: { ...ids, ...input.details } as Prisma.InputJsonValue,
      dedupeKey: input.dedupeKey,
      dueAt: input.dueAt,
    },
    select: { id: true },
  });
  return { id: task.id, created: true };
}
