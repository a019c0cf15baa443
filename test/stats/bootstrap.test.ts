import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RdbmError } from '../../src/errors.js';
import { bootstrapDraws, bootstrapMean, pairedBootstrap } from '../../src/stats/index.js';
import * as packageRoot from '../../src/index.js';
import { createRng } from '../../src/util/random.js';

const DRAWS = new URL('../fixtures/stats/bootstrap-draws.json', import.meta.url);
const NUMPY = new URL('../fixtures/stats/bootstrap-numpy.json', import.meta.url);

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf; |error| < 1.5e-7, ample for p ≈ 0.05). */
function phi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t) * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

function normals(n: number, mean: number, sd: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => mean + sd * rng.normal());
}

describe('pairedBootstrap: analytic cases', () => {
  it('is exported from the package root', () => {
    expect(packageRoot.pairedBootstrap(new Array(30).fill(0), new Array(30).fill(1), { resamples: 100 })).toEqual({ mean: 1, low: 1, high: 1, p: 1 / 101 });
  });

  it('identical lists: mean 0, interval [0, 0], p = 1', () => {
    const x = normals(50, 25, 3, 1);
    const r = pairedBootstrap(x, x, { resamples: 2000 });
    expect(r).toEqual({ mean: 0, low: 0, high: 0, p: 1 });
  });

  it('a constant shift: the interval collapses on it and p is minimal', () => {
    const base = normals(60, 25, 3, 2);
    const cand = base.map((v) => v + 0.25);
    const r = pairedBootstrap(base, cand, { resamples: 5000, strata: base.map((_, i) => `t${i % 3}`) });
    // every d_i is 0.25 up to the rounding of (v + 0.25) − v
    expect(r.mean).toBeCloseTo(0.25, 12);
    expect(r.low).toBeCloseTo(0.25, 12);
    expect(r.high).toBeCloseTo(0.25, 12);
    expect(r.high - r.low).toBeLessThan(1e-12);
    expect(r.p).toBe(1 / 5001);
  });

  it('normal differences (n = 400): interval within 5% of mean ± 1.96·se, p near the normal-theory value', () => {
    const base = normals(400, 28, 2, 3);
    const d = normals(400, 0.1, 1, 4);
    const cand = base.map((v, i) => v + d[i]);
    const diffs = cand.map((c, i) => c - base[i]);
    const n = diffs.length;
    const mean = diffs.reduce((a, b) => a + b, 0) / n;
    const se = Math.sqrt(diffs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) / n);
    const r = pairedBootstrap(base, cand);
    expect(r.mean).toBeCloseTo(mean, 12);
    const half = 1.96 * se;
    expect(Math.abs(r.low - (mean - half)) / half).toBeLessThan(0.05);
    expect(Math.abs(r.high - (mean + half)) / half).toBeLessThan(0.05);
    const pNormal = 2 * (1 - phi(Math.abs(mean / se)));
    // Monte-Carlo error of p at 10000 resamples is ~0.002 at p ≈ 0.04
    expect(pNormal).toBeGreaterThan(0.005);
    expect(Math.abs(r.p - pNormal)).toBeLessThan(0.2 * pNormal);
  });

  it('with strata the mean is the mean of the stratum means, not the pooled mean', () => {
    // stratum a: differences 1, 1, 1, 1 (mean 1); stratum b: 3 (mean 3) → strata mean 2, pooled mean 1.4
    const base = [0, 0, 0, 0, 0];
    const cand = [1, 1, 1, 1, 3];
    const r = pairedBootstrap(base, cand, { strata: ['a', 'a', 'a', 'a', 'b'], resamples: 500 });
    expect(r.mean).toBe(2);
    // both strata are constant, so every resample gives 2
    expect([r.low, r.high]).toEqual([2, 2]);
    expect(pairedBootstrap(base, cand, { resamples: 500 }).mean).toBeCloseTo(1.4, 14);
  });

  it('is seeded: same seed same numbers, another seed other resamples', () => {
    const base = normals(40, 20, 2, 5);
    const cand = normals(40, 20.3, 2, 6);
    const a = pairedBootstrap(base, cand, { resamples: 1000, seed: 7 });
    expect(pairedBootstrap(base, cand, { resamples: 1000, seed: 7 })).toEqual(a);
    expect(pairedBootstrap(base, cand, { resamples: 1000, seed: 8 }).low).not.toBe(a.low);
  });

  it('refuses unequal lengths and mismatched strata with one line naming the lengths', () => {
    expect(() => pairedBootstrap([1, 2, 3], [1, 2])).toThrow(RdbmError);
    expect(() => pairedBootstrap([1, 2, 3], [1, 2])).toThrow('pairedBootstrap: baseline has 3 values and candidate 2 (expected paired lists of equal length)');
    expect(() => pairedBootstrap([1, 2], [1, 2], { strata: ['a'] })).toThrow('pairedBootstrap: strata has 1 labels for 2 pairs (expected one label per pair)');
    expect(() => pairedBootstrap([1, Number.NaN], [1, 2])).toThrow('pairedBootstrap: baseline[1] is NaN (expected finite numbers)');
    expect(() => pairedBootstrap([1], [1], { confidence: 1 })).toThrow(/confidence: 1 \(expected a number in \(0, 1\)\)/);
  });

  it('bootstrapMean: the one-sample interval of a stratified mean', () => {
    const values = [1, 1, 1, 5];
    const r = bootstrapMean(values, { strata: ['a', 'a', 'a', 'b'], resamples: 200 });
    expect(r).toEqual({ mean: 3, low: 3, high: 3 });
    const x = normals(300, 10, 1, 9);
    const m = x.reduce((a, b) => a + b, 0) / x.length;
    const se = Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1) / x.length);
    const i = bootstrapMean(x);
    expect(Math.abs(i.high - i.low - 2 * 1.96 * se) / (2 * 1.96 * se)).toBeLessThan(0.05);
  });
});

