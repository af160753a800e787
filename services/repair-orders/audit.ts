import type { PrismaClient } from '../db/client';
import { RepairOrderError } from './errors';
import type { AuditEntry, ExtraWorkDecisionKind } from './types';

/**
 * "Who approved what, when, at which price, on whose behalf": every audited act on a repair
 * order in time order, decisions joined to the append-only decision rows they point at.
 */
export async function auditTrail(prisma: PrismaClient, repairOrderId: string, options: { shopId?: string } = {}): Promise<AuditEntry[]> {
  const order = await prisma.repairOrder.findFirst({ where: { id: repairOrderId, ...(options.shopId ? { shopId: options.shopId } : {}) }, include: { customer: true } });
  if (!order) throw new RepairOrderError('not-found', `no repair order ${repairOrderId}`);
  const events = await prisma.auditEvent.findMany({ where: { entityType: 'RepairOrder', entityId: order.id }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  const decisionIds = events.map((e) => (e.data as Record<string, unknown> | null)?.decisionId).filter((id): id is string => typeof id === 'string');
  const decisions = new Map(
    (await prisma.extraWorkDecision.findMany({ where: { id: { in: decisionIds } }, include: { item: true, version: { select: { number: true } } } })).map((d) => [d.id, d]),
  );
  const advisorIds = events.filter((e) => e.actorType === 'advisor' && e.actorId).map((e) => e.actorId!);
  const advisors = new Map((await prisma.advisor.findMany({ where: { id: { in: advisorIds } }, select: { id: true, name: true } })).map((a) => [a.id, a.name]));
  return events.map((event) => {
    const data = (event.data as Record<string, unknown> | null) ?? {};
    const decision = typeof data.decisionId === 'string' ? decisions.get(data.decisionId) : undefined;
    const name =
      event.actorType === 'advisor' ? advisors.get(event.actorId ?? '') ?? null : event.actorType === 'customer' ? (event.actorId === order.customerId ? order.customer.name : null) : event.actorId;
    return {
      at: event.at,
      action: event.action,
      actor: { type: event.actorType, id: event.actorId, name },
      onBehalfOf: decision?.advisorId ? { customerId: order.customerId, name: order.customer.name } : null,
      reason: decision?.onBehalfReason ?? (typeof data.reason === 'string' ? data.reason : null),
      decision: decision
        ? {
            itemId: decision.itemId,
            title: { zh: decision.item.titleZh, en: decision.item.titleEn },
            decision: decision.decision as ExtraWorkDecisionKind,
            priceFen: decision.priceFen,
            version: decision.version.number,
            versionHash: decision.versionHash,
            channel: decision.channel,
            activityId: decision.activityId,
          }
        : null,
      data,
    };
  });
}
