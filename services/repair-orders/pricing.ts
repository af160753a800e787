import { z } from 'zod';
import { calculateCosts, COVERAGES, CostInputError, hoursFromMinutes, type CostBreakdown, type CostLineInput, type WarrantyContext } from '../costs';
import { dbDateToLocalDate, localParts } from '../time';
import { RepairOrderError } from './errors';
import type { Tx } from './internal';

/**
 * Everything a repair order is priced with goes through calculateCosts (services/costs.ts):
 * its lines, the vehicle's warranty on the check-in day, the order's discount and the
 * shop's tax rate. This file turns rows and inputs into that function's input.
 */

export interface OrderPricingContext {
  taxRateBp: number;
  labourRateFen: number;
  timeZone: string;
  warranty: WarrantyContext;
  discount: { bp: number; fen: number };
}

export function pricingContext(order: {
  checkedInAt: Date;
  mileageInKm: number | null;
  discountBp: number;
  discountFen: number;
  shop: { taxRateBp: number; labourRateFen: number; timeZone: string };
  vehicle: { warrantyEndDate: Date | null; warrantyEndKm: number | null };
}): OrderPricingContext {
  return {
    taxRateBp: order.shop.taxRateBp,
    labourRateFen: order.shop.labourRateFen,
    timeZone: order.shop.timeZone,
    warranty: {
      endDate: order.vehicle.warrantyEndDate ? dbDateToLocalDate(order.vehicle.warrantyEndDate) : null,
      endKm: order.vehicle.warrantyEndKm,
      on: localParts(order.checkedInAt, order.shop.timeZone).date,
      mileageKm: order.mileageInKm,
    },
    discount: { bp: order.discountBp, fen: order.discountFen },
  };
}

/** A stored line (order or extra work) as input to the pricing function. */
export interface StoredLine {
  id: string;
  kind: 'LABOUR' | 'PART';
  catalogItemId: string | null;
  partId: string | null;
  sku: string | null;
  spec: string | null;
  unit: string | null;
  descriptionZh: string;
  descriptionEn: string;
  quantity: { toFixed(digits?: number): string };
  unitPriceFen: number;
  payer: 'CUSTOMER' | 'WARRANTY' | 'GOODWILL' | 'INTERNAL' | null;
  coveragePercent: number | null;
  catalogItem?: { warrantyCovered: boolean; code: string } | null;
  extraWorkItemId?: string | null;
}

export function costLine(line: StoredLine): CostLineInput {
  return {
    kind: line.kind,
    description: { zh: line.descriptionZh, en: line.descriptionEn },
    quantity: line.quantity.toFixed(3),
    unitPriceFen: line.unitPriceFen,
    coverage: line.payer,
    coveragePercent: line.coveragePercent,
    warrantyCovered: line.catalogItem?.warrantyCovered ?? false,
    lineId: line.id,
    catalogItemId: line.catalogItemId,
    code: line.catalogItem?.code ?? null,
    partId: line.partId,
    sku: line.sku,
    spec: line.spec,
    unit: line.unit,
    extraWorkItemId: line.extraWorkItemId ?? null,
  };
}

/** Prices lines for an order: the order's warranty and tax, with or without its discount. */
export function priceLines(lines: CostLineInput[], context: OrderPricingContext, options: { discount: boolean }): CostBreakdown {
  try {
    return calculateCosts({
      lines,
      taxRateBp: context.taxRateBp,
      warranty: context.warranty,
      discount: options.discount ? context.discount : undefined,
    });
  } catch (error) {
    if (error instanceof CostInputError) throw new RepairOrderError('invalid-line', error.problems.join('; '), { problems: error.problems });
    throw error;
  }
}

const LINE_INCLUDE = { catalogItem: { select: { warrantyCovered: true, code: true } } } as const;

/** The order's ACTIVE lines with their catalogue flags, in the order they were added. */
export function activeLines(tx: Tx, repairOrderId: string) {
  return tx.repairOrderLine.findMany({ where: { repairOrderId, status: 'ACTIVE' }, include: LINE_INCLUDE, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

/** What the order costs now: its active lines through the pricing function. */
export async function priceOrder(tx: Tx, order: Parameters<typeof pricingContext>[0] & { id: string }): Promise<CostBreakdown> {
  const lines = await activeLines(tx, order.id);
  return priceLines(lines.map(costLine), pricingContext(order), { discount: true });
}

// ───── line input: what an advisor, the DMS or the extra-work proposal gives ─────

const bilingual = z.object({ zh: z.string().trim().min(1).max(200), en: z.string().trim().min(1).max(200) });
const quantity = z.union([z.number().nonnegative().max(100_000), z.string().regex(/^\d{1,6}(\.\d{1,3})?$/, 'quantity must be a decimal with at most 3 places')]);
const fen = z.number().int().nonnegative().max(100_000_000);
const payer = z.enum(COVERAGES).nullish();
const share = z.number().int().min(0).max(100).nullish();

export const lineInputSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('LABOUR'),
    /** The catalogue operation, by id or code; its names, flat-rate hours and warranty flag are the defaults. */
    catalogItemId: z.string().min(1).optional(),
    operationCode: z.string().min(1).max(50).optional(),
    description: bilingual.optional(),
    hours: quantity.optional(),
    /** Defaults to the shop's labour rate. */
    rateFen: fen.optional(),
    payer,
    coveragePercent: share,
  }),
  z.object({
    kind: z.literal('PART'),
    partId: z.string().min(1).optional(),
    sku: z.string().min(1).max(50).optional(),
    /** The operation the part is for (decides warranty cover). */
    catalogItemId: z.string().min(1).optional(),
    operationCode: z.string().min(1).max(50).optional(),
    description: bilingual.optional(),
    quantity,
    /** Defaults to the part's price. */
    unitPriceFen: fen.optional(),
    payer,
    coveragePercent: share,
  }),
]);

