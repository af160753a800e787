/**
 * `aftercare report` and `aftercare target set`: the service manager's KPIs (services/kpi)
 * as a text table, JSON or one self-contained HTML file, and the monthly targets they are
 * measured against.
 *
 * Where the figures come from: PGlite is single-process and a running embedded bot holds its
 * data directory, and a read-only second PGlite on the same files is not possible (PGlite has
 * no read-only mode, and copying the files of a running cluster gives no consistent snapshot).
 * So, as `advisor invite` does, the CLI asks the running bot over its admin socket
 * (bot/admin-channel.ts) and the bot computes the report; with no bot running, or on
 * PostgreSQL, the CLI opens the database itself. Either way the report is the same JSON.
 *
 * Exit codes: 0 done; 2 bad usage (dates, options, an advisor the shop does not have);
 * 1 anything else (no database, pending migrations, a file that cannot be written).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { PrismaClient } from '../../services/db/client';
import { formatFen } from '../../services/costs';
import { isLocalDate } from '../../services/time';
import {
  findAdvisorByName,
  KpiInputError,
  kpiSummary,
  MONTH_RE,
  parseYuan,
  rangeProblem,
  setTarget,
  type AgainstTarget,
  type KpiFigures,
  type KpiReport,
  type Ratio,
  type SetTargetResult,
} from '../../services/kpi';
import type { AdminRequest } from '../admin-channel';

export interface ReportIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const REPORT_USAGE = 'usage: aftercare report --from YYYY-MM-DD --to YYYY-MM-DD [--advisor NAME] [--json | --html FILE]\n';
export const TARGET_USAGE = 'usage: aftercare target set <advisor> <YYYY-MM> --orders N --paid N --revenue ¥N\n';

/** What the commands need from a database: the running bot's admin socket, or the database opened here. */
export interface KpiBackend {
  report(input: { from: string; to: string; advisorName: string | null; now: Date }): Promise<KpiReport>;
  setTarget(input: { advisorName: string; month: string; repairOrders: number; paidVisits: number; revenueFen: number; now: Date }): Promise<SetTargetResult>;
}

/** A refusal with its code, from either backend. */
class Refusal extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** The backend over an open database (the CLI's own, or the bot's for the admin socket). */
export function databaseBackend(prisma: PrismaClient, shopId: string, actorId: string): KpiBackend {
  return {
    async report(input) {
      let advisorId: string | null = null;
      if (input.advisorName !== null) {
        const advisor = await findAdvisorByName(prisma, shopId, input.advisorName);
        if (!advisor) throw new KpiInputError('unknown-advisor', `no advisor named "${input.advisorName}" in this shop`);
        advisorId = advisor.id;
      }
      return kpiSummary(prisma, { shopId, advisorId, from: input.from, to: input.to, now: input.now });
    },
    setTarget: (input) => setTarget(prisma, { shopId, ...input, actor: { type: 'system', id: actorId } }),
  };
}

/** The bot's side of the admin socket for these commands (bot/app.ts). */
export async function handleKpiAdminCommand(prisma: PrismaClient, shopId: string, request: Exclude<AdminRequest, { command: 'advisor.invite' }>, now: Date): Promise<Record<string, unknown>> {
  const backend = databaseBackend(prisma, shopId, 'admin-channel');
  if (request.command === 'kpi.report') return { report: await backend.report({ from: request.from, to: request.to, advisorName: request.advisorName, now }) };
  const { command: _command, ...figures } = request;
  return { target: await backend.setTarget({ ...figures, now }) };
}

function socketBackend(dataDir: string): KpiBackend {
  const { sendAdminCommand } = require('../admin-channel') as typeof import('../admin-channel');
  const ask = async (request: AdminRequest, key: string): Promise<unknown> => {
    const response = await sendAdminCommand(dataDir, request, 60_000);
    if (!response.ok) throw new Refusal(response.error, response.code);
    return response.result[key];
  };
  return {
    async report(input) {
      const report = (await ask({ command: 'kpi.report', from: input.from, to: input.to, advisorName: input.advisorName }, 'report')) as KpiReport | undefined;
      if (report?.kind !== 'aftercare.kpi-report' || report.version !== 1) throw new Error('the running bot answered with something that is not a KPI report (is it an older version? restart it)');
      return report;
    },
    async setTarget(input) {
      const { now: _now, ...figures } = input;
      return (await ask({ command: 'target.set', ...figures }, 'target')) as SetTargetResult;
    },
  };
}

