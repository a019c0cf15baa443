import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileExclusive, writeJsonAtomic } from '../../src/util/fs.js';
import { configHash, deepFreeze, sha256, stableStringify } from '../../src/util/hash.js';
import { createProgress } from '../../src/util/progress.js';

describe('hashing configs', () => {
  it('is independent of key order and changes with any value', () => {
    expect(stableStringify({ b: 1, a: { d: [1, 2], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,2]},"b":1}');
    expect(configHash({ a: 1, b: 2 })).toBe(configHash({ b: 2, a: 1 }));
    expect(configHash({ a: 1, b: 2 })).not.toBe(configHash({ a: 1, b: 3 }));
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('deepFreeze freezes nested data', () => {
    const c = deepFreeze({ a: { b: [1] } });
    expect(Object.isFrozen(c.a.b)).toBe(true);
  });
});

describe('atomic writes', () => {
  it('writes the whole file and leaves no temporary behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdbm-'));
    writeJsonAtomic(join(dir, 'sub', 'run.json'), { x: 1 });
    expect(JSON.parse(readFileSync(join(dir, 'sub', 'run.json'), 'utf8'))).toEqual({ x: 1 });
    expect(readdirSync(join(dir, 'sub'))).toEqual(['run.json']);
  });

  it('writeFileExclusive: of several processes creating one file at once exactly one wins, and its content is whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdbm-'));
    const target = join(dir, 'claim.json');
    const fsModule = new URL('../../dist/util/fs.js', import.meta.url).href;
    const racer = (i: number) =>
      new Promise<string>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', `const { writeFileExclusive } = await import(${JSON.stringify(fsModule)}); process.stdout.write(String(writeFileExclusive(${JSON.stringify(target)}, JSON.stringify({ winner: ${i}, pad: 'x'.repeat(100000) }))))`]);
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('close', () => resolve(out));
      });
    const results = await Promise.all([0, 1, 2, 3, 4, 5].map(racer));
    expect(results.filter((r) => r === 'true')).toHaveLength(1);
    expect(results.filter((r) => r === 'false')).toHaveLength(5);
    expect(JSON.parse(readFileSync(target, 'utf8')).winner).toBe(results.indexOf('true'));
    expect(readdirSync(dir)).toEqual(['claim.json']);
    expect(writeFileExclusive(target, 'again')).toBe(false);
  });
});

describe('progress', () => {
  it('reports done/total, rate and ETA', () => {
    let t = 0;
    const lines: string[] = [];
    const p = createProgress({ err: (s) => lines.push(s), errIsTTY: false }, 'metrics', 4, 'images', { intervalMs: 0, now: () => t });
    t = 1000;
    p.tick();
    t = 2000;
    p.tick();
    expect(lines[1]).toBe('metrics 2/4 images, 1.0 images/s, ETA 2s\n');
    t = 4000;
    p.tick(2);
    expect(lines[2]).toBe('metrics 4/4 images, 1.0 images/s, took 4s\n');
  });
});
