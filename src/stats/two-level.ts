/**
 * The two-level paired bootstrap over training seeds and test images (issue 31 point 3, issue 33
 * "significance is one story"). Its estimand is the population difference of the five-task average:
 * over training seeds (the networks a recipe gives) and over test images (the photographs a task
 * gives). Each configuration C has scores y_C[s][i] for its seeds s = 1…S_C and the test images i,
 * the same images for every seed and both configurations (the pairing); tasks t are strata with n_t
 * images, and the average is the mean of task means (as the tables average).
 *
 *   D_i   = ȳ_cand[i] − ȳ_base[i], each ȳ the mean over that configuration's seeds;
 *   Δ̂     = (1/T) Σ_t mean_{i∈t} D_i   (= the mean over seeds of the candidate's averages − the baseline's);
 *   each resample r:
 *     images  within each task draw n_t images with replacement, one draw for both configurations;
 *             I*_r = (1/T) Σ_t √(n_t/(n_t−1)) (mean of the drawn D_i − mean_{i∈t} D_i)
 *     seeds   G*_r = √V_seed · z_r, z_r ~ N(0, 1), V_seed = Σ_C s²_C / S_C with s²_C the variance (S − 1)
 *             of configuration C's per-seed averages (its run-to-run spread)
 *     Student κ_r = √(ν / χ²_ν), ν the Welch–Satterthwaite df of V = Σ_t V_t + V_seed
 *             (V_t = s²_t(D) / (n_t T²) with n_t − 1 df; s²_C / S_C with S_C − 1 df)
 *     Δ*_r = Δ̂ + κ_r (I*_r + G*_r)
 *   interval   percentile [Q(α/2), Q(1 − α/2)] of the Δ*_r, α = 1 − confidence;
 *   p          by inverting that interval family (percentile.ts): interval excludes 0 ⇔ p < α;
 *   equivalence  when the interval holds 0: X = max |end| of the (1 − 2α) interval, "|Δ| < X" (TOST at α).
 *
 * The seed level is a parametric draw, not a resample of seeds: with 3 seeds a configuration's
 * resampled seed means take 10 values inside [min, max], so no percentile interval of them reaches the
 * t-quantiles that 2 df of seed spread need (simulated: ~86 % coverage when seed spread dominates,
 * test/stats/coverage.test.ts keeps the comparison). Seeds are not paired across configurations
 * (seed k of two recipes are two unrelated networks). √(n/(n−1)) removes the plug-in variance's
 * (n−1)/n bias (Rao & Wu 1988); κ gives the whole deviation t_ν tails (Welch 1947, Satterthwaite 1946).
 * A configuration without seed dependence (`deterministic`, the unrestored input) adds no seed term;
 * one with a single seed beside one with several takes the pooled s² of those (with their df), since
 * one run shows no spread. With one seed on both sides there is no seed term: the interval covers
 * test images only, and the image draws are exactly pairedBootstrap's (same stream), deviations
 * rescaled and t-calibrated. Coverage by simulation (test/stats/coverage.test.ts): 94.5–95.5 % in
 * every regime tested but one, 92.8 % for a deterministic input against 3 seeds when seed spread dominates.
 * Pure and seeded.
 */
import { RdbmError } from '../errors.js';
import { createRng } from '../util/random.js';
import { number } from '../util/validate.js';
import { drawResample, strataGroups, strataMean } from './bootstrap.js';
import { percentileInterval, percentileTest } from './percentile.js';
import { type VarianceComponent, satterthwaiteDf, studentFactor } from './student.js';

/** One configuration's per-image scores at each of its training seeds. */
export interface SeedScores {
  /** scores[s][i]: training seed s, test image i; the same images in the same order for every seed (and both configurations) */
  readonly scores: readonly (readonly number[])[];
  /** the scores depend on no training seed (the unrestored input): its seed variance is 0, not unknown */
  readonly deterministic?: boolean;
}

export interface TwoLevelOptions {
  /** resamples of the bootstrap distribution (default 10000) */
  readonly resamples?: number;
  /** coverage of the interval (default 0.95); the p-value and the equivalence test are at α = 1 − confidence */
  readonly confidence?: number;
  /** seed of the resampling streams (default 0) */
  readonly seed?: number;
  /** each image's task: images are resampled within their task and the mean is the mean of task means */
  readonly strata?: readonly string[];
}

/**
 * How the seed level entered: `none` (no configuration has two seeds, or every one is deterministic:
 * the interval covers test images only), `separate` (each configuration's own seed variance, Welch),
 * `pooled` (a one-seed configuration took the pooled variance of those with several).
 */
export type SeedLevel = 'none' | 'separate' | 'pooled';

