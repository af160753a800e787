/**
 * `npm run bench`: the bot under load over the real Bot Framework protocol, on the embedded
 * database and on PostgreSQL, against a bare botbuilder echo bot behind the same HTTP layer.
 *
 *   npm run bench                      both modes
 *   npm run bench -- embedded          one mode (embedded | postgresql)
 *   BENCH_PROFILE=1 npm run bench      also writes a CPU profile of the bot (bench/results/profiles/)
 *   BENCH_SCALE=0.5 npm run bench      shorter phases (smoke run)
 *   BENCH_REPEAT=3                     repetitions of each phase (default 3): medians and spread
 *   BENCH_BOT_FLAGS='--expose-gc -r x' extra node flags for the bot only (experiments; a run with them is not a result)
 *
 * Everything listens on 127.0.0.1; every process it starts is killed at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import { startLoadConnector, type LoadConnector } from './connector';
import { addBookingStats, BookingCustomer, destroyAgent, EchoCustomer, IdentityFactory, newBookingStats, WantedTimes, type BookingStats, type SimCustomer } from './customers';
import { overload, realistic, saturation, type OverloadResult, type RealisticResult, type SaturationResult } from './load';
import { cleanEnv, CLK_TCK, freePort, killAll, peakRssMb, ROOT, run, start, waitHealthy, type Spawned } from './procs';

type Mode = 'embedded' | 'postgresql';

const benchEnv = z
  .object({
    BENCH_SCALE: z.coerce.number().positive().default(1),
    BENCH_REPEAT: z.coerce.number().int().min(1).max(20).default(3),
    BENCH_PROFILE: z.enum(['0', '1']).default('0'),
    BENCH_BOT_FLAGS: z.string().default(''),
  })
  .parse({ BENCH_SCALE: process.env.BENCH_SCALE || undefined, BENCH_REPEAT: process.env.BENCH_REPEAT || undefined, BENCH_PROFILE: process.env.BENCH_PROFILE || undefined, BENCH_BOT_FLAGS: process.env.BENCH_BOT_FLAGS || undefined });
const SCALE = benchEnv.BENCH_SCALE;
/** Each phase runs this many times, bot and baseline interleaved, so each ratio compares neighbours. */
const REPEAT = benchEnv.BENCH_REPEAT;
const PROFILE = benchEnv.BENCH_PROFILE === '1';
const ms = (v: number) => Math.round(v * SCALE);
// Bot phases are shorter than in the single-run bench (12 → 10 s, 20 → 15 s) so that three
// repetitions and the overload phase stay near 5 minutes per mode.
const PHASES = {
  // 20 s, not 5: after 5 s the first repetition's cost ratio still ran 40–50 % above the next two
  // in every run (PostgreSQL 4.5 / 2.75 / 2.81, embedded 7.8 / 5.5 / 5.4 on 2026-11-28): code
  // still being optimised and first-use work, which a bot that runs for days does not pay.
  warmup: { ms: Math.max(2_000, ms(20_000)) },
  saturation: { conversations: 50, warmupMs: ms(2_000), botMs: ms(10_000), baselineMs: ms(6_000) },
  realistic: { conversations: 200, warmupMs: ms(3_000), botMs: ms(15_000), baselineMs: ms(8_000) },
  overload: { conversations: '4 × saturation turns/s (2 × the load, 2 s mean think), 50–600', warmupMs: ms(3_000), botMs: ms(15_000), requestTimeoutMs: 60_000 },
};
const LOAD_AT_START = os.loadavg().map((v) => Math.round(v * 100) / 100);
const TARGETS = { costRatio: { postgresql: 3, embedded: 4 } as Record<Mode, number>, p99Ms: 100, rssRatio: 2, slotSearchRatio: 2 };
/** What node-postgres says when no pool connection frees up in time. */
const POOL_TIMEOUT = 'timeout exceeded when trying to connect';

/** A figure measured once per repetition: median, range and each repetition's value. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}
/** Each numeric field of a phase result as a Spread; flags as "all repetitions" plus each. */
export type Summary<T> = {
  [K in keyof T]: NonNullable<T[K]> extends number ? Spread : NonNullable<T[K]> extends boolean ? { all: boolean; runs: boolean[] } : never;
};

