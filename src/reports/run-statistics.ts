/**
 * An entry's runs (one per training seed, each with per-image scores) → the two-level statistics of
 * stats/two-level.ts: the seeds × images matrix over the test images every run scored, the interval
 * of an entry's mean and its Δ against another entry. Pure; statistics.ts (reduceSet) calls it.
 *
 * Images: those scored with a finite value by every run of the entries involved (a PSNR can be null
 * when an image is identical to its ground truth), in the first run's order, tasks as strata. A task
 * with fewer than 2 such images has no image-to-image spread to resample: no interval, no p.
 * An entry whose single run has no seed (the unrestored input) is deterministic: no seed term.
 */
import { type SeedScores, twoLevelDelta, twoLevelMean } from '../stats/index.js';
import type { ImageScore } from '../metrics/image-score.js';
import type { MetricName } from './plots/common.js';
import type { MetricDelta, ScoreInterval } from './types.js';

/** One run of an entry: its training seed (absent when the scores depend on none) and its images. */
export interface EntryRun {
  readonly seed?: number;
  readonly images: readonly ImageScore[];
}

export interface RunStatisticsOptions {
  readonly resamples: number;
  readonly confidence: number;
  readonly seed: number;
}

/** Fewest images per task for an interval (one image has no image-to-image spread to resample). */
export const MIN_IMAGES_PER_TASK = 2;

const imageId = (im: ImageScore) => `${im.task}\u0000${im.subDataset}\u0000${im.name}`;
const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** The images (in the first run's order) every run scored with a finite `metric`, optionally of one task. */
function commonImages(entries: readonly (readonly EntryRun[])[], metric: MetricName, task?: string): ImageScore[] {
  const maps = entries.flat().map((run) => new Map(run.images.map((im) => [imageId(im), im])));
  return entries[0][0].images.filter((im) => (task === undefined || im.task === task) && maps.every((m) => finite(m.get(imageId(im))?.[metric])));
}

/** An entry's seeds × images matrix over `images`. */
function matrix(runs: readonly EntryRun[], images: readonly ImageScore[], metric: MetricName): SeedScores {
  const rows = runs.map((run) => {
    const byId = new Map(run.images.map((im) => [imageId(im), im]));
    return images.map((im) => byId.get(imageId(im))![metric] as number);
  });
  return { scores: rows, deterministic: runs.length === 1 && runs[0].seed === undefined };
}

function enoughImages(images: readonly ImageScore[]): boolean {
  const perTask = new Map<string, number>();
  for (const im of images) perTask.set(im.task, (perTask.get(im.task) ?? 0) + 1);
  return perTask.size > 0 && [...perTask.values()].every((n) => n >= MIN_IMAGES_PER_TASK);
}

/** The mean of task means of the seed-averaged differences (Δ̂ without an interval). */
function plainDelta(baseline: SeedScores, candidate: SeedScores, images: readonly ImageScore[]): number {
  const tasks = new Map<string, number[]>();
  images.forEach((im, i) => {
    const mean = (s: SeedScores) => s.scores.reduce((a, row) => a + row[i], 0) / s.scores.length;
    tasks.set(im.task, [...(tasks.get(im.task) ?? []), mean(candidate) - mean(baseline)]);
  });
  const taskMeans = [...tasks.values()].map((d) => d.reduce((a, b) => a + b, 0) / d.length);
  return taskMeans.reduce((a, b) => a + b, 0) / taskMeans.length;
}

/** Δ = candidate − baseline of the mean of task means with its two-level interval, p and equivalence bound; null when no image is common. */
export function entryDelta(baseline: readonly EntryRun[], candidate: readonly EntryRun[], metric: MetricName, options: RunStatisticsOptions): MetricDelta | null {
  const images = commonImages([baseline, candidate], metric);
  if (images.length === 0) return null;
  const b = matrix(baseline, images, metric);
  const c = matrix(candidate, images, metric);
  if (!enoughImages(images)) return { mean: plainDelta(b, c, images), low: null, high: null, p: null, equivalence: null };
  const r = twoLevelDelta(b, c, { ...options, strata: images.map((im) => im.task) });
  return { mean: r.mean, low: r.low, high: r.high, p: r.p, equivalence: r.equivalence, seedLevel: r.seedLevel, df: r.df };
}

/** The two-level interval of an entry's mean of task means (or of one task's mean); undefined without enough images. */
export function entryInterval(runs: readonly EntryRun[], metric: MetricName, task: string | undefined, options: RunStatisticsOptions): ScoreInterval | undefined {
  const images = commonImages([runs], metric, task);
  if (!enoughImages(images)) return undefined;
  const r = twoLevelMean(matrix(runs, images, metric), { ...options, strata: images.map((im) => im.task) });
  return { low: r.low, high: r.high };
}
