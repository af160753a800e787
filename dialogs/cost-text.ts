import type { CostBreakdown } from '../services/costs';
import { formatFen } from '../services/costs';
import type { Locale } from './i18n';

/**
 * 说明作业内容及费用: an itemised cost explanation in the customer's language, always
 * rendered from a CostBreakdown of services/costs.ts — the same calculation as the invoice.
 */
function quantity(q: string): string {
  return String(Number(q));
}

export function explainCosts(breakdown: CostBreakdown, locale: Locale): string {
  const zh = locale === 'zh';
  const lines: string[] = [];
  for (const line of breakdown.lines) {
    const name = zh ? line.description.zh : line.description.en;
    const amount = formatFen(line.amountFen, locale);
    const detail =
      line.kind === 'LABOUR'
        ? zh
          ? `工时 ${name}：${quantity(line.quantity)}小时 × ${formatFen(line.unitPriceFen, locale)}/小时 = ${amount}`
          : `Labour, ${name}: ${quantity(line.quantity)} h × ${formatFen(line.unitPriceFen, locale)}/h = ${amount}`
        : zh
          ? `配件 ${name}：${quantity(line.quantity)} × ${formatFen(line.unitPriceFen, locale)} = ${amount}`
          : `Part, ${name}: ${quantity(line.quantity)} × ${formatFen(line.unitPriceFen, locale)} = ${amount}`;
    const covered =
      line.coveredFen > 0
        ? zh
          ? `（${line.coverage === 'WARRANTY' ? '保修' : '善意'}承担 ${formatFen(line.coveredFen, locale)}）`
          : ` (${line.coverage === 'WARRANTY' ? 'warranty' : 'goodwill'} covers ${formatFen(line.coveredFen, locale)})`
        : '';
    lines.push(`${detail}${covered}`);
  }
  const taxPercent = `${breakdown.taxRateBp / 100}%`;
  lines.push(
    zh
      ? `工时 ${formatFen(breakdown.labourFen, locale)} + 配件 ${formatFen(breakdown.partsFen, locale)}${breakdown.coveredFen ? ` − 保修/善意 ${formatFen(breakdown.coveredFen, locale)}` : ''} = ${formatFen(breakdown.subtotalFen, locale)}，税 ${taxPercent} ${formatFen(breakdown.taxFen, locale)}，合计 ${formatFen(breakdown.totalFen, locale)}`
      : `Labour ${formatFen(breakdown.labourFen, locale)} + parts ${formatFen(breakdown.partsFen, locale)}${breakdown.coveredFen ? ` − warranty/goodwill ${formatFen(breakdown.coveredFen, locale)}` : ''} = ${formatFen(breakdown.subtotalFen, locale)}, tax ${taxPercent} ${formatFen(breakdown.taxFen, locale)}, total ${formatFen(breakdown.totalFen, locale)}`,
  );
  return lines.join('\n');
}
