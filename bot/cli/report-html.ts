/**
 * The KPI report as ONE self-contained HTML file: inline CSS and hand-written inline SVG, no
 * script, no font, no image and no address to fetch, so it opens offline, prints, and can be
 * mailed as it is. Everything shown is read from the report's JSON; the only arithmetic here
 * is for drawing (running totals of the weekly figures, the straight target pace line).
 */
import { formatFen } from '../../services/costs';
import type { AgainstTarget, KpiFigures, KpiReport, Ratio } from '../../services/kpi';
import { localParts, minuteToTime } from '../../services/time';
import { percent } from './report';

const COLORS = { blue: '#2563eb', teal: '#0d9488', orange: '#ea580c', purple: '#7c3aed', red: '#dc2626', grey: '#64748b', ink: '#0f172a', green: '#16a34a', amber: '#d97706' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
const e = escapeHtml;

/** Round figures for an axis: steps of 1, 2 or 5 × 10^k covering lo…hi in about `count` steps. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (hi <= lo) hi = lo + 1;
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const first = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  for (let t = first; t < hi + step - 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const FRAME: Frame = { width: 560, height: 280, left: 64, right: 16, top: 56, bottom: 40 };

interface Axis {
  y(value: number): number;
  ticks: number[];
}

function axis(values: number[], frame: Frame, floor: number | null = 0): Axis {
  const lo = Math.min(floor ?? Infinity, ...values);
  const hi = Math.max(...values, lo + 1e-9);
  const ticks = niceTicks(lo, hi);
  const min = ticks[0];
  const max = ticks[ticks.length - 1];
  const plot = frame.height - frame.top - frame.bottom;
  return { ticks, y: (v) => frame.top + plot - ((v - min) / (max - min)) * plot };
}

function grid(frame: Frame, ax: Axis, format: (v: number) => string): string {
  return ax.ticks
    .map((t) => {
      const y = ax.y(t).toFixed(1);
      return `<line class="grid" x1="${frame.left}" x2="${frame.width - frame.right}" y1="${y}" y2="${y}"/><text class="tick" x="${frame.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${e(format(t))}</text>`;
    })
    .join('');
}

interface LegendItem {
  name: string;
  color: string;
  dashed?: boolean;
  bar?: boolean;
}

function legend(items: LegendItem[], frame: Frame): string {
  let x = frame.left;
  return items
    .map((item) => {
      const mark = item.bar
        ? `<rect x="${x}" y="${frame.top - 24}" width="12" height="10" rx="2" fill="${item.color}"/>`
        : `<line x1="${x}" x2="${x + 18}" y1="${frame.top - 19}" y2="${frame.top - 19}" stroke="${item.color}" stroke-width="2.5"${item.dashed ? ' stroke-dasharray="5 3"' : ''}/>`;
      const text = `<text class="legend" x="${x + (item.bar ? 16 : 22)}" y="${frame.top - 19}" dominant-baseline="middle">${e(item.name)}</text>`;
      x += (item.bar ? 16 : 22) + textWidth(item.name) * 11 + 14;
      return mark + text;
    })
    .join('');
}

/** Rough width of a label in ems (wide characters count twice), for laying out legends. */
function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 1 : 0.55;
  return w;
}

function svg(title: string, body: string, frame: Frame, className: string): string {
  return `<svg class="chart ${className}" viewBox="0 0 ${frame.width} ${frame.height}" width="${frame.width}" height="${frame.height}" role="img" aria-label="${e(title)}"><title>${e(title)}</title>${body}</svg>`;
}

export interface LineSeries {
  name: string;
  color: string;
  values: Array<number | null>;
  dashed?: boolean;
}

export interface RefLine {
  value: number;
  label: string;
  color: string;
}

