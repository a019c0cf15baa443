import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RdbmError } from '../../src/errors.js';
import * as packageRoot from '../../src/index.js';
import { type SeedScores, bootstrapDraws, pairedBootstrap, satterthwaiteDf, strataGroups, strataMean, twoLevelDelta, twoLevelDraws, twoLevelMean } from '../../src/stats/index.js';
import { createRng } from '../../src/util/random.js';

const DRAWS = new URL('../fixtures/stats/two-level-draws.json', import.meta.url);
const NUMPY = new URL('../fixtures/stats/two-level-numpy.json', import.meta.url);

/** Task labels: `sizes[t]` images of task t, in task order. */
const tasks = (sizes: readonly number[]) => sizes.flatMap((n, t) => new Array<string>(n).fill(`task${t}`));

/** Seeds × images: image effect + per-seed offset + noise, all seeded. */
function runs(seeds: number, strata: readonly string[], shift: number, seed: number, sd = { image: 2, seed: 0.3, noise: 0.5 }): number[][] {
  const rng = createRng(seed);
  const base = createRng(999);
  const image = strata.map(() => 20 + sd.image * base.normal());
  return Array.from({ length: seeds }, () => {
    const offset = sd.seed * rng.normal();
    return image.map((v) => v + shift + offset + sd.noise * rng.normal());
  });
}

const average = (row: readonly number[], strata: readonly string[]) => strataMean(row, strataGroups(row.length, strata));
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('twoLevelDelta: the estimate and the seed level', () => {
  const strata = tasks([6, 8, 5]);
  const base = runs(3, strata, 0, 1);
  const cand = runs(3, strata, 0.4, 2);

  it('Δ̂ is the candidate’s mean over seeds of its five-task average minus the baseline’s', () => {
    const r = twoLevelDelta({ scores: base }, { scores: cand }, { strata, resamples: 500 });
    const perSeed = (rows: number[][]) => mean(rows.map((row) => average(row, strata)));
    expect(r.mean).toBeCloseTo(perSeed(cand) - perSeed(base), 12);
    expect(r.seedLevel).toBe('separate');
    expect(r.low).toBeLessThan(r.mean);
    expect(r.high).toBeGreaterThan(r.mean);
  });

  it('seed level: none with one seed each or a deterministic side alone; pooled when one side has one seed', () => {
    const one = (rows: number[][]): SeedScores => ({ scores: [rows[0]] });
    expect(twoLevelDelta(one(base), one(cand), { strata, resamples: 100 }).seedLevel).toBe('none');
    expect(twoLevelDelta({ scores: [base[0]], deterministic: true }, one(cand), { strata, resamples: 100 }).seedLevel).toBe('none');
    expect(twoLevelDelta({ scores: [base[0]], deterministic: true }, { scores: cand }, { strata, resamples: 100 }).seedLevel).toBe('separate');
    expect(twoLevelDelta(one(base), { scores: cand }, { strata, resamples: 100 }).seedLevel).toBe('pooled');
    // a one-seed side borrows a variance, so it cannot be narrower than the deterministic side that has none
    const det = twoLevelDelta({ scores: [base[0]], deterministic: true }, { scores: cand }, { strata, resamples: 4000 });
    const pooled = twoLevelDelta(one(base), { scores: cand }, { strata, resamples: 4000 });
    expect(pooled.high - pooled.low).toBeGreaterThan(det.high - det.low);
  });

  it('seed spread widens the interval; the images-only interval of the seed means is narrower', () => {
    const spread = { image: 2, seed: 1.5, noise: 0.3 };
    const b = runs(3, strata, 0, 5, spread);
    const c = runs(3, strata, 0.4, 6, spread);
    const two = twoLevelDelta({ scores: b }, { scores: c }, { strata, resamples: 4000 });
    const seedMeans = (rows: number[][]) => rows[0].map((_, i) => mean(rows.map((r) => r[i])));
    const imagesOnly = twoLevelDelta({ scores: [seedMeans(b)] }, { scores: [seedMeans(c)] }, { strata, resamples: 4000 });
    expect(imagesOnly.mean).toBeCloseTo(two.mean, 12);
    expect(two.high - two.low).toBeGreaterThan(2 * (imagesOnly.high - imagesOnly.low));
    expect(two.df!).toBeLessThan(6);
  });

  it('is seeded and refuses bad input with one line naming what is wrong', () => {
    const a = twoLevelDelta({ scores: base }, { scores: cand }, { strata, resamples: 300, seed: 7 });
    expect(twoLevelDelta({ scores: base }, { scores: cand }, { strata, resamples: 300, seed: 7 })).toEqual(a);
    expect(twoLevelDelta({ scores: base }, { scores: cand }, { strata, resamples: 300, seed: 8 }).low).not.toBe(a.low);
    const short = [base[0].slice(1)];
    expect(() => twoLevelDelta({ scores: base }, { scores: short }, { strata })).toThrow(RdbmError);
    expect(() => twoLevelDelta({ scores: base }, { scores: short }, { strata })).toThrow('twoLevelBootstrap: candidate seed 0 has 18 images and baseline seed 0 19 (expected the same images everywhere)');
    const nan = [cand[0].map((v, i) => (i === 4 ? Number.NaN : v))];
    expect(() => twoLevelDelta({ scores: base }, { scores: nan }, { strata })).toThrow('twoLevelBootstrap: candidate seed 0 image 4 is NaN (expected finite numbers)');
    expect(() => twoLevelDelta({ scores: base }, { scores: cand }, { strata: strata.slice(1) })).toThrow('strata has 18 labels for 19 images');
    expect(() => twoLevelDelta({ scores: base, deterministic: true }, { scores: cand }, { strata })).toThrow('baseline is deterministic but has 3 rows (expected one)');
    expect(() => twoLevelDelta({ scores: [[1, 2, 3]] }, { scores: [[1, 2, 4]] }, { strata: ['a', 'a', 'b'] })).toThrow('task "b" has 1 image (expected at least 2 to resample)');
    expect(() => twoLevelDelta({ scores: [] }, { scores: cand }, { strata })).toThrow('baseline has no seeds');
    expect(() => twoLevelDelta({ scores: base }, { scores: cand }, { strata, confidence: 1 })).toThrow('confidence: 1 (expected a number in (0, 1))');
  });

  it('is exported from the package root', () => {
    expect(packageRoot.twoLevelDelta({ scores: [[0, 0, 0]] }, { scores: [[1, 1, 1]] }, { resamples: 50 })).toMatchObject({ mean: 1, low: 1, high: 1, p: 1 / 50, equivalence: null });
  });
});