/**
 * Runs `work` with the right backend: the running embedded bot's admin socket when there is
 * one, else the database opened here (after checking it is migrated).
 */
async function withBackend(io: ReportIo, work: (backend: KpiBackend) => Promise<number>): Promise<number> {
  const { loadConfig, ConfigError } = require('../../services/config') as typeof import('../../services/config');
  let cfg: ReturnType<typeof loadConfig>;
  try {
    cfg = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) return fail(io, 2, error.message);
    throw error;
  }
  if (cfg.database.kind === 'pglite' && cfg.database.dataDir) {
    const { adminSocketPath, AdminChannelUnreachable } = require('../admin-channel') as typeof import('../admin-channel');
    if (fs.existsSync(adminSocketPath(cfg.database.dataDir))) {
      try {
        return await work(socketBackend(cfg.database.dataDir));
      } catch (error) {
        // A socket left by a bot that died: open the database ourselves below.
        if (!(error instanceof AdminChannelUnreachable)) throw error;
      }
    }
  }
  const { openDatabase } = require('../../services/db/client') as typeof import('../../services/db/client');
  const { migrationStatus } = require('../../services/db/migrate') as typeof import('../../services/db/migrate');
  const database = await openDatabase(cfg.database);
  try {
    const status = await migrationStatus(database.raw);
    if (status.pending.length) return fail(io, 1, `${status.pending.length} migration(s) pending in ${database.label}; run \`aftercare db migrate\` first`);
    const shop = await database.prisma.shop.findUnique({ where: { code: cfg.shopCode }, select: { id: true } });
    if (!shop) return fail(io, 1, `no shop with code "${cfg.shopCode}" in ${database.label}`);
    return await work(databaseBackend(database.prisma, shop.id, 'cli'));
  } finally {
    await database.close();
  }
}

function fail(io: ReportIo, code: number, sentence: string): number {
  io.stderr.write(`aftercare: ${sentence}\n`);
  return code;
}

/** Refusals of the services and of the bot: bad input and unknown advisors are usage errors (2). */
function refused(io: ReportIo, error: unknown): number {
  if (error instanceof KpiInputError || error instanceof Refusal) {
    const usage = error instanceof KpiInputError || error.code === 'unknown-advisor' || error.code === 'invalid';
    return fail(io, usage ? 2 : 1, error.message);
  }
  throw error;
}

type ParseOptions = Record<string, { type: 'string' | 'boolean' }>;

function parse<T extends ParseOptions>(args: string[], options: T, io: ReportIo, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util's own sentence, e.g. "Unknown option '--bogus'".
    io.stderr.write(`aftercare: ${(error as Error).message.split('\n')[0].replace(/\.? To specify.*$/, '')}\n${usage}`);
    return null;
  }
}

// ───────────────────────────── report ─────────────────────────────

const reportArgsSchema = z
  .object({
    from: z.string({ error: '--from is missing (the first day, YYYY-MM-DD)' }),
    to: z.string({ error: '--to is missing (the last day, YYYY-MM-DD)' }),
    advisor: z.string().trim().min(1, '--advisor needs a name').max(100).optional(),
    json: z.boolean().optional(),
    html: z.string().min(1, '--html needs a file name').optional(),
  })
  .superRefine((v, ctx) => {
    if (!isLocalDate(v.from)) ctx.addIssue({ code: 'custom', message: `--from ${v.from} is not a calendar date written YYYY-MM-DD` });
    else if (!isLocalDate(v.to)) ctx.addIssue({ code: 'custom', message: `--to ${v.to} is not a calendar date written YYYY-MM-DD` });
    else {
      const problem = rangeProblem(v.from, v.to);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }
    if (v.json && v.html !== undefined) ctx.addIssue({ code: 'custom', message: '--json and --html are alternatives: give one' });
  });