export function spread(values: number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const mid = finite.length >> 1;
  const median = finite.length === 0 ? NaN : finite.length % 2 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return { median: r(median), min: r(finite[0] ?? NaN), max: r(finite[finite.length - 1] ?? NaN), runs: values };
}

export function summarize<T extends object>(runs: T[]): Summary<T> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(runs[0] ?? {})) {
    const values = runs.map((r) => (r as Record<string, unknown>)[key]);
    if (values.every((v) => typeof v === 'number')) out[key] = spread(values as number[]);
    else if (values.every((v) => typeof v === 'boolean')) out[key] = { all: (values as boolean[]).every(Boolean), runs: values };
  }
  return out as Summary<T>;
}

const sum = (s: Spread) => s.runs.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);

/** One repetition: bot and baseline back to back; its overload phase (2× its saturation) runs after all repetitions. */
export interface Repetition {
  costRatio: number;
  saturation: { bot: SaturationResult; baseline: SaturationResult };
  realistic: { bot: RealisticResult; baseline: RealisticResult };
  overload: OverloadResult;
}

export interface SlotSearchResult {
  engine: string;
  searches: number;
  /** (a) the seeded shop with no bookings. */
  emptyMs: number;
  /** (b) past (completed) bookings: 100 → 10,000. */
  past: { with100Ms: number; with10kMs: number; ratio: number; ratioOfFastest: number };
  /** (c) a forward book: no bookings vs 10,000 confirmed future bookings with occupancy and parts reservations. */
  future: {
    bays: number;
    technicians: number;
    bookings: number;
    emptyMs: number;
    with10kMs: number;
    ratio: number;
    /** Ratio of the fastest rounds (less disturbed by other work on the machine). */
    ratioOfFastest: number;
    /** Slots (requested + alternatives) each search returned, without and with the book. */
    slotsReturned: { empty: number[]; full: number[] };
  };
}

export interface ModeResult {
  date: string;
  mode: Mode;
  repeat: number;
  /** Median over the repetitions of bot CPU per turn ÷ baseline CPU per turn (saturation). */
  costRatio: number;
  costRatioSpread: Spread;
  saturation: { bot: Summary<SaturationResult>; baseline: Summary<SaturationResult> };
  realistic: { bot: Summary<RealisticResult>; baseline: Summary<RealisticResult> };
  overload: Summary<OverloadResult>;
  peakRssMb: number;
  /** The bot's peak after the overload phases too (the echo has no overload phase). */
  peakRssWithOverloadMb: number;
  baselinePeakRssMb: number;
  slotSearch: SlotSearchResult | { error: string };
  bookings: BookingStats & { turns: number; turnsPerBooking: number | null };
  targets: Record<string, { target: string; value: number | null; met: boolean | null; note?: string }>;
  /** Every repetition's raw phase results. */
  repetitions: Repetition[];
  machine: { cpus: number; model: string; node: string; memGb: number; clkTck: number; loadAvgAtStart: number[] };
  setup: Record<string, unknown>;
  durationSec: number;
}

