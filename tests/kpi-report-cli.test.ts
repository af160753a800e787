import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { databaseBackend, renderKpiText, runReportCommand, runTargetCommand, type KpiBackend } from '../bot/cli/report';
import { renderKpiHtml } from '../bot/cli/report-html';
import { startApp, type App } from '../bot/app';
import { createLogger } from '../bot/logger';
import { main } from '../bot/cli';
import { loadConfig } from '../services/config';
import { kpiSummary, type KpiReport } from '../services/kpi';
import { createTestDatabase, type TestDatabase } from './support/database';
import { buildKpiDataset, NOVEMBER, REPORT_NOW, type KpiDataset } from './support/kpi-dataset';

/**
 * `aftercare report` and `aftercare target set` on the fixed November data set: the three
 * outputs, the self-contained HTML (parsed, its SVG charts checked), usage errors that exit 2
 * with one sentence, and the way through a running bot's admin socket.
 */
let db: TestDatabase;
let data: KpiDataset;
let backend: KpiBackend;
let report: KpiReport;

beforeAll(async () => {
  db = await createTestDatabase();
  data = await buildKpiDataset(db.prisma);
  backend = databaseBackend(db.prisma, data.shopId, 'cli');
  report = await kpiSummary(db.prisma, { shopId: data.shopId, advisorId: null, ...NOVEMBER, now: REPORT_NOW });
}, 120_000);
afterAll(() => db?.close());

async function run(command: typeof runReportCommand, args: string[], withBackend: KpiBackend | null = backend) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const code = await command(args, { stdout, stderr }, { ...(withBackend ? { backend: withBackend } : {}), now: () => REPORT_NOW });
  return { code, out, err };
}

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

function elements(node: Node, out: Element[] = []): Element[] {
  if ('tagName' in node) out.push(node as Element);
  const children = (node as { childNodes?: Node[] }).childNodes ?? [];
  for (const child of children) elements(child, out);
  if ('content' in node && (node as Element & { content?: Node }).content) elements((node as unknown as { content: Node }).content, out);
  return out;
}
const attr = (el: Element, name: string) => el.attrs.find((a) => a.name === name)?.value;
const hasClass = (el: Element, name: string) => (attr(el, 'class') ?? '').split(/\s+/).includes(name);
const textOf = (el: Node): string => ('value' in el && el.nodeName === '#text' ? (el as { value: string }).value : ((el as { childNodes?: Node[] }).childNodes ?? []).map(textOf).join(''));

