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
