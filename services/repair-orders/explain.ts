import type { PrismaClient } from '../db/client';
import type { CostBreakdown, CostLine } from '../costs';
import type { EstimateSnapshot } from '../booking/estimate';
import { FINISHED } from './lifecycle';
import { activeLines, costLine, priceLines, pricingContext } from './pricing';
import type { Bilingual, CostExplanation, EstimateDifference, RepairOrderStatus, Urgency } from './types';
import type { ShownVersion } from './versions';

/**
 * "费用明细 / 为什么这么贵 / why is it ¥1,240": the customer's current repair order (or the
 * last one), itemised by the pricing function, what still waits for their decision, and why
 * the total differs from the booking's estimate — line by line. The differences add up
 * exactly to total − estimate (tax and discount are differences of their own).
 */

const facts = (l: { quantity: string; unitPriceFen: number; payableFen: number }) => ({ quantity: l.quantity, unitPriceFen: l.unitPriceFen, payableFen: l.payableFen });
const keyOf = (l: { kind: string; catalogItemId?: unknown; partId?: unknown; sku?: unknown; description: Bilingual }) =>
  `${l.kind}|${l.catalogItemId ?? ''}|${l.partId ?? l.sku ?? (l.catalogItemId ? '' : l.description.zh)}`;

export function estimateDifferences(estimate: EstimateSnapshot, final: CostBreakdown, extraWorkTitles: Map<string, Bilingual>): EstimateDifference[] {
  const out: EstimateDifference[] = [];
  const byItem = new Map<string, CostLine[]>();
  const regular: CostLine[] = [];
  for (const line of final.lines) {
    const itemId = typeof line.extraWorkItemId === 'string' ? line.extraWorkItemId : null;
    if (itemId) byItem.set(itemId, [...(byItem.get(itemId) ?? []), line]);
    else regular.push(line);
  }
  const remaining = [...estimate.lines];
  for (const line of regular) {
    const index = remaining.findIndex((e) => keyOf(e) === keyOf(line));
    if (index < 0) {
      if (line.payableFen !== 0 || line.amountFen !== 0) out.push({ kind: 'line-added', description: line.description, before: null, after: facts(line), deltaFen: line.payableFen });
      continue;
    }
    const [was] = remaining.splice(index, 1);
    const deltaFen = line.payableFen - was.payableFen;
    const kind = was.unitPriceFen !== line.unitPriceFen ? 'price-changed' : was.quantity !== line.quantity ? 'quantity-changed' : deltaFen !== 0 ? 'coverage-changed' : null;
    if (kind) out.push({ kind, description: line.description, before: facts(was), after: facts(line), deltaFen });
  }
  for (const was of remaining) out.push({ kind: 'line-removed', description: was.description, before: facts(was), after: null, deltaFen: -was.payableFen });
  for (const [itemId, lines] of byItem) {
    out.push({ kind: 'extra-work-approved', description: extraWorkTitles.get(itemId) ?? null, itemId, before: null, after: null, deltaFen: lines.reduce((s, l) => s + l.payableFen, 0) });
  }
  const discountDelta = -(final.discountFen - estimate.discountFen);
  if (discountDelta !== 0) out.push({ kind: 'discount', description: null, before: null, after: null, deltaFen: discountDelta });
  const taxDelta = final.taxFen - estimate.taxFen;
  if (taxDelta !== 0) out.push({ kind: 'tax', description: null, before: null, after: null, deltaFen: taxDelta });
  return out;
}

export async function costExplanation(prisma: PrismaClient, customerId: string): Promise<CostExplanation | null> {
  const include = { shop: true, vehicle: true } as const;
  const order =
    (await prisma.repairOrder.findFirst({ where: { customerId, status: { notIn: [...FINISHED] } }, include, orderBy: { checkedInAt: 'desc' } })) ??
    (await prisma.repairOrder.findFirst({ where: { customerId, status: { in: ['DELIVERED', 'CLOSED'] } }, include, orderBy: { checkedInAt: 'desc' } }));
  if (!order) return null;
  const breakdown = priceLines((await activeLines(prisma, order.id)).map(costLine), pricingContext(order), { discount: true });

  const items = await prisma.extraWorkItem.findMany({ where: { request: { repairOrderId: order.id } }, include: { request: true } });
  const titles = new Map(items.map((i) => [i.id, { zh: i.titleZh, en: i.titleEn }]));
  const waiting: CostExplanation['waiting'] = [];
  for (const item of items.filter((i) => i.status === 'PENDING')) {
    const version = await prisma.extraWorkVersion.findUniqueOrThrow({ where: { requestId_number: { requestId: item.requestId, number: item.request.currentVersion } } });
    const shown = (version.shown as unknown as ShownVersion).items.find((i) => i.itemId === item.id);
    waiting.push({ itemId: item.id, title: { zh: item.titleZh, en: item.titleEn }, urgency: item.urgency as Urgency, totalFen: shown?.totalFen ?? 0 });
  }
  const snapshot = order.estimateJson as unknown as EstimateSnapshot | null;
  return {
    repairOrder: { id: order.id, number: order.number, status: order.status as RepairOrderStatus, plate: order.vehicle.plate, checkedInAt: order.checkedInAt },
    breakdown,
    waiting,
    estimate: order.estimateFen !== null ? { totalFen: order.estimateFen } : null,
    differences: snapshot && snapshot.totalFen !== breakdown.totalFen ? estimateDifferences(snapshot, breakdown, titles) : [],
  };
}
