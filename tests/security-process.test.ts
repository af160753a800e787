import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, killAllBots, ROOT, runCli, sleep, startBot, type BotProcess } from './support/bot-process';
import { createBotDatabase, type BotDatabase } from './reliability/helpers';
import { startFakeConnector, type FakeConnector } from './support/fake-connector';
import { TeamsUser } from './support/teams-client';
import { lockDataDirectory, readLockOwner } from '../services/db/lock';
import { openDatabase } from '../services/db/client';
import { redeemAdvisorInvite } from '../services/advisor-link';

/**
 * Issue 11, the operator's side, on real bot processes: stopping cleanly (items 6),
 * start-up on an unwritable data directory (7), library noise past the logger and
 * `advisor invite` beside a running embedded bot (11).
 */

const BIN = path.join(ROOT, 'bin', 'aftercare');
const baseEnv = () => {
  const env: NodeJS.ProcessEnv = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) if (process.env[k] !== undefined) env[k] = process.env[k];
  return env;
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** Polls until `done()` or the deadline (a bound for a hang, not a speed requirement). */
async function eventually(what: string, done: () => Promise<boolean> | boolean, deadlineMs = 45_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`not within ${deadlineMs} ms: ${what}`);
    await sleep(200);
  }
}

async function waitHealthy(port: number, child: ChildProcess, output: () => string): Promise<void> {
  await eventually(`/healthz on ${port}:\n${output()}`, async () => {
    if (child.exitCode !== null) throw new Error(`exited early:\n${output()}`);
    try {
      return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) })).ok;
    } catch {
      return false;
    }
  }, 90_000);
}

/** The lock is free: this process can take it (then gives it back). */
function lockIsFree(dir: string): boolean {
  try {
    lockDataDirectory(dir).release();
    return true;
  } catch {
    return false;
  }
}

