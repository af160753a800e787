/**
 * 说明作业内容及费用: an itemised explanation in the customer's language, always rendered
 * from a CostBreakdown of services/costs.ts — the same calculation as the invoice.
 */
import type { CostBreakdown } from '../services/costs';
import { formatFen } from '../services/costs';
import type { Locale } from '../services/locale';
import { t } from './i18n';

function quantity(q: string): string {
  return String(Number(q));
}

const COVERED: Record<'WARRANTY' | 'GOODWILL' | 'INTERNAL', 'cost.coveredWarranty' | 'cost.coveredGoodwill' | 'cost.coveredInternal'> = {
  WARRANTY: 'cost.coveredWarranty',
  GOODWILL: 'cost.coveredGoodwill',
  INTERNAL: 'cost.coveredInternal',
};

export function explainCosts(breakdown: CostBreakdown, locale: Locale): string {
  const fen = (n: number) => formatFen(n, locale);
  const lines = breakdown.lines.map((line) => {
    const vars = { name: line.description[locale], qty: quantity(line.quantity), unit: fen(line.unitPriceFen), amount: fen(line.amountFen) };
    const detail = line.kind === 'LABOUR' ? t(locale, 'cost.labourLine', vars) : t(locale, 'cost.partLine', vars);
    if (line.coveredFen <= 0 || line.coverage === 'CUSTOMER') return detail;
    return detail + t(locale, COVERED[line.coverage], { amount: fen(line.coveredFen) });
  });
  // Gross, then each deduction that applies, then the net, tax and total: the same figures as the invoice.
  const parts = [t(locale, 'cost.gross', { labour: fen(breakdown.labourFen), parts: fen(breakdown.partsFen) })];
  if (breakdown.warrantyFen) parts.push(t(locale, 'cost.minusWarranty', { amount: fen(breakdown.warrantyFen) }));
  if (breakdown.goodwillFen) parts.push(t(locale, 'cost.minusGoodwill', { amount: fen(breakdown.goodwillFen) }));
  if (breakdown.internalFen) parts.push(t(locale, 'cost.minusInternal', { amount: fen(breakdown.internalFen) }));
  if (breakdown.discountFen) parts.push(t(locale, 'cost.minusDiscount', { amount: fen(breakdown.discountFen) }));
  parts.push(t(locale, 'cost.net', { taxable: fen(breakdown.taxableFen), rate: `${breakdown.taxRateBp / 100}%`, tax: fen(breakdown.taxFen), total: fen(breakdown.totalFen) }));
  lines.push(parts.join(' '));
  return lines.join('\n');
}
