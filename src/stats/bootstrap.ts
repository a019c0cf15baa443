/**
 * Paired statistics for comparing two configurations scored on the same test images, as sacreBLEU
 * does for MT systems (`--paired-bs`, `--paired-ar`) and rliable for RL runs (stratified bootstrap):
 *   mean  the mean over strata (tasks) of the per-stratum mean difference d_i = candidate_i − baseline_i,
 *         which is how the tables average (the mean of task means);
 *   low, high  the percentile bootstrap interval of that mean, resampling pairs within each stratum;
 *   p     a two-sided paired approximate-randomisation test: each d_i's sign is flipped at random,
 *         p = (count(|T*| ≥ |T|) + 1) / (resamples + 1).
 * Pure and seeded: the same inputs and seed give the same numbers.
 */
import { RdbmError } from '../errors.js';
import { type Rng, createRng } from '../util/random.js';
import { number } from '../util/validate.js';
import { percentileInterval } from './percentile.js';

export interface PairedBootstrapOptions {
  /** bootstrap resamples and sign-flip permutations (default 10000) */
  readonly resamples?: number;
  /** coverage of the percentile interval (default 0.95) */
  readonly confidence?: number;
  /** seed of the resampling streams (default 0) */
  readonly seed?: number;
  /** a label per pair (e.g. its task): resampling stays within a stratum and the mean is the mean of stratum means */
  readonly strata?: readonly string[];
}

export interface PairedBootstrapResult {
  /** mean of (candidate − baseline), over strata of the per-stratum means when strata are given */
  readonly mean: number;
  /** percentile bootstrap interval at `confidence` */
  readonly low: number;
  readonly high: number;
  /** two-sided sign-flip p-value, (count + 1) / (resamples + 1) */
  readonly p: number;
}

export interface Interval {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

/** The pairs' indices grouped by stratum, strata in order of first appearance. */
export function strataGroups(length: number, strata?: readonly string[]): number[][] {
  if (!strata) return [Array.from({ length }, (_, i) => i)];
  const groups = new Map<string, number[]>();
  strata.forEach((s, i) => {
    const g = groups.get(s);
    if (g) g.push(i);
    else groups.set(s, [i]);
  });
  return [...groups.values()];
}

/** The mean over groups of the within-group mean of `values` (the statistic every resample recomputes). */
export function strataMean(values: ArrayLike<number>, groups: readonly (readonly number[])[]): number {
  let total = 0;
  for (const g of groups) {
    let sum = 0;
    for (const i of g) sum += values[i];
    total += sum / g.length;
  }
  return total / groups.length;
}

/** The two independent streams: bootstrap indices and sign flips (forked so either can change alone). */
function streams(seed: number): { boot: Rng; flip: Rng } {
  const root = createRng(seed);
  return { boot: root.fork('paired-bootstrap'), flip: root.fork('sign-flip') };
}

/** One bootstrap resample: for each stratum, as many indices drawn with replacement from it as it has pairs (also two-level.ts's image level). */
export function drawResample(rng: Rng, groups: readonly (readonly number[])[], out: number[][]): void {
  groups.forEach((g, s) => {
    const row = out[s];
    for (let j = 0; j < g.length; j++) row[j] = g[rng.int(g.length)];
  });
}

/** One sign-flip permutation: ±1 per pair, in pair order. */
function drawSigns(rng: Rng, out: Int8Array): void {
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform() < 0.5 ? -1 : 1;
}

/**
 * The resample indices and signs `pairedBootstrap` draws for `length` pairs with these strata and
 * seed (`indices[r][s]`: resample r, stratum s, as pair indices), for checking against another
 * implementation. Same streams, same order.
 */
export function bootstrapDraws(length: number, options: Pick<PairedBootstrapOptions, 'resamples' | 'seed' | 'strata'> = {}): { groups: number[][]; indices: number[][][]; signs: number[][] } {
  const resamples = options.resamples ?? 10000;
  const groups = strataGroups(length, options.strata);
  const { boot, flip } = streams(options.seed ?? 0);
  const indices: number[][][] = [];
  const signs: number[][] = [];
  const signRow = new Int8Array(length);
  for (let r = 0; r < resamples; r++) {
    const row = groups.map((g) => new Array<number>(g.length));
    drawResample(boot, groups, row);
    indices.push(row);
  }
  for (let r = 0; r < resamples; r++) {
    drawSigns(flip, signRow);
    signs.push([...signRow]);
  }
  return { groups, indices, signs };
}

function checkOptions(options: PairedBootstrapOptions, pairs: number): { resamples: number; confidence: number; seed: number } {
  const resamples = number('pairedBootstrap resamples', options.resamples ?? 10000, { integer: true, min: 1 });
  const confidence = number('pairedBootstrap confidence', options.confidence ?? 0.95, { gt: 0 });
  if (confidence >= 1) throw new RdbmError(`invalid pairedBootstrap confidence: ${confidence} (expected a number in (0, 1))`);
  const seed = number('pairedBootstrap seed', options.seed ?? 0, { integer: true, min: 0 });
  if (options.strata !== undefined && options.strata.length !== pairs) {
    throw new RdbmError(`pairedBootstrap: strata has ${options.strata.length} labels for ${pairs} pairs (expected one label per pair)`);
  }
  return { resamples, confidence, seed };
}

function checkValues(name: string, values: readonly number[]): void {
  const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) throw new RdbmError(`pairedBootstrap: ${name}[${bad}] is ${String(values[bad])} (expected finite numbers)`);
}

