import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`bot exited early (${child.exitCode}):\n${log()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return (await res.json()) as { status: string; database: { engine: string; ok: boolean } };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no /healthz within ${timeoutMs} ms:\n${log()}`);
}

/** `npm start` on a fresh machine: a new embedded database is created, migrated and seeded. */
describe('npm start', () => {
  it('serves /healthz on a fresh data directory and shuts down cleanly on SIGINT', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-start-'));
    const port = await freePort();
    let output = '';
    const child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `pglite:${dataDir}`, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_OPTIONS: '', WECHATY_PUPPET: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    try {
      const health = await waitForHealth(`http://127.0.0.1:${port}/healthz`, child, () => output);
      expect(health).toMatchObject({ status: 'ok', database: { engine: 'pglite', ok: true } });
      expect(output).toContain('demo shop seeded');
      expect(output).toContain('WeChat is off');
      const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
      // Ctrl-C reaches the whole process group, as in a terminal.
      process.kill(-child.pid!, 'SIGINT');
      // npm itself may die of the signal; the bot below it must finish cleanly.
      expect(['0', 'SIGINT']).toContain(await exited);
      await new Promise((r) => setTimeout(r, 500));
      expect(output).toContain('finishing in-flight turns and closing the database');
      // PGlite was closed and the lock released.
      expect(fs.existsSync(path.join(dataDir, 'aftercare.lock'))).toBe(false);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses bad settings with one clear message and starts nothing', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-badcfg-'));
    const run = require('node:child_process').spawnSync(process.execPath, [path.join(ROOT, 'bin/aftercare'), 'start'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `pglite:${dataDir}`, PORT: 'eighty', SHOP_TIME_ZONE: 'Mars/Base', NODE_OPTIONS: '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Invalid configuration:\n {2}- PORT .*\n {2}- SHOP_TIME_ZONE must be an IANA time zone/);
    // Nothing half-started: no database was created.
    expect(fs.existsSync(path.join(dataDir, 'pgdata'))).toBe(false);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
