import type { SimCustomer, TurnResult } from './customers';
import { cpuSeconds, machineCpu, treeCpuSeconds } from './procs';

/** Load phases: each ends on its own after its duration (and at most `hardStopMs` more for stragglers). */

export interface SaturationResult {
  conversations: number;
  seconds: number;
  turns: number;
  failedTurns: number;
  turnsPerSec: number;
  cpuSeconds: number;
  cpuPerTurnMs: number;
  /** Share of one core the target used. */
  cpuUtilisation: number;
  /** PostgreSQL server CPU over the same window (postgresql mode). */
  dbCpuPerTurnMs?: number;
  /** Cores in use over the window: the whole machine, and the bench process (load generator + connector). */
  machineCoresBusy: number;
  loadGeneratorCores: number;
  meanLatencyMs: number;
}

export interface RealisticResult {
  conversations: number;
  seconds: number;
  /** Turns sent in the measured window, and per second. */
  sentTurns: number;
  sentTurnsPerSec: number;
  /** Turns sent in the measured window that got a real answer, and per second (until the last answer). */
  turns: number;
  turnsPerSec: number;
  /** Real answers that arrived inside the measured window, per second of it: what the bot served. */
  servedTurnsPerSec: number;
  /**
   * Turns without a real answer (HTTP error, timeout, no reply, only a busy reply, or the
   * bot's error reply), over the whole phase, ramp-up included.
   */
  failedTurns: number;
  /** Of those, turns answered with the bot's turn-error reply ("系统繁忙…"). */
  errorReplies: number;
  /** Turns with a busy reply (whole phase), and those of them that got the real answer after it. */
  busyReplies: number;
  answeredAfterBusy: number;
  /** Conversations the simulated customers gave up in this phase (booking customers; 0 for echo). */
  abandonedConversations: number;
  /** Latency of answered turns in the measured window: request → last reply. */
  p50: number;
  p95: number;
  p99: number;
  max: number;
  cpuPerTurnMs: number;
}

/** The overload phase: offered twice what the bot served at saturation. */
export interface OverloadResult extends RealisticResult {
  /** What the conversations offer at 1–3 s think time (count ÷ 2 s). */
  offeredTurnsPerSec: number;
  /** Bot log lines "timeout exceeded when trying to connect" (pg pool) during the phase. */
  poolErrors: number;
  /** Every turn of the phase got a real answer (possibly after a busy reply). */
  everyTurnAnswered: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i] * 10) / 10;
}

/**
 * `count` conversations, each sending its next message as soon as the previous reply
 * arrived. Turns during `warmupMs` are not counted; CPU is read around the measured window.
 */
export async function saturation(opts: {
  pid: number;
  dbPid?: number;
  count: number;
  warmupMs: number;
  durationMs: number;
  make: () => SimCustomer;
}): Promise<SaturationResult> {
  const customers = Array.from({ length: opts.count }, opts.make);
  const started = performance.now();
  const measureFrom = started + opts.warmupMs;
  const end = measureFrom + opts.durationMs;
  let cpuBefore = 0;
  let dbBefore = 0;
  let windowStart = 0;
  const results: TurnResult[] = [];
  let machineBefore = machineCpu();
  let selfBefore = process.cpuUsage();
  const warm = sleep(opts.warmupMs).then(() => {
    machineBefore = machineCpu();
    selfBefore = process.cpuUsage();
    cpuBefore = cpuSeconds(opts.pid);
    if (opts.dbPid) dbBefore = treeCpuSeconds(opts.dbPid);
    windowStart = performance.now();
  });
  let cpuAfter = 0;
  let dbAfter = 0;
  let windowEnd = 0;
  let machineAfter = machineBefore;
  let selfUsed = { user: 0, system: 0 };
  const stopClock = sleep(opts.warmupMs + opts.durationMs).then(() => {
    machineAfter = machineCpu();
    selfUsed = process.cpuUsage(selfBefore);
    cpuAfter = cpuSeconds(opts.pid);
    if (opts.dbPid) dbAfter = treeCpuSeconds(opts.dbPid);
    windowEnd = performance.now();
  });
  await Promise.all(
    customers.map(async (c) => {
      while (performance.now() < end) {
        const r = await c.turn();
        // Throughput: turns that completed inside the CPU window.
        const done = performance.now();
        if (done >= measureFrom && done <= end) results.push(r);
      }
    }),
  );
  await Promise.all([warm, stopClock]);
  for (const c of customers) c.dispose();
  const seconds = (windowEnd - windowStart) / 1000;
  const ok = results.filter((r) => r.ok);
  const cpu = cpuAfter - cpuBefore;
  const latencies = ok.map((r) => r.latencyMs);
  return {
    conversations: opts.count,
    seconds: round(seconds, 2),
    turns: ok.length,
    failedTurns: results.length - ok.length,
    turnsPerSec: round(ok.length / seconds, 1),
    cpuSeconds: round(cpu, 2),
    cpuPerTurnMs: round((cpu * 1000) / Math.max(1, ok.length), 3),
    cpuUtilisation: round(cpu / seconds, 2),
    dbCpuPerTurnMs: opts.dbPid ? round(((dbAfter - dbBefore) * 1000) / Math.max(1, ok.length), 3) : undefined,
    machineCoresBusy: round((machineAfter.busy - machineBefore.busy) / seconds, 2),
    loadGeneratorCores: round((selfUsed.user + selfUsed.system) / 1e6 / seconds, 2),
    meanLatencyMs: round(latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length), 1),
  };
}

