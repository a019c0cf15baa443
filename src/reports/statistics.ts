/**
 * From per-image scores to a ReproducedSet (pure): per-task means and the mean of task means, means
 * and sd across training seeds, 95% intervals of every mean over test images × seeds, and each
 * entry's paired Δ against the set's default entry (tasks as strata, stats/bootstrap.ts), plus the
 * per-image differences behind those Δ for anyone's own analysis. The experiments shell (runs.ts)
 * or any other source of per-image scores feeds it.
 */
import { bootstrapMean, pairedBootstrap } from '../stats/index.js';
import { METRICS, type MetricName } from './plots/common.js';
import type { EntryDelta, MetricDelta, ReproducedEntry, ReproducedSet, Score, ScoreInterval, TaskScore } from './types.js';

/** Key and label of the unrestored-input entry every set carries (issue 12: scored like the restorations). */
export const INPUT_KEY = 'input';
export const INPUT_LABEL = 'Input (unrestored)';

/** Interval coverage, resamples and seed of every interval in the report. */
export const REPORT_CONFIDENCE = 0.95;
export const REPORT_RESAMPLES = 10000;

type Metric = MetricName;

/** One test image's scores; `task` is the report's task id (`deraining`, …). */
export interface ImageRow {
  readonly task: string;
  readonly subDataset: string;
  readonly name: string;
  /** null when not finite (identical images under a convention without a cap) */
  readonly psnr: number | null;
  readonly ssim: number | null;
}

/** One run: an entry's scores at one training seed (several points with one key are its seeds). */
export interface PointScores {
  readonly key: string;
  readonly label: string;
  /** training seed; absent when the scores do not depend on one (the unrestored input) */
  readonly seed?: number;
  readonly images: readonly ImageRow[];
  readonly paramsM?: number | null;
  readonly flopsG?: number | null;
  /** MACs with the attention matrix products thop skips (reproduced.json only) */
  readonly macsTotalG?: number | null;
  readonly nfe?: number;
}

export interface SetScores extends Omit<ReproducedSet, 'entries'> {
  /** the entries' runs, in row order; the unrestored input with key INPUT_KEY */
  readonly points: readonly PointScores[];
}

export interface StatisticsOptions {
  readonly resamples?: number;
  readonly seed?: number;
}