export async function runReportCommand(args: string[], io: ReportIo, deps: { backend?: KpiBackend; now?: () => Date } = {}): Promise<number> {
  const parsed = parse(args, { from: { type: 'string' }, to: { type: 'string' }, advisor: { type: 'string' }, json: { type: 'boolean' }, html: { type: 'string' } }, io, REPORT_USAGE);
  if (!parsed) return 2;
  if (parsed.positionals.length) return fail(io, 2, `unexpected argument "${parsed.positionals[0]}"\n${REPORT_USAGE.trimEnd()}`);
  const checked = reportArgsSchema.safeParse(parsed.values);
  if (!checked.success) return fail(io, 2, checked.error.issues[0].message);
  const options = checked.data;
  const now = (deps.now ?? (() => new Date()))();
  const work = async (backend: KpiBackend): Promise<number> => {
    let report: KpiReport;
    try {
      report = await backend.report({ from: options.from, to: options.to, advisorName: options.advisor ?? null, now });
    } catch (error) {
      return refused(io, error);
    }
    if (options.json) {
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else if (options.html !== undefined) {
      const { renderKpiHtml } = require('./report-html') as typeof import('./report-html');
      try {
        fs.writeFileSync(options.html, renderKpiHtml(report));
      } catch (error) {
        return fail(io, 1, `cannot write ${options.html}: ${(error as Error).message}`);
      }
      io.stdout.write(`KPI report ${report.range.from} … ${report.range.to} written to ${options.html}\n`);
    } else {
      io.stdout.write(renderKpiText(report));
    }
    return 0;
  };
  return deps.backend ? work(deps.backend) : withBackend(io, work);
}

// ───────────────────────────── target set ─────────────────────────────

const count = (flag: string) =>
  z
    .string({ error: `${flag} is missing` })
    .regex(/^[0-9]{1,6}$/, `${flag} must be a whole number`)
    .transform(Number);

const targetArgsSchema = z.object({
  advisor: z.string().trim().min(1),
  month: z.string().regex(MONTH_RE, 'the month must be written YYYY-MM, e.g. 2026-11'),
  orders: count('--orders'),
  paid: count('--paid'),
  revenue: z
    .string({ error: '--revenue is missing (yuan, e.g. ¥350000)' })
    .transform((text, ctx) => {
      const fen = parseYuan(text);
      if (fen === null) {
        ctx.addIssue({ code: 'custom', message: `--revenue ${text} is not an amount of yuan (e.g. ¥350000, 350,000.00 or 35万)` });
        return z.NEVER;
      }
      return fen;
    }),
});

export async function runTargetCommand(args: string[], io: ReportIo, deps: { backend?: KpiBackend; now?: () => Date } = {}): Promise<number> {
  const parsed = parse(args, { orders: { type: 'string' }, paid: { type: 'string' }, revenue: { type: 'string' } }, io, TARGET_USAGE);
  if (!parsed) return 2;
  const [sub, advisor, month, ...extra] = parsed.positionals;
  if (sub !== 'set' || !advisor || !month || extra.length) {
    io.stderr.write(TARGET_USAGE);
    return 2;
  }
  const checked = targetArgsSchema.safeParse({ advisor, month, ...parsed.values });
  if (!checked.success) return fail(io, 2, checked.error.issues[0].message);
  const t = checked.data;
  const now = (deps.now ?? (() => new Date()))();
  const work = async (backend: KpiBackend): Promise<number> => {
    let result: SetTargetResult;
    try {
      result = await backend.setTarget({ advisorName: t.advisor, month: t.month, repairOrders: t.orders, paidVisits: t.paid, revenueFen: t.revenue, now });
    } catch (error) {
      return refused(io, error);
    }
    const figures = (f: { repairOrders: number; paidVisits: number; revenueFen: number }) => `${f.repairOrders} repair orders, ${f.paidVisits} paid return visits, revenue ${formatFen(f.revenueFen)}`;
    io.stdout.write(`Targets of ${result.advisorName} for ${result.month}: ${figures(result)}${result.previous ? ` (were ${figures(result.previous)})` : ''}.\n`);
    return 0;
  };
  return deps.backend ? work(deps.backend) : withBackend(io, work);
}

// ───────────────────────────── the text table ─────────────────────────────

/** Columns a string takes in a terminal: East Asian wide and full-width characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const wide =
      (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd);
    width += wide ? 2 : 1;
  }
  return width;
}

function table(rows: string[][], rightAligned: (column: number) => boolean): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => displayWidth(r[i] ?? ''))));
  return rows
    .map((r) =>
      r
        .map((cell, i) => {
          const pad = ' '.repeat(widths[i] - displayWidth(cell));
          return rightAligned(i) ? pad + cell : cell + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export const percent = (bp: number | null): string => (bp === null ? '–' : `${(bp / 100).toFixed(2)}%`);
const ratioCell = (r: Ratio): string => (r.denominator === 0 ? '–' : `${percent(r.bp)} (${r.numerator}/${r.denominator})`);
const targetCell = (t: AgainstTarget, money = false): string => {
  const show = (n: number) => (money ? formatFen(n) : String(n));
  return t.target === null ? show(t.actual) : `${show(t.actual)} / ${show(t.target)} (${percent(t.bp)})`;
};

/** One line per figure: label, then how each column shows it. */
const FIGURE_ROWS: Array<[string, (f: KpiFigures) => string]> = [
  ['受理台次 Repair orders / target', (f) => targetCell(f.repairOrders)],
  ['有偿回厂台数 Paid visits / target', (f) => targetCell(f.paidVisits)],
  ['服务收入 Revenue / target', (f) => targetCell(f.revenue.service, true)],
  ['  客户付费 customer pay, net', (f) => formatFen(f.revenue.customerPay.netFen)],
  ['    工时 labour / 配件 parts', (f) => `${formatFen(f.revenue.customerPay.labourFen)} / ${formatFen(f.revenue.customerPay.partsFen)}`],
  ['    折扣 discount', (f) => formatFen(f.revenue.customerPay.discountFen)],
  ['  保修 warranty', (f) => formatFen(f.revenue.warranty.totalFen)],
  ['  善意 goodwill (not revenue)', (f) => formatFen(f.revenue.goodwill.totalFen)],
  ['  内部 internal (not revenue)', (f) => formatFen(f.revenue.internal.totalFen)],
  ['预约率 Booking rate', (f) => ratioCell(f.bookingRate)],
  ['爽约率 No-show rate', (f) => ratioCell(f.noShowRate)],
  ['错单率 Error rate', (f) => ratioCell(f.errorRate)],
  ['追加项目 Extra work approved', (f) => ratioCell(f.extraWork.items)],
  ['  按金额 by value', (f) => (f.extraWork.valueFen.denominator === 0 ? '–' : `${percent(f.extraWork.valueFen.bp)} (${formatFen(f.extraWork.valueFen.numerator)})`)],
  ['满意度 Satisfaction (1–5)', (f) => (f.satisfaction.averageHundredths === null ? '–' : `${(f.satisfaction.averageHundredths / 100).toFixed(2)} (n=${f.satisfaction.responses})`)],
  ['NPS', (f) => (f.nps.bp === null ? '–' : `${f.nps.bp > 0 ? '+' : ''}${(f.nps.bp / 100).toFixed(1)} (n=${f.nps.respondents})`)],
  ['投诉率 Complaint rate', (f) => ratioCell(f.complaints.rate)],
  ['重大投诉率 Major (ceiling 1%)', (f) => (f.complaints.overCeiling === null ? '–' : `${ratioCell(f.complaints.majorRate)} ${f.complaints.overCeiling ? 'OVER' : 'ok'}`)],
  ['任务及时率 Tasks on time', (f) => ratioCell(f.tasksOnTime)],
];

export function renderKpiText(report: KpiReport): string {
  const subjects: Array<[string, KpiFigures]> =
    report.scope.kind === 'shop' ? [['全店 Shop', report.figures], ...report.advisors.map((a): [string, KpiFigures] => [a.name, a.figures])] : [[report.scope.name, report.figures]];
  const head = `${report.shop.name} — KPIs ${report.range.from} … ${report.range.to} (${report.range.days} days, ${report.shop.timeZone})${report.scope.kind === 'advisor' ? ` — ${report.scope.name}` : ''}`;
  const main = table([['', ...subjects.map(([name]) => name)], ...FIGURE_ROWS.map(([label, cell]) => [label, ...subjects.map(([, f]) => cell(f))])], (i) => i > 0);
  const weekRows = report.weeks.map((w) => {
    const f = w.figures;
    return [`${w.from.slice(5)}–${w.to.slice(5)}`, targetCell(f.repairOrders), targetCell(f.paidVisits), targetCell(f.revenue.service, true), percent(f.bookingRate.bp), percent(f.errorRate.bp), f.nps.bp === null ? '–' : (f.nps.bp / 100).toFixed(1), percent(f.complaints.majorRate.bp)];
  });
  const weeks = table([['周 Week', '受理 Orders', '有偿 Paid', '收入 Revenue', '预约率', '错单率', 'NPS', '重大投诉'], ...weekRows], (i) => i > 0);
  const problems = report.problems.map((p) => `  ${p.repairOrderNumber}: ${p.problem}`);
  return [head, '', main, '', `By week (${report.scope.kind === 'shop' ? 'shop' : report.scope.name}):`, weeks, ...(problems.length ? ['', 'Left out:', ...problems] : []), ''].join('\n');
}