/**
 * `count` conversations, each sending its next message 1–3 s (uniformly random) after the
 * previous reply. Conversations start spread over the first 3 s; latencies and turns/s count
 * the turns sent after `warmupMs`, failures count the whole phase. `abandoned` reads how many
 * conversations the customers gave up so far.
 */
export async function realistic(opts: {
  pid: number;
  count: number;
  warmupMs: number;
  durationMs: number;
  make: () => SimCustomer;
  abandoned?: () => number;
}): Promise<RealisticResult> {
  const abandonedBefore = opts.abandoned?.() ?? 0;
  const customers = Array.from({ length: opts.count }, opts.make);
  const started = performance.now();
  const measureFrom = started + opts.warmupMs;
  const end = measureFrom + opts.durationMs;
  const measured: TurnResult[] = [];
  let failed = 0;
  let errorReplies = 0;
  let busy = 0;
  let answeredAfterBusy = 0;
  let servedInWindow = 0;
  let cpuBefore = 0;
  const warm = sleep(opts.warmupMs).then(() => {
    cpuBefore = cpuSeconds(opts.pid);
  });
  await Promise.all(
    customers.map(async (c) => {
      await sleep(Math.random() * 3_000);
      while (performance.now() < end) {
        const sent = performance.now();
        const r = await c.turn();
        const done = performance.now();
        if (sent >= measureFrom) measured.push(r);
        if (r.ok && done >= measureFrom && done <= end) servedInWindow++;
        if (!r.ok) failed++;
        if (r.errorReply) errorReplies++;
        if (r.busy) busy++;
        if (r.busy && r.ok) answeredAfterBusy++;
        const pause = 1_000 + Math.random() * 2_000;
        if (performance.now() + pause >= end) break;
        await sleep(pause);
      }
    }),
  );
  await warm;
  const cpu = cpuSeconds(opts.pid) - cpuBefore;
  const seconds = (performance.now() - measureFrom) / 1000;
  for (const c of customers) c.dispose();
  const ok = measured.filter((r) => r.ok);
  const sorted = ok.map((r) => r.latencyMs).sort((a, b) => a - b);
  return {
    conversations: opts.count,
    seconds: round(seconds, 2),
    sentTurns: measured.length,
    sentTurnsPerSec: round(measured.length / seconds, 1),
    turns: ok.length,
    turnsPerSec: round(ok.length / seconds, 1),
    servedTurnsPerSec: round(servedInWindow / (opts.durationMs / 1000), 1),
    failedTurns: failed,
    errorReplies,
    busyReplies: busy,
    answeredAfterBusy,
    abandonedConversations: (opts.abandoned?.() ?? 0) - abandonedBefore,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: round(sorted[sorted.length - 1] ?? NaN, 1),
    cpuPerTurnMs: round((cpu * 1000) / Math.max(1, ok.length), 3),
  };
}

/** Conversations for an offered load at 1–3 s think time (2 s mean): turns/s × 2 s, within [min, max]. */
export function conversationsFor(turnsPerSec: number, min = 50, max = 600): number {
  return Math.min(max, Math.max(min, Math.round(turnsPerSec * 2)));
}

/**
 * Twice the load the bot served at saturation, as realistic conversations (1–3 s think time):
 * what is served, what fails, what waits behind a busy reply. `poolErrors` counts the pg pool's
 * "timeout exceeded when trying to connect" lines the bot logged so far.
 */
export async function overload(opts: {
  pid: number;
  saturationTurnsPerSec: number;
  warmupMs: number;
  durationMs: number;
  make: () => SimCustomer;
  abandoned?: () => number;
  poolErrors: () => number;
}): Promise<OverloadResult> {
  const count = conversationsFor(2 * opts.saturationTurnsPerSec);
  const poolBefore = opts.poolErrors();
  const r = await realistic({ pid: opts.pid, count, warmupMs: opts.warmupMs, durationMs: opts.durationMs, make: opts.make, abandoned: opts.abandoned });
  return { ...r, offeredTurnsPerSec: round(count / 2, 1), poolErrors: opts.poolErrors() - poolBefore, everyTurnAnswered: r.failedTurns === 0 };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