/** A line chart over categories (weeks); a null value breaks the line (nothing to divide by that week). */
export function lineChart(options: { title: string; categories: string[]; series: LineSeries[]; format: (v: number) => string; refLines?: RefLine[]; floor?: number }): string {
  const frame = FRAME;
  const refLines = options.refLines ?? [];
  const values = [...options.series.flatMap((s) => s.values.filter((v): v is number => v !== null)), ...refLines.map((r) => r.value)];
  const ax = axis(values.length ? values : [0, 1], frame, options.floor ?? 0);
  const band = (frame.width - frame.left - frame.right) / Math.max(1, options.categories.length);
  const x = (i: number) => frame.left + band * (i + 0.5);
  const xLabels = options.categories.map((c, i) => `<text class="tick" x="${x(i).toFixed(1)}" y="${frame.height - frame.bottom + 16}" text-anchor="middle">${e(c)}</text>`).join('');
  const refs = refLines
    .map((r) => {
      const y = ax.y(r.value).toFixed(1);
      return `<line class="ref" x1="${frame.left}" x2="${frame.width - frame.right}" y1="${y}" y2="${y}" stroke="${r.color}"/><text class="reflabel" x="${frame.width - frame.right}" y="${(Number(y) - 5).toFixed(1)}" text-anchor="end" fill="${r.color}">${e(r.label)}</text>`;
    })
    .join('');
  const lines = options.series
    .map((s) => {
      let d = '';
      let pen = false;
      s.values.forEach((v, i) => {
        if (v === null) {
          pen = false;
          return;
        }
        d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)} ${ax.y(v).toFixed(1)} `;
        pen = true;
      });
      const dots = s.dashed
        ? ''
        : s.values
            .map((v, i) => (v === null ? '' : `<circle class="dot" cx="${x(i).toFixed(1)}" cy="${ax.y(v).toFixed(1)}" r="3.5" fill="${s.color}"><title>${e(`${s.name} ${options.categories[i]}: ${options.format(v)}`)}</title></circle>`))
            .join('');
      return `<path class="series${s.dashed ? ' target' : ''}" d="${d.trim()}" stroke="${s.color}"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>${dots}`;
    })
    .join('');
  const body = `<text class="charttitle" x="14" y="20">${e(options.title)}</text>${legend(options.series.map((s) => ({ name: s.name, color: s.color, dashed: s.dashed })), frame)}${grid(frame, ax, options.format)}${refs}${lines}${xLabels}`;
  return svg(options.title, body, frame, 'line-chart');
}

export interface BarSeries {
  name: string;
  color: string;
  values: Array<number | null>;
  /** A target per category, drawn as a line across the bar. */
  targets?: Array<number | null>;
}

/** Grouped bars per category (advisors); `stacked` piles the series into one bar. */
export function barChart(options: { title: string; categories: string[]; series: BarSeries[]; format: (v: number) => string; labelFormat?: (v: number) => string; refLines?: RefLine[]; stacked?: boolean; targetName?: string }): string {
  const frame = FRAME;
  const refLines = options.refLines ?? [];
  const sums = options.categories.map((_, i) => options.series.reduce((s, series) => s + Math.max(0, series.values[i] ?? 0), 0));
  const values = [
    ...(options.stacked ? sums : options.series.flatMap((s) => s.values.filter((v): v is number => v !== null))),
    ...options.series.flatMap((s) => (s.targets ?? []).filter((v): v is number => v !== null)),
    ...refLines.map((r) => r.value),
  ];
  const ax = axis(values.length ? values : [0, 1], frame);
  const label = options.labelFormat ?? options.format;
  const band = (frame.width - frame.left - frame.right) / Math.max(1, options.categories.length);
  const groups = options.stacked ? 1 : options.series.length;
  const barWidth = Math.min(44, (band * 0.7) / groups);
  const zero = ax.y(Math.max(0, ax.ticks[0]));
  let bars = '';
  options.categories.forEach((category, i) => {
    const start = frame.left + band * i + (band - barWidth * groups) / 2;
    let stackTop = zero;
    options.series.forEach((s, k) => {
      const v = s.values[i];
      const x = options.stacked ? start : start + barWidth * k;
      if (v !== null) {
        const top = options.stacked ? stackTop - (zero - ax.y(v)) : ax.y(Math.max(v, 0));
        const bottom = options.stacked ? stackTop : ax.y(Math.min(v, 0));
        const height = Math.max(0, bottom - top);
        bars += `<rect class="bar" x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${height.toFixed(1)}" fill="${s.color}"><title>${e(`${category} ${s.name}: ${options.format(v)}`)}</title></rect>`;
        if (!options.stacked) bars += `<text class="barlabel" x="${(x + barWidth / 2 - 1).toFixed(1)}" y="${(Math.min(top, bottom) - 4).toFixed(1)}" text-anchor="middle">${e(label(v))}</text>`;
        if (options.stacked) stackTop = top;
      }
      const target = s.targets?.[i];
      if (target != null) {
        const y = ax.y(target).toFixed(1);
        bars += `<line class="target-mark" x1="${(x - 4).toFixed(1)}" x2="${(x + barWidth + 2).toFixed(1)}" y1="${y}" y2="${y}"><title>${e(`${category} ${options.targetName ?? '目标 target'}: ${options.format(target)}`)}</title></line>`;
      }
    });
    if (options.stacked) bars += `<text class="barlabel" x="${(start + barWidth / 2 - 1).toFixed(1)}" y="${(stackTop - 4).toFixed(1)}" text-anchor="middle">${e(label(sums[i]))}</text>`;
    bars += `<text class="tick" x="${(frame.left + band * (i + 0.5)).toFixed(1)}" y="${frame.height - frame.bottom + 16}" text-anchor="middle">${e(category)}</text>`;
  });
  const refs = refLines
    .map((r) => {
      const y = ax.y(r.value).toFixed(1);
      return `<line class="ref" x1="${frame.left}" x2="${frame.width - frame.right}" y1="${y}" y2="${y}" stroke="${r.color}"/><text class="reflabel" x="${frame.width - frame.right}" y="${(Number(y) - 5).toFixed(1)}" text-anchor="end" fill="${r.color}">${e(r.label)}</text>`;
    })
    .join('');
  const legendItems: LegendItem[] = options.series.map((s) => ({ name: s.name, color: s.color, bar: true }));
  if (options.series.some((s) => s.targets)) legendItems.push({ name: options.targetName ?? '目标 target', color: COLORS.ink });
  const body = `<text class="charttitle" x="14" y="20">${e(options.title)}</text>${legend(legendItems, frame)}${grid(frame, ax, options.format)}${bars}${refs}`;
  return svg(options.title, body, frame, 'bar-chart');
}

