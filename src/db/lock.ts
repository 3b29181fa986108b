import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * PGlite takes no lock across processes, and two processes on one folder silently lose committed
 * writes. The process that opens the folder holds this lock file; any other one refuses clearly.
 */
export interface LockInfo {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
}

export class DataDirLockedError extends Error {
  constructor(
    message: string,
    readonly holder: LockInfo,
  ) {
    super(message);
    this.name = 'DataDirLockedError';
  }
}

export class DataDirUnusableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataDirUnusableError';
  }
}

export interface DataDirLock {
  path: string;
  /** True when the lock was left by a process that died and this one took it over. */
  tookOverStale: boolean;
  release(): void;
}

export const LOCK_FILE = 'maillage.lock';

/** Locks this process holds: a lock file naming our own pid is stale unless it is one of these. */
const heldHere = new Set<string>();

export function acquireDataDirLock(dataDir: string, command: string): DataDirLock {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.accessSync(dataDir, fs.constants.W_OK);
  } catch (cause) {
    throw new DataDirUnusableError(
      `Le dossier de données ${dataDir} n’est pas accessible en écriture (${(cause as NodeJS.ErrnoException).code ?? 'erreur'}) : ` +
        `donnez-en les droits à l’utilisateur qui lance maillage, ou choisissez-en un autre avec MAILLAGE_DATA_DIR.`,
      { cause },
    );
  }
  const lockPath = path.join(dataDir, LOCK_FILE);
  const me: LockInfo = {
    pid: process.pid,
    host: os.hostname(),
    command,
    startedAt: new Date().toISOString(),
  };
  let tookOverStale = false;

  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lockPath, JSON.stringify(me), { flag: 'wx' });
      let released = false;
      heldHere.add(lockPath);
      return {
        path: lockPath,
        tookOverStale,
        release() {
          if (released) return;
          released = true;
          heldHere.delete(lockPath);
          try {
            const current = readLock(lockPath);
            if (current?.pid === me.pid && current.startedAt === me.startedAt) fs.unlinkSync(lockPath);
          } catch {
            // The folder may be gone (tests); nothing to release then.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new DataDirUnusableError(`Impossible de poser le verrou ${lockPath} : ${(error as Error).message}.`, {
          cause: error,
        });
      }
    }
    const holder = readLock(lockPath);
    if (holder && isAlive(holder, lockPath)) {
      throw new DataDirLockedError(
        `Le dossier de données ${dataDir} est déjà utilisé par un autre processus maillage ` +
          `(pid ${holder.pid}, « ${holder.command} », depuis ${holder.startedAt}) : arrêtez-le d’abord, ` +
          `ou passez par son interface web ou son API.`,
        holder,
      );
    }
    // The holder died (kill -9, power loss) or the file is unreadable: move it aside atomically, so that
    // of two processes taking over at once only one wins, then try again.
    try {
      fs.renameSync(lockPath, `${lockPath}.stale-${process.pid}`);
      fs.rmSync(`${lockPath}.stale-${process.pid}`, { force: true });
      tookOverStale = true;
    } catch {
      // Someone else moved it first; the next attempt sees their lock.
    }
  }
  throw new DataDirUnusableError(`Impossible de poser le verrou ${lockPath} après plusieurs essais.`);
}

export function readLock(lockPath: string): LockInfo | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as Partial<LockInfo>;
    if (typeof parsed.pid !== 'number') return undefined;
    return parsed as LockInfo;
  } catch {
    return undefined;
  }
}

/** A lock from another machine (a shared disk) is never taken over: we cannot tell whether it lives. */
function isAlive(holder: LockInfo, lockPath: string): boolean {
  if (holder.host !== os.hostname()) return true;
  // Our own pid: a container restarted with the same pid, unless this very process holds it.
  if (holder.pid === process.pid) return heldHere.has(lockPath);
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // The pid lives, but may have been reused by an unrelated program after a crash.
  try {
    const cmdline = fs.readFileSync(`/proc/${holder.pid}/cmdline`, 'utf8');
    return /node|maillage/.test(cmdline);
  } catch {
    return true;
  }
}