describe('twoLevelDelta: one story for the interval, p and equivalence', () => {
  it('the interval excludes 0 exactly when p < 1 − confidence, over 400 random comparisons at two levels', () => {
    const rng = createRng(31);
    let excluded = 0;
    let near = 0;
    for (let k = 0; k < 400; k++) {
      const strata = tasks([2 + rng.int(6), 2 + rng.int(6), 2 + rng.int(3)]);
      const seeds = [1 + rng.int(3), 1 + rng.int(3)];
      const b = runs(seeds[0], strata, 0, 100 + k);
      const c = runs(seeds[1], strata, 1.2 * rng.normal(), 200 + k);
      for (const [confidence, alpha] of [[0.95, 0.05], [0.9, 0.1]]) {
        const r = twoLevelDelta({ scores: b }, { scores: c }, { strata, resamples: 200 + rng.int(300), confidence, seed: k });
        const excludes = r.low > 0 || r.high < 0;
        expect(excludes).toBe(r.p < alpha);
        expect(r.equivalence === null).toBe(excludes);
        if (excludes) excluded++;
        if (Math.abs(r.p - alpha) < 0.02) near++;
      }
    }
    // both outcomes occur, and often close to the boundary, so the check is not vacuous
    expect(excluded).toBeGreaterThan(150);
    expect(excluded).toBeLessThan(650);
    expect(near).toBeGreaterThan(20);
  });

  it('identical single runs: Δ 0, interval [0, 0], p 1, equivalence 0; a constant shift: p = 1/R, no equivalence', () => {
    const strata = tasks([5, 5]);
    const x = runs(1, strata, 0, 3);
    expect(twoLevelDelta({ scores: x }, { scores: x }, { strata, resamples: 400 })).toMatchObject({ mean: 0, low: 0, high: 0, p: 1, equivalence: 0, seedLevel: 'none', df: null });
    const shifted = [x[0].map((v) => v + 0.25)];
    const r = twoLevelDelta({ scores: x }, { scores: shifted }, { strata, resamples: 400 });
    expect(r.high - r.low).toBeLessThan(1e-12);
    expect(r.mean).toBeCloseTo(0.25, 12);
    expect([r.p, r.equivalence]).toEqual([1 / 400, null]);
  });

  it('the equivalence bound is the largest |end| of the 90 % interval of the same distribution (TOST at α = 0.05)', () => {
    const strata = tasks([8, 8, 8]);
    const b = runs(3, strata, 0, 11);
    const c = runs(3, strata, 0.05, 12);
    const r = twoLevelDelta({ scores: b }, { scores: c }, { strata, resamples: 3000, seed: 2 });
    expect(r.low).toBeLessThan(0);
    expect(r.high).toBeGreaterThan(0);
    const ninety = twoLevelDelta({ scores: b }, { scores: c }, { strata, resamples: 3000, seed: 2, confidence: 0.9 });
    expect(r.equivalence).toBe(Math.max(Math.abs(ninety.low), Math.abs(ninety.high)));
    // inside the 95 % interval's largest |end|, outside |Δ̂|
    expect(r.equivalence!).toBeLessThan(Math.max(-r.low, r.high));
    expect(r.equivalence!).toBeGreaterThan(Math.abs(r.mean));
  });
});