const log = (msg: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

function machine(): ModeResult['machine'] {
  const cpus = os.cpus();
  return { cpus: cpus.length, model: cpus[0]?.model ?? 'unknown', node: process.version, memGb: Math.round(os.totalmem() / 2 ** 30), clkTck: CLK_TCK, loadAvgAtStart: LOAD_AT_START };
}

/** A throw-away PostgreSQL 15 cluster with a database for the bot. */
const pgDirs = new Set<string>();
const tmpDirs = new Set<string>();
function stopPostgresNow(): void {
  for (const dir of pgDirs) {
    try {
      require('node:child_process').execFileSync('bash', [path.join(ROOT, 'scripts', 'pg-test-server.sh'), 'stop', dir], { stdio: 'ignore', timeout: 30_000 });
    } catch {
      // best effort
    }
  }
}

async function startPostgres(dir: string): Promise<{ url: string; adminUrl: string; postmasterPid: number; stop: () => Promise<void> }> {
  const script = path.join(ROOT, 'scripts', 'pg-test-server.sh');
  pgDirs.add(dir);
  const stop = async () => {
    pgDirs.delete(dir);
    await run([script, 'stop', dir], process.env, 'pg stop', 60_000, 'bash').catch((e) => log(`pg stop: ${(e as Error).message}`));
  };
  try {
    const out = await run([script, 'start', dir], process.env, 'pg start', 120_000, 'bash');
    const adminUrl = out.trim().split('\n').pop()!.trim();
    const postmasterPid = Number(fs.readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE aftercare_bench');
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = '/aftercare_bench';
    return { url: url.toString(), adminUrl, postmasterPid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function benchMode(mode: Mode, connector: LoadConnector, cleanups: Array<() => Promise<void>>): Promise<ModeResult> {
  const t0 = performance.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `aftercare-bench-${mode}-`));
  fs.chmodSync(tmp, 0o755); // the PostgreSQL cluster runs as user postgres
  tmpDirs.add(tmp);
  cleanups.push(async () => {
    tmpDirs.delete(tmp);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  let databaseUrl: string;
  let postmasterPid: number | undefined;
  let adminUrl: string | undefined;
  if (mode === 'postgresql') {
    log('starting a PostgreSQL 15 cluster');
    const server = await startPostgres(path.join(tmp, 'pg'));
    cleanups.push(server.stop);
    databaseUrl = server.url;
    postmasterPid = server.postmasterPid;
    adminUrl = server.adminUrl;
  } else {
    databaseUrl = `pglite:${path.join(tmp, 'data')}`;
  }

  const dbEnv = cleanEnv({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' });
  log(`${mode}: migrate, seed the demo shop, bench stock`);
  await run(['-r', 'tsx/cjs', 'bench/prepare-db.ts'], dbEnv, 'prepare-db');

  const botPort = await freePort();
  const profileDir = path.join(ROOT, 'bench', 'results', 'profiles');
  const profile = PROFILE;
  if (profile) fs.mkdirSync(profileDir, { recursive: true });
  // Node 20 refuses --cpu-prof in NODE_OPTIONS: the flags go on the command line.
  const profFlags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=bot-${mode}.cpuprofile`, '--cpu-prof-interval=500'] : [];
  const botFlags = benchEnv.BENCH_BOT_FLAGS.split(/\s+/).filter(Boolean);
  const bot = start([...profFlags, ...botFlags, 'bin/aftercare', 'start'], cleanEnv({ DATABASE_URL: databaseUrl, PORT: String(botPort), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }), 'bot', process.execPath, [POOL_TIMEOUT]);
  const stopBot = () => bot.stop(20_000);
  cleanups.push(stopBot);
  const botUrl = `http://127.0.0.1:${botPort}`;
  const startT = performance.now();
  await waitHealthy(botUrl, bot);
  log(`${mode}: bot pid ${bot.pid} healthy in ${Math.round(performance.now() - startT)} ms`);

  const basePort = await freePort();
  const baseline: Spawned = start(['-r', 'tsx/cjs', 'bench/baseline-echo.ts'], cleanEnv({ PORT: String(basePort), HOST: '127.0.0.1' }), 'baseline');
  cleanups.push(() => baseline.stop(5_000));
  const baseUrl = `http://127.0.0.1:${basePort}`;
  await waitHealthy(baseUrl, baseline);

  const ids = new IdentityFactory();
  const times = new WantedTimes();
  const totals = newBookingStats();
  let allBotTurns = 0;
  /** Booking customers counting into `stats` (one per phase) and every turn into the mode's total. */
  const booking = (stats: BookingStats, timeoutMs?: number) => (): SimCustomer => {
    const c = new BookingCustomer(botUrl, connector, ids, times, stats, timeoutMs);
    return {
      turn: async () => {
        const r = await c.turn();
        allBotTurns++;
        return r;
      },
      dispose: () => c.dispose(),
    };
  };
  const echo = () => new EchoCustomer(baseUrl, connector);
  const poolErrors = () => bot.counts()[POOL_TIMEOUT] ?? 0;

  // The first turns of a fresh process are slow (JIT, database caches): without this the first
  // repetition would measure the start-up, not the bot.
  log(`${mode}: warm-up, bot and baseline, ${PHASES.warmup.ms / 1000} s each (not reported)`);
  const warmStats = newBookingStats();
  const warmBot = await saturation({ pid: bot.pid, count: PHASES.saturation.conversations, warmupMs: 0, durationMs: PHASES.warmup.ms, make: booking(warmStats) });
  addBookingStats(totals, warmStats);
  await saturation({ pid: baseline.pid, count: PHASES.saturation.conversations, warmupMs: 0, durationMs: PHASES.warmup.ms, make: echo });
  log(`  bot ${warmBot.turnsPerSec} turns/s while warming up`);

  const repetitions: Repetition[] = [];
  for (let rep = 1; rep <= REPEAT; rep++) {
    const tag = `${mode} ${rep}/${REPEAT}`;
    const satStats = newBookingStats();
    log(`${tag}: saturation, bot: ${PHASES.saturation.conversations} conversations, ${PHASES.saturation.botMs / 1000} s (+${PHASES.saturation.warmupMs / 1000} s warm-up)`);
    const satBot = await saturation({ pid: bot.pid, dbPid: postmasterPid, count: PHASES.saturation.conversations, warmupMs: PHASES.saturation.warmupMs, durationMs: PHASES.saturation.botMs, make: booking(satStats) });
    log(`  ${satBot.turnsPerSec} turns/s, ${satBot.cpuPerTurnMs} ms CPU/turn, ${satBot.failedTurns} failed`);
    const satBase = await saturation({ pid: baseline.pid, count: PHASES.saturation.conversations, warmupMs: PHASES.saturation.warmupMs, durationMs: PHASES.saturation.baselineMs, make: echo });
    const costRatio = Math.round((satBot.cpuPerTurnMs / satBase.cpuPerTurnMs) * 100) / 100;
    log(`  baseline ${satBase.turnsPerSec} turns/s, ${satBase.cpuPerTurnMs} ms CPU/turn → cost ratio ${costRatio}`);

    const realStats = newBookingStats();
    log(`${tag}: realistic, bot: ${PHASES.realistic.conversations} conversations, 1–3 s between turns, ${PHASES.realistic.botMs / 1000} s`);
    const realBot = await realistic({ pid: bot.pid, count: PHASES.realistic.conversations, warmupMs: PHASES.realistic.warmupMs, durationMs: PHASES.realistic.botMs, make: booking(realStats), abandoned: () => realStats.abandoned });
    log(`  p50 ${realBot.p50} ms, p95 ${realBot.p95} ms, p99 ${realBot.p99} ms (${realBot.turnsPerSec} turns/s), ${realBot.failedTurns} failed, ${realBot.abandonedConversations} abandoned`);
    const realBase = await realistic({ pid: baseline.pid, count: PHASES.realistic.conversations, warmupMs: PHASES.realistic.warmupMs, durationMs: PHASES.realistic.baselineMs, make: echo });
    log(`  baseline p50 ${realBase.p50} ms, p95 ${realBase.p95} ms, p99 ${realBase.p99} ms`);

    for (const st of [satStats, realStats]) addBookingStats(totals, st);
    repetitions.push({ costRatio, saturation: { bot: satBot, baseline: satBase }, realistic: { bot: realBot, baseline: realBase }, overload: undefined as unknown as OverloadResult });
  }

  // Memory is compared under the load both processes had (saturation and realistic): the echo
  // never gets the overload phase, so those run after this reading (and are reported apart).
  const rss = peakRssMb(bot.pid);
  const baseRss = peakRssMb(baseline.pid);

  for (let rep = 1; rep <= REPEAT; rep++) {
    const tag = `${mode} ${rep}/${REPEAT}`;
    const satBot = repetitions[rep - 1].saturation.bot;
    const overStats = newBookingStats();
    log(`${tag}: overload, bot: 2 × ${satBot.turnsPerSec} turns/s offered, ${PHASES.overload.botMs / 1000} s`);
    const over = await overload({
      pid: bot.pid,
      saturationTurnsPerSec: satBot.turnsPerSec,
      warmupMs: PHASES.overload.warmupMs,
      durationMs: PHASES.overload.botMs,
      make: booking(overStats, PHASES.overload.requestTimeoutMs),
      abandoned: () => overStats.abandoned,
      poolErrors,
    });
    log(`  ${over.conversations} conversations, ${over.offeredTurnsPerSec} offered → ${over.servedTurnsPerSec} served turns/s, p99 ${over.p99} ms, ${over.failedTurns} failed (${over.errorReplies} error replies), ${over.busyReplies} busy (${over.answeredAfterBusy} answered after), ${over.poolErrors} pool errors`);
    addBookingStats(totals, overStats);
    repetitions[rep - 1].overload = over;
  }
  const rssWithOverload = peakRssMb(bot.pid);
  let confirmedInDb: number | undefined;
  if (mode === 'postgresql') {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    confirmedInDb = Number((await c.query(`SELECT count(*)::int AS n FROM "Booking" WHERE status = 'CONFIRMED'`)).rows[0].n);
    await c.end();
  }
  await Promise.all([stopBot(), baseline.stop(5_000)]);
  const botErrors = bot.output().split('\n').filter((l) => /error|warn/i.test(l));

  log(`${mode}: slot search: empty book, 100 → 10,000 past bookings, empty vs 10,000 future bookings`);
  let slotSearch: ModeResult['slotSearch'];
  try {
    const out = await run(['--import', 'tsx', 'bench/slot-search.ts'], cleanEnv({ TEST_DATABASE_URL: adminUrl, LOG_LEVEL: 'silent' }), 'slot search', 300_000);
    slotSearch = JSON.parse(out.trim().split('\n').pop()!) as SlotSearchResult;
  } catch (error) {
    slotSearch = { error: (error as Error).message.slice(0, 500) };
  }
  log(`  ${JSON.stringify(slotSearch)}`);

  const costRatioSpread = spread(repetitions.map((r) => r.costRatio));
  const costRatio = Math.round(costRatioSpread.median * 100) / 100;
  const sat = { bot: summarize(repetitions.map((r) => r.saturation.bot)), baseline: summarize(repetitions.map((r) => r.saturation.baseline)) };
  const real = { bot: summarize(repetitions.map((r) => r.realistic.bot)), baseline: summarize(repetitions.map((r) => r.realistic.baseline)) };
  const over = summarize(repetitions.map((r) => r.overload));
  const realLost = sum(real.bot.failedTurns) + sum(real.bot.abandonedConversations);
  const baseLost = sum(real.baseline.failedTurns) + sum(sat.baseline.failedTurns);
  const rssRatio = Math.round((rss / baseRss) * 100) / 100;
  const future = 'future' in slotSearch ? slotSearch.future : null;
  const costTarget = TARGETS.costRatio[mode];
  const targets: ModeResult['targets'] = {
    costRatio: { target: `≤ ${costTarget} (${mode}), median of ${REPEAT}`, value: costRatio, met: costRatio <= costTarget },
    realisticP99Ms: { target: `≤ ${TARGETS.p99Ms} ms, median of ${REPEAT}`, value: real.bot.p99.median, met: real.bot.p99.median <= TARGETS.p99Ms, note: `worst repetition ${real.bot.p99.max} ms` },
    realisticLost: {
      target: '0 failed turns and 0 abandoned conversations, all repetitions',
      value: realLost,
      met: realLost === 0,
      note: `${sum(real.bot.failedTurns)} failed turns, ${sum(real.bot.abandonedConversations)} abandoned; baseline ${baseLost} failed`,
    },
    peakRssRatio: { target: `≤ ${TARGETS.rssRatio}× the baseline's`, value: rssRatio, met: rssRatio <= TARGETS.rssRatio, note: `${rss} MB vs ${baseRss} MB` },
    slotSearchFutureRatio: {
      target: `≤ ${TARGETS.slotSearchRatio}× (10,000 future bookings vs an empty book)`,
      value: future?.ratio ?? null,
      met: future ? future.ratio <= TARGETS.slotSearchRatio && future.slotsReturned.full.every((n) => n > 0) : null,
      note: future ? `every search still returned slots: ${future.slotsReturned.full.every((n) => n > 0)}` : undefined,
    },
    overloadFailedTurns: {
      target: '0 failed turns at 2× the saturation load, all repetitions',
      value: sum(over.failedTurns),
      met: sum(over.failedTurns) === 0,
      note: `${sum(over.errorReplies)} error replies, ${sum(over.busyReplies)} busy replies (${sum(over.answeredAfterBusy)} answered after), ${sum(over.abandonedConversations)} abandoned`,
    },
    overloadPoolErrors: { target: `0 "${POOL_TIMEOUT}" in the bot's log`, value: sum(over.poolErrors), met: sum(over.poolErrors) === 0, note: `whole run: ${poolErrors()}` },
  };
  return {
    date: new Date().toISOString().slice(0, 10),
    mode,
    repeat: REPEAT,
    costRatio,
    costRatioSpread,
    saturation: sat,
    realistic: real,
    overload: over,
    peakRssMb: rss,
    peakRssWithOverloadMb: rssWithOverload,
    baselinePeakRssMb: baseRss,
    slotSearch,
    bookings: { ...totals, turns: allBotTurns, turnsPerBooking: totals.bookings ? Math.round((allBotTurns / totals.bookings) * 10) / 10 : null },
    targets,
    repetitions,
    machine: machine(),
    setup: {
      phases: PHASES,
      repeat: REPEAT,
      scale: SCALE,
      confirmedBookingsInDb: confirmedInDb,
      poolErrorsWholeRun: poolErrors(),
      botLogWarnings: botErrors.slice(0, 5),
      stock: 'parts stock raised to 1,000,000 (bench/prepare-db.ts) so bookings are measured, not the parts-short path',
      horizon: 'booking horizon 366 days, wanted dates 1–350 days ahead (bench/prepare-db.ts, WANTED_DAYS_AHEAD) so repetitions do not fill the calendar',
      profile: profile ? path.join('bench', 'results', 'profiles', `bot-${mode}.cpuprofile`) : undefined,
    },
    durationSec: Math.round((performance.now() - t0) / 1000),
  };
}

/** `median (min–max)` when the repetitions differ, else the value. */
function fmt(s: Spread | undefined, digits = 1): string {
  if (!s || !Number.isFinite(s.median)) return '—';
  const f = (v: number) => {
    const r = Math.round(v * 10 ** digits) / 10 ** digits;
    return Math.abs(r) >= 1000 ? r.toLocaleString('en-US') : String(r);
  };
  return s.min === s.max ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

export function markdownTable(results: ModeResult[]): string {
  const mark = (met: boolean | null | undefined) => (met === null || met === undefined ? '' : met ? ' ✅' : ' ❌');
  const ss = (r: ModeResult) => ('future' in r.slotSearch ? r.slotSearch : null);
  const rows: Array<[string, (r: ModeResult) => string]> = [
    ['Saturation (50 conv.): bot turns/s', (r) => fmt(r.saturation.bot.turnsPerSec)],
    ['Saturation: bot CPU ms/turn', (r) => `${fmt(r.saturation.bot.cpuPerTurnMs, 2)}${r.saturation.bot.dbCpuPerTurnMs ? ` (+${fmt(r.saturation.bot.dbCpuPerTurnMs, 2)} PostgreSQL)` : ''}`],
    ['Saturation: cores busy, bot / whole machine', (r) => `${fmt(r.saturation.bot.cpuUtilisation, 2)} / ${fmt(r.saturation.bot.machineCoresBusy, 2)}`],
    ['Saturation: baseline turns/s', (r) => fmt(r.saturation.baseline.turnsPerSec)],
    ['Saturation: baseline CPU ms/turn', (r) => fmt(r.saturation.baseline.cpuPerTurnMs, 3)],
    ['**Cost ratio** (bot/baseline CPU per turn)', (r) => `${fmt(r.costRatioSpread)}${mark(r.targets.costRatio.met)} (≤ ${TARGETS.costRatio[r.mode]})`],
    ['Realistic (200 conv.): p50 / p95 / p99 ms', (r) => `${fmt(r.realistic.bot.p50)} / ${fmt(r.realistic.bot.p95)} / ${fmt(r.realistic.bot.p99)}${mark(r.targets.realisticP99Ms.met)}`],
    ['Realistic: turns/s sent → answered', (r) => `${fmt(r.realistic.bot.sentTurnsPerSec)} → ${fmt(r.realistic.bot.turnsPerSec)}`],
    ['Realistic: failed turns / abandoned conv. (all reps)', (r) => `${sum(r.realistic.bot.failedTurns)} / ${sum(r.realistic.bot.abandonedConversations)}${mark(r.targets.realisticLost.met)}`],
    ['Realistic baseline: p50 / p95 / p99 ms', (r) => `${fmt(r.realistic.baseline.p50)} / ${fmt(r.realistic.baseline.p95)} / ${fmt(r.realistic.baseline.p99)}`],
    ['Overload: conversations; turns/s offered / sent → served', (r) => `${fmt(r.overload.conversations, 0)}; ${fmt(r.overload.offeredTurnsPerSec)} / ${fmt(r.overload.sentTurnsPerSec)} → ${fmt(r.overload.servedTurnsPerSec)}`],
    ['Overload: p50 / p99 ms', (r) => `${fmt(r.overload.p50)} / ${fmt(r.overload.p99)}`],
    ['Overload: failed turns (error replies) / pool errors (all reps)', (r) => `${sum(r.overload.failedTurns)} (${sum(r.overload.errorReplies)})${mark(r.targets.overloadFailedTurns.met)} / ${sum(r.overload.poolErrors)}${mark(r.targets.overloadPoolErrors.met)}`],
    ['Overload: busy replies / answered after busy / abandoned', (r) => `${sum(r.overload.busyReplies)} / ${sum(r.overload.answeredAfterBusy)} / ${sum(r.overload.abandonedConversations)}`],
    ['Peak RSS bot (baseline) MB, saturation + realistic', (r) => `${r.peakRssMb} (${r.baselinePeakRssMb})${mark(r.targets.peakRssRatio.met)}`],
    ['Peak RSS bot MB, with the overload phases', (r) => `${r.peakRssWithOverloadMb}`],
    ['Slot search, empty book → 100 → 10,000 past bookings', (r) => { const s = ss(r); return s ? `${s.emptyMs} → ${s.past.with100Ms} → ${s.past.with10kMs} ms (${s.past.ratio}×; fastest ${s.past.ratioOfFastest}×)` : 'failed'; }],
    ['Slot search, 20 bays: empty → 10,000 future bookings', (r) => { const s = ss(r); return s ? `${s.future.emptyMs} → ${s.future.with10kMs} ms (${s.future.ratio}×; fastest ${s.future.ratioOfFastest}×)${mark(r.targets.slotSearchFutureRatio.met)}` : 'failed'; }],
    ['Slot search, slots returned per search: empty / full book', (r) => { const s = ss(r); return s ? `${s.future.slotsReturned.empty.join(',')} / ${s.future.slotsReturned.full.join(',')}` : 'failed'; }],
    ['Bookings confirmed / alternatives taken / abandoned', (r) => `${r.bookings.bookings} / ${r.bookings.alternativesTaken} / ${r.bookings.abandoned}`],
    ['Turns per booking', (r) => `${r.bookings.turnsPerBooking}`],
  ];
  const lines = [`| | ${results.map((r) => `${r.mode} (median of ${r.repeat})`).join(' | ')} |`, `|---|${results.map(() => '---:').join('|')}|`];
  for (const [label, cell] of rows) lines.push(`| ${label} | ${results.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const started = performance.now();
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const modes: Mode[] = wanted.length ? (wanted as Mode[]) : ['embedded', 'postgresql'];
  for (const m of modes) if (m !== 'embedded' && m !== 'postgresql') throw new Error(`unknown mode ${m} (embedded | postgresql)`);
  const resultsDir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const connector = await startLoadConnector();
  const results: ModeResult[] = [];
  let failed = false;
  try {
    for (const mode of modes) {
      const cleanups: Array<() => Promise<void>> = [];
      try {
        const result = await benchMode(mode, connector, cleanups);
        results.push(result);
        // Only full, unprofiled runs are results; shorter, fewer-times or profiled runs go beside the profiles.
        const official = SCALE === 1 && REPEAT >= 3 && !PROFILE;
        const dir = official ? resultsDir : path.join(resultsDir, 'profiles');
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `${result.date}-${mode}${official ? '' : `-scale${SCALE}-repeat${REPEAT}${PROFILE ? '-profiled' : ''}`}.json`);
        fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
        log(`${mode}: wrote ${path.relative(ROOT, file)} (${result.durationSec} s)`);
      } catch (error) {
        failed = true;
        log(`${mode} FAILED: ${(error as Error).stack ?? error}`);
      } finally {
        for (const cleanup of cleanups.reverse()) await cleanup().catch((e) => log(`cleanup: ${(e as Error).message}`));
      }
    }
  } finally {
    destroyAgent();
    await connector.close();
    killAll();
  }
  if (results.length) {
    const m = results[0].machine;
    process.stdout.write(`\n${m.cpus} × ${m.model}, ${m.memGb} GB, Node ${m.node}, load average at start ${m.loadAvgAtStart.join(' ')}\n\n${markdownTable(results)}\n`);
  }
  log(`done in ${Math.round((performance.now() - started) / 1000)} s`);
  return failed ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    stopPostgresNow();
    for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    killAll();
    process.exit(1);
  },
);