describe('the HTML report', () => {
  let html: string;
  let all: Element[];
  const problems: string[] = [];
  beforeAll(() => {
    html = renderKpiHtml(report);
    all = elements(parse(html, { onParseError: (e) => problems.push(`${e.code} at ${e.startLine}:${e.startCol}`) }));
  });

  it('is one file that needs nothing from anywhere: no address, script, stylesheet link or image', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\/\/[a-z0-9.-]+\.[a-z]{2,}/i); // no protocol-relative address either
    expect(all.filter((el) => ['script', 'link', 'img', 'iframe', 'object', 'embed', 'image', 'use'].includes(el.tagName))).toEqual([]);
    expect(all.filter((el) => el.attrs.some((a) => /^(src|href|xlink:href)$/.test(a.name)))).toEqual([]);
    expect(html).not.toMatch(/url\(|@import/);
    expect(all.filter((el) => el.tagName === 'style')).toHaveLength(1);
  });

  it('parses as HTML without errors', () => {
    expect(problems).toEqual([]);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(all.find((el) => el.tagName === 'title') && textOf(all.find((el) => el.tagName === 'title')!)).toBe('安途汽车4S店（演示） KPI 2026-11-01 – 2026-11-30');
  });

  it('draws the weekly trend as lines, targets as dashed lines, advisors as bars and the 1 % ceiling as a line', () => {
    const svgs = all.filter((el) => el.tagName === 'svg');
    // Six trend charts (orders, revenue, rates, complaints, NPS, satisfaction) and four per-advisor charts.
    expect(svgs.filter((s) => hasClass(s, 'line-chart'))).toHaveLength(6);
    expect(svgs.filter((s) => hasClass(s, 'bar-chart'))).toHaveLength(4);
    for (const svg of svgs) {
      expect(attr(svg, 'viewBox')).toMatch(/^0 0 \d+ \d+$/);
      expect(elements(svg).some((el) => el.tagName === 'title')).toBe(true);
      // Every coordinate is a number: no NaN or Infinity from an empty week.
      for (const el of elements(svg)) for (const a of el.attrs) if (/^(x|y|x1|x2|y1|y2|cx|cy|width|height|d)$/.test(a.name)) expect(a.value).not.toMatch(/NaN|Infinity/);
    }
    const inSvg = (title: string) => elements(svgs.find((s) => attr(s, 'aria-label')!.startsWith(title))!);

    const orders = inSvg('受理台次 · 有偿回厂 累计');
    const lines = orders.filter((el) => el.tagName === 'path' && hasClass(el, 'series'));
    expect(lines).toHaveLength(4);
    expect(lines.filter((el) => hasClass(el, 'target') && attr(el, 'stroke-dasharray'))).toHaveLength(2);
    // Running total of orders handled, one point per week: 0 2 4 7 9 9.
    const dots = orders.filter((el) => el.tagName === 'circle').map((el) => textOf(el));
    expect(dots.slice(0, 6)).toEqual(['受理 orders 11-01: 0', '受理 orders 11-02–08: 2', '受理 orders 11-09–15: 4', '受理 orders 11-16–22: 7', '受理 orders 11-23–29: 9', '受理 orders 11-30: 9']);

    const complaints = inSvg('投诉率 · 重大投诉率 Complaints by week');
    const ceiling = complaints.filter((el) => el.tagName === 'line' && hasClass(el, 'ref'));
    expect(ceiling).toHaveLength(1);
    expect(attr(ceiling[0], 'y1')).toBe(attr(ceiling[0], 'y2'));
    expect(complaints.some((el) => el.tagName === 'text' && textOf(el).includes('ceiling 1.00%'))).toBe(true);

    const perAdvisor = inSvg('受理台次 · 有偿回厂 Orders and paid visits per advisor');
    // 3 advisors × 2 series, each bar with a target mark where a target is set (the manager has none).
    expect(perAdvisor.filter((el) => el.tagName === 'rect' && hasClass(el, 'bar'))).toHaveLength(6);
    expect(perAdvisor.filter((el) => el.tagName === 'line' && hasClass(el, 'target-mark'))).toHaveLength(4);
    const majorBars = inSvg('投诉率 · 重大投诉率 per advisor');
    expect(majorBars.filter((el) => el.tagName === 'line' && hasClass(el, 'ref'))).toHaveLength(1);
  });

  it('carries the tables with the same figures as the JSON', () => {
    const cells = all.filter((el) => el.tagName === 'td').map((el) => textOf(el));
    expect(cells).toContain('¥3,671.00/ ¥5,000.00 · 73.42%'); // shop service revenue against target
    expect(cells).toContain('55.56%5/9'); // booking rate
    const over = all.filter((el) => el.tagName === 'td' && hasClass(el, 'over')).map((el) => textOf(el));
    expect(over).toEqual(['11.11%1/9', '20.00%1/5']); // 重大投诉 over the ceiling: the shop and 张敏
    expect(textOf(all.find((el) => el.tagName === 'body')!)).toContain('warranty does not apply (expired-by-date)');
  });

  it('for one advisor, draws their trend and no comparison', async () => {
    const mine = await kpiSummary(db.prisma, { shopId: data.shopId, advisorId: data.advisors.A, ...NOVEMBER, now: REPORT_NOW });
    const out = renderKpiHtml(mine);
    const svgs = elements(parse(out)).filter((el) => el.tagName === 'svg');
    expect(svgs.filter((s) => hasClass(s, 'line-chart'))).toHaveLength(6);
    expect(svgs.filter((s) => hasClass(s, 'bar-chart'))).toHaveLength(0);
    expect(out).toContain('<small>张敏</small>');
    expect(out).not.toMatch(/https?:\/\//i);
  });

  it('escapes names', () => {
    const hostile = { ...report, advisors: [{ ...report.advisors[0], name: '<b onclick="x">张</b>' }] };
    const out = renderKpiHtml(hostile);
    expect(out).not.toContain('<b onclick');
    expect(out).toContain('&lt;b onclick=&quot;x&quot;&gt;');
  });
});