// ───────────────────────────── the page ─────────────────────────────

const yuan = (fen: number) => `¥${Math.round(fen / 100).toLocaleString('en-US')}`;
const pctAxis = (v: number) => `${Number(v.toFixed(2))}%`;
const bpToPct = (bp: number | null) => (bp === null ? null : bp / 100);

function runningTotal(values: number[]): number[] {
  let sum = 0;
  return values.map((v) => (sum += v));
}

/** Where the range target would be at the end of each week if it were earned evenly by day. */
function pace(target: number | null, report: KpiReport): Array<number | null> {
  if (target === null) return report.weeks.map(() => null);
  const days = runningTotal(report.weeks.map((w) => w.days));
  return days.map((d) => (target * d) / report.range.days);
}

function card(label: string, value: string, detail: string, state: 'good' | 'bad' | 'plain' = 'plain', progressBp: number | null = null): string {
  const bar = progressBp === null ? '' : `<div class="progress"><div style="width:${Math.min(100, Math.max(0, progressBp / 100)).toFixed(1)}%"></div></div>`;
  return `<div class="card ${state}"><div class="label">${e(label)}</div><div class="value">${e(value)}</div>${bar}<div class="detail">${e(detail)}</div></div>`;
}

const targetState = (t: AgainstTarget): 'good' | 'bad' | 'plain' => (t.bp === null ? 'plain' : t.bp >= 10_000 ? 'good' : 'plain');
const ratioText = (r: Ratio) => (r.denominator === 0 ? '–' : `${percent(r.bp)}`);
const ofText = (r: Ratio) => (r.denominator === 0 ? 'nothing to count' : `${r.numerator} / ${r.denominator}`);

