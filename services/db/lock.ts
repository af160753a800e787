import fs from 'node:fs';
import path from 'node:path';

/**
 * PGlite is single-process: two processes on one data directory silently lose writes.
 * The embedded mode therefore holds an exclusive lock on `<dataDir>/aftercare.lock` while
 * the database is open.
 *
 * The lock is the operating system's (an open-file-description lock through
 * fs-native-extensions: fcntl F_OFD_SETLK on Linux, flock on macOS, LockFileEx on Windows),
 * so the kernel drops it the moment its holder dies, whatever the pid. A pid written in a
 * file is not proof of anything: in a container the restarted bot is pid 1 again and found
 * "database in use by pid 1", its own pid, for ever. The pid and start time in the file are
 * only for the message a second process prints.
 *
 * Where the native lock cannot be loaded (a platform without a prebuilt binary), the file
 * is created exclusively and judged stale by pid *and* the process start time from
 * /proc/<pid>/stat, so a recycled pid (pid 1 after a restart) is not mistaken for the owner.
 */

export class DatabaseInUseError extends Error {
  constructor(readonly dataDir: string, readonly pid: number | null) {
    super(`database in use by ${pid ? `pid ${pid}` : 'another process'} (${dataDir}); stop that process or point DATABASE_URL at another directory`);
    this.name = 'DatabaseInUseError';
  }
}

export interface DirectoryLock {
  readonly path: string;
  release(): void;
}

/** What the lock file says about its holder (diagnostics only when the OS lock is used). */
export interface LockOwner {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot), null where there is no /proc. */
  startTime: string | null;
}

export const LOCK_FILE = 'aftercare.lock';

type NativeLock = { tryLock(fd: number): boolean; unlock(fd: number): void };
let native: NativeLock | null | undefined;
function nativeLock(): NativeLock | null {
  if (native === undefined) {
    try {
      native = require('fs-native-extensions') as NativeLock;
    } catch {
      native = null;
    }
  }
  return native;
}

/** Start time of a process, which a recycled pid does not share; null when unknown. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count after it.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

export function readLockOwner(lockPath: string): LockOwner | null {
  let text: string;
  try {
    text = fs.readFileSync(lockPath, 'utf8').trim();
  } catch {
    return null;
  }
  if (/^\d+$/.test(text)) return { pid: Number(text), startTime: null }; // written by an older version
  try {
    const owner = JSON.parse(text) as Partial<LockOwner>;
    return Number.isInteger(owner.pid) && owner.pid! > 0 ? { pid: owner.pid!, startTime: typeof owner.startTime === 'string' ? owner.startTime : null } : null;
  } catch {
    return null;
  }
}

function isAlive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = processStartTime(owner.pid);
  return owner.startTime === null || now === null || now === owner.startTime;
}

/** Directories this process holds, so a second open in the same process is refused too. */
const heldHere = new Set<string>();

export interface LockOptions {
  /** false: skip the OS lock and use the pid + start-time file (tests of that path). */
  native?: boolean;
}

export function lockDataDirectory(dataDir: string, options: LockOptions = {}): DirectoryLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, LOCK_FILE);
  const key = path.resolve(lockPath);
  if (heldHere.has(key)) throw new DatabaseInUseError(dataDir, process.pid);
  const me: LockOwner = { pid: process.pid, startTime: processStartTime(process.pid) };
  const lib = options.native === false ? null : nativeLock();
  const lock = lib ? lockWithOs(lib, dataDir, lockPath, me) : lockWithFile(dataDir, lockPath, me);
  heldHere.add(key);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    heldHere.delete(key);
    lock.release();
  };
  // A normal exit removes the file; a crash leaves it, and the next process takes it over.
  process.once('exit', release);
  return { path: lockPath, release };
}

function lockWithOs(lib: NativeLock, dataDir: string, lockPath: string, me: LockOwner): { release(): void } {
  for (let attempt = 0; attempt < 5; attempt++) {
    const fd = fs.openSync(lockPath, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    let locked = false;
    try {
      locked = lib.tryLock(fd);
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
    if (!locked) {
      fs.closeSync(fd);
      throw new DatabaseInUseError(dataDir, readLockOwner(lockPath)?.pid ?? null);
    }
    // The holder before us may have unlinked the file between our open and our lock: then
    // we locked an orphan and a third process could lock the new file. Lock what the path names.
    let current: fs.Stats | null = null;
    try {
      current = fs.statSync(lockPath);
    } catch {
      /* unlinked meanwhile */
    }
    const mine = fs.fstatSync(fd);
    if (!current || current.ino !== mine.ino || current.dev !== mine.dev) {
      lib.unlock(fd);
      fs.closeSync(fd);
      continue;
    }
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, JSON.stringify(me), 0);
    return {
      release() {
        try {
          fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
        try {
          lib.unlock(fd);
          fs.closeSync(fd);
        } catch {
          /* closed at exit */
        }
      },
    };
  }
  throw new Error(`could not lock ${dataDir}`);
}

function lockWithFile(dataDir: string, lockPath: string, me: LockOwner): { release(): void } {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx', 0o600);
      fs.writeSync(fd, JSON.stringify(me));
      fs.closeSync(fd);
      return {
        release() {
          const owner = readLockOwner(lockPath);
          if (owner?.pid === me.pid && owner.startTime === me.startTime) fs.rmSync(lockPath, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readLockOwner(lockPath);
      // Our own pid in the file is a previous life of this pid (this process holds nothing here:
      // `heldHere` said so); any other live pid with the same start time is the owner.
      if (owner && owner.pid !== me.pid && isAlive(owner)) throw new DatabaseInUseError(dataDir, owner.pid);
      if (owner && owner.pid === me.pid && owner.startTime !== null && owner.startTime === me.startTime) throw new DatabaseInUseError(dataDir, owner.pid);
      // Stale: rename first so two takers cannot both unlink and win.
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
