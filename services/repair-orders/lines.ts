import { z } from 'zod';
import type { PrismaClient } from '../db/client';
import type { Actor } from '../actor';
import { COVERAGES } from '../costs';
import { RepairOrderError } from './errors';
import { EDITABLE } from './lifecycle';
import { amendmentMark, audit, decimalText, inTransaction, lockOrder, type LockedOrder, type Tx } from './internal';
import { activeLines, costLine, lineColumns, priceLines, pricingContext, resolveLines, resolvedCostLine, type LineInput } from './pricing';

/**
 * Lines of a repair order. A line is never deleted or edited in place: a correction keeps
 * the old row (CORRECTED) beside its replacement, a removal keeps it (REMOVED), both with a
 * reason. Changing a settled order (it was READY once) is remembered on the order for the
 * KPI 错单率. Every change is priced through the one pricing function before it is written,
 * so a line the rules refuse (warranty where it does not apply) never reaches the order.
 */

function assertEditable(order: LockedOrder): void {
  if (!EDITABLE.includes(order.status)) {
    throw new RepairOrderError('not-editable', `repair order ${order.number} is ${order.status}: its lines can no longer change`, { status: order.status });
  }
}

async function checkPriced(tx: Tx, order: LockedOrder, replace: { lineId?: string; add: ReturnType<typeof resolvedCostLine>[] }): Promise<number> {
  const current = (await activeLines(tx, order.id)).filter((l) => l.id !== replace.lineId).map(costLine);
  return priceLines([...current, ...replace.add], pricingContext(order), { discount: true }).totalFen;
}

export interface LinesChange {
  lineIds: string[];
  /** The order's total after the change (tax included). */
  totalFen: number;
}

export async function addLines(prisma: PrismaClient, input: { repairOrderId: string; lines: LineInput[]; actor: Actor; now: Date; shopId?: string }): Promise<LinesChange> {
  if (input.lines.length === 0) throw new RepairOrderError('invalid-line', 'no lines given', { problems: ['no lines given'] });
  return inTransaction(prisma, async (tx) => {
    const order = await lockOrder(tx, input.repairOrderId, input.shopId);
    assertEditable(order);
    const resolved = await resolveLines(tx, order.shop, input.lines);
    const totalFen = await checkPriced(tx, order, { add: resolved.map(resolvedCostLine) });
    const lineIds: string[] = [];
    for (const line of resolved) {
      lineIds.push((await tx.repairOrderLine.create({ data: { ...lineColumns(line), repairOrderId: order.id, createdAt: input.now } })).id);
    }
    const mark = amendmentMark(order, input.now);
    if (mark.amendedAfterSettlementAt) await tx.repairOrder.update({ where: { id: order.id }, data: mark });
    await audit(tx, {
      shopId: order.shopId,
      repairOrderId: order.id,
      actor: input.actor,
      action: 'repair-order.lines-added',
      at: input.now,
      data: { lines: resolved.map((l, i) => ({ lineId: lineIds[i], kind: l.kind, description: l.descriptionZh, quantity: l.quantity, unitPriceFen: l.unitPriceFen, payer: l.payer })), totalFen, afterSettlement: Boolean(order.settledAt) },
    });
    return { lineIds, totalFen };
  });
}

const correctionSchema = z
  .strictObject({
    quantity: z.union([z.number().nonnegative(), z.string().regex(/^\d{1,6}(\.\d{1,3})?$/)]).optional(),
    unitPriceFen: z.number().int().nonnegative().max(100_000_000).optional(),
    payer: z.enum(COVERAGES).nullable().optional(),
    coveragePercent: z.number().int().min(0).max(100).nullable().optional(),
    description: z.object({ zh: z.string().trim().min(1).max(200), en: z.string().trim().min(1).max(200) }).optional(),
  })
  .refine((c) => Object.keys(c).length > 0, 'nothing to correct');

export type LineCorrection = z.input<typeof correctionSchema>;

async function ownLine(tx: Tx, order: LockedOrder, lineId: string) {
  const line = await tx.repairOrderLine.findFirst({ where: { id: lineId, repairOrderId: order.id }, include: { catalogItem: { select: { warrantyCovered: true, code: true } } } });
  if (!line) throw new RepairOrderError('not-found', `no line ${lineId} on repair order ${order.number}`);
  if (line.status !== 'ACTIVE') throw new RepairOrderError('not-editable', `line ${lineId} was already ${line.status.toLowerCase()}`, { status: line.status });
  return line;
}

