import type { PrismaClient } from '../db/client';
import type { Recommendation, Urgency } from './types';

/**
 * Work the customer deferred or declined on this vehicle and has not had done since, newest
 * first — for the next booking's read-back ("上次建议的刹车片更换，要一起做吗？"). An item
 * counts as done when a later repair order (not cancelled) has an active line of the same
 * catalogue operation.
 */
export async function openRecommendations(prisma: PrismaClient, input: { vehicleId: string }): Promise<Recommendation[]> {
  // One statement: the booking dialog asks this on every booking, usually to hear "none".
  const rows = await prisma.$queryRawUnsafe<
    Array<{ id: string; titleZh: string; titleEn: string; catalogItemId: string | null; urgency: string; reason: string; status: string; decidedMs: number | null; priceFen: number | null; repairOrderNumber: string }>
  >(
    `SELECT i."id", i."titleZh", i."titleEn", i."catalogItemId", i."urgency"::text AS "urgency", i."reason", i."status"::text AS "status",
            (extract(epoch FROM i."decidedAt") * 1000)::float8 AS "decidedMs",
            ro."number" AS "repairOrderNumber",
            (SELECT vi."totalFen" FROM "ExtraWorkVersionItem" vi JOIN "ExtraWorkVersion" v ON v."id" = vi."versionId"
              WHERE vi."itemId" = i."id" ORDER BY v."number" DESC LIMIT 1) AS "priceFen"
       FROM "ExtraWorkItem" i
       JOIN "ExtraWorkRequest" r ON r."id" = i."requestId"
       JOIN "RepairOrder" ro ON ro."id" = r."repairOrderId"
      WHERE ro."vehicleId" = $1 AND i."status" IN ('DEFERRED', 'DECLINED')
        AND (i."catalogItemId" IS NULL OR NOT EXISTS (
              SELECT 1 FROM "RepairOrderLine" l JOIN "RepairOrder" o ON o."id" = l."repairOrderId"
               WHERE l."catalogItemId" = i."catalogItemId" AND l."status" = 'ACTIVE' AND o."vehicleId" = $1
                 AND o."status" <> 'CANCELLED' AND l."createdAt" > COALESCE(i."decidedAt", 'epoch'::timestamptz)))
      ORDER BY i."decidedAt" DESC`,
    input.vehicleId,
  );
  return rows.map((row) => ({
    itemId: row.id,
    title: { zh: row.titleZh, en: row.titleEn },
    catalogItemId: row.catalogItemId,
    urgency: row.urgency as Urgency,
    reason: row.reason,
    decision: row.status as 'DEFERRED' | 'DECLINED',
    decidedAt: new Date(row.decidedMs ?? 0),
    priceFen: row.priceFen ?? 0,
    repairOrderNumber: row.repairOrderNumber,
  }));
}