describe('aftercare report', () => {
  it('prints a text table by default', async () => {
    const r = await run(runReportCommand, ['--from', '2026-11-01', '--to', '2026-11-30']);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toBe(renderKpiText(report));
    expect(r.out).toMatch(/受理台次 Repair orders \/ target\s+9 \/ 11 \(81\.82%\)\s+5 \/ 6 \(83\.33%\)\s+3 \/ 5 \(60\.00%\)\s+0\n/);
    expect(r.out).toContain('RO-20261030-');
  });

  it('prints the report as JSON with --json, and one advisor with --advisor', async () => {
    const all = await run(runReportCommand, ['--from=2026-11-01', '--to=2026-11-30', '--json']);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.out)).toEqual(report);
    const mine = await run(runReportCommand, ['--from', '2026-11-01', '--to', '2026-11-30', '--advisor', '李强', '--json']);
    const parsed = JSON.parse(mine.out) as KpiReport;
    expect(parsed.scope).toEqual({ kind: 'advisor', advisorId: data.advisors.B, name: '李强' });
    expect(parsed.figures).toEqual(report.advisors.find((a) => a.name === '李强')!.figures);
  });

  it('writes one HTML file with --html', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kpi-html-')), 'november.html');
    const r = await run(runReportCommand, ['--from', '2026-11-01', '--to', '2026-11-30', '--html', file]);
    expect(r).toEqual({ code: 0, out: `KPI report 2026-11-01 … 2026-11-30 written to ${file}\n`, err: '' });
    expect(fs.readFileSync(file, 'utf8')).toBe(renderKpiHtml(report));
  });

  it.each([
    [['--from', '2026-13-01', '--to', '2026-11-30'], 'aftercare: --from 2026-13-01 is not a calendar date written YYYY-MM-DD\n'],
    [['--from', '2026-11-01', '--to', '30.11.2026'], 'aftercare: --to 30.11.2026 is not a calendar date written YYYY-MM-DD\n'],
    [['--from', '2026-11-30', '--to', '2026-11-01'], 'aftercare: the range ends (2026-11-01) before it starts (2026-11-30)\n'],
    [['--from', '2025-01-01', '--to', '2026-11-30'], 'aftercare: a report covers at most 366 days\n'],
    [['--from', '2026-11-01'], 'aftercare: --to is missing (the last day, YYYY-MM-DD)\n'],
    [['--from', '2026-11-01', '--to', '2026-11-30', '--json', '--html', 'x.html'], 'aftercare: --json and --html are alternatives: give one\n'],
    [['--from', '2026-11-01', '--to', '2026-11-30', '--advisor', '赵六'], 'aftercare: no advisor named "赵六" in this shop\n'],
  ])('exits 2 with one sentence for %j', async (args, message) => {
    const r = await run(runReportCommand, args);
    expect(r).toEqual({ code: 2, out: '', err: message });
  });

  it('exits 2 on an option it does not know, naming it', async () => {
    const r = await run(runReportCommand, ['--from', '2026-11-01', '--to', '2026-11-30', '--csv']);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe("aftercare: Unknown option '--csv'");
  });

  it('is reached from bin/aftercare’s dispatcher', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (c) => (err += c));
    expect(await main(['report', '--from', 'yesterday', '--to', '2026-11-30'], { stdin: process.stdin, stdout, stderr })).toBe(2);
    expect(err).toBe('aftercare: --from yesterday is not a calendar date written YYYY-MM-DD\n');
  });
});