/** Replaces a line by a corrected one; the old one stays, CORRECTED, linked to its replacement. */
export async function correctLine(
  prisma: PrismaClient,
  input: { repairOrderId: string; lineId: string; changes: LineCorrection; reason: string; actor: Actor; now: Date; shopId?: string },
): Promise<LinesChange & { replacedLineId: string }> {
  const changes = correctionSchema.parse(input.changes);
  const reason = input.reason?.trim();
  if (!reason) throw new RepairOrderError('reason-required', 'a correction needs a reason');
  return inTransaction(prisma, async (tx) => {
    const order = await lockOrder(tx, input.repairOrderId, input.shopId);
    assertEditable(order);
    const old = await ownLine(tx, order, input.lineId);
    if (old.extraWorkItemId) {
      throw new RepairOrderError('consented-line', `line ${old.id} was approved by the customer as extra work: revise the extra work so they can agree to the change`, { extraWorkItemId: old.extraWorkItemId });
    }
    const next = {
      kind: old.kind,
      catalogItemId: old.catalogItemId,
      partId: old.partId,
      sku: old.sku,
      spec: old.spec,
      unit: old.unit,
      descriptionZh: changes.description?.zh ?? old.descriptionZh,
      descriptionEn: changes.description?.en ?? old.descriptionEn,
      quantity: changes.quantity !== undefined ? Number(changes.quantity).toFixed(3) : decimalText(old.quantity),
      unitPriceFen: changes.unitPriceFen ?? old.unitPriceFen,
      payer: changes.payer !== undefined ? changes.payer : old.payer,
      coveragePercent: changes.coveragePercent !== undefined ? changes.coveragePercent : old.coveragePercent,
    };
    const before = { descriptionZh: old.descriptionZh, descriptionEn: old.descriptionEn, quantity: decimalText(old.quantity), unitPriceFen: old.unitPriceFen, payer: old.payer, coveragePercent: old.coveragePercent };
    const after = { descriptionZh: next.descriptionZh, descriptionEn: next.descriptionEn, quantity: next.quantity, unitPriceFen: next.unitPriceFen, payer: next.payer, coveragePercent: next.coveragePercent };
    if (JSON.stringify(before) === JSON.stringify(after)) throw new RepairOrderError('nothing-changed', `line ${old.id} already reads like that`);
    const totalFen = await checkPriced(tx, order, { lineId: old.id, add: [resolvedCostLine({ ...next, warrantyCovered: old.catalogItem?.warrantyCovered ?? false })] });
    await tx.repairOrderLine.update({ where: { id: old.id }, data: { status: 'CORRECTED', retiredAt: input.now } });
    const created = await tx.repairOrderLine.create({ data: { ...next, repairOrderId: order.id, correctsId: old.id, changeReason: reason, createdAt: input.now } });
    const mark = amendmentMark(order, input.now);
    if (mark.amendedAfterSettlementAt) await tx.repairOrder.update({ where: { id: order.id }, data: mark });
    await audit(tx, {
      shopId: order.shopId,
      repairOrderId: order.id,
      actor: input.actor,
      action: 'repair-order.line-corrected',
      at: input.now,
      data: { lineId: created.id, replacedLineId: old.id, before, after, reason, totalFen, afterSettlement: Boolean(order.settledAt) },
    });
    return { lineIds: [created.id], replacedLineId: old.id, totalFen };
  });
}

/** Takes a line off the order; the row stays, REMOVED, with the reason. */
export async function removeLine(prisma: PrismaClient, input: { repairOrderId: string; lineId: string; reason: string; actor: Actor; now: Date; shopId?: string }): Promise<LinesChange> {
  const reason = input.reason?.trim();
  if (!reason) throw new RepairOrderError('reason-required', 'removing a line needs a reason');
  return inTransaction(prisma, async (tx) => {
    const order = await lockOrder(tx, input.repairOrderId, input.shopId);
    assertEditable(order);
    const old = await ownLine(tx, order, input.lineId);
    const totalFen = await checkPriced(tx, order, { lineId: old.id, add: [] });
    await tx.repairOrderLine.update({ where: { id: old.id }, data: { status: 'REMOVED', retiredAt: input.now, changeReason: reason } });
    const mark = amendmentMark(order, input.now);
    if (mark.amendedAfterSettlementAt) await tx.repairOrder.update({ where: { id: order.id }, data: mark });
    await audit(tx, {
      shopId: order.shopId,
      repairOrderId: order.id,
      actor: input.actor,
      action: 'repair-order.line-removed',
      at: input.now,
      data: { lineId: old.id, description: old.descriptionZh, quantity: decimalText(old.quantity), unitPriceFen: old.unitPriceFen, reason, totalFen, afterSettlement: Boolean(order.settledAt) },
    });
    return { lineIds: [], totalFen };
  });
}

/** Sets the order's discount (percentage in basis points, then fixed fen; see costs.ts). */
export async function setDiscount(
  prisma: PrismaClient,
  input: { repairOrderId: string; bp: number; fen: number; reason: string; actor: Actor; now: Date; shopId?: string },
): Promise<{ totalFen: number; discountFen: number }> {
  const reason = input.reason?.trim();
  if (!reason) throw new RepairOrderError('reason-required', 'a discount needs a reason');
  return inTransaction(prisma, async (tx) => {
    const order = await lockOrder(tx, input.repairOrderId, input.shopId);
    assertEditable(order);
    const lines = (await activeLines(tx, order.id)).map(costLine);
    const priced = priceLines(lines, { ...pricingContext(order), discount: { bp: input.bp, fen: input.fen } }, { discount: true });
    await tx.repairOrder.update({ where: { id: order.id }, data: { discountBp: input.bp, discountFen: input.fen, discountReason: reason, ...amendmentMark(order, input.now) } });
    await audit(tx, {
      shopId: order.shopId,
      repairOrderId: order.id,
      actor: input.actor,
      action: 'repair-order.discount-set',
      at: input.now,
      data: { from: { bp: order.discountBp, fen: order.discountFen }, to: { bp: input.bp, fen: input.fen }, reason, discountFen: priced.discountFen, totalFen: priced.totalFen },
    });
    return { totalFen: priced.totalFen, discountFen: priced.discountFen };
  });
}
