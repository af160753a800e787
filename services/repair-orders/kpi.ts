import type { PrismaClient } from '../db/client';

/**
 * 错单率: of the repair orders settled (READY for the first time) in [from, to), how many had
 * a settled line corrected, removed or added afterwards, or were re-opened. The rate is in
 * basis points, rounded half-up; 0 when nothing was settled.
 */
export async function settlementAmendmentRate(prisma: PrismaClient, input: { shopId: string; from: Date; to: Date }): Promise<{ settled: number; amended: number; rateBp: number }> {
  const where = { shopId: input.shopId, settledAt: { gte: input.from, lt: input.to } };
  const settled = await prisma.repairOrder.count({ where });
  const amended = await prisma.repairOrder.count({ where: { ...where, amendedAfterSettlementAt: { not: null } } });
  return { settled, amended, rateBp: settled === 0 ? 0 : Math.floor((amended * 20_000 + settled) / (settled * 2)) };
}
