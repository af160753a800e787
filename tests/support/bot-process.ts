import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * Real bot processes for reliability tests: `node bin/aftercare start` on a free port with
 * its own DATABASE_URL, waited for on /healthz, killed (gracefully or with SIGKILL) by the
 * test. Also throw-away PostgreSQL 15 clusters that a test may stop and start.
 */

export const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'aftercare');
const PG_SCRIPT = path.join(ROOT, 'scripts', 'pg-test-server.sh');
const PGBIN = process.env.PGBIN ?? '/usr/lib/postgresql/15/bin';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The environment a bot process gets: nothing of the test runner's own settings. */
function baseEnv(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'SystemRoot'];
  const env: NodeJS.ProcessEnv = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  return env;
}

export interface BotProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr (its JSON log lines) and stdout so far. */
  stderr(): string;
  stdout(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  /** SIGKILL: no shutdown code runs (crash simulation). */
  kill9(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<BotProcess>();

export interface StartBotOptions {
  databaseUrl: string;
  env?: Record<string, string>;
  logLevel?: string;
  port?: number;
  /** How long to wait for /healthz 200 (default 60 s: PGlite start-up plus tsx compile on a busy machine). */
  readyTimeoutMs?: number;
}

export async function startBot(options: StartBotOptions): Promise<BotProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [BIN, 'start'], {
    cwd: ROOT,
    env: { ...baseEnv(), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: options.logLevel ?? 'warn', DATABASE_URL: options.databaseUrl, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  let exitedFlag = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      resolve({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const bot: BotProcess = {
    url,
    port,
    pid: child.pid!,
    child,
    stderr: () => err,
    stdout: () => out,
    exited,
    alive: () => !exitedFlag,
    async kill9() {
      if (!exitedFlag) child.kill('SIGKILL');
      await exited;
      running.delete(bot);
    },
    async stop(graceMs = 15_000) {
      if (!exitedFlag) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      running.delete(bot);
    },
  };
  running.add(bot);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exitedFlag) throw new Error(`bot exited before it was ready (${JSON.stringify(await exited)}):\n${err.slice(-3000)}\n${out.slice(-1000)}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await bot.kill9();
      throw new Error(`bot not healthy after ${options.readyTimeoutMs ?? 60_000} ms:\n${err.slice(-3000)}`);
    }
    await sleep(100);
  }
  return bot;
}

/** Kills every bot process still running (afterAll safety net). */
export async function killAllBots(): Promise<void> {
  await Promise.all([...running].map((b) => b.kill9()));
}

/** Runs `bin/aftercare <args>` to completion (e.g. `db seed`). */
export function runCli(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...baseEnv(), LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `aftercare-${prefix}-`));
}

/** Creates an empty database on a PostgreSQL server, migrates and seeds it with the CLI. */
export async function createPgDatabase(adminUrl: string, prefix = 'aftercare_rel'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Math.random().toString(16).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  for (const cmd of [['db', 'migrate'], ['db', 'seed']]) {
    const res = runCli(cmd, { DATABASE_URL: url });
    if (res.status !== 0) throw new Error(`aftercare ${cmd.join(' ')} failed (${res.status}): ${res.stderr}${res.stdout}`);
  }
  return {
    url,
    async drop() {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/* ---------------------------------------------------------------- PostgreSQL clusters */

export function pgBinariesPresent(): boolean {
  return fs.existsSync(path.join(PGBIN, 'initdb')) && fs.existsSync(path.join(PGBIN, 'pg_ctl'));
}

function asPostgres(command: string): { status: number | null; stderr: string } {
  const root = process.getuid?.() === 0;
  const res = root
    ? spawnSync('su', ['postgres', '-s', '/bin/bash', '-c', command], { encoding: 'utf8', timeout: 60_000 })
    : spawnSync('bash', ['-c', command], { encoding: 'utf8', timeout: 60_000 });
  return { status: res.status, stderr: `${res.stderr ?? ''}${res.stdout ?? ''}` };
}

export interface PgCluster {
  dir: string;
  port: number;
  adminUrl: string;
  /** `pg_ctl stop -m fast`: the server goes away, connections drop. */
  stop(): void;
  /** Starts it again on the same port and data. */
  start(): void;
  /** Stops it and removes its files. */
  destroy(): void;
}

/** A private PostgreSQL 15 cluster (scripts/pg-test-server.sh), which the test may stop and start. */
export function startPgCluster(prefix: string): PgCluster {
  const dir = tempDir(prefix);
  fs.chmodSync(dir, 0o755);
  const res = spawnSync('bash', [PG_SCRIPT, 'start', dir], { encoding: 'utf8', timeout: 120_000 });
  if (res.status !== 0) throw new Error(`pg-test-server.sh start failed: ${res.stderr}`);
  const adminUrl = res.stdout.trim().split('\n').pop()!;
  const port = Number(fs.readFileSync(path.join(dir, 'port'), 'utf8').trim());
  const pgCtl = path.join(PGBIN, 'pg_ctl');
  return {
    dir,
    port,
    adminUrl,
    stop() {
      const r = asPostgres(`'${pgCtl}' -D '${dir}/data' -m fast -w stop`);
      if (r.status !== 0) throw new Error(`pg_ctl stop failed: ${r.stderr}`);
    },
    start() {
      const r = asPostgres(
        `'${pgCtl}' -D '${dir}/data' -o "-c listen_addresses=127.0.0.1 -p ${port} -k '${dir}' -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" -l '${dir}/server.log' -w start`,
      );
      if (r.status !== 0) throw new Error(`pg_ctl start failed: ${r.stderr}`);
    },
    destroy() {
      spawnSync('bash', [PG_SCRIPT, 'stop', dir], { encoding: 'utf8', timeout: 60_000 });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
