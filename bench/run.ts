/**
 * `npm run bench`: the bot under load over the real Bot Framework protocol, on the embedded
 * database and on PostgreSQL, against a bare botbuilder echo bot behind the same HTTP layer.
 *
 *   npm run bench                      both modes
 *   npm run bench -- embedded          one mode (embedded | postgresql)
 *   BENCH_PROFILE=1 npm run bench      also writes a CPU profile of the bot (bench/results/profiles/)
 *   BENCH_SCALE=0.5 npm run bench      shorter phases (smoke run)
 *
 * Everything listens on 127.0.0.1; every process it starts is killed at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startLoadConnector, type LoadConnector } from './connector';
import { BookingCustomer, destroyAgent, EchoCustomer, IdentityFactory, WantedTimes, type BookingStats } from './customers';
import { realistic, saturation, type RealisticResult, type SaturationResult } from './load';
import { cleanEnv, CLK_TCK, freePort, killAll, peakRssMb, ROOT, run, start, waitHealthy, type Spawned } from './procs';

type Mode = 'embedded' | 'postgresql';

const SCALE = Number(process.env.BENCH_SCALE ?? 1) || 1;
const ms = (v: number) => Math.round(v * SCALE);
const PHASES = {
  saturation: { conversations: 50, warmupMs: ms(2_000), botMs: ms(12_000), baselineMs: ms(6_000) },
  realistic: { conversations: 200, warmupMs: ms(3_000), botMs: ms(20_000), baselineMs: ms(8_000) },
};
const LOAD_AT_START = os.loadavg().map((v) => Math.round(v * 100) / 100);
const TARGETS = { costRatio: 3, p99Ms: 100, turnsPerSecPg: 200, slotSearchRatio: 2 };

export interface ModeResult {
  date: string;
  mode: Mode;
  costRatio: number;
  saturation: { bot: SaturationResult; baseline: SaturationResult };
  realistic: RealisticResult & { baseline: RealisticResult };
  peakRssMb: number;
  baselinePeakRssMb: number;
  slotSearch: { with100Ms: number; with10kMs: number; ratio: number } | { error: string };
  bookings: BookingStats & { turnsPerBooking: number | null };
  targets: Record<string, { target: string; value: number | null; met: boolean | null; note?: string }>;
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
  const profile = process.env.BENCH_PROFILE === '1';
  if (profile) fs.mkdirSync(profileDir, { recursive: true });
  // Node 20 refuses --cpu-prof in NODE_OPTIONS: the flags go on the command line.
  const profFlags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=bot-${mode}.cpuprofile`, '--cpu-prof-interval=500'] : [];
  const bot = start([...profFlags, 'bin/aftercare', 'start'], cleanEnv({ DATABASE_URL: databaseUrl, PORT: String(botPort), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }), 'bot');
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
  const stats: BookingStats = { bookings: 0, alternativesTaken: 0, abandoned: 0, errors: [] };
  const booking = () => new BookingCustomer(botUrl, connector, ids, times, stats);
  const echo = () => new EchoCustomer(baseUrl, connector);
  let botTurns = 0;

  log(`${mode}: saturation, bot: ${PHASES.saturation.conversations} conversations, ${PHASES.saturation.botMs / 1000} s (+${PHASES.saturation.warmupMs / 1000} s warm-up)`);
  const satBot = await saturation({ pid: bot.pid, dbPid: postmasterPid, count: PHASES.saturation.conversations, warmupMs: PHASES.saturation.warmupMs, durationMs: PHASES.saturation.botMs, make: booking });
  botTurns += satBot.turns;
  log(`  ${satBot.turnsPerSec} turns/s, ${satBot.cpuPerTurnMs} ms CPU/turn, ${stats.bookings} bookings so far`);
  log(`${mode}: saturation, baseline echo`);
  const satBase = await saturation({ pid: baseline.pid, count: PHASES.saturation.conversations, warmupMs: PHASES.saturation.warmupMs, durationMs: PHASES.saturation.baselineMs, make: echo });
  log(`  ${satBase.turnsPerSec} turns/s, ${satBase.cpuPerTurnMs} ms CPU/turn`);

  log(`${mode}: realistic, bot: ${PHASES.realistic.conversations} conversations, 1–3 s between turns, ${PHASES.realistic.botMs / 1000} s`);
  const realBot = await realistic({ pid: bot.pid, count: PHASES.realistic.conversations, warmupMs: PHASES.realistic.warmupMs, durationMs: PHASES.realistic.botMs, make: booking });
  botTurns += realBot.turns;
  log(`  p50 ${realBot.p50} ms, p95 ${realBot.p95} ms, p99 ${realBot.p99} ms (${realBot.turnsPerSec} turns/s)`);
  log(`${mode}: realistic, baseline echo`);
  const realBase = await realistic({ pid: baseline.pid, count: PHASES.realistic.conversations, warmupMs: PHASES.realistic.warmupMs, durationMs: PHASES.realistic.baselineMs, make: echo });
  log(`  p50 ${realBase.p50} ms, p95 ${realBase.p95} ms, p99 ${realBase.p99} ms`);

  const rss = peakRssMb(bot.pid);
  const baseRss = peakRssMb(baseline.pid);
  let confirmedInDb: number | undefined;
  if (mode === 'postgresql') {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    confirmedInDb = Number((await c.query(`SELECT count(*)::int AS n FROM "Booking" WHERE status = 'CONFIRMED'`)).rows[0].n);
    await c.end();
  }
  await Promise.all([stopBot(), baseline.stop(5_000)]);
  const botErrors = bot.output().split('\n').filter((l) => /error|warn/i.test(l));

  log(`${mode}: slot search at 100 vs 10,000 bookings`);
  let slotSearch: ModeResult['slotSearch'];
  try {
    const out = await run(['--import', 'tsx', 'bench/slot-search.ts'], cleanEnv({ TEST_DATABASE_URL: adminUrl, LOG_LEVEL: 'silent' }), 'slot search', 150_000);
    slotSearch = JSON.parse(out.trim().split('\n').pop()!);
  } catch (error) {
    slotSearch = { error: (error as Error).message.slice(0, 500) };
  }
  log(`  ${JSON.stringify(slotSearch)}`);

  const costRatio = Math.round((satBot.cpuPerTurnMs / satBase.cpuPerTurnMs) * 10) / 10;
  const slotRatio = 'ratio' in slotSearch ? slotSearch.ratio : null;
  const targets: ModeResult['targets'] = {
    costRatio: { target: `≤ ${TARGETS.costRatio}`, value: costRatio, met: costRatio <= TARGETS.costRatio },
    realisticP99Ms: { target: `≤ ${TARGETS.p99Ms} ms`, value: realBot.p99, met: realBot.p99 <= TARGETS.p99Ms },
    saturationTurnsPerSec: {
      target: `≥ ${TARGETS.turnsPerSecPg} on PostgreSQL`,
      value: satBot.turnsPerSec,
      met: mode === 'postgresql' ? satBot.turnsPerSec >= TARGETS.turnsPerSecPg : null,
      note: mode === 'postgresql' ? undefined : 'target applies to PostgreSQL',
    },
    slotSearchRatio: { target: `≤ ${TARGETS.slotSearchRatio}× (10,000 vs 100 bookings)`, value: slotRatio, met: slotRatio === null ? null : slotRatio <= TARGETS.slotSearchRatio },
  };
  return {
    date: new Date().toISOString().slice(0, 10),
    mode,
    costRatio,
    saturation: { bot: satBot, baseline: satBase },
    realistic: { ...realBot, baseline: realBase },
    peakRssMb: rss,
    baselinePeakRssMb: baseRss,
    slotSearch,
    bookings: { ...stats, turnsPerBooking: stats.bookings ? Math.round((botTurns / stats.bookings) * 10) / 10 : null },
    targets,
    machine: machine(),
    setup: {
      phases: PHASES,
      confirmedBookingsInDb: confirmedInDb,
      botLogWarnings: botErrors.slice(0, 5),
      stock: 'parts stock raised to 1,000,000 (bench/prepare-db.ts) so bookings are measured, not the parts-short path',
      profile: profile ? path.join('bench', 'results', 'profiles', `bot-${mode}.cpuprofile`) : undefined,
    },
    durationSec: Math.round((performance.now() - t0) / 1000),
  };
}

export function markdownTable(results: ModeResult[]): string {
  const mark = (met: boolean | null | undefined) => (met === null || met === undefined ? '' : met ? ' ✅' : ' ❌');
  const rows: Array<[string, (r: ModeResult) => string]> = [
    ['Saturation (50 conv.): bot turns/s', (r) => `${r.saturation.bot.turnsPerSec}${mark(r.targets.saturationTurnsPerSec.met)}`],
    ['Saturation: bot CPU ms/turn', (r) => `${r.saturation.bot.cpuPerTurnMs}${r.saturation.bot.dbCpuPerTurnMs !== undefined ? ` (+${r.saturation.bot.dbCpuPerTurnMs} PostgreSQL)` : ''}`],
    ['Saturation: cores busy, bot / whole machine', (r) => `${r.saturation.bot.cpuUtilisation} / ${r.saturation.bot.machineCoresBusy}`],
    ['Saturation: baseline turns/s', (r) => `${r.saturation.baseline.turnsPerSec}`],
    ['Saturation: baseline CPU ms/turn', (r) => `${r.saturation.baseline.cpuPerTurnMs}`],
    ['Cost ratio (bot/baseline CPU per turn)', (r) => `${r.costRatio}${mark(r.targets.costRatio.met)}`],
    ['Realistic (200 conv.): p50 / p95 / p99 ms', (r) => `${r.realistic.p50} / ${r.realistic.p95} / ${r.realistic.p99}${mark(r.targets.realisticP99Ms.met)}`],
    ['Realistic: turns/s offered→served', (r) => `${r.realistic.turnsPerSec}`],
    ['Realistic baseline: p50 / p95 / p99 ms', (r) => `${r.realistic.baseline.p50} / ${r.realistic.baseline.p95} / ${r.realistic.baseline.p99}`],
    ['Peak RSS bot (baseline) MB', (r) => `${r.peakRssMb} (${r.baselinePeakRssMb})`],
    ['Slot search 100 → 10,000 bookings', (r) => ('ratio' in r.slotSearch ? `${r.slotSearch.with100Ms} → ${r.slotSearch.with10kMs} ms (${r.slotSearch.ratio}×)${mark(r.targets.slotSearchRatio.met)}` : 'failed')],
    ['Bookings confirmed / alternatives taken / abandoned', (r) => `${r.bookings.bookings} / ${r.bookings.alternativesTaken} / ${r.bookings.abandoned}`],
    ['Turns per booking', (r) => `${r.bookings.turnsPerBooking}`],
  ];
  const lines = [`| | ${results.map((r) => r.mode).join(' | ')} |`, `|---|${results.map(() => '---:').join('|')}|`];
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
        // Only full, unprofiled runs are results; shorter or profiled runs go beside the profiles.
        const official = SCALE === 1 && process.env.BENCH_PROFILE !== '1';
        const dir = official ? resultsDir : path.join(resultsDir, 'profiles');
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `${result.date}-${mode}${official ? '' : `-scale${SCALE}${process.env.BENCH_PROFILE === '1' ? '-profiled' : ''}`}.json`);
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
