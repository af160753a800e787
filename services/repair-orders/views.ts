import type { PrismaClient } from '../db/client';
import { FINISHED } from './lifecycle';
import { priceOrder } from './pricing';
import type { ShownVersion } from './versions';
import type { ExtraWorkItemStatus, PendingApprovalView, RepairOrderStatus, RepairOrderSummary, VersionDifference } from './types';

/**
 * Read-models for the conversation: "我的车修好了没 / is my car ready" and the approval card.
 * Plain facts; every price is the pricing function's.
 */

const ORDER_INCLUDE = {
  shop: true,
  vehicle: true,
  advisor: true,
  promises: { orderBy: { createdAt: 'asc' } },
  extraWork: { where: { status: 'OPEN' }, include: { items: { where: { status: 'PENDING' }, select: { id: true } } } },
} as const;

/**
 * The customer's repair orders still in the workshop (checked in … ready), newest first;
 * with `includeFinished`, delivered and closed ones too (never cancelled ones).
 */
export async function repairOrdersOf(prisma: PrismaClient, customerId: string, options: { includeFinished?: boolean } = {}): Promise<RepairOrderSummary[]> {
  const orders = await prisma.repairOrder.findMany({
    where: { customerId, status: options.includeFinished ? { not: 'CANCELLED' } : { notIn: [...FINISHED] } },
    include: ORDER_INCLUDE,
    orderBy: { checkedInAt: 'desc' },
  });
  const out: RepairOrderSummary[] = [];
  for (const order of orders) {
    const breakdown = await priceOrder(prisma, order);
    const pendingIds = order.extraWork.flatMap((r) => r.items.map((i) => i.id));
    let decisionsTotalFen = 0;
    for (const request of order.extraWork) {
      const latest = await prisma.extraWorkVersionItem.findMany({ where: { version: { requestId: request.id, number: request.currentVersion }, itemId: { in: pendingIds } }, select: { totalFen: true } });
      decisionsTotalFen += latest.reduce((s, i) => s + i.totalFen, 0);
    }
    out.push({
      id: order.id,
      number: order.number,
      status: order.status as RepairOrderStatus,
      plate: order.vehicle.plate,
      vehicleId: order.vehicleId,
      vehicleModel: order.vehicle.model,
      advisor: order.advisor ? { id: order.advisor.id, name: order.advisor.name } : null,
      concern: order.concern,
      checkedInAt: order.checkedInAt,
      promisedAt: order.promisedAt,
      promises: order.promises.map((p) => ({ promisedAt: p.promisedAt, reason: p.reason, at: p.createdAt })),
      readyAt: order.readyAt,
      deliveredAt: order.deliveredAt,
      totalFen: breakdown.totalFen,
      waiting: { decisions: pendingIds.length, decisionsTotalFen, pickUp: order.status === 'READY' },
    });
  }
  return out;
}

/**
 * What waits for the customer's decision: per open request, the latest version as shown
 * (items with urgency, reason, photos, priced lines, totals), its hash to send back with the
 * decisions, each item's status, and what changed since the previous version.
 */
export async function pendingApproval(prisma: PrismaClient, customerId: string): Promise<PendingApprovalView[]> {
  const requests = await prisma.extraWorkRequest.findMany({
    where: { status: 'OPEN', repairOrder: { customerId, status: { notIn: [...FINISHED] } } },
    include: { repairOrder: { include: { vehicle: true, advisor: true } }, advisor: true, items: { select: { id: true, status: true } } },
    orderBy: { createdAt: 'asc' },
  });
  const out: PendingApprovalView[] = [];
  for (const request of requests) {
    const version = await prisma.extraWorkVersion.findUniqueOrThrow({ where: { requestId_number: { requestId: request.id, number: request.currentVersion } } });
    const shown = version.shown as unknown as ShownVersion;
    const status = new Map(request.items.map((i) => [i.id, i.status as ExtraWorkItemStatus]));
    const items = shown.items.map((i) => ({ ...i, status: status.get(i.itemId) ?? 'WITHDRAWN' }));
    const advisor = request.advisor ?? request.repairOrder.advisor;
    out.push({
      requestId: request.id,
      repairOrderId: request.repairOrderId,
      number: request.repairOrder.number,
      plate: request.repairOrder.vehicle.plate,
      advisor: advisor ? { id: advisor.id, name: advisor.name } : null,
      version: version.number,
      versionHash: version.hash,
      shownAt: version.createdAt,
      expiresAt: request.expiresAt,
      items,
      totalFen: shown.totalFen,
      pendingTotalFen: items.filter((i) => i.status === 'PENDING').reduce((s, i) => s + i.totalFen, 0),
      difference: (version.difference as unknown as VersionDifference | null) ?? null,
    });
  }
  return out;
}
