import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Child processes of the bench, killed on exit whatever happens. */
export const ROOT = path.resolve(__dirname, '..');
const children = new Set<ChildProcess>();

export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface Spawned {
  child: ChildProcess;
  pid: number;
  output(): string;
  stdout(): string;
  /** Lines of stdout + stderr so far that contained each watched string (see `start`). */
  counts(): Record<string, number>;
  stop(graceMs?: number): Promise<void>;
}

/** Environment for the bot: the caller's, minus anything that would change what runs. */
export function cleanEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(Microsoft|WECHAT|DATABASE_URL$|AFTERCARE_|TEST_DATABASE_URL$|NODE_OPTIONS$|PORT$|HOST$|LOG_LEVEL$|SHOP_)/.test(key)) delete env[key];
  }
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) env[k] = v;
  return env;
}

/**
 * Starts a child process. `watch`: strings counted per output line over the whole run (the
 * kept output is only its tail), e.g. the pg pool's timeout error.
 */
export function start(args: string[], env: NodeJS.ProcessEnv, label: string, command = process.execPath, watch: string[] = []): Spawned {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let stdout = '';
  const counts: Record<string, number> = Object.fromEntries(watch.map((w) => [w, 0]));
  child.stdout!.on('data', (c: Buffer) => {
    if (stdout.length < 100_000) stdout += c.toString();
  });
  const lineCounter = () => {
    let partial = '';
    return (c: Buffer) => {
      const lines = (partial + c.toString()).split('\n');
      partial = lines.pop()!.slice(-10_000);
      for (const line of lines) for (const w of watch) if (line.includes(w)) counts[w]++;
    };
  };
  const keep = (c: Buffer) => {
    out += c.toString();
    if (out.length > 20_000) out = out.slice(-10_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  if (watch.length) {
    child.stdout!.on('data', lineCounter());
    child.stderr!.on('data', lineCounter());
  }
  child.on('exit', () => children.delete(child));
  if (!child.pid) throw new Error(`${label} did not start`);
  return {
    child,
    pid: child.pid,
    output: () => out,
    stdout: () => stdout,
    counts: () => ({ ...counts }),
    stop: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Runs a command to completion (bounded); throws with its output on failure. */
export function run(args: string[], env: NodeJS.ProcessEnv, label: string, timeoutMs = 120_000, command = process.execPath): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = start(args, env, label, command);
    const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
    p.child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(p.stdout());
      else reject(new Error(`${label} failed (${signal ?? `exit ${code}`}):\n${p.output().slice(-3000)}`));
    });
  });
}

export function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
}
process.on('exit', killAll);

export async function waitHealthy(url: string, proc: Spawned, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`process exited with ${proc.child.exitCode} before it was healthy:\n${proc.output().slice(-3000)}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not healthy within ${timeoutMs} ms:\n${proc.output().slice(-3000)}`);
}

/** utime + stime of a process in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Sum of CPU seconds of a process and its live children (PostgreSQL: postmaster + backends). */
export function treeCpuSeconds(pid: number): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(entry) === pid || Number(fields[1]) === pid) total += (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    } catch {
      // gone
    }
  }
  return total;
}

export function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const net = require('node:net') as typeof import('node:net');
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as import('node:net').AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
}
