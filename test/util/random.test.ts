import { describe, expect, it } from 'vitest';
import { createRng, hash32, normalArray } from '../../src/util/random.js';

describe('seeded randomness', () => {
  it('the same seed gives the same stream; different seeds differ', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
  it('string seeds and forks are stable', () => {
    expect(createRng('mini-uir').uniform()).toBe(createRng('mini-uir').uniform());
    expect(createRng(1).fork('rain').uniform()).toBe(createRng(1).fork('rain').uniform());
    expect(createRng(1).fork('rain').uniform()).not.toBe(createRng(1).fork('snow').uniform());
    expect(hash32('abc')).toBe(0x1a47e90b);
  });
  it('normal() has mean ≈ 0 and variance ≈ 1', () => {
    const xs = normalArray(createRng(7), 200000);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
  });
  it('int(n) covers [0, n) uniformly', () => {
    const rng = createRng(3);
    const counts = new Array(4).fill(0);
    for (let i = 0; i < 40000; i++) counts[rng.int(4)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
  });
});
