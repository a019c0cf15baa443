import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedFileSha256, fileSha256, hashCacheDir, saveFileHashCache } from '../../src/util/file-hash.js';
import { sha256 } from '../../src/util/hash.js';

const saved = process.env.RDBM_CACHE_DIR;
afterEach(() => {
  if (saved === undefined) delete process.env.RDBM_CACHE_DIR;
  else process.env.RDBM_CACHE_DIR = saved;
});

describe('file content hashes cached by path, size, mtime, ctime and inode (issue 32, defect 4)', () => {
  it('hashes the bytes; an unchanged file is answered from the cache without reading it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdbm-fh-'));
    process.env.RDBM_CACHE_DIR = join(dir, 'cache');
    const file = join(dir, 'a.png');
    writeFileSync(file, 'abc');
    expect(fileSha256(file)).toBe(sha256('abc'));
    const stat = statSync(file);
    expect(cachedFileSha256(file, stat)).toBe(sha256('abc'));
    saveFileHashCache();
    const cache = JSON.parse(readFileSync(join(dir, 'cache', 'file-hashes.json'), 'utf8'));
    expect(cache.files[file]).toEqual([stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino, sha256('abc')]);
    // with the same stat the file is not read again: its removal goes unnoticed
    rmSync(file);
    expect(cachedFileSha256(file, stat)).toBe(sha256('abc'));
  });

  it('a file rewritten at the same size with its mtime restored is hashed again (its change time moved)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdbm-fh-'));
    process.env.RDBM_CACHE_DIR = join(dir, 'cache');
    const file = join(dir, 'label.png');
    writeFileSync(file, 'abc');
    utimesSync(file, 1_700_000_000, 1_700_000_000); // whole seconds: restored exactly below
    const before = statSync(file);
    expect(cachedFileSha256(file, before)).toBe(sha256('abc'));
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(file, 'xyz');
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const after = statSync(file);
    expect([after.size, after.mtimeMs, after.ino]).toEqual([before.size, before.mtimeMs, before.ino]);
    expect(after.ctimeMs).not.toBe(before.ctimeMs);
    expect(cachedFileSha256(file, after)).toBe(sha256('xyz'));
  });

  it('lives in RDBM_CACHE_DIR, else $XDG_CACHE_HOME/rdbm-lab, else ~/.cache/rdbm-lab; an unwritable cache is skipped', () => {
    expect(hashCacheDir({ RDBM_CACHE_DIR: '/c' })).toBe('/c');
    expect(hashCacheDir({ XDG_CACHE_HOME: '/x' })).toBe(join('/x', 'rdbm-lab'));
    const dir = mkdtempSync(join(tmpdir(), 'rdbm-fh-'));
    writeFileSync(join(dir, 'blocker'), '');
    process.env.RDBM_CACHE_DIR = join(dir, 'blocker', 'cache'); // under a file: cannot be created
    const file = join(dir, 'f');
    writeFileSync(file, 'q');
    expect(cachedFileSha256(file)).toBe(sha256('q'));
    expect(() => saveFileHashCache()).not.toThrow();
  });
});