describe('twoLevelDelta with one seed is the image-level paired bootstrap, rescaled and t-calibrated', () => {
  const strata = tasks([7, 9, 6]);
  const b = runs(1, strata, 0, 21);
  const c = runs(1, strata, 0.3, 22);

  it('same image draws as pairedBootstrap, Δ* = Δ̂ + κ·Σ_t √(n_t/(n_t−1))·(its deviation)/T', () => {
    const opts = { strata, resamples: 300, seed: 5 };
    const draws = twoLevelDraws({ scores: b }, { scores: c }, opts);
    expect(draws.indices).toEqual(bootstrapDraws(b[0].length, opts).indices);
    expect(draws.z.every((z) => z === 0)).toBe(true);
    const d = c[0].map((v, i) => v - b[0][i]);
    const groups = strataGroups(d.length, strata);
    const est = strataMean(d, groups);
    expect(pairedBootstrap(b[0], c[0], opts).mean).toBeCloseTo(est, 12);
    draws.indices.forEach((row, r) => {
      const dev = row.reduce((a, idx, t) => a + (Math.sqrt(idx.length / (idx.length - 1)) * (mean(idx.map((i) => d[i])) - mean(groups[t].map((i) => d[i])))) / groups.length, 0);
      expect(draws.values[r]).toBeCloseTo(est + draws.kappa[r] * dev, 10);
    });
  });

  it('the Student df is the Welch–Satterthwaite df over the tasks', () => {
    const d = c[0].map((v, i) => v - b[0][i]);
    const groups = strataGroups(d.length, strata);
    const comps = groups.map((g) => {
      const x = g.map((i) => d[i]);
      const m = mean(x);
      return { variance: x.reduce((a, v) => a + (v - m) ** 2, 0) / (x.length - 1) / x.length / groups.length ** 2, df: x.length - 1 };
    });
    expect(twoLevelDelta({ scores: b }, { scores: c }, { strata, resamples: 50 }).df).toBeCloseTo(satterthwaiteDf(comps), 10);
  });
});

describe('twoLevelMean: the error bar of one configuration', () => {
  it('its mean is the mean over seeds of the average; a deterministic score has no seed term', () => {
    const strata = tasks([6, 6]);
    const x = runs(3, strata, 0, 41);
    const r = twoLevelMean({ scores: x }, { strata, resamples: 2000 });
    expect(r.mean).toBeCloseTo(mean(x.map((row) => average(row, strata))), 12);
    expect(r.seedLevel).toBe('separate');
    expect(r.low).toBeLessThan(r.mean);
    expect(twoLevelMean({ scores: [x[0]], deterministic: true }, { strata, resamples: 100 }).seedLevel).toBe('none');
  });
});