export type LineInput = z.input<typeof lineInputSchema>;

/** A line ready to be stored (order line or extra-work line). */
export interface ResolvedLine {
  kind: 'LABOUR' | 'PART';
  catalogItemId: string | null;
  partId: string | null;
  sku: string | null;
  spec: string | null;
  unit: string | null;
  descriptionZh: string;
  descriptionEn: string;
  quantity: string;
  unitPriceFen: number;
  payer: 'CUSTOMER' | 'WARRANTY' | 'GOODWILL' | 'INTERNAL' | null;
  coveragePercent: number | null;
  /** Not stored: read from the catalogue when priced. */
  warrantyCovered: boolean;
}

function quantityText(value: number | string): string {
  if (typeof value === 'number' && Math.abs(Number(value.toFixed(3)) - value) > 1e-9) {
    throw new RepairOrderError('invalid-line', `quantity ${value} has more than 3 decimal places`, { problems: [`quantity ${value} has more than 3 decimal places`] });
  }
  const text = typeof value === 'number' ? value.toFixed(3) : value;
  const [whole, decimals = ''] = text.split('.');
  if (decimals.length > 3) throw new RepairOrderError('invalid-line', `quantity ${text} has more than 3 decimal places`, { problems: [`quantity ${text} has more than 3 decimal places`] });
  return `${whole}.${decimals.padEnd(3, '0')}`;
}

/** Resolves catalogue operations and parts of this shop into storable lines (names, default hours and prices). */
export async function resolveLines(tx: Tx, shop: { id: string; labourRateFen: number }, inputs: readonly LineInput[]): Promise<ResolvedLine[]> {
  const parsed = z.array(lineInputSchema).safeParse(inputs);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new RepairOrderError('invalid-line', problems.join('; '), { problems });
  }
  const out: ResolvedLine[] = [];
  for (const [index, line] of parsed.data.entries()) {
    let operation: { id: string; nameZh: string; nameEn: string; labourMinutes: number; warrantyCovered: boolean } | null = null;
    if (line.catalogItemId || line.operationCode) {
      operation = await tx.serviceCatalogItem.findFirst({
        where: { shopId: shop.id, ...(line.catalogItemId ? { id: line.catalogItemId } : { code: line.operationCode }) },
        select: { id: true, nameZh: true, nameEn: true, labourMinutes: true, warrantyCovered: true },
      });
      if (!operation) throw new RepairOrderError('unknown-item', `lines.${index}: no operation ${line.catalogItemId ?? line.operationCode} in this shop`, { operation: line.catalogItemId ?? line.operationCode });
    }
    const common = { payer: line.payer ?? null, coveragePercent: line.coveragePercent ?? null, catalogItemId: operation?.id ?? null, warrantyCovered: operation?.warrantyCovered ?? false };
    if (line.kind === 'LABOUR') {
      const description = line.description ?? (operation ? { zh: operation.nameZh, en: operation.nameEn } : null);
      const hours = line.hours !== undefined ? quantityText(line.hours) : operation ? hoursFromMinutes(operation.labourMinutes) : null;
      if (!description || !hours) {
        const problem = `lines.${index}: a labour line names a catalogue operation, or gives a description and hours`;
        throw new RepairOrderError('invalid-line', problem, { problems: [problem] });
      }
      out.push({ ...common, kind: 'LABOUR', partId: null, sku: null, spec: null, unit: null, descriptionZh: description.zh, descriptionEn: description.en, quantity: hours, unitPriceFen: line.rateFen ?? shop.labourRateFen });
      continue;
    }
    let part: { id: string; sku: string; nameZh: string; nameEn: string; spec: string | null; unit: string; unitPriceFen: number } | null = null;
    if (line.partId || line.sku) {
      part = await tx.part.findFirst({ where: { shopId: shop.id, ...(line.partId ? { id: line.partId } : { sku: line.sku }) } });
      if (!part) throw new RepairOrderError('unknown-item', `lines.${index}: no part ${line.partId ?? line.sku} in this shop`, { part: line.partId ?? line.sku });
    }
    const description = line.description ?? (part ? { zh: part.nameZh, en: part.nameEn } : null);
    const unitPriceFen = line.unitPriceFen ?? part?.unitPriceFen;
    if (!description || unitPriceFen === undefined) {
      const problem = `lines.${index}: a part line names a part (id or sku), or gives a description and a unit price`;
      throw new RepairOrderError('invalid-line', problem, { problems: [problem] });
    }
    out.push({
      ...common,
      kind: 'PART',
      partId: part?.id ?? null,
      sku: part?.sku ?? null,
      spec: part?.spec ?? null,
      unit: part?.unit ?? null,
      descriptionZh: description.zh,
      descriptionEn: description.en,
      quantity: quantityText(line.quantity),
      unitPriceFen,
    });
  }
  return out;
}

export function resolvedCostLine(line: ResolvedLine): CostLineInput {
  return {
    kind: line.kind,
    description: { zh: line.descriptionZh, en: line.descriptionEn },
    quantity: line.quantity,
    unitPriceFen: line.unitPriceFen,
    coverage: line.payer,
    coveragePercent: line.coveragePercent,
    warrantyCovered: line.warrantyCovered,
    catalogItemId: line.catalogItemId,
    partId: line.partId,
    sku: line.sku,
  };
}

/** The storable columns of a resolved line. */
export function lineColumns(line: ResolvedLine) {
  const { warrantyCovered: _covered, ...columns } = line;
  return columns;
}