function cards(f: KpiFigures): string {
  const t = (a: AgainstTarget, money = false) => (a.target === null ? 'no target set' : `目标 target ${money ? formatFen(a.target) : a.target} · ${percent(a.bp)}`);
  return [
    card('受理台次 Repair orders', String(f.repairOrders.actual), t(f.repairOrders), targetState(f.repairOrders), f.repairOrders.bp),
    card('有偿回厂 Paid return visits', String(f.paidVisits.actual), t(f.paidVisits), targetState(f.paidVisits), f.paidVisits.bp),
    card('服务收入 Service revenue', yuan(f.revenue.service.actual), t(f.revenue.service, true), targetState(f.revenue.service), f.revenue.service.bp),
    card('满意度 Satisfaction', f.satisfaction.averageHundredths === null ? '–' : (f.satisfaction.averageHundredths / 100).toFixed(2), `of 5 · ${f.satisfaction.responses} answers`),
    card('NPS', f.nps.bp === null ? '–' : `${f.nps.bp > 0 ? '+' : ''}${(f.nps.bp / 100).toFixed(0)}`, `${f.nps.promoters} promoters · ${f.nps.detractors} detractors of ${f.nps.respondents}`, f.nps.bp === null ? 'plain' : f.nps.bp >= 0 ? 'good' : 'bad'),
    card(
      '重大投诉率 Major complaints',
      ratioText(f.complaints.majorRate),
      `${ofText(f.complaints.majorRate)} · ceiling ${percent(f.complaints.ceilingBp)}`,
      f.complaints.overCeiling === null ? 'plain' : f.complaints.overCeiling ? 'bad' : 'good',
    ),
  ].join('');
}

const ratioCell = (r: Ratio) => (r.denominator === 0 ? '<td>–</td>' : `<td>${percent(r.bp)}<small>${r.numerator}/${r.denominator}</small></td>`);
const targetCell = (a: AgainstTarget, money = false) => {
  const show = (n: number) => (money ? formatFen(n) : String(n));
  return `<td>${show(a.actual)}${a.target === null ? '' : `<small>/ ${show(a.target)} · ${percent(a.bp)}</small>`}</td>`;
};
const moneyCell = (fen: number) => `<td>${formatFen(fen)}</td>`;

