/**
 * From per-image scores to a ReproducedSet (pure): per-task means and the mean of task means, means
 * and sd across training seeds, each seed's own averages, 95% two-level intervals (seeds and test
 * images) of every mean, and each entry's paired Δ against the set's default entry with its interval,
 * p and equivalence bound (run-statistics.ts → stats/two-level.ts), plus the per-image differences
 * behind those Δ for anyone's own analysis. The experiments' collect (src/experiments/sets.ts) or any
 * other source of per-image scores feeds it.
 */
import type { ImageScore } from '../metrics/image-score.js';
import { INPUT_KEY, type PointScores, type SetScores } from '../experiments/sets.js';
import { type TrainingVerdict, VERDICTS } from '../stats/index.js';
import { METRICS, type MetricName } from './plots/common.js';
import { entryDelta, entryInterval } from './run-statistics.js';
import type { EntryDelta, ReproducedEntry, ReproducedSet, Score, ScoreInterval, TaskScore } from './types.js';

/** Interval coverage, resamples and seed of every interval in the report. */
export const REPORT_CONFIDENCE = 0.95;
export const REPORT_RESAMPLES = 10000;

type Metric = MetricName;

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
function runMeans(images: readonly ImageScore[], metric: Metric): { tasks: Map<string, number>; average: number | null } {
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

/** The worst training-health verdict among the runs that have one. */
function worstHealth(runs: readonly PointScores[]): TrainingVerdict | undefined {
  return runs.reduce<TrainingVerdict | undefined>((worst, r) => (r.health && (!worst || VERDICTS.indexOf(r.health) > VERDICTS.indexOf(worst)) ? r.health : worst), undefined);
}

/** The entries' points grouped by key, in order of first appearance. */
function groupByKey(points: readonly PointScores[]): PointScores[][] {
  const groups = new Map<string, PointScores[]>();
  for (const p of points) groups.set(p.key, [...(groups.get(p.key) ?? []), p]);
  return [...groups.values()];
}

const imageId = (im: ImageScore) => `${im.task}\u0000${im.subDataset}\u0000${im.name}`;

function cis(runs: readonly PointScores[], task: string | undefined, options: StatisticsOptions): Score['ci'] {
  const ci: { psnr?: ScoreInterval; ssim?: ScoreInterval } = {};
  for (const metric of METRICS) {
    const i = entryInterval(runs, metric, task, runOptions(options));
    if (i) ci[metric] = i;
  }
  return ci;
}

const runOptions = (options: StatisticsOptions) => ({ resamples: options.resamples ?? REPORT_RESAMPLES, confidence: REPORT_CONFIDENCE, seed: options.seed ?? 0 });

export interface PairedImage {
  readonly task: string;
  readonly subDataset: string;
  readonly name: string;
  /** the seed of the pair (the default entry's when this entry has none, e.g. the input) */
  readonly seed: number | null;
  readonly baseline: ImageScore;
  readonly candidate: ImageScore;
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

/** The default entry's key: `scores.default` if it has runs; without one (a file of points with no baseline) nothing carries a Δ. */
export function defaultKey(scores: SetScores): string | undefined {
  return scores.default !== undefined && scores.points.some((p) => p.key === scores.default && p.key !== INPUT_KEY) ? scores.default : undefined;
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
    ...(seeded.length ? { perSeed: runs.flatMap((r, k) => (r.seed === undefined ? [] : [{ seed: r.seed, psnr: perRun.psnr[k].average, ssim: perRun.ssim[k].average }])) } : {}),
    ...(worstHealth(runs) ? { health: worstHealth(runs) } : {}),
  };
  if (!baseline) return entry;
  const pairs = pairImages(baseline, runs);
  const delta: EntryDelta = { psnr: entryDelta(baseline, runs, 'psnr', runOptions(options)), ssim: entryDelta(baseline, runs, 'ssim', runOptions(options)), against: baseline[0].key, pairs: pairs.length };
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
