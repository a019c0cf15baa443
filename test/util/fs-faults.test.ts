import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RdbmError } from '../../src/errors.js';
import { fsFault, removeStalePartials, writeFilesAtomic } from '../../src/util/fs.js';

describe('file-system faults and batches (issue 32, defects 7 and 8)', () => {
  it('an errno error becomes one line naming the path and what to do; other errors pass through', () => {
    const e = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', path: '/x/y.csv' });
    const f = fsFault(e);
    expect(f).toBeInstanceOf(RdbmError);
    expect((f as RdbmError).message).toBe('/x/y.csv: no space left on the device; free some space or choose another location (ENOSPC)');
    expect((fsFault(e, '/other') as Error).message).toMatch(/^\/other: /);
    const plain = new Error('bug');
    expect(fsFault(plain)).toBe(plain);
  });

  it('writeFilesAtomic puts every file in place, or none when one cannot be written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdbm-batch-'));
    writeFilesAtomic(dir, [['a/b.md', 'b'], ['c.json', '{}']]);
    expect(readFileSync(join(dir, 'a', 'b.md'), 'utf8')).toBe('b');
    expect(readdirSync(dir).sort()).toEqual(['a', 'c.json']);
    // a file that cannot be written (a name too long): nothing of the batch lands, the staging folder is gone
    expect(() => writeFilesAtomic(dir, [['new.md', 'n'], ['x'.repeat(300), 'x']])).toThrow(/: file name too long \(ENAMETOOLONG\)$/);
    expect(existsSync(join(dir, 'new.md'))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['a', 'c.json']);
  });

  it('removeStalePartials removes the .partial-<pid> siblings of dead processes only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdbm-partials-'));
    const dead = 2 ** 22 + 12345; // above the default pid_max of 2^22: never a live process
    for (const name of [`data.partial-${dead}-1`, `data.partial-${process.pid}-1`, `other.partial-${dead}-1`]) mkdirSync(join(dir, name));
    writeFileSync(join(dir, 'data'), '');
    expect(removeStalePartials(join(dir, 'data'))).toEqual([join(dir, `data.partial-${dead}-1`)]);
    expect(readdirSync(dir).sort()).toEqual(['data', `data.partial-${process.pid}-1`, `other.partial-${dead}-1`]);
  });
});
