import type { PrismaClient } from '../db/client';
import type { Recommendation, Urgency } from './types';

/**
 * Work the customer deferred or declined on this vehicle and has not had done since, newest
 * first — for the next booking's read-back ("上次建议的刹车片更换，要一起做吗？"). An item
 * counts as done when a later repair order (not cancelled) has an active line of the same
 * catalogue operation.
 */
export async function openRecommendations(prisma: PrismaClient, input: { vehicleId: string }): Promise<Recommendation[]> {
  const items = await prisma.extraWorkItem.findMany({
    where: { status: { in: ['DEFERRED', 'DECLINED'] }, request: { repairOrder: { vehicleId: input.vehicleId } } },
    include: { request: { include: { repairOrder: { select: { number: true } } } }, shown: { include: { version: { select: { number: true } } } } },
    orderBy: { decidedAt: 'desc' },
  });
  const out: Recommendation[] = [];
  for (const item of items) {
    const decidedAt = item.decidedAt ?? new Date(0);
    if (item.catalogItemId) {
      const doneSince = await prisma.repairOrderLine.count({
        where: { catalogItemId: item.catalogItemId, status: 'ACTIVE', repairOrder: { vehicleId: input.vehicleId, status: { not: 'CANCELLED' } }, createdAt: { gt: decidedAt } },
      });
      if (doneSince > 0) continue;
    }
    const lastShown = [...item.shown].sort((a, b) => b.version.number - a.version.number)[0];
    out.push({
      itemId: item.id,
      title: { zh: item.titleZh, en: item.titleEn },
      catalogItemId: item.catalogItemId,
      urgency: item.urgency as Urgency,
      reason: item.reason,
      decision: item.status as 'DEFERRED' | 'DECLINED',
      decidedAt,
      priceFen: lastShown?.totalFen ?? 0,
      repairOrderNumber: item.request.repairOrder.number,
    });
  }
  return out;
}