/** Cases whose exact draws the numpy reference (scripts/reference/stats_bootstrap.py) recomputes from. */
function cases() {
  const strata = Array.from({ length: 36 }, (_, i) => ['deraining', 'dehazing', 'low-light'][i < 10 ? 0 : i < 22 ? 1 : 2]);
  const base = normals(36, 24, 3, 11);
  const cand = base.map((v, i) => v + 0.2 + normals(36, 0, 0.6, 12)[i]);
  const base2 = normals(25, 0.8, 0.05, 13);
  const cand2 = base2.map((v, i) => v + normals(25, 0.004, 0.02, 14)[i]);
  return [
    { name: 'stratified', baseline: base, candidate: cand, strata, resamples: 1000, confidence: 0.95, seed: 3 },
    { name: 'unstratified', baseline: base2, candidate: cand2, resamples: 800, confidence: 0.9, seed: 0 },
  ];
}

describe('pairedBootstrap against numpy on the same resample indices', () => {
  const written = cases().map((c) => {
    const draws = bootstrapDraws(c.baseline.length, { resamples: c.resamples, seed: c.seed, ...(c.strata ? { strata: c.strata } : {}) });
    return { ...c, groups: draws.groups, indices: draws.indices, signs: draws.signs.map((row) => row.map((s) => (s > 0 ? '+' : '-')).join('')) };
  });

  it('the committed draws are the ones pairedBootstrap makes (RDBM_WRITE_FIXTURES=1 rewrites them)', () => {
    const text = `${JSON.stringify({ source: 'test/stats/bootstrap.test.ts (bootstrapDraws)', cases: written })}\n`;
    if (process.env.RDBM_WRITE_FIXTURES === '1') writeFileSync(DRAWS, text);
    expect(readFileSync(DRAWS, 'utf8')).toBe(text);
  });

  it('mean, interval and p equal numpy within 1e-12', () => {
    const golden = JSON.parse(readFileSync(NUMPY, 'utf8')) as { cases: { name: string; mean: number; low: number; high: number; p: number }[] };
    expect(golden.cases.map((c) => c.name)).toEqual(written.map((c) => c.name));
    for (const c of cases()) {
      const ref = golden.cases.find((g) => g.name === c.name)!;
      const r = pairedBootstrap(c.baseline, c.candidate, { resamples: c.resamples, confidence: c.confidence, seed: c.seed, ...(c.strata ? { strata: c.strata } : {}) });
      expect(Math.abs(r.mean - ref.mean)).toBeLessThan(1e-12);
      expect(Math.abs(r.low - ref.low)).toBeLessThan(1e-12);
      expect(Math.abs(r.high - ref.high)).toBeLessThan(1e-12);
      expect(r.p).toBe(ref.p);
      // a real interval, not a degenerate one
      expect(ref.high - ref.low).toBeGreaterThan(0.01 * Math.abs(ref.mean));
    }
  });
});
