import type { PrismaClient } from '../db/client';
import { RepairOrderError } from './errors';
import { activeLines, costLine, priceLines, pricingContext } from './pricing';
import type { RepairOrderStatus, SettlementList } from './types';

/**
 * 结算单: labour as rate × hours, each part with name, spec, quantity and unit price, who
 * covers what, discount, tax and total — the pricing function's numbers, line for line.
 */
export async function settlementList(prisma: PrismaClient, repairOrderId: string, options: { shopId?: string } = {}): Promise<SettlementList> {
  const order = await prisma.repairOrder.findFirst({
    where: { id: repairOrderId, ...(options.shopId ? { shopId: options.shopId } : {}) },
    include: { shop: true, vehicle: true, advisor: true, customer: true },
  });
  if (!order) throw new RepairOrderError('not-found', `no repair order ${repairOrderId}`);
  const breakdown = priceLines((await activeLines(prisma, order.id)).map(costLine), pricingContext(order), { discount: true });
  const labour: SettlementList['labour'] = [];
  const parts: SettlementList['parts'] = [];
  for (const line of breakdown.lines) {
    const common = { lineId: String(line.lineId), amountFen: line.amountFen, coverage: line.coverage, coveredFen: line.coveredFen, payableFen: line.payableFen, fromExtraWork: Boolean(line.extraWorkItemId) };
    if (line.kind === 'LABOUR') {
      labour.push({ ...common, operation: line.description, code: (line.code as string | null) ?? null, hours: line.quantity, rateFen: line.unitPriceFen });
    } else {
      parts.push({ ...common, name: line.description, sku: (line.sku as string | null) ?? null, spec: (line.spec as string | null) ?? null, unit: (line.unit as string | null) ?? null, quantity: line.quantity, unitPriceFen: line.unitPriceFen });
    }
  }
  return {
    repairOrder: {
      id: order.id,
      number: order.number,
      status: order.status as RepairOrderStatus,
      plate: order.vehicle.plate,
      vin: order.vehicle.vin,
      customerName: order.customer.name,
      advisor: order.advisor ? { id: order.advisor.id, name: order.advisor.name } : null,
      checkedInAt: order.checkedInAt,
      deliveredAt: order.deliveredAt,
      mileageInKm: order.mileageInKm,
    },
    shop: { name: { zh: order.shop.name, en: order.shop.nameEn ?? order.shop.name }, address: order.shop.address, phone: order.shop.phone },
    labour,
    parts,
    totals: {
      labourFen: breakdown.labourFen,
      partsFen: breakdown.partsFen,
      warrantyFen: breakdown.warrantyFen,
      goodwillFen: breakdown.goodwillFen,
      internalFen: breakdown.internalFen,
      coveredFen: breakdown.coveredFen,
      subtotalFen: breakdown.subtotalFen,
      discount: { ...breakdown.discount, reason: order.discountReason },
      discountFen: breakdown.discountFen,
      taxableFen: breakdown.taxableFen,
      taxRateBp: breakdown.taxRateBp,
      taxFen: breakdown.taxFen,
      totalFen: breakdown.totalFen,
    },
    warranty: breakdown.warranty ? { status: breakdown.warranty.status, endDate: breakdown.warranty.endDate, endKm: breakdown.warranty.endKm } : null,
    breakdown,
  };
}
