import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RdbmError } from '../../src/errors.js';
import { fsFault, partialPath, removeStalePartials, writeFilesAtomic } from '../../src/util/fs.js';

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

  it('removeStalePartials removes the partial folders of dead processes on this machine only (issue 32, defect 8)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdbm-partials-'));
    const target = join(dir, 'data');
    const mine = partialPath(target); // data.partial-<pid>.<start>.<space>-<time>-<n>
    const m = /\.partial-(\d+)\.(\d+)\.([0-9a-f]{8})-/.exec(mine)!;
    const dead = 2 ** 22 + 12345; // above the default pid_max of 2^22: never a live process
    const names = {
      mine: basename(mine),
      dead: `data.partial-${dead}.0.${m[3]}-1-1`,
      elsewhere: `data.partial-${dead}.0.${m[3] === '00000000' ? '11111111' : '00000000'}-1-1`, // another host or pid namespace
      legacyNew: `data.partial-${dead}-1-1`,
      legacyOld: `data.partial-${dead}-2-2`,
      other: `other.partial-${dead}.0.${m[3]}-1-1`,
    };
    for (const n of Object.values(names)) mkdirSync(join(dir, n));
    utimesSync(join(dir, names.legacyOld), 1_600_000_000, 1_600_000_000);
    expect(removeStalePartials(target).sort()).toEqual([join(dir, names.dead), join(dir, names.legacyOld)].sort());
    expect(readdirSync(dir).sort()).toEqual([names.elsewhere, names.legacyNew, names.mine, names.other].sort());
  });
});
