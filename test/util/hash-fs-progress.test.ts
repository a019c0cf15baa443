import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeJsonAtomic } from '../../src/util/fs.js';
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
