import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseInUseError, lockDataDirectory, processStartTime, readLockOwner } from '../services/db/lock';

const ROOT = path.resolve(__dirname, '..');

/**
 * Issue 11 item 6: in a container the bot is pid 1; killed and restarted, it found "database
 * in use by pid 1" — its own pid, in the file its previous life left — and never started.
 */
describe('embedded database lock survives a recycled pid', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-seclock-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const ownPidOtherStart = () => JSON.stringify({ pid: process.pid, startTime: String(Number(processStartTime(process.pid) ?? '1000') - 500) });

  it.each([
    ['the OS lock', true],
    ['the pid + start-time file (no native lock)', false],
  ])('takes over a lock file carrying this process\'s own pid from an earlier life (%s)', (_label, native) => {
    fs.writeFileSync(path.join(dir, 'aftercare.lock'), ownPidOtherStart());
    const lock = lockDataDirectory(dir, { native });
    try {
      expect(readLockOwner(lock.path)).toEqual({ pid: process.pid, startTime: processStartTime(process.pid) });
    } finally {
      lock.release();
    }
    expect(fs.existsSync(path.join(dir, 'aftercare.lock'))).toBe(false);
  });

  it('takes over the old format (a bare pid) when it is this process\'s own pid', () => {
    fs.writeFileSync(path.join(dir, 'aftercare.lock'), String(process.pid));
    const lock = lockDataDirectory(dir);
    lock.release();
  });

  it('refuses while another live process holds it, and takes over the moment that process is killed', async () => {
    const child: ChildProcess = spawn(
      process.execPath,
      ['-r', 'tsx/cjs', '-e', `require('./services/db/lock.ts').lockDataDirectory(${JSON.stringify(dir)}); process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`],
      { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
        child.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
      });
      let error: unknown;
      try {
        lockDataDirectory(dir).release();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DatabaseInUseError);
      expect((error as Error).message).toContain(`database in use by pid ${child.pid}`);
      // No shutdown code runs on SIGKILL: the file stays, the kernel drops the lock.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      expect(fs.existsSync(path.join(dir, 'aftercare.lock'))).toBe(true);
      const lock = lockDataDirectory(dir);
      expect(readLockOwner(lock.path)?.pid).toBe(process.pid);
      lock.release();
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