const TABLE_ROWS: Array<[string, (f: KpiFigures) => string]> = [
  ['受理台次 Repair orders handled', (f) => targetCell(f.repairOrders)],
  ['有偿回厂台数 Paid return visits', (f) => targetCell(f.paidVisits)],
  ['服务收入 Service revenue', (f) => targetCell(f.revenue.service, true)],
  ['　客户付费 Customer pay (net of discount, before tax)', (f) => moneyCell(f.revenue.customerPay.netFen)],
  ['　　工时 Labour', (f) => moneyCell(f.revenue.customerPay.labourFen)],
  ['　　配件 Parts', (f) => moneyCell(f.revenue.customerPay.partsFen)],
  ['　　折扣 Discount', (f) => moneyCell(f.revenue.customerPay.discountFen)],
  ['　保修 Warranty (labour + parts)', (f) => moneyCell(f.revenue.warranty.totalFen)],
  ['善意 Goodwill — not revenue', (f) => moneyCell(f.revenue.goodwill.totalFen)],
  ['内部 Internal — not revenue', (f) => moneyCell(f.revenue.internal.totalFen)],
  ['预约率 Booking rate', (f) => ratioCell(f.bookingRate)],
  ['爽约率 No-show rate', (f) => ratioCell(f.noShowRate)],
  ['错单率 Error rate', (f) => ratioCell(f.errorRate)],
  ['追加项目批准率 Extra work approved (items)', (f) => ratioCell(f.extraWork.items)],
  ['　按金额 by value', (f) => (f.extraWork.valueFen.denominator === 0 ? '<td>–</td>' : `<td>${percent(f.extraWork.valueFen.bp)}<small>${formatFen(f.extraWork.valueFen.numerator)} / ${formatFen(f.extraWork.valueFen.denominator)}</small></td>`)],
  ['满意度 Satisfaction (1–5)', (f) => `<td>${f.satisfaction.averageHundredths === null ? '–' : (f.satisfaction.averageHundredths / 100).toFixed(2)}<small>n=${f.satisfaction.responses}</small></td>`],
  ['NPS (9–10 minus 0–6)', (f) => `<td>${f.nps.bp === null ? '–' : (f.nps.bp / 100).toFixed(1)}<small>${f.nps.promoters}−${f.nps.detractors} of ${f.nps.respondents}</small></td>`],
  ['投诉率 Complaint rate', (f) => ratioCell(f.complaints.rate)],
  ['重大投诉率 Major complaints (≤ 1 %)', (f) => (f.complaints.overCeiling ? ratioCell(f.complaints.majorRate).replace('<td>', '<td class="over">') : ratioCell(f.complaints.majorRate))],
  ['任务及时率 Tasks done on time', (f) => ratioCell(f.tasksOnTime)],
];