/** Cases recomputed by numpy/scipy (scripts/reference/stats_two_level.py) from their exact draws. */
function cases() {
  const s1 = tasks([5, 6, 7]);
  const s2 = tasks([6, 6]);
  const flat = tasks([4, 4, 4]);
  // no image-to-image spread in D: only the seed offsets vary, so the interval must be Welch's t interval
  const seedOnly = (seeds: number, shift: number, seed: number) => runs(seeds, flat, shift, seed, { image: 2, seed: 0.4, noise: 0 });
  return [
    { name: 'seeds-3x3', baseline: runs(3, s1, 0, 51), candidate: runs(3, s1, 0.3, 52), strata: s1, resamples: 300, confidence: 0.95, seed: 4 },
    { name: 'input-vs-2-seeds', baseline: runs(1, s2, -3, 53), deterministic: true, candidate: runs(2, s2, 0, 54), strata: s2, resamples: 300, confidence: 0.9, seed: 0 },
    { name: 'pooled', baseline: runs(3, s1, 0, 55), candidate: runs(1, s1, 0.1, 56), strata: s1, resamples: 300, confidence: 0.95, seed: 9 },
    { name: 'one-seed', baseline: runs(1, s1, 0, 57), candidate: runs(1, s1, 0.05, 58), strata: s1, resamples: 300, confidence: 0.95, seed: 1 },
    { name: 'welch', baseline: seedOnly(3, 0, 59), candidate: seedOnly(4, 0.5, 60), strata: flat, resamples: 40000, confidence: 0.95, seed: 3, welch: true },
  ];
}

describe('twoLevelDelta against numpy/scipy on the same draws', () => {
  const written = cases().map((c) => {
    if (c.welch) return c;
    const draws = twoLevelDraws({ scores: c.baseline, deterministic: c.deterministic }, { scores: c.candidate }, c);
    return { ...c, draws: { indices: draws.indices, z: draws.z, kappa: draws.kappa } };
  });

  it('the committed draws are the ones twoLevelDelta makes (RDBM_WRITE_FIXTURES=1 rewrites them)', () => {
    const text = `${JSON.stringify({ source: 'test/stats/two-level.test.ts (twoLevelDraws)', cases: written })}\n`;
    if (process.env.RDBM_WRITE_FIXTURES === '1') writeFileSync(DRAWS, text);
    expect(readFileSync(DRAWS, 'utf8')).toBe(text);
  });

  it('estimate, df, interval, p (numpy bisection) and equivalence equal the reference; the seed-only case is Welch’s t interval', () => {
    const golden = JSON.parse(readFileSync(NUMPY, 'utf8')) as { cases: { name: string; estimate: number; nu: number | null; low?: number; high?: number; p?: number; equivalence?: number | null; welch_low?: number; welch_high?: number }[] };
    expect(golden.cases.map((g) => g.name)).toEqual(written.map((c) => c.name));
    for (const c of cases()) {
      const ref = golden.cases.find((g) => g.name === c.name)!;
      const r = twoLevelDelta({ scores: c.baseline, deterministic: c.deterministic }, { scores: c.candidate }, c);
      expect(Math.abs(r.mean - ref.estimate)).toBeLessThan(1e-12);
      expect(Math.abs(r.df! - ref.nu!) / ref.nu!).toBeLessThan(1e-9);
      if (c.welch) {
        // Monte Carlo error of a 2.5 % quantile at R = 40000 is ~1 %; Welch's half-width here is ~0.5 dB
        const half = (ref.welch_high! - ref.welch_low!) / 2;
        expect(Math.abs(r.low - ref.welch_low!) / half).toBeLessThan(0.03);
        expect(Math.abs(r.high - ref.welch_high!) / half).toBeLessThan(0.03);
        expect(r.df!).toBeLessThan(6);
        continue;
      }
      expect(Math.abs(r.low - ref.low!)).toBeLessThan(1e-12);
      expect(Math.abs(r.high - ref.high!)).toBeLessThan(1e-12);
      expect(Math.abs(r.p - ref.p!)).toBeLessThan(1e-9);
      if (ref.equivalence === null) expect(r.equivalence).toBeNull();
      else expect(Math.abs(r.equivalence! - ref.equivalence!)).toBeLessThan(1e-12);
      expect(ref.high! - ref.low!).toBeGreaterThan(0.05);
    }
    // the cases reach both outcomes
    expect(golden.cases.filter((g) => g.equivalence === null && g.low !== undefined).length).toBeGreaterThan(0);
    expect(golden.cases.filter((g) => typeof g.equivalence === 'number').length).toBeGreaterThan(0);
  });
});
