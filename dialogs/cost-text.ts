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

export function explainCosts(breakdown: CostBreakdown, locale: Locale): string {
  const fen = (n: number) => formatFen(n, locale);
  const lines = breakdown.lines.map((line) => {
    const vars = { name: line.description[locale], qty: quantity(line.quantity), unit: fen(line.unitPriceFen), amount: fen(line.amountFen) };
    const detail = line.kind === 'LABOUR' ? t(locale, 'cost.labourLine', vars) : t(locale, 'cost.partLine', vars);
    if (line.coveredFen <= 0) return detail;
    return detail + t(locale, line.coverage === 'WARRANTY' ? 'cost.coveredWarranty' : 'cost.coveredGoodwill', { amount: fen(line.coveredFen) });
  });
  const summary = {
    labour: fen(breakdown.labourFen),
    parts: fen(breakdown.partsFen),
    subtotal: fen(breakdown.subtotalFen),
    rate: `${breakdown.taxRateBp / 100}%`,
    tax: fen(breakdown.taxFen),
    total: fen(breakdown.totalFen),
  };
  lines.push(breakdown.coveredFen ? t(locale, 'cost.summaryCovered', { ...summary, covered: fen(breakdown.coveredFen) }) : t(locale, 'cost.summary', summary));
  return lines.join('\n');
}
