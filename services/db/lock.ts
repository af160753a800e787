import fs from 'node:fs';
import path from 'node:path';

/**
 * PGlite is single-process: two processes on one data directory silently lose writes.
 * The embedded mode therefore takes an exclusive lock file before opening it.
 */

export class DatabaseInUseError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(`database in use by pid ${pid} (${dataDir}); stop that process or point DATABASE_URL at another directory`);
    this.name = 'DatabaseInUseError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DirectoryLock {
  readonly path: string;
  release(): void;
}

export function lockDataDirectory(dataDir: string): DirectoryLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'aftercare.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(lockPath, 'utf8').trim() === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
      // A crash must not leave the directory locked for ever: a stale lock (dead pid) is
      // taken over below, and a normal exit removes it here.
      process.once('exit', release);
      return { path: lockPath, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(fs.readFileSync(lockPath, 'utf8').trim(), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new DatabaseInUseError(dataDir, pid);
      if (pid === process.pid) throw new DatabaseInUseError(dataDir, pid);
      // Stale: its owner died. Rename first so two takers cannot both unlink and win.
      const stale = `${lockPath}.stale-${process.pid}`;
      try {
        fs.renameSync(lockPath, stale);
        fs.unlinkSync(stale);
      } catch {
        /* another process took it over first; retry */
      }
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}
