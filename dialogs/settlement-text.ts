/**
 * 结算单 as text: labour lines as rate × hours, each part with name, spec, quantity and unit
 * price, coverage, discount, tax, total — the numbers of services/repair-orders settlementList,
 * which uses the one pricing function, so they equal the cost explanation's.
 */
import type { SettlementList } from '../services/repair-orders/types';
import { formatFen } from '../services/costs';
import { formatLocal } from '../services/time';
import type { Locale } from '../services/locale';
import { t } from './i18n';

export function settlementText(list: SettlementList, locale: Locale, timeZone: string): string {
  const fen = (n: number) => formatFen(n, locale);
  const qty = (q: string) => String(Number(q));
  const ro = list.repairOrder;
  const lines = [
    t(locale, 'settle.title', { shop: list.shop.name[locale], number: ro.number }),
    t(locale, 'settle.header', { customer: ro.customerName, plate: ro.plate, vin: ro.vin ?? '—', mileage: ro.mileageInKm ?? '—', checkedIn: formatLocal(ro.checkedInAt, timeZone, locale), advisor: ro.advisor?.name ?? '—' }),
    t(locale, 'settle.labour'),
    ...list.labour.map((l) =>
      t(locale, 'settle.labourLine', { name: l.operation[locale], hours: qty(l.hours), rate: fen(l.rateFen), amount: fen(l.amountFen), pays: payer(locale, l.coverage, l.coveredFen, fen) }),
    ),
    t(locale, 'settle.parts'),
    ...list.parts.map((p) =>
      t(locale, 'settle.partLine', { name: p.name[locale], spec: p.spec ?? p.sku ?? '', qty: qty(p.quantity), unit: p.unit ?? '', price: fen(p.unitPriceFen), amount: fen(p.amountFen), pays: payer(locale, p.coverage, p.coveredFen, fen) }),
    ),
  ];
  const tt = list.totals;
  lines.push(t(locale, 'settle.totals', { labour: fen(tt.labourFen), parts: fen(tt.partsFen), covered: fen(tt.coveredFen), discount: fen(tt.discountFen), taxable: fen(tt.taxableFen), rate: `${tt.taxRateBp / 100}%`, tax: fen(tt.taxFen), total: fen(tt.totalFen) }));
  return lines.join('\n');
}

function payer(locale: Locale, coverage: string, coveredFen: number, fen: (n: number) => string): string {
  if (coverage === 'CUSTOMER' || coveredFen === 0) return '';
  const key = coverage === 'WARRANTY' ? 'cost.coveredWarranty' : coverage === 'GOODWILL' ? 'cost.coveredGoodwill' : 'cost.coveredInternal';
  return t(locale, key, { amount: fen(coveredFen) });
}