function figuresTable(subjects: Array<[string, KpiFigures]>): string {
  const head = `<tr><th></th>${subjects.map(([name]) => `<th>${e(name)}</th>`).join('')}</tr>`;
  const rows = TABLE_ROWS.map(([label, cell]) => `<tr><th>${e(label)}</th>${subjects.map(([, f]) => cell(f)).join('')}</tr>`).join('');
  return `<table class="figures"><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

function weeksTable(report: KpiReport): string {
  const head = '<tr><th>周 Week</th><th>受理 Orders</th><th>有偿 Paid</th><th>收入 Revenue</th><th>预约率</th><th>爽约率</th><th>错单率</th><th>NPS</th><th>投诉率</th><th>重大投诉</th></tr>';
  const rows = report.weeks
    .map((w) => {
      const f = w.figures;
      return `<tr><th>${e(`${w.from} – ${w.to}`)}</th>${targetCell(f.repairOrders)}${targetCell(f.paidVisits)}${targetCell(f.revenue.service, true)}${ratioCell(f.bookingRate)}${ratioCell(f.noShowRate)}${ratioCell(f.errorRate)}<td>${f.nps.bp === null ? '–' : (f.nps.bp / 100).toFixed(1)}</td>${ratioCell(f.complaints.rate)}${ratioCell(f.complaints.majorRate)}</tr>`;
    })
    .join('');
  return `<table class="weeks"><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

function targetsTable(report: KpiReport): string {
  if (!report.targets.length) return '<p class="note">No targets are set for these months: <code>aftercare target set &lt;advisor&gt; &lt;YYYY-MM&gt; --orders N --paid N --revenue ¥N</code>.</p>';
  const rows = report.targets
    .map((t) => `<tr><th>${e(t.advisorName)}</th><td>${e(t.month)}</td><td>${t.repairOrders}</td><td>${t.paidVisits}</td><td>${formatFen(t.revenueFen)}</td><td>${t.days} / ${t.daysInMonth}</td></tr>`)
    .join('');
  return `<table class="targets"><thead><tr><th>顾问 Advisor</th><th>月 Month</th><th>受理 Orders</th><th>有偿 Paid</th><th>收入 Revenue</th><th>days counted</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function renderKpiHtml(report: KpiReport): string {
  const f = report.figures;
  const at = localParts(new Date(report.generatedAt), report.shop.timeZone);
  const generated = `${at.date} ${minuteToTime(at.minute)}`;
  const weekLabels = report.weeks.map((w) => (w.days === 1 ? w.from.slice(5) : `${w.from.slice(5)}–${w.to.slice(8)}`));
  const who = report.scope.kind === 'shop' ? '全店 whole shop' : report.scope.name;
  const week = (pick: (f: KpiFigures) => number) => report.weeks.map((w) => pick(w.figures));

  const trend = [
    lineChart({
      title: '受理台次 · 有偿回厂 累计 Orders and paid visits, running total',
      categories: weekLabels,
      format: (v) => String(Math.round(v)),
      series: [
        { name: '受理 orders', color: COLORS.blue, values: runningTotal(week((x) => x.repairOrders.actual)) },
        { name: '受理目标', color: COLORS.blue, values: pace(f.repairOrders.target, report), dashed: true },
        { name: '有偿 paid', color: COLORS.teal, values: runningTotal(week((x) => x.paidVisits.actual)) },
        { name: '有偿目标 targets', color: COLORS.teal, values: pace(f.paidVisits.target, report), dashed: true },
      ],
    }),
    lineChart({
      title: '服务收入 累计 Service revenue, running total',
      categories: weekLabels,
      format: (v) => yuan(v),
      series: [
        { name: '收入 revenue', color: COLORS.purple, values: runningTotal(week((x) => x.revenue.service.actual)) },
        { name: '目标 target', color: COLORS.purple, values: pace(f.revenue.service.target, report), dashed: true },
        { name: '其中保修 of which warranty', color: COLORS.amber, values: runningTotal(week((x) => x.revenue.warranty.totalFen)) },
      ],
    }),
    lineChart({
      title: '预约率 · 爽约率 · 错单率 Booking, no-show, error rate by week',
      categories: weekLabels,
      format: pctAxis,
      series: [
        { name: '预约率 booking', color: COLORS.blue, values: report.weeks.map((w) => bpToPct(w.figures.bookingRate.bp)) },
        { name: '爽约率 no-show', color: COLORS.orange, values: report.weeks.map((w) => bpToPct(w.figures.noShowRate.bp)) },
        { name: '错单率 error', color: COLORS.red, values: report.weeks.map((w) => bpToPct(w.figures.errorRate.bp)) },
      ],
    }),
    lineChart({
      title: '投诉率 · 重大投诉率 Complaints by week, 1 % ceiling',
      categories: weekLabels,
      format: pctAxis,
      refLines: [{ value: f.complaints.ceilingBp / 100, label: `重大投诉上限 ceiling ${percent(f.complaints.ceilingBp)}`, color: COLORS.red }],
      series: [
        { name: '投诉率 complaints', color: COLORS.grey, values: report.weeks.map((w) => bpToPct(w.figures.complaints.rate.bp)) },
        { name: '重大投诉率 major', color: COLORS.red, values: report.weeks.map((w) => bpToPct(w.figures.complaints.majorRate.bp)) },
      ],
    }),
    lineChart({
      title: 'NPS by week (promoters − detractors)',
      categories: weekLabels,
      format: (v) => String(Number(v.toFixed(1))),
      refLines: [{ value: 0, label: '0', color: COLORS.grey }],
      series: [{ name: 'NPS (−100…100)', color: COLORS.green, values: report.weeks.map((w) => bpToPct(w.figures.nps.bp)) }],
    }),
    lineChart({
      title: '满意度 Satisfaction by week (1–5)',
      categories: weekLabels,
      format: (v) => v.toFixed(1),
      floor: 3,
      series: [{ name: '满意度 average', color: COLORS.amber, values: report.weeks.map((w) => (w.figures.satisfaction.averageHundredths === null ? null : w.figures.satisfaction.averageHundredths / 100)) }],
      refLines: [{ value: 5, label: '5 = 非常满意', color: COLORS.grey }],
    }),
  ];

  const advisors = report.advisors;
  const names = advisors.map((a) => a.name);
  const perAdvisor =
    report.scope.kind === 'shop' && advisors.length
      ? [
          barChart({
            title: '受理台次 · 有偿回厂 Orders and paid visits per advisor',
            categories: names,
            format: (v) => String(Math.round(v)),
            series: [
              { name: '受理 orders', color: COLORS.blue, values: advisors.map((a) => a.figures.repairOrders.actual), targets: advisors.map((a) => a.figures.repairOrders.target) },
              { name: '有偿 paid', color: COLORS.teal, values: advisors.map((a) => a.figures.paidVisits.actual), targets: advisors.map((a) => a.figures.paidVisits.target) },
            ],
          }),
          barChart({
            title: '服务收入 Revenue per advisor: customer pay + warranty',
            categories: names,
            format: yuan,
            stacked: true,
            series: [
              { name: '客户付费 customer pay', color: COLORS.purple, values: advisors.map((a) => a.figures.revenue.customerPay.netFen) },
              { name: '保修 warranty', color: COLORS.amber, values: advisors.map((a) => a.figures.revenue.warranty.totalFen), targets: advisors.map((a) => a.figures.revenue.service.target) },
            ],
          }),
          barChart({
            title: '投诉率 · 重大投诉率 per advisor, 1 % ceiling',
            categories: names,
            format: pctAxis,
            labelFormat: (v) => `${v.toFixed(1)}%`,
            refLines: [{ value: f.complaints.ceilingBp / 100, label: `上限 ceiling ${percent(f.complaints.ceilingBp)}`, color: COLORS.red }],
            series: [
              { name: '投诉率 complaints', color: COLORS.grey, values: advisors.map((a) => bpToPct(a.figures.complaints.rate.bp)) },
              { name: '重大投诉率 major', color: COLORS.red, values: advisors.map((a) => bpToPct(a.figures.complaints.majorRate.bp)) },
            ],
          }),
          barChart({
            title: '比率 Rates per advisor',
            categories: names,
            format: pctAxis,
            labelFormat: (v) => `${Math.round(v)}%`,
            series: [
              { name: '预约率 booking', color: COLORS.blue, values: advisors.map((a) => bpToPct(a.figures.bookingRate.bp)) },
              { name: '追加批准 extra work', color: COLORS.teal, values: advisors.map((a) => bpToPct(a.figures.extraWork.items.bp)) },
              { name: '任务及时 tasks', color: COLORS.green, values: advisors.map((a) => bpToPct(a.figures.tasksOnTime.bp)) },
              { name: '错单率 error', color: COLORS.red, values: advisors.map((a) => bpToPct(a.figures.errorRate.bp)) },
            ],
          }),
        ]
      : [];

  const subjects: Array<[string, KpiFigures]> = report.scope.kind === 'shop' ? [['全店 Shop', f], ...advisors.map((a): [string, KpiFigures] => [a.name, a.figures])] : [[report.scope.name, f]];
  const problems = report.problems.length ? `<h2>Left out</h2><ul>${report.problems.map((p) => `<li><b>${e(p.repairOrderNumber)}</b>: ${e(p.problem)}</li>`).join('')}</ul>` : '';
  const basis = Object.entries(report.basis)
    .map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`)
    .join('');

  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`${report.shop.name} KPI ${report.range.from} – ${report.range.to}`)}</title>
