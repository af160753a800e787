/**
 * "业绩 / my kpis" from an advisor's chat: this month so far (or last month), their own
 * figures; a manager gets the whole shop. The figures come from services/kpi, the same
 * report the CLI prints and the HTML draws, worded here from the catalogue.
 */
import type { PrismaClient } from '../services/db/client';
import { kpiSummary, type KpiReport, type Ratio } from '../services/kpi';
import { addDays, localParts, type LocalDate } from '../services/time';
import { formatFen } from '../services/costs';
import { t, type Locale } from '../dialogs';

export const KPI_COMMAND = /^(?:业绩|我的业绩|本月业绩|上月业绩|kpi|kpis|my kpis?|kpis? (?:this|last) month)$/i;

function monthRange(now: Date, timeZone: string, last: boolean): { from: LocalDate; to: LocalDate } {
  const today = localParts(now, timeZone).date;
  const first = `${today.slice(0, 8)}01` as LocalDate;
  if (!last) return { from: first, to: today };
  const endOfLast = addDays(first, -1);
  return { from: `${endOfLast.slice(0, 8)}01` as LocalDate, to: endOfLast };
}

function percent(r: { bp: number | null }): string {
  return r.bp === null ? '–' : `${(r.bp / 100).toFixed(1)}%`;
}

function ratio(r: Ratio): string {
  return r.bp === null ? '–' : `${percent(r)} (${r.numerator}/${r.denominator})`;
}

export async function kpiText(prisma: PrismaClient, input: { shopId: string; advisorId: string; text: string; now: Date; timeZone: string; locale: Locale }): Promise<string> {
  const advisor = await prisma.advisor.findUniqueOrThrow({ where: { id: input.advisorId } });
  const range = monthRange(input.now, input.timeZone, /上月|last/i.test(input.text));
  const report: KpiReport = await kpiSummary(prisma, { shopId: input.shopId, advisorId: advisor.role === 'MANAGER' ? null : advisor.id, from: range.from, to: range.to, now: input.now });
  const f = report.figures;
  const fen = (n: number) => formatFen(n, input.locale);
  const l = input.locale;
  const revenue = f.revenue;
  return t(l, 'advisor.kpi', {
    who: report.scope.kind === 'shop' ? t(l, 'advisor.kpiShop') : report.scope.name,
    from: range.from,
    to: range.to,
    orders: f.repairOrders.actual,
    ordersTarget: f.repairOrders.target === null ? '–' : String(f.repairOrders.target),
    booking: ratio(f.bookingRate),
    errors: ratio(f.errorRate),
    extra: ratio(f.extraWork.items),
    satisfaction: f.satisfaction.averageHundredths === null ? '–' : `${(f.satisfaction.averageHundredths / 100).toFixed(2)} (n=${f.satisfaction.responses})`,
    nps: f.nps.bp === null ? '–' : `${f.nps.bp > 0 ? '+' : ''}${(f.nps.bp / 100).toFixed(1)}`,
    complaints: ratio(f.complaints.rate),
    major: ratio(f.complaints.majorRate),
    over: f.complaints.overCeiling ? t(l, 'advisor.kpiOver') : '',
    revenue: fen(revenue.service.actual),
    labour: fen(revenue.customerPay.labourFen + revenue.warranty.labourFen),
    parts: fen(revenue.customerPay.partsFen + revenue.warranty.partsFen),
    discount: fen(revenue.customerPay.discountFen),
  });
}
