import { loadShopSnapshot } from '../shop-snapshot';
import { calculateCosts, hoursFromMinutes, type CostBreakdown, type CostLineInput } from '../costs';
import { UnknownServiceError } from './errors';
import type { CatalogItemWithParts, Db } from './availability';

/**
 * Booking estimates: flat-rate labour at the shop's hourly rate plus the catalogue's
 * parts, through the one cost calculation that repair orders and invoices also use.
 */

export function estimateLines(shop: { labourRateFen: number }, items: readonly CatalogItemWithParts[]): CostLineInput[] {
  const lines: CostLineInput[] = [];
  for (const item of items) {
    lines.push({
      kind: 'LABOUR',
      description: { zh: item.nameZh, en: item.nameEn },
      quantity: hoursFromMinutes(item.labourMinutes),
      unitPriceFen: shop.labourRateFen,
      catalogItemId: item.id,
      warrantyCovered: item.warrantyCovered,
    });
    for (const cp of item.parts) {
      lines.push({
        kind: 'PART',
        description: { zh: cp.part.nameZh, en: cp.part.nameEn },
        quantity: cp.quantity,
        unitPriceFen: cp.part.unitPriceFen,
        catalogItemId: item.id,
        partId: cp.partId,
        sku: cp.part.sku,
        warrantyCovered: item.warrantyCovered,
      });
    }
  }
  return lines;
}

export function estimateFor(shop: { labourRateFen: number; taxRateBp: number }, items: readonly CatalogItemWithParts[]): CostBreakdown {
  return calculateCosts({ lines: estimateLines(shop, items), taxRateBp: shop.taxRateBp });
}

/** The price a customer is quoted for these services, tax included. */
export async function estimateServices(db: Db, shopId: string, catalogItemIds: readonly string[]): Promise<CostBreakdown> {
  const ids = [...new Set(catalogItemIds)];
  const { shop, items } = await loadShopSnapshot(db, shopId);
  const missing = ids.filter((id) => !items.has(id));
  if (missing.length || ids.length === 0) throw new UnknownServiceError(missing);
  return estimateFor(shop, ids.map((id) => items.get(id)!));
}

/**
 * The estimate as the customer saw it, kept on the booking (and copied to its repair order),
 * so that a later total can be explained line by line against the prices of that day.
 */
export interface EstimateSnapshot {
  lines: Array<{
    kind: 'LABOUR' | 'PART';
    catalogItemId: string | null;
    partId: string | null;
    sku: string | null;
    description: { zh: string; en: string };
    quantity: string;
    unitPriceFen: number;
    amountFen: number;
    payableFen: number;
  }>;
  subtotalFen: number;
  discountFen: number;
  taxRateBp: number;
  taxFen: number;
  totalFen: number;
}

export function estimateSnapshot(breakdown: CostBreakdown): EstimateSnapshot {
  return {
    lines: breakdown.lines.map((l) => ({
      kind: l.kind,
      catalogItemId: typeof l.catalogItemId === 'string' ? l.catalogItemId : null,
      partId: typeof l.partId === 'string' ? l.partId : null,
      sku: typeof l.sku === 'string' ? l.sku : null,
      description: { zh: l.description.zh, en: l.description.en },
      quantity: l.quantity,
      unitPriceFen: l.unitPriceFen,
      amountFen: l.amountFen,
      payableFen: l.payableFen,
    })),
    subtotalFen: breakdown.subtotalFen,
    discountFen: breakdown.discountFen,
    taxRateBp: breakdown.taxRateBp,
    taxFen: breakdown.taxFen,
    totalFen: breakdown.totalFen,
  };
}