<style>
  :root { color-scheme: light; }
  * { box-sizing: border-box; }
  body { margin: 0; padding: 28px 32px 40px; background: #f8fafc; color: ${COLORS.ink}; font: 14px/1.45 "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei", system-ui, sans-serif; }
  header { display: flex; justify-content: space-between; align-items: baseline; flex-wrap: wrap; gap: 8px; margin-bottom: 18px; }
  h1 { font-size: 22px; margin: 0; }
  h1 small { font-weight: 400; color: ${COLORS.grey}; font-size: 15px; margin-left: 8px; }
  h2 { font-size: 16px; margin: 28px 0 10px; }
  .meta { color: ${COLORS.grey}; }
  .cards { display: grid; grid-template-columns: repeat(6, minmax(150px, 1fr)); gap: 12px; }
  .card { background: #fff; border: 1px solid #e2e8f0; border-radius: 10px; padding: 12px 14px; border-top: 4px solid #cbd5e1; }
  .card.good { border-top-color: ${COLORS.green}; }
  .card.bad { border-top-color: ${COLORS.red}; }
  .card .label { color: ${COLORS.grey}; font-size: 12px; }
  .card .value { font-size: 26px; font-weight: 700; margin: 2px 0; }
  .card.bad .value { color: ${COLORS.red}; }
  .card .detail { color: ${COLORS.grey}; font-size: 12px; }
  .progress { height: 6px; background: #e2e8f0; border-radius: 3px; overflow: hidden; margin: 4px 0; }
  .progress div { height: 100%; background: ${COLORS.blue}; }
  .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 14px; }
  .chart { background: #fff; border: 1px solid #e2e8f0; border-radius: 10px; width: 100%; height: auto; }
  .chart text { font-family: inherit; fill: ${COLORS.ink}; }
  .chart .charttitle { font-size: 13px; font-weight: 600; }
  .chart .legend, .chart .tick { font-size: 11px; fill: #475569; }
  .chart .barlabel { font-size: 10px; fill: #334155; }
  .chart .reflabel { font-size: 11px; font-weight: 600; }
  .chart .grid { stroke: #e2e8f0; stroke-width: 1; }
  .chart .series { fill: none; stroke-width: 2.5; stroke-linejoin: round; stroke-linecap: round; }
  .chart .series.target { stroke-width: 2; opacity: 0.8; }
  .chart .ref { stroke-width: 2; stroke-dasharray: 8 4; }
  .chart .target-mark { stroke: ${COLORS.ink}; stroke-width: 2.5; }
  table { border-collapse: collapse; background: #fff; border: 1px solid #e2e8f0; font-variant-numeric: tabular-nums; }
  th, td { padding: 5px 10px; border-bottom: 1px solid #f1f5f9; text-align: right; white-space: nowrap; }
  th:first-child { text-align: left; font-weight: 500; }
  thead th { background: #f1f5f9; font-weight: 600; text-align: right; }
  td small { color: ${COLORS.grey}; margin-left: 6px; }
  td.over { color: ${COLORS.red}; font-weight: 700; }
  .note, dl { color: ${COLORS.grey}; font-size: 12px; }
  dt { font-weight: 600; float: left; width: 120px; clear: left; }
  dd { margin: 0 0 4px 130px; }
  @media print { body { background: #fff; padding: 0; } .chart, .card, table { break-inside: avoid; } }
</style>
</head>
<body>
<header>
  <h1>${e(report.shop.name)} 售后服务 KPI<small>${e(who)}</small></h1>
  <div class="meta">${e(report.range.from)} – ${e(report.range.to)} · ${report.range.days} days · ${e(report.shop.timeZone)} · generated ${e(generated)}</div>
</header>
<section class="cards">${cards(f)}</section>
<h2>趋势 Trend by week</h2>
<section class="charts">${trend.join('\n')}</section>
${perAdvisor.length ? `<h2>顾问对比 Advisors</h2>\n<section class="charts">${perAdvisor.join('\n')}</section>` : ''}
<h2>明细 Figures</h2>
${figuresTable(subjects)}
<h2>按周 By week (${e(who)})</h2>
${weeksTable(report)}
<h2>目标 Targets</h2>
${targetsTable(report)}
${problems}
<h2>口径 How each figure is counted</h2>
<dl>${basis}</dl>
</body>
</html>
`;
}
