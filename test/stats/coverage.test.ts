/**
 * Coverage by simulation with a known truth (issue 31 point 3): the two-level intervals of
 * twoLevelDelta cover the true Δ at 95 % ± 2 %, and intervals that ignore the seed level, or resample
 * a handful of seeds, do not. Every figure is deterministic (seeded); the Monte Carlo error of a
 * coverage c over N simulations is √(c(1 − c)/N): 0.49 % at c = 0.95, N = 2000.
 *
 * Generative model (the zoo's cpu scale: 5 tasks × 16 test images; PSNR-like dB):
 *   image i of task t:   a_i = m_t + 2·N(0, 1), m_t = 20 + 3·N(0, 1)        (shared by every configuration)
 *   candidate − baseline at image i:  Δ + d_i,  d_i ~ N(0, (σ_d (1 + t)/3)²)  (task-dependent spread, as deblurring vs dehazing)
 *   run s of a configuration:  + b_s + b_{s,t} + e_{s,i},  b ~ N(0, σ_b²), b_{s,t} ~ N(0, σ_bt²), e ~ N(0, σ_e²)
 *   a deterministic baseline (the unrestored input) is a_i itself.
 * The truth is Δ = 0.3 dB (the estimand: the population mean of the difference of five-task averages).
 */
import { describe, expect, it } from 'vitest';
import { percentileInterval, strataGroups, twoLevelDelta } from '../../src/stats/index.js';
import { type Rng, createRng } from '../../src/util/random.js';

const TASKS = 5;
const PER_TASK = 16;
const IMAGES = TASKS * PER_TASK;
const STRATA = Array.from({ length: IMAGES }, (_, i) => `task${Math.floor(i / PER_TASK)}`);
const TRUTH = 0.3;
const RESAMPLES = 800;

interface Regime {
  /** σ_d, σ_b, σ_bt, σ_e of the model above (dB) */
  readonly d: number;
  readonly b: number;
  readonly bt: number;
  readonly e: number;
  /** seeds of the baseline and the candidate */
  readonly seeds: readonly [number, number];
  readonly deterministicBaseline?: boolean;
}

const REGIMES = {
  /** today's results: one run per row, so nothing varies between runs */
  'one seed each, images only': { d: 2, b: 0, bt: 0, e: 0.3, seeds: [1, 1] },
  /** issue 31's zoo: 3 seeds per point; seed spread about a third of the variance of Δ̂ */
  '3 seeds each, images and seeds': { d: 2, b: 0.2, bt: 0.2, e: 0.5, seeds: [3, 3] },
  /** seed spread dominates (a run-to-run sd of 0.5 dB with little image spread) */
  '3 seeds each, seeds dominate': { d: 0.3, b: 0.5, bt: 0, e: 0.3, seeds: [3, 3] },
  /** a row against the unrestored input */
  'input vs 3 seeds, images and seeds': { d: 2, b: 0.2, bt: 0.2, e: 0.5, seeds: [1, 3], deterministicBaseline: true },
  /** against the input when seed spread dominates: 2 df, the one regime below the band */
  'input vs 3 seeds, seeds dominate': { d: 0.3, b: 0.5, bt: 0, e: 0.3, seeds: [1, 3], deterministicBaseline: true },
} as const satisfies Record<string, Regime>;

type RegimeName = keyof typeof REGIMES;

/** One simulated comparison: scores[s][i] of the baseline and the candidate. */
function simulate(rng: Rng, g: Regime): { baseline: number[][]; candidate: number[][] } {
  const task = (i: number) => Math.floor(i / PER_TASK);
  const taskMean = Array.from({ length: TASKS }, () => 20 + 3 * rng.normal());
  const image = Array.from({ length: IMAGES }, (_, i) => taskMean[task(i)] + 2 * rng.normal());
  const effect = Array.from({ length: IMAGES }, (_, i) => TRUTH + g.d * ((1 + task(i)) / 3) * rng.normal());
  const runs = (seeds: number, shift: (i: number) => number) =>
    Array.from({ length: seeds }, () => {
      const b = g.b * rng.normal();
      const bt = Array.from({ length: TASKS }, () => g.bt * rng.normal());
      return image.map((a, i) => a + shift(i) + b + bt[task(i)] + g.e * rng.normal());
    });
  return {
    baseline: g.deterministicBaseline ? [image.slice()] : runs(g.seeds[0], () => 0),
    candidate: runs(g.seeds[1], (i) => effect[i]),
  };
}

type Interval = (baseline: number[][], candidate: number[][], g: Regime, k: number, rng: Rng) => { low: number; high: number };

/** The procedure under test. */
const twoLevel =
  (confidence = 0.95): Interval =>
  (baseline, candidate, g, k) =>
    twoLevelDelta({ scores: baseline, deterministic: g.deterministicBaseline }, { scores: candidate }, { strata: STRATA, resamples: RESAMPLES, confidence, seed: k });