describe('aftercare target set', () => {
  it('sets an advisor’s month, then says what it replaced', async () => {
    const first = await run(runTargetCommand, ['set', '张敏', '2027-03', '--orders', '120', '--paid', '80', '--revenue', '¥350,000']);
    expect(first).toEqual({ code: 0, out: 'Targets of 张敏 for 2027-03: 120 repair orders, 80 paid return visits, revenue ¥350,000.00.\n', err: '' });
    const second = await run(runTargetCommand, ['set', '张敏', '2027-03', '--orders=110', '--paid=75', '--revenue=32万']);
    expect(second.out).toBe('Targets of 张敏 for 2027-03: 110 repair orders, 75 paid return visits, revenue ¥320,000.00 (were 120 repair orders, 80 paid return visits, revenue ¥350,000.00).\n');
    expect(await db.prisma.advisorTarget.findUnique({ where: { advisorId_month: { advisorId: data.advisors.A, month: '2027-03' } } })).toMatchObject({ repairOrders: 110, paidVisits: 75, revenueFen: 32_000_000, setBy: 'cli' });
  });

  it.each([
    [['set', '张敏', '2027-3', '--orders', '1', '--paid', '1', '--revenue', '1'], 'aftercare: the month must be written YYYY-MM, e.g. 2026-11\n'],
    [['set', '张敏', '2027-03', '--orders', 'many', '--paid', '1', '--revenue', '1'], 'aftercare: --orders must be a whole number\n'],
    [['set', '张敏', '2027-03', '--orders', '10', '--paid', '1', '--revenue', '¥1.234'], 'aftercare: --revenue ¥1.234 is not an amount of yuan (e.g. ¥350000, 350,000.00 or 35万)\n'],
    [['set', '张敏', '2027-03', '--paid', '1', '--revenue', '1'], 'aftercare: --orders is missing\n'],
    [['set', '张敏', '2027-03', '--orders', '1', '--paid', '2', '--revenue', '1'], 'aftercare: --paid (paid return visits) cannot exceed --orders (repair orders handled)\n'],
    [['set', '赵六', '2027-03', '--orders', '1', '--paid', '1', '--revenue', '1'], 'aftercare: no advisor named "赵六" in this shop\n'],
  ])('exits 2 with one sentence for %j', async (args, message) => {
    expect(await run(runTargetCommand, args)).toEqual({ code: 2, out: '', err: message });
  });

  it('shows its usage for anything but set', async () => {
    const r = await run(runTargetCommand, ['list']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('usage: aftercare target set <advisor> <YYYY-MM> --orders N --paid N --revenue ¥N\n');
  });
});

describe('beside a running embedded bot', () => {
  // The bot as `aftercare start` runs it on an embedded data directory (admin socket and all),
  // in this process; the command finds the socket through DATABASE_URL as a user's shell would.
  let dir: string;
  let app: App;
  let botData: KpiDataset;
  const saved = { DATABASE_URL: process.env.DATABASE_URL, SHOP_CODE: process.env.SHOP_CODE };
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpi-bot-'));
    const config = loadConfig({ DATABASE_URL: `pglite:${dir}`, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    app = await startApp(config, createLogger('silent'), { now: () => REPORT_NOW, jobs: false });
    botData = await buildKpiDataset(app.db.prisma);
    process.env.DATABASE_URL = `pglite:${dir}`;
    delete process.env.SHOP_CODE;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('asks the bot over its admin socket and gets the report the bot computes', async () => {
    expect(app.admin).not.toBeNull();
    const r = await run(runReportCommand, ['--from', '2026-11-01', '--to', '2026-11-30', '--json'], null);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const expected = await kpiSummary(app.db.prisma, { shopId: botData.shopId, advisorId: null, ...NOVEMBER, now: REPORT_NOW });
    expect(JSON.parse(r.out)).toEqual(expected);
    // The same figures as on the test database: the data set, not the database, decides them.
    expect(expected.figures).toEqual(report.figures);
  });

  it('keeps the exit status of a refusal made in the bot, and sets targets there', async () => {
    expect(await run(runReportCommand, ['--from', '2026-11-01', '--to', '2026-11-30', '--advisor', '赵六'], null)).toEqual({ code: 2, out: '', err: 'aftercare: no advisor named "赵六" in this shop\n' });
    const set = await run(runTargetCommand, ['set', '李强', '2027-04', '--orders', '9', '--paid', '3', '--revenue', '¥9000'], null);
    expect(set).toEqual({ code: 0, out: 'Targets of 李强 for 2027-04: 9 repair orders, 3 paid return visits, revenue ¥9,000.00.\n', err: '' });
    expect(await app.db.prisma.advisorTarget.findUnique({ where: { advisorId_month: { advisorId: botData.advisors.B, month: '2027-04' } } })).toMatchObject({ setBy: 'admin-channel' });
  });
});
