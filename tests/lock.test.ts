import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../services/db/client';
import { DatabaseInUseError, lockDataDirectory, readLockOwner } from '../services/db/lock';

const BIN = path.resolve(__dirname, '../bin/aftercare');

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('embedded database lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-lock-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses a second process with the owner pid, and the first keeps working', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir: dir });
    try {
      const second = spawnSync(process.execPath, [BIN, 'db', 'status'], {
        env: { ...process.env, DATABASE_URL: `pglite:${dir}`, NODE_OPTIONS: '' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(`database in use by pid ${process.pid}`);
      expect((await db.raw.query<{ one: number }>('SELECT 1 AS one'))[0].one).toBe(1);
    } finally {
      await db.close();
    }
    // Released on close: the next process may open it.
    expect(fs.existsSync(path.join(dir, 'aftercare.lock'))).toBe(false);
  });

  it('refuses a second open in the same process too', () => {
    const lock = lockDataDirectory(dir);
    try {
      expect(() => lockDataDirectory(dir)).toThrow(DatabaseInUseError);
    } finally {
      lock.release();
    }
  });

  it('takes over a lock left by a process that died', () => {
    fs.writeFileSync(path.join(dir, 'aftercare.lock'), String(deadPid()));
    const lock = lockDataDirectory(dir);
    expect(readLockOwner(lock.path)?.pid).toBe(process.pid);
    lock.release();
  });
});