/** Wrong on purpose: the seed means treated as one run each, so only the test images are resampled. */
const imagesOnly: Interval = (baseline, candidate, _g, k) => {
  const seedMeans = (rows: number[][]) => rows[0].map((_, i) => rows.reduce((a, r) => a + r[i], 0) / rows.length);
  return twoLevelDelta({ scores: [seedMeans(baseline)] }, { scores: [seedMeans(candidate)] }, { strata: STRATA, resamples: RESAMPLES, seed: k });
};

/**
 * The literal two-level percentile bootstrap: each configuration's seeds resampled with replacement
 * (deviations rescaled by √(S/(S − 1))), then images within each task, one draw for both.
 */
const resampledSeeds: Interval = (baseline, candidate, _g, _k, rng) => {
  const groups = strataGroups(IMAGES, STRATA);
  const weights = (seeds: number) => {
    const w = new Float64Array(seeds);
    if (seeds === 1) return w.fill(1);
    const lambda = Math.sqrt(seeds / (seeds - 1));
    for (let j = 0; j < seeds; j++) w[rng.int(seeds)] += 1;
    return w.map((c) => (1 - lambda) / seeds + (lambda * c) / seeds);
  };
  const values = new Float64Array(RESAMPLES);
  for (let r = 0; r < RESAMPLES; r++) {
    const wb = weights(baseline.length);
    const wc = weights(candidate.length);
    let total = 0;
    for (const g of groups) {
      let sum = 0;
      for (let j = 0; j < g.length; j++) {
        const i = g[rng.int(g.length)];
        for (let s = 0; s < candidate.length; s++) sum += wc[s] * candidate[s][i];
        for (let s = 0; s < baseline.length; s++) sum -= wb[s] * baseline[s][i];
      }
      total += sum / g.length;
    }
    values[r] = total / groups.length;
  }
  return percentileInterval(values.sort(), 0.95);
};

interface Coverage {
  readonly covered: number;
  /** truth above the interval / below it */
  readonly above: number;
  readonly below: number;
  readonly sims: number;
}

function coverage(name: RegimeName, sims: number, interval: Interval, label: string): Coverage {
  const g: Regime = REGIMES[name];
  const rng = createRng(`coverage ${name}`);
  const draws = createRng(`resampling ${name}`);
  let covered = 0;
  let above = 0;
  let below = 0;
  for (let k = 0; k < sims; k++) {
    const { baseline, candidate } = simulate(rng, g);
    const { low, high } = interval(baseline, candidate, g, k, draws);
    if (TRUTH > high) above++;
    else if (TRUTH < low) below++;
    else covered++;
  }
  const c = covered / sims;
  console.log(`${label} · ${name}: coverage ${(100 * c).toFixed(1)} % of ${sims} (Monte Carlo error ${(100 * Math.sqrt((c * (1 - c)) / sims)).toFixed(2)} %)`);
  return { covered: c, above: above / sims, below: below / sims, sims };
}

describe('two-level intervals cover the true Δ at 95 % ± 2 % (2000 simulations each, Monte Carlo error 0.49 %)', () => {
  for (const name of ['one seed each, images only', '3 seeds each, images and seeds', '3 seeds each, seeds dominate', 'input vs 3 seeds, images and seeds'] as const) {
    it(name, () => {
      const c = coverage(name, 2000, twoLevel(), 'two-level 95 %');
      expect(c.covered).toBeGreaterThanOrEqual(0.93);
      expect(c.covered).toBeLessThanOrEqual(0.97);
      // neither tail takes more than its share plus the band
      expect(Math.max(c.above, c.below)).toBeLessThan(0.045);
    });
  }

  it('the one regime below the band (92.8 %): a deterministic input against 3 seeds when seed spread dominates (2 df; Satterthwaite’s estimated ν runs high exactly when s² comes out low)', () => {
    const c = coverage('input vs 3 seeds, seeds dominate', 2000, twoLevel(), 'two-level 95 %');
    expect(c.covered).toBeGreaterThanOrEqual(0.92);
    expect(c.covered).toBeLessThan(0.95);
  });

  it('TOST: the 90 % interval (whose largest |end| is the equivalence bound) misses on each side at most 5 % + 1.5 %', () => {
    const c = coverage('3 seeds each, images and seeds', 2000, twoLevel(0.9), 'two-level 90 %');
    expect(Math.abs(c.covered - 0.9)).toBeLessThan(0.02);
    expect(c.above).toBeLessThan(0.065);
    expect(c.below).toBeLessThan(0.065);
  });
});

describe('the same check fails intervals that ignore the seed level (500 simulations each, Monte Carlo error ≤ 2.2 %)', () => {
  it('images only, seeds averaged: under-covers whenever seeds vary', () => {
    expect(coverage('3 seeds each, images and seeds', 500, imagesOnly, 'images only').covered).toBeLessThan(0.93);
    expect(coverage('3 seeds each, seeds dominate', 500, imagesOnly, 'images only').covered).toBeLessThan(0.5);
  });

  it('resampling 3 seeds per configuration (percentile, rescaled) under-covers when seed spread dominates', () => {
    expect(coverage('3 seeds each, seeds dominate', 500, resampledSeeds, 'resampled seeds').covered).toBeLessThan(0.93);
  });
});
