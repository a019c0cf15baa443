import { closeSync, linkSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

/**
 * Writes a file atomically: to a temporary sibling first, then renamed over the target,
 * so a killed run never leaves a half-written result behind.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
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
