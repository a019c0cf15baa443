/**
 * What the report builders consume: reproduced results, already reduced to one entry per method or
 * ablation value. reduceSet (statistics.ts) produces these from the experiments' collected sets;
 * tests and notebooks may build them by hand.
 */
import type { SetMeta } from '../experiments/sets.js';
import type { SeedLevel, TrainingVerdict } from '../stats/index.js';

/** PSNR in dB and SSIM in [0, 1]; null when not computed. */
export interface Score {
  readonly psnr: number | null;
  readonly ssim: number | null;
  /** 95% stratified percentile bootstrap interval of each mean over test images × seeds (statistics.ts) */
  readonly ci?: { readonly psnr?: ScoreInterval; readonly ssim?: ScoreInterval };
}

export interface ScoreInterval {
  readonly low: number;
  readonly high: number;
}

/** A paired comparison with the set's default entry (stats/two-level.ts twoLevelDelta, via run-statistics.ts). */
export interface MetricDelta {
  /** mean over tasks of the per-task mean of (this − default), each averaged over its seeds */
  readonly mean: number;
  /** 95% two-level interval (seeds and test images, images resampled within each task); null when a task has fewer than 2 images (no spread to resample) */
  readonly low: number | null;
  readonly high: number | null;
  /** two-sided, by inverting that interval: low > 0 or high < 0 ⇔ p < 0.05; null without an interval */
  readonly p: number | null;
  /** when the interval holds 0: X with |Δ| < X at 95% confidence (two one-sided tests at 0.05); null when it excludes 0 or there is none */
  readonly equivalence: number | null;
  /** how training seeds entered the interval: none (one seed each, or seedless), separate, pooled */
  readonly seedLevel?: SeedLevel;
  /** Welch–Satterthwaite df of the interval's Student factor; null for ∞ */
  readonly df?: number | null;
}

export interface EntryDelta {
  readonly psnr: MetricDelta | null;
  readonly ssim: MetricDelta | null;
  /** key of the default entry compared against */
  readonly against: string;
  /** paired (test image, seed) units behind the comparison */
  readonly pairs: number;
}

/** One training seed's averages. */
export interface SeedAverage {
  readonly seed: number;
  readonly psnr: number | null;
  readonly ssim: number | null;
}

export interface TaskScore extends Score {
  /** number of test images behind the mean */
  readonly images?: number;
}

export interface ReproducedEntry {
  /** matched against a published row: a method id (`rdbm-L`) or an ablation value (`cosine`, `0.0392…`, `10`) */
  readonly key: string;
  readonly label: string;
  /** mean of the task means (the paper's "average over the five tasks") */
  readonly average: Score;
  /** per task id (`deraining`, `low-light`, `desnowing`, `dehazing`, `deblurring`) */
  readonly tasks: Readonly<Record<string, TaskScore>>;
  /** trainable parameters, millions */
  readonly paramsM?: number | null;
  /** FLOPs in G as the set's `flopsNote` defines them (thop's conv + linear MACs) */
  readonly flopsG?: number | null;
  /** all multiply-accumulates in G, attention matrix products included (not a column; thop omits them) */
  readonly macsTotalG?: number | null;
  /** sampling steps the entry was restored with */
  readonly nfe?: number;
  /** training seeds behind the figures (means over seeds); absent for the unrestored input */
  readonly seeds?: number;
  /** standard deviation across seeds of the averages (n − 1), with 2 or more seeds */
  readonly sd?: Score;
  /** against the set's default entry over the same test images (and seeds); absent on the default entry */
  readonly delta?: EntryDelta;
  /** each training seed's own averages (mean of task means), in run order; the figures above are their means */
  readonly perSeed?: readonly SeedAverage[];
  /** the worst training-health verdict of the entry's runs (stats/training-health.ts), where its training history is known */
  readonly health?: TrainingVerdict;
}

/** A set as the tables, plots and reproduced.json show it: its meta (src/experiments/sets.ts) and one entry per key. */
export interface ReproducedSet extends SetMeta {
  readonly entries: readonly ReproducedEntry[];
}