describe('stopping cleanly, with no orphan holding the port or the lock', () => {
  let db: BotDatabase;
  beforeAll(async () => {
    db = await createBotDatabase('stop', { engine: 'pglite' });
  }, 60_000);
  afterAll(async () => {
    await killAllBots();
    await db?.dispose();
  });

  it('`npm start` stops on SIGTERM sent to npm alone', async () => {
    const port = await freePort();
    let output = '';
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: { ...baseEnv(), DATABASE_URL: db.url, PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm.stdout!.on('data', (d) => (output += d));
    npm.stderr!.on('data', (d) => (output += d));
    let botPid = 0;
    try {
      await waitHealthy(port, npm, () => output);
      botPid = readLockOwner(path.join(db.dir!, 'aftercare.lock'))!.pid;
      expect(botPid).not.toBe(npm.pid);
      // Not the process group: only npm, as a supervisor (or `kill <pid of npm>`) does.
      process.kill(npm.pid!, 'SIGTERM');
      await eventually('the bot process exits', () => !alive(botPid));
      await eventually('the port closes', async () => !(await portOpen(port)));
      await eventually('the lock is free', () => lockIsFree(db.dir!));
      expect(output).toContain('SIGTERM: finishing in-flight turns and closing the database');
    } finally {
      if (botPid && alive(botPid)) process.kill(botPid, 'SIGKILL');
      npm.kill('SIGKILL');
    }
  }, 150_000);

  it.each(['SIGTERM', 'SIGINT'] as const)('`node bin/aftercare start` stops on %s', async (signal) => {
    const bot = await startBot({ databaseUrl: db.url, readyTimeoutMs: 90_000 });
    bot.child.kill(signal);
    const exit = await bot.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(await portOpen(bot.port)).toBe(false);
    expect(fs.existsSync(path.join(db.dir!, 'aftercare.lock'))).toBe(false);
    expect(lockIsFree(db.dir!)).toBe(true);
    expect(bot.stdout()).toContain(`${signal}: finishing in-flight turns`);
  }, 150_000);
});

describe('start-up on a data directory that cannot be written says so in one sentence', () => {
  const oneSentence = (run: { status: number | null; stderr: string }, reason: RegExp) => {
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^aftercare: cannot write the embedded database in \S+ \(/);
    expect(lines[0]).toMatch(reason);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  };

  it('a file where the directory should be', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-notdir-'));
    fs.writeFileSync(path.join(dir, 'data'), 'not a directory');
    try {
      oneSentence(runCli(['start'], { DATABASE_URL: `pglite:${path.join(dir, 'data', 'db')}`, PORT: '0' }), /\(a file is in the way\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const root = process.getuid?.() === 0;
  const canMount = root && spawnSync('unshare', ['-m', 'true']).status === 0;
  (canMount ? it : it.skip)('a read-only mount (root: a read-only tmpfs in a private mount namespace)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-ro-'));
    try {
      const run = spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o ro none '${dir}' && exec '${process.execPath}' '${BIN}' start`], {
        cwd: ROOT,
        env: { ...baseEnv(), DATABASE_URL: `pglite:${dir}`, PORT: '0', LOG_LEVEL: 'warn' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      oneSentence(run, /\(read-only file system\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // As root the test runs the bot as the postgres user, who must be able to reach the project: a
  // clone inside a private directory (mktemp -d is 0700) is out of its reach, and then it cannot run.
  const nonRoot = !root || (spawnSync('id', ['postgres']).status === 0 && spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', `cd '${ROOT}' && test -r '${BIN}'`]).status === 0);
  (nonRoot ? it : it.skip)('a directory without write permission, for a user who is not root', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-perm-'));
    fs.chmodSync(dir, 0o555);
    try {
      const command = `cd '${ROOT}' && DATABASE_URL='pglite:${dir}/data' PORT=0 PATH='${process.env.PATH}' exec '${process.execPath}' '${BIN}' start`;
      const run = root ? spawnSync('su', ['postgres', '-s', '/bin/sh', '-c', command], { encoding: 'utf8', timeout: 60_000 }) : spawnSync('sh', ['-c', command], { encoding: 'utf8', timeout: 60_000 });
      oneSentence(run, /\(permission denied\)/);
    } finally {
      fs.chmodSync(dir, 0o755);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('library noise goes through the JSON logger', () => {
  let db: BotDatabase;
  let connector: FakeConnector;
  afterAll(async () => {
    await killAllBots();
    await connector?.close();
    await db?.dispose();
  });

  it('200 requests with forged tokens write no line that is not JSON, nothing below LOG_LEVEL, no stack', async () => {
    db = await createBotDatabase('noise', { engine: 'pglite' });
    connector = await startFakeConnector();
    const bot: BotProcess = await startBot({
      databaseUrl: db.url,
      logLevel: 'warn',
      env: { MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'not-a-secret-for-tests' },
      readyTimeoutMs: 90_000,
    });
    const outBefore = bot.stdout().length;
    const errBefore = bot.stderr().length;
    const user = new TeamsUser(bot.url, connector);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = { aud: '00000000-0000-0000-0000-000000000001', iss: 'https://api.botframework.com', exp: 4102444800, serviceurl: connector.url };
    const forged: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer not-a-real-token' },
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: `Bearer ${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}.c2lnbmF0dXJl` },
      { authorization: `Bearer ${b64({ alg: 'RS256', typ: 'JWT', kid: 'no-such-key' })}.${b64(claims)}.c2ln` },
      { authorization: `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.` },
    ];
    const statuses = new Set<number>();
    for (let i = 0; i < 200; i++) statuses.add((await user.post(user.activity({ text: `你好 ${i}` }), forged[i % forged.length])).status);
    for (const s of statuses) expect([401, 503]).toContain(s);
    expect(statuses.has(401)).toBe(true);
    expect(connector.calls).toHaveLength(0);
    await bot.stop();

    // The start banner is plain text for the operator; with the database starting in its own
    // thread it can land after the bot already answers /healthz, so it may fall in this slice.
    const lines = `${bot.stdout().slice(outBefore)}${bot.stderr().slice(errBefore)}`.split('\n').filter((l) => l.trim() && !/^SIGTERM: finishing/.test(l) && !/^aftercare: .* listening on /.test(l));
    const notJson = lines.filter((l) => {
      try {
        return typeof JSON.parse(l) !== 'object';
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
    const levels = new Set(lines.map((l) => JSON.parse(l).level));
    for (const level of levels) expect(['warn', 'error']).toContain(level);
    expect(lines.join('\n')).not.toMatch(/\\n\s+at /);
  }, 240_000);
});

describe('`aftercare advisor invite` while the embedded bot runs', () => {
  let db: BotDatabase;
  afterAll(async () => {
    await killAllBots();
    await db?.dispose();
  });

  it('asks the running bot over its owner-only admin socket and prints a code that works', async () => {
    db = await createBotDatabase('admin', { engine: 'pglite' });
    const [{ name }] = await db.query<{ name: string }>(`SELECT name FROM "Advisor" WHERE role = 'ADVISOR' AND active ORDER BY name LIMIT 1`);
    const bot = await startBot({ databaseUrl: db.url, readyTimeoutMs: 90_000 });
    const socket = path.join(db.dir!, 'admin', 'aftercare.sock');
    expect(fs.statSync(path.dirname(socket)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(socket).mode & 0o777).toBe(0o600);

    const run = runCli(['advisor', 'invite', name], { DATABASE_URL: db.url });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const code = /(ADV-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})/.exec(run.stdout)?.[1];
    expect(code).toBeDefined();
    const unknown = runCli(['advisor', 'invite', '没有这个人'], { DATABASE_URL: db.url });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no active advisor named "没有这个人"');
    expect(bot.alive()).toBe(true);
    await bot.stop();
    expect(fs.existsSync(socket)).toBe(false);

    // The code the running bot made is a real one.
    const database = await openDatabase({ kind: 'pglite', dataDir: db.dir! });
    try {
      const identity = await database.prisma.channelIdentity.create({ data: { channel: 'msteams', externalId: 'admin-socket-test' } });
      expect(await redeemAdvisorInvite(database.prisma, { code: code!, identityId: identity.id, now: new Date() })).toEqual({ ok: true, advisorName: name });
    } finally {
      await database.close();
    }
  }, 180_000);
});