export interface TwoLevelInterval {
  /** Δ̂: mean of task means of the seed-averaged values (or differences) */
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly seedLevel: SeedLevel;
  /** Welch–Satterthwaite df of the Student factor; null for ∞ (no variance at all) */
  readonly df: number | null;
}

export interface TwoLevelDelta extends TwoLevelInterval {
  /** two-sided, by inverting the percentile interval: the interval excludes 0 ⇔ p < 1 − confidence */
  readonly p: number;
  /** when the interval holds 0: X with |Δ| < X at `confidence` (two one-sided tests); null when it excludes 0 */
  readonly equivalence: number | null;
}

interface Side extends SeedScores {
  readonly sign: 1 | -1;
  readonly name: string;
}

interface Checked {
  readonly resamples: number;
  readonly confidence: number;
  readonly seed: number;
  readonly groups: number[][];
}

const NAME = 'twoLevelBootstrap';

function check(sides: readonly Side[], options: TwoLevelOptions): Checked {
  const resamples = number(`${NAME} resamples`, options.resamples ?? 10000, { integer: true, min: 1 });
  const confidence = number(`${NAME} confidence`, options.confidence ?? 0.95, { gt: 0 });
  if (confidence >= 1) throw new RdbmError(`invalid ${NAME} confidence: ${confidence} (expected a number in (0, 1))`);
  const seed = number(`${NAME} seed`, options.seed ?? 0, { integer: true, min: 0 });
  const images = sides[0].scores[0]?.length ?? 0;
  for (const side of sides) {
    if (side.scores.length === 0) throw new RdbmError(`${NAME}: ${side.name} has no seeds (expected at least one row of scores)`);
    side.scores.forEach((row, s) => {
      if (row.length !== images) throw new RdbmError(`${NAME}: ${side.name} seed ${s} has ${row.length} images and ${sides[0].name} seed 0 ${images} (expected the same images everywhere)`);
      const bad = row.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
      if (bad >= 0) throw new RdbmError(`${NAME}: ${side.name} seed ${s} image ${bad} is ${String(row[bad])} (expected finite numbers)`);
    });
    if (side.deterministic && side.scores.length !== 1) throw new RdbmError(`${NAME}: ${side.name} is deterministic but has ${side.scores.length} rows (expected one)`);
  }
  if (images === 0) throw new RdbmError(`${NAME}: no images (expected at least one per task)`);
  if (options.strata !== undefined && options.strata.length !== images) {
    throw new RdbmError(`${NAME}: strata has ${options.strata.length} labels for ${images} images (expected one label per image)`);
  }
  const groups = strataGroups(images, options.strata);
  groups.forEach((g) => {
    if (g.length < 2) throw new RdbmError(`${NAME}: task ${options.strata ? JSON.stringify(options.strata[g[0]]) : '(all)'} has ${g.length} image (expected at least 2 to resample)`);
  });
  return { resamples, confidence, seed, groups };
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** Sample variance (divisor n − 1). */
function variance(values: ArrayLike<number>): number {
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i] - m) ** 2;
  return sum / (values.length - 1);
}

/** The seed-level variance components of the sides (see the file comment). */
function seedComponents(sides: readonly Side[], groups: readonly (readonly number[])[]): { level: SeedLevel; components: VarianceComponent[] } {
  const seeded = sides.filter((s) => !s.deterministic);
  const several = seeded.filter((s) => s.scores.length >= 2);
  if (several.length === 0) return { level: 'none', components: [] };
  const spread = several.map((s) => ({ seeds: s.scores.length, s2: variance(s.scores.map((row) => strataMean(row, groups))) }));
  if (several.length === seeded.length) return { level: 'separate', components: spread.map((c) => ({ variance: c.s2 / c.seeds, df: c.seeds - 1 })) };
  const df = spread.reduce((a, c) => a + c.seeds - 1, 0);
  const pooled = spread.reduce((a, c) => a + (c.seeds - 1) * c.s2, 0) / df;
  return { level: 'pooled', components: [{ variance: pooled * seeded.reduce((a, s) => a + 1 / s.scores.length, 0), df }] };
}

/** What every resample needs: D, Δ̂, the task means of D, the seed sd and the Student df. */
function setUp(sides: readonly Side[], groups: readonly (readonly number[])[]) {
  const images = sides[0].scores[0].length;
  const d = new Float64Array(images);
  for (const side of sides) {
    for (const row of side.scores) for (let i = 0; i < images; i++) d[i] += (side.sign * row[i]) / side.scores.length;
  }
  const taskMeans = groups.map((g) => mean(g.map((i) => d[i])));
  const imageComponents = groups.map((g, t) => ({ variance: variance(g.map((i) => d[i])) / g.length / groups.length ** 2, df: g.length - 1 }));
  const seeds = seedComponents(sides, groups);
  const seedSd = Math.sqrt(seeds.components.reduce((a, c) => a + c.variance, 0));
  const df = satterthwaiteDf([...imageComponents, ...seeds.components]);
  return { d, estimate: strataMean(d, groups), taskMeans, seedSd, df, level: seeds.level };
}