/** The percentile interval of the strata mean of `values` over `resamples` stratified resamples. */
function resampledInterval(values: ArrayLike<number>, groups: readonly (readonly number[])[], boot: Rng, resamples: number, confidence: number): { low: number; high: number } {
  const stats = new Float64Array(resamples);
  const row = groups.map((g) => new Array<number>(g.length));
  for (let r = 0; r < resamples; r++) {
    drawResample(boot, groups, row);
    let total = 0;
    for (const idx of row) {
      let sum = 0;
      for (const i of idx) sum += values[i];
      total += sum / idx.length;
    }
    stats[r] = total / groups.length;
  }
  stats.sort();
  return percentileInterval(stats, confidence);
}

/**
 * Paired bootstrap interval and sign-flip p-value of mean(candidate − baseline); see the file comment.
 * Unequal lengths, or strata of another length, are refused naming the lengths.
 */
export function pairedBootstrap(baseline: readonly number[], candidate: readonly number[], options: PairedBootstrapOptions = {}): PairedBootstrapResult {
  if (baseline.length !== candidate.length) {
    throw new RdbmError(`pairedBootstrap: baseline has ${baseline.length} values and candidate ${candidate.length} (expected paired lists of equal length)`);
  }
  if (baseline.length === 0) throw new RdbmError('pairedBootstrap: no pairs (expected at least one baseline/candidate pair)');
  const { resamples, confidence, seed } = checkOptions(options, baseline.length);
  checkValues('baseline', baseline);
  checkValues('candidate', candidate);
  const d = Float64Array.from(candidate, (c, i) => c - baseline[i]);
  const groups = strataGroups(d.length, options.strata);
  const mean = strataMean(d, groups);
  const { boot, flip } = streams(seed);
  const { low, high } = resampledInterval(d, groups, boot, resamples, confidence);
  // sign flips: under H0 (no difference) each d_i is as likely to have the other sign
  const signs = new Int8Array(d.length);
  const flipped = new Float64Array(d.length);
  const threshold = Math.abs(mean) - 1e-12 * Math.max(1, Math.abs(mean));
  let count = 0;
  for (let r = 0; r < resamples; r++) {
    drawSigns(flip, signs);
    for (let i = 0; i < d.length; i++) flipped[i] = signs[i] * d[i];
    if (Math.abs(strataMean(flipped, groups)) >= threshold) count++;
  }
  return { mean, low, high, p: (count + 1) / (resamples + 1) };
}

/**
 * The mean of `values` (over strata of the stratum means) with its stratified percentile bootstrap
 * interval: the error bar of one configuration's score, drawn from the same stream as pairedBootstrap.
 */
export function bootstrapMean(values: readonly number[], options: Omit<PairedBootstrapOptions, 'strata'> & { strata?: readonly string[] } = {}): Interval {
  if (values.length === 0) throw new RdbmError('bootstrapMean: no values (expected at least one)');
  const { resamples, confidence, seed } = checkOptions(options, values.length);
  checkValues('values', values);
  const groups = strataGroups(values.length, options.strata);
  const { boot } = streams(seed);
  return { mean: strataMean(values, groups), ...resampledInterval(values, groups, boot, resamples, confidence) };
}
