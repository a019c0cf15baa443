import { closeSync, linkSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, basename } from 'node:path';
import { RdbmError } from '../errors.js';
import { processAlive, thisProcess } from './owner.js';

/**
 * File-system faults on user paths are bad input, not bugs (issue 32, defect 7): what each errno means and
 * what to do about it, for one-line messages naming the path.
 */
const FAULTS: Readonly<Record<string, string>> = Object.freeze({
  ENOSPC: 'no space left on the device; free some space or choose another location',
  EDQUOT: 'disk quota exceeded; free some space or choose another location',
  EACCES: 'permission denied; check the permissions or choose another location',
  EPERM: 'operation not permitted; check the permissions or choose another location',
  EROFS: 'read-only file system; choose another location',
  ELOOP: 'a symbolic link loop; remove or fix the link',
  ENOENT: 'no such file or directory (or a dangling symbolic link)',
  ENOTDIR: 'a path component is not a directory',
  EISDIR: 'is a directory (expected a file)',
  EEXIST: 'already exists',
  EMFILE: 'too many open files; raise the limit (ulimit -n) or use fewer workers',
  ENFILE: 'too many open files on the system',
  EIO: 'input/output error (a failing disk or network file system)',
  ENAMETOOLONG: 'file name too long',
  EFBIG: 'file too large for the file system or the process limit (ulimit -f)',
});

/** Whether `error` is a Node file-system error with an errno code this module explains. */
export function isFsFault(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code in FAULTS;
}

/**
 * The RdbmError for a file-system fault: `<path>: <what it means> (<CODE>)`, `path` defaulting to the one the
 * error names; any other error is returned unchanged.
 */
export function fsFault(error: unknown, path?: string): unknown {
  if (!isFsFault(error)) return error;
  const where = path ?? error.path ?? (error as { dest?: string }).dest ?? 'file system';
  return new RdbmError(`${where}: ${FAULTS[error.code!]} (${error.code})`, { cause: error });
}

/**
 * Writes a file atomically: to a temporary sibling first, then renamed over the target,
 * so a killed run never leaves a half-written result behind. A file-system fault (ENOSPC, EACCES, …)
 * throws one line naming the target; the temporary file is removed.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (error) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the fault below is what to report
    }
    throw fsFault(error, path);
  }
}

/**
 * Writes several files under `dir` as one batch (issue 32: no half-written report): every file is first written
 * into a staging folder inside `dir`, and only when all of them are there are they renamed into place. A fault
 * while writing (a full disk) leaves `dir` as it was and throws one line naming the file; the staging folder is
 * removed (and one a killed process left is removed by the next batch).
 */
export function writeFilesAtomic(dir: string, files: readonly (readonly [rel: string, data: string | Uint8Array])[]): void {
  const base = join(dir, '.batch');
  removeStalePartials(base);
  const staging = partialPath(base);
  try {
    for (const [rel, data] of files) {
      const path = join(staging, rel);
      try {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, data);
      } catch (error) {
        throw fsFault(error, join(dir, rel));
      }
    }
    for (const [rel] of files) {
      try {
        mkdirSync(dirname(join(dir, rel)), { recursive: true });
        renameSync(join(staging, rel), join(dir, rel));
      } catch (error) {
        throw fsFault(error, join(dir, rel));
      }
    }
  } finally {
    try {
      rmSync(staging, { recursive: true, force: true });
    } catch {
      // what went wrong above is what to report
    }
  }
}

/** JSON with a trailing newline, written atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Creates `path` holding `data` only if nothing is there yet; returns whether this call created it.
 * The content is written to a temporary sibling and hard-linked into place: link(2) fails with EEXIST when
 * the name exists (atomic on local filesystems and on NFS), so of several processes exactly one wins and
 * nobody ever sees the file half written. Where hard links are not supported it falls back to an exclusive
 * create (O_CREAT | O_EXCL), which is atomic too but shows the file empty for a moment.
 */
export function writeFileExclusive(path: string, data: string | Uint8Array): boolean {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);
  writeFileSync(tmp, data);
  try {
    linkSync(tmp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw error;
  } finally {
    rmSync(tmp, { force: true });
  }
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    if (typeof data === 'string') writeSync(fd, data);
    else writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
  return true;
}

let partials = 0;

/** The host and pid namespace of this process, hashed (8 hex digits): part of a partial folder's name. */
function processSpace(): string {
  const { host, pidNamespace } = thisProcess();
  return createHash('sha256').update(`${host}\u0000${pidNamespace ?? ''}`).digest('hex').slice(0, 8);
}

/**
 * A fresh sibling `<target>.partial-<pid>.<start>.<space>-<time>-<n>` to generate into before renaming: it names
 * the process that writes it (pid, its start time, a hash of host and pid namespace) so removeStalePartials can
 * tell a killed writer's folder from a running one's, also on a results folder shared by several machines.
 */
export function partialPath(target: string): string {
  return `${target}.partial-${process.pid}.${thisProcess().pidStart ?? 0}.${processSpace()}-${Date.now()}-${++partials}`;
}

/** Folders in the old naming (`.partial-<pid>-…`, no process space) are removed only after this long. */
const LEGACY_PARTIAL_AGE_MS = 24 * 3600 * 1000;

/**
 * Removes the partialPath siblings of `target` that processes no longer running left behind (a kill during
 * generation, issue 32 defect 8); those of running processes (another shard at work) and of processes on other
 * machines or in other pid namespaces (which this one cannot see) are kept. Returns the paths removed.
 */
export function removeStalePartials(target: string): string[] {
  const dir = dirname(target);
  const prefix = `${basename(target)}.partial-`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const here = thisProcess();
  const space = processSpace();
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const path = join(dir, name);
    const m = /^(\d+)\.(\d+)\.([0-9a-f]{8})-/.exec(name.slice(prefix.length));
    let stale: boolean;
    if (m) {
      const pid = Number(m[1]);
      const start = Number(m[2]);
      stale = m[3] === space && pid !== process.pid && processAlive({ ...here, pid, ...(start ? { pidStart: start } : { pidStart: undefined }) }, here) === false;
    } else {
      try {
        stale = Date.now() - statSync(path).mtimeMs > LEGACY_PARTIAL_AGE_MS;
      } catch {
        stale = false;
      }
    }
    if (!stale) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}