/** The per-resample draws, in the order the distribution uses them (exported for the numpy reference). */
export interface TwoLevelDraws {
  readonly groups: number[][];
  /** indices[r][t]: resample r, task t, as image indices */
  readonly indices: number[][][];
  /** z_r of the seed level (absent when there is no seed term) */
  readonly z: number[];
  /** κ_r (1 when ν = ∞) */
  readonly kappa: number[];
}

interface Draw {
  readonly indices: readonly (readonly number[])[];
  readonly z: number;
  readonly kappa: number;
  readonly value: number;
}

/** Fills `out` with the Δ*_r (unsorted); `onDraw` sees each resample's draws. */
function fill(sides: readonly Side[], c: Checked, out: Float64Array, onDraw?: (draw: Draw) => void): ReturnType<typeof setUp> {
  const setup = setUp(sides, c.groups);
  const root = createRng(c.seed);
  // the first fork is pairedBootstrap's resampling stream: with one seed the image draws are the same
  const imageRng = root.fork('paired-bootstrap');
  const seedRng = root.fork('seed-level');
  const tRng = root.fork('student-t');
  const row = c.groups.map((g) => new Array<number>(g.length));
  const scale = c.groups.map((g) => Math.sqrt(g.length / (g.length - 1)) / c.groups.length);
  const { d, taskMeans, seedSd, df, estimate } = setup;
  for (let r = 0; r < c.resamples; r++) {
    drawResample(imageRng, c.groups, row);
    let imageDev = 0;
    for (let t = 0; t < row.length; t++) {
      const idx = row[t];
      let sum = 0;
      for (let j = 0; j < idx.length; j++) sum += d[idx[j]];
      imageDev += scale[t] * (sum / idx.length - taskMeans[t]);
    }
    const z = seedSd > 0 ? seedRng.normal() : 0;
    const kappa = studentFactor(tRng, df);
    out[r] = estimate + kappa * (imageDev + seedSd * z);
    onDraw?.({ indices: row, z, kappa, value: out[r] });
  }
  return setup;
}

function distribution(sides: readonly Side[], options: TwoLevelOptions): { c: Checked; sorted: Float64Array; interval: TwoLevelInterval } {
  const c = check(sides, options);
  const sorted = new Float64Array(c.resamples);
  const setup = fill(sides, c, sorted);
  sorted.sort();
  return { c, sorted, interval: { mean: setup.estimate, ...percentileInterval(sorted, c.confidence), seedLevel: setup.level, df: Number.isFinite(setup.df) ? setup.df : null } };
}

/**
 * Δ = candidate − baseline of the mean of task means, with the two-level interval, its p and (when the
 * interval holds 0) the equivalence bound; see the file comment. Mismatched images, strata or
 * non-finite scores are refused naming the configuration, seed and image.
 */
export function twoLevelDelta(baseline: SeedScores, candidate: SeedScores, options: TwoLevelOptions = {}): TwoLevelDelta {
  const { c, sorted, interval } = distribution(
    [
      { ...baseline, sign: -1, name: 'baseline' },
      { ...candidate, sign: 1, name: 'candidate' },
    ],
    options,
  );
  return { ...interval, ...percentileTest(sorted, c.confidence) };
}

/** One configuration's mean of task means over its seeds, with the same two-level interval (the error bar of a score). */
export function twoLevelMean(runs: SeedScores, options: TwoLevelOptions = {}): TwoLevelInterval {
  return distribution([{ ...runs, sign: 1, name: 'scores' }], options).interval;
}

/** The draws `twoLevelDelta` makes for these inputs, resample by resample (for checking against another implementation). */
export function twoLevelDraws(baseline: SeedScores, candidate: SeedScores, options: TwoLevelOptions = {}): TwoLevelDraws & { values: number[] } {
  const sides: Side[] = [
    { ...baseline, sign: -1, name: 'baseline' },
    { ...candidate, sign: 1, name: 'candidate' },
  ];
  const c = check(sides, options);
  const out = { groups: c.groups, indices: [] as number[][][], z: [] as number[], kappa: [] as number[], values: [] as number[] };
  fill(sides, c, new Float64Array(c.resamples), (draw) => {
    out.indices.push(draw.indices.map((idx) => [...idx]));
    out.z.push(draw.z);
    out.kappa.push(draw.kappa);
    out.values.push(draw.value);
  });
  return out;
}