function mean(values: readonly number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

function sd(values: readonly number[]): number | null {
  const m = mean(values);
  if (m === null || values.length < 2) return null;
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}

const finite = (v: number | null): v is number => v !== null && Number.isFinite(v);

/** Per-task means and their mean (the paper's five-task average) of one run. */
function runMeans(images: readonly ImageRow[], metric: Metric): { tasks: Map<string, number>; average: number | null } {
  const byTask = new Map<string, number[]>();
  for (const im of images) {
    if (!byTask.has(im.task)) byTask.set(im.task, []);
    const v = im[metric];
    if (finite(v)) byTask.get(im.task)!.push(v);
  }
  const tasks = new Map<string, number>();
  for (const [task, values] of byTask) {
    const m = mean(values);
    if (m !== null) tasks.set(task, m);
  }
  return { tasks, average: mean([...tasks.values()]) };
}

/** The entries' points grouped by key, in order of first appearance. */
function groupByKey(points: readonly PointScores[]): PointScores[][] {
  const groups = new Map<string, PointScores[]>();
  for (const p of points) groups.set(p.key, [...(groups.get(p.key) ?? []), p]);
  return [...groups.values()];
}

const imageId = (im: ImageRow) => `${im.task}\u0000${im.subDataset}\u0000${im.name}`;

/** (image, seed) units of a metric: values, their task and image. */
function units(runs: readonly PointScores[], metric: Metric, task?: string): { values: number[]; strata: string[]; images: string[] } {
  const values: number[] = [];
  const strata: string[] = [];
  const ids: string[] = [];
  for (const run of runs) {
    for (const im of run.images) {
      const v = im[metric];
      if ((task === undefined || im.task === task) && finite(v)) {
        values.push(v);
        strata.push(im.task);
        ids.push(imageId(im));
      }
    }
  }
  return { values, strata, images: ids };
}

/**
 * Fewest distinct test images per task for an interval: with one image a task's resamples have no
 * image-to-image spread (only seeds, or nothing), and the interval would collapse toward the mean.
 */
export const MIN_IMAGES_PER_TASK = 2;

/** Whether every stratum holds at least MIN_IMAGES_PER_TASK distinct images. */
function enoughImages(strata: readonly string[], images: readonly string[]): boolean {
  const perStratum = new Map<string, Set<string>>();
  strata.forEach((s, i) => perStratum.set(s, (perStratum.get(s) ?? new Set()).add(images[i])));
  return perStratum.size > 0 && [...perStratum.values()].every((ids) => ids.size >= MIN_IMAGES_PER_TASK);
}

function interval(values: readonly number[], strata: readonly string[], images: readonly string[], stratified: boolean, options: StatisticsOptions): ScoreInterval | undefined {
  if (!enoughImages(strata, images)) return undefined;
  const r = bootstrapMean(values, { resamples: options.resamples ?? REPORT_RESAMPLES, confidence: REPORT_CONFIDENCE, seed: options.seed ?? 0, ...(stratified ? { strata } : {}) });
  return { low: r.low, high: r.high };
}

function cis(runs: readonly PointScores[], task: string | undefined, options: StatisticsOptions): Score['ci'] {
  const ci: { psnr?: ScoreInterval; ssim?: ScoreInterval } = {};
  for (const metric of METRICS) {
    const u = units(runs, metric, task);
    const i = interval(u.values, u.strata, u.images, task === undefined, options);
    if (i) ci[metric] = i;
  }
  return ci;
}

export interface PairedImage {
  readonly task: string;
  readonly subDataset: string;
  readonly name: string;
  /** the seed of the pair (the default entry's when this entry has none, e.g. the input) */
  readonly seed: number | null;
  readonly baseline: ImageRow;
  readonly candidate: ImageRow;
}

/**
 * The (test image, seed) pairs of two entries: same image, same training seed; an entry without a
 * seed (the input) pairs with every seed of the other. Pairs follow the candidate's order.
 */
export function pairImages(baseline: readonly PointScores[], candidate: readonly PointScores[]): PairedImage[] {
  const pairs: PairedImage[] = [];
  for (const c of candidate) {
    for (const b of baseline) {
      if (c.seed !== undefined && b.seed !== undefined && c.seed !== b.seed) continue;
      const byId = new Map(b.images.map((im) => [imageId(im), im]));
      for (const im of c.images) {
        const base = byId.get(imageId(im));
        if (base) pairs.push({ task: im.task, subDataset: im.subDataset, name: im.name, seed: c.seed ?? b.seed ?? null, baseline: base, candidate: im });
      }
    }
  }
  return pairs;
}

function metricDelta(pairs: readonly PairedImage[], metric: Metric, options: StatisticsOptions): MetricDelta | null {
  const usable = pairs.filter((p) => finite(p.baseline[metric]) && finite(p.candidate[metric]));
  if (usable.length === 0) return null;
  const strata = usable.map((p) => p.task);
  const r = pairedBootstrap(
    usable.map((p) => p.baseline[metric] as number),
    usable.map((p) => p.candidate[metric] as number),
    { resamples: options.resamples ?? REPORT_RESAMPLES, confidence: REPORT_CONFIDENCE, seed: options.seed ?? 0, strata },
  );
  // the sign-flip p stays valid with one pair per task; the interval does not (it collapses on the mean)
  return enoughImages(strata, usable.map((p) => imageId(p.candidate))) ? r : { ...r, low: null, high: null };
}

/** The default entry's key: `scores.default` if it has runs, else the first entry that is not the input. */
export function defaultKey(scores: SetScores): string | undefined {
  if (scores.default !== undefined && scores.points.some((p) => p.key === scores.default)) return scores.default;
  return scores.points.find((p) => p.key !== INPUT_KEY)?.key;
}

function entryOf(runs: readonly PointScores[], baseline: readonly PointScores[] | undefined, options: StatisticsOptions): ReproducedEntry {
  const first = runs[0];
  const seeded = runs.filter((r) => r.seed !== undefined);
  const perRun = Object.fromEntries(METRICS.map((m) => [m, runs.map((r) => runMeans(r.images, m))])) as Record<Metric, ReturnType<typeof runMeans>[]>;
  const taskIds = [...new Set(runs.flatMap((r) => r.images.map((im) => im.task)))];
  const tasks: Record<string, TaskScore> = {};
  for (const task of taskIds) {
    const images = Math.max(...runs.map((r) => r.images.filter((im) => im.task === task).length));
    const value = (m: Metric) => mean(perRun[m].map((r) => r.tasks.get(task)).filter((v): v is number => v !== undefined));
    tasks[task] = { psnr: value('psnr'), ssim: value('ssim'), images, ci: cis(runs, task, options) };
  }
  const averages = (m: Metric) => perRun[m].map((r) => r.average).filter(finite);
  const entry: ReproducedEntry = {
    key: first.key,
    label: first.label,
    average: { psnr: mean(averages('psnr')), ssim: mean(averages('ssim')), ci: cis(runs, undefined, options) },
    tasks,
    paramsM: first.paramsM ?? null,
    flopsG: first.flopsG ?? null,
    ...(first.macsTotalG !== undefined ? { macsTotalG: first.macsTotalG } : {}),
    ...(first.nfe !== undefined ? { nfe: first.nfe } : {}),
    ...(seeded.length ? { seeds: new Set(seeded.map((r) => r.seed)).size } : {}),
    ...(seeded.length >= 2 ? { sd: { psnr: sd(averages('psnr')), ssim: sd(averages('ssim')) } } : {}),
  };
  if (!baseline) return entry;
  const pairs = pairImages(baseline, runs);
  const delta: EntryDelta = { psnr: metricDelta(pairs, 'psnr', options), ssim: metricDelta(pairs, 'ssim', options), against: baseline[0].key, pairs: pairs.length };
  return { ...entry, delta };
}

/** Per-image scores → the set the tables, plots and reproduced.json show (entries in order of first appearance). */
export function reduceSet(scores: SetScores, options: StatisticsOptions = {}): ReproducedSet {
  const { points, ...meta } = scores;
  const groups = groupByKey(points);
  const def = defaultKey(scores);
  const baseline = groups.find((g) => g[0].key === def);
  return {
    ...meta,
    ...(def !== undefined ? { default: def } : {}),
    entries: groups.map((runs) => entryOf(runs, runs === baseline ? undefined : baseline, options)),
  };
}

export interface ImageDeltaRow {
  readonly experiment: string;
  readonly convention: string;
  readonly key: string;
  readonly label: string;
  readonly against: string;
  readonly task: string;
  readonly subDataset: string;
  readonly name: string;
  readonly seed: number | null;
  readonly psnrDefault: number | null;
  readonly psnr: number | null;
  readonly psnrDelta: number | null;
  readonly ssimDefault: number | null;
  readonly ssim: number | null;
  readonly ssimDelta: number | null;
}

/** Every non-default entry's per-image (and per-seed) difference from the default entry. */
export function imageDeltaRows(scores: SetScores): ImageDeltaRow[] {
  const groups = groupByKey(scores.points);
  const def = defaultKey(scores);
  const baseline = groups.find((g) => g[0].key === def);
  if (!baseline) return [];
  const diff = (a: number | null, b: number | null) => (finite(a) && finite(b) ? b - a : null);
  return groups
    .filter((g) => g !== baseline)
    .flatMap((runs) =>
      pairImages(baseline, runs).map((p) => ({
        experiment: scores.experiment,
        convention: scores.convention,
        key: runs[0].key,
        label: runs[0].label,
        against: baseline[0].key,
        task: p.task,
        subDataset: p.subDataset,
        name: p.name,
        seed: p.seed,
        psnrDefault: p.baseline.psnr,
        psnr: p.candidate.psnr,
        psnrDelta: diff(p.baseline.psnr, p.candidate.psnr),
        ssimDefault: p.baseline.ssim,
        ssim: p.candidate.ssim,
        ssimDelta: diff(p.baseline.ssim, p.candidate.ssim),
      })),
    );
}
