/**
 * Content hashes of files, remembered across runs (issue 32, defect 4): a file is hashed again only when its
 * path, size, modification time, change time or inode differ from those recorded with its hash. The change
 * time cannot be set back by a user (utimes sets it to now), so a file rewritten at the same size with its
 * modification time restored is still rehashed; an unchanged dataset costs one stat per file.
 *
 * The cache is one JSON file in RDBM_CACHE_DIR (default $XDG_CACHE_HOME/rdbm-lab or ~/.cache/rdbm-lab). It is
 * an optimisation only: unreadable, it is ignored; unwritable, the hashes are simply computed again next time.
 */
import { createHash } from 'node:crypto';
import { type Stats, closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** sha256 (hex) of a file's bytes, read 1 MiB at a time. */
export function fileSha256(path: string): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

const CACHE_FILE = 'file-hashes.json';
/** beyond this many entries the cache keeps only the files of the current process */
const MAX_ENTRIES = 1_000_000;

/** Where the cache lives. */
export function hashCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RDBM_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rdbm-lab');
}

type Entry = [size: number, mtimeMs: number, ctimeMs: number, ino: number, sha256: string];

let cache: { dir: string; entries: Map<string, Entry>; used: Set<string>; dirty: boolean } | undefined;

function open(): NonNullable<typeof cache> {
  const dir = hashCacheDir();
  if (cache?.dir === dir) return cache;
  let entries = new Map<string, Entry>();
  try {
    const parsed = JSON.parse(readFileSync(join(dir, CACHE_FILE), 'utf8')) as { version?: unknown; files?: Record<string, Entry> };
    if (parsed?.version === 1 && parsed.files && typeof parsed.files === 'object') entries = new Map(Object.entries(parsed.files));
  } catch {
    // no cache yet, or a damaged one: start afresh
  }
  cache = { dir, entries, used: new Set(), dirty: false };
  return cache;
}

/** The sha256 of the file at absolute path `path` (with its `stat`), from the cache when the file is unchanged. */
export function cachedFileSha256(path: string, stat: Stats = statSync(path)): string {
  const c = open();
  c.used.add(path);
  const hit = c.entries.get(path);
  if (hit && hit[0] === stat.size && hit[1] === stat.mtimeMs && hit[2] === stat.ctimeMs && hit[3] === stat.ino && typeof hit[4] === 'string') return hit[4];
  const sha256 = fileSha256(path);
  c.entries.set(path, [stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino, sha256]);
  c.dirty = true;
  return sha256;
}

/** Writes the cache if it changed (atomically; a failure to write is ignored: the cache is only an optimisation). */
export function saveFileHashCache(): void {
  if (!cache?.dirty) return;
  const { dir, entries, used } = cache;
  const kept = entries.size > MAX_ENTRIES ? [...entries].filter(([p]) => used.has(p)) : [...entries];
  const tmp = join(dir, `.${CACHE_FILE}.${process.pid}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, JSON.stringify({ version: 1, files: Object.fromEntries(kept) }));
    renameSync(tmp, join(dir, CACHE_FILE));
    cache.dirty = false;
  } catch {
    // unwritable cache folder or full disk: the hashes are recomputed next time
  }
}
