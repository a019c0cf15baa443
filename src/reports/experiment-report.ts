/**
 * `rdbm report <experiment.json>`: tables, plots and restoration grids from a researcher's own
 * runs — folders of restored images and checkpoints — on their own dataset. The experiments module
 * supplies the scores and the restored images' paths (pointsExperimentResults, pointRestoredImage);
 * this file turns their per-image scores into a ReproducedSet through reduceSet (means, intervals,
 * and Δ against the file's baseline, exactly as `reproduce`) and hands it to the same table and
 * plot builders and writer. Nothing is written until every point has been scored.
 */
import { isAbsolute, relative } from 'node:path';
import type { Io } from '../util/io.js';
import { scanLayout } from '../datasets/index.js';
import { taskKey } from '../datasets/tasks.js';
import { type Executors, type PointsResults, type RunMetrics, loadPointsExperiment, pointRestoredImage, pointsExperimentResults } from '../experiments/index.js';
import { writeJsonAtomic } from '../util/fs.js';
import { reproducedPath } from '../experiments/layout.js';
import type { PlannedPlot, ReportPlan } from './plan.js';
import { perTaskPlot } from './plots/per-task.js';
import { restorationGridPlot } from './plots/grid.js';
import { gridRows } from './runs.js';
import { INPUT_KEY, INPUT_LABEL, type ImageRow, type SetScores, type StatisticsOptions, reduceSet } from './statistics.js';
import { comparisonTable, perTaskTable } from './tables.js';
import type { MetricDelta, ReproducedEntry, ReproducedSet } from './types.js';
import { type WrittenReport, writeReport } from './write.js';

/** Key and label of the unrestored input's row (statistics.ts: the input row every set carries). */
export const INPUT_ROW = Object.freeze({ key: INPUT_KEY, label: INPUT_LABEL });

/** What `rdbm report --json` prints for one row; `delta` is against the file's baseline (absent on the baseline, and without one). */
export interface ReportRowJson {
  readonly label: string;
  readonly average: { readonly psnr: number | null; readonly ssim: number | null };
  readonly tasks: Readonly<Record<string, { readonly psnr: number | null; readonly ssim: number | null; readonly images: number }>>;
  readonly delta?: { readonly psnr: MetricDelta | null; readonly ssim: MetricDelta | null };
}

export interface ReportJson {
  readonly points: readonly ReportRowJson[];
  readonly input: ReportRowJson;
}

export interface ExperimentReportOptions {
  /** dataset root in the RDBM/DGSolver layout */
  readonly data: string;
  /** where the report (and the checkpoint points' restorations) go */
  readonly out: string;
  readonly io?: Io;
  /** render PNGs (default true) */
  readonly png?: boolean;
  readonly executors?: Executors;
  readonly workers?: number;
}

export interface ExperimentReport {
  readonly results: PointsResults;
  readonly set: ReproducedSet;
  readonly json: ReportJson;
  readonly report: WrittenReport;
}

/**
 * The results as per-image scores for reduceSet, the path `reproduce` takes: the input first, then
 * each point keyed by its label; the file's baseline is the set's default, so every other row's Δ
 * is paired against it over the same test images with tasks as strata. Task folders become task
 * keys (`Enlighening` → `low-light`; other folders keep their name).
 */
export function pointsSetScores(results: PointsResults): SetScores {
  const rows = (m: RunMetrics): ImageRow[] => m.images.map((im) => ({ task: taskKey(im.task), subDataset: im.subDataset, name: im.name, psnr: im.psnr, ssim: im.ssim }));
  const baseline = results.experiment.baseline;
  return {
    experiment: results.experiment.name,
    convention: results.experiment.metric,
    scale: 'own runs',
    dataset: results.data,
    ...(baseline !== undefined ? { default: baseline } : {}),
    points: [
      { key: INPUT_KEY, label: INPUT_LABEL, images: rows(results.input) },
      ...results.points.map((p) => ({ key: p.label, label: p.label, images: rows(p.metrics), ...(p.config?.nfe !== undefined ? { nfe: p.config.nfe } : {}) })),
    ],
  };
}

/**
 * The results as one ReproducedSet (reduceSet): the input row first, then each point. Without a
 * baseline in the file there is nothing to compare against, so no row carries a Δ (reduceSet would
 * otherwise take the first point).
 */
export function pointsReproducedSet(results: PointsResults, options: StatisticsOptions = {}): ReproducedSet {
  const set = reduceSet(pointsSetScores(results), options);
  if (results.experiment.baseline !== undefined) return set;
  const { default: _default, ...rest } = set;
  return { ...rest, entries: set.entries.map(({ delta: _delta, ...entry }) => entry) };
}

/** A set entry as a `--json` row: averages (the mean of the task means), per-task scores and image counts, and the Δ against the baseline. */
function row(entry: ReproducedEntry): ReportRowJson {
  const tasks: Record<string, { psnr: number | null; ssim: number | null; images: number }> = {};
  for (const [task, s] of Object.entries(entry.tasks)) tasks[task] = { psnr: s.psnr, ssim: s.ssim, images: s.images ?? 0 };
  return {
    label: entry.label,
    average: { psnr: entry.average.psnr, ssim: entry.average.ssim },
    tasks,
    ...(entry.delta ? { delta: { psnr: entry.delta.psnr, ssim: entry.delta.ssim } } : {}),
  };
}

/** The JSON `rdbm report --json` prints: one row per point, in the file's order, and the input row. */
export function reportJson(set: ReproducedSet): ReportJson {
  const input = set.entries.find((e) => e.key === INPUT_KEY);
  if (!input) throw new Error('reportJson: the set has no input row');
  return { points: set.entries.filter((e) => e !== input).map(row), input: row(input) };
}

/** Tables and plots of the set, built by the same builders as `reproduce`'s (no published figures: these are the user's runs). */
export function pointsReportPlan(results: PointsResults, set: ReproducedSet): ReportPlan {
  const e = results.experiment;
  return {
    sections: [
      {
        id: e.name,
        title: e.title,
        tables: [
          comparisonTable(set, { title: `${e.title}: five-task average${e.baseline !== undefined ? `, Δ against ${e.baseline}` : ''}` }),
          perTaskTable(set, { title: `${e.title}: per task` }),
        ],
        plots: (['psnr', 'ssim'] as const).map((m) => ({ id: `per-task-${m}-${e.name}`, title: `${m.toUpperCase()} per task (${e.name})`, spec: perTaskPlot(set, m) })),
      },
    ],
  };
}

/** Restoration grid: the first test image of each task, every point's restoration beside the input and ground truth. */
export async function pointsRestorationGrid(results: PointsResults): Promise<PlannedPlot> {
  const pairs = scanLayout(results.data, { split: 'test' });
  const rows = await gridRows(pairs, results.points.map((p) => ({
    label: p.label,
    image: (pair) => pointRestoredImage(p, pair),
    psnr: (pair) => p.metrics.images.find((i) => i.task === pair.task && i.subDataset === pair.subDataset && i.name === pair.name)?.psnr ?? null,
  })));
  return {
    id: `restorations-${results.experiment.name}`,
    pngScale: 1,
    title: `Restorations (${results.experiment.name})`,
    spec: restorationGridPlot(rows, { title: `Restorations: ${results.experiment.title}`, subtitle: `first test image of each task; captions: PSNR under ${results.experiment.metric}`, cellSize: 96 }),
  };
}

/** Scores every point (restoring the checkpoint points), then writes tables, plots, grids, reproduced.json and README to `out`. */
/** A path below the working directory as a relative one; others unchanged. */
function shown(path: string): string {
  const r = relative(process.cwd(), path);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : path;
}

function shownPaths(results: PointsResults): PointsResults {
  return {
    ...results,
    data: shown(results.data),
    points: results.points.map((p) => ({ ...p, restored: shown(p.restored), ...(p.config ? { config: { ...p.config, checkpoint: p.config.checkpoint && shown(p.config.checkpoint) } } : {}) })),
  };
}

export async function experimentReport(file: string, options: ExperimentReportOptions): Promise<ExperimentReport> {
  const experiment = loadPointsExperiment(file);
  const io = options.io;
  const scored = await pointsExperimentResults(experiment, {
    data: options.data,
    resultsDir: options.out,
    ...(io ? { io } : {}),
    ...(options.executors ? { executors: options.executors } : {}),
    ...(options.workers ? { workers: options.workers } : {}),
  });
  // the report names paths relative to where it ran (a committed report must not carry one machine's folders)
  const results = shownPaths(scored);
  const set = pointsReproducedSet(results);
  const json = reportJson(set);
  writeJsonAtomic(reproducedPath(options.out), { scale: set.scale, experiment: file, ...(experiment.baseline ? { baseline: experiment.baseline } : {}), sets: [set] });
  const report = await writeReport(pointsReportPlan(results, set), {
    dir: options.out,
    ...(io ? { io } : {}),
    png: options.png !== false,
    extraPlots: [await pointsRestorationGrid(results)],
    meta: {
      scale: set.scale,
      convention: experiment.metric,
      dataset: results.data,
      command: `rdbm report ${file} --data ${options.data} --out ${options.out}`,
      facts: [
        `experiment file: ${file}${experiment.baseline ? `; baseline: ${experiment.baseline}` : ''}`,
        ...results.points.map((p) => `${p.label}: ${p.source === 'restored' ? `restored images in ${p.restored}` : `restored by rdbm-lab from ${p.config?.checkpoint} (NFE ${p.config?.nfe}, ${p.config?.schedule}, λ = ${p.config?.lambda}, T = ${p.config?.timesteps}, objective ${p.config?.objective}) into ${p.restored}`}`),
        'Avg = mean of the task means; every number is what `rdbm metrics --layout <data> --pred <folder>` gives under the same convention.',
        ...(experiment.baseline !== undefined ? [`Δ = point − ${experiment.baseline}, paired over the same test images with tasks as strata (reduceSet, twoLevelDelta).`] : ['no baseline in the file, so no Δ column.']),
      ],
    },
  });
  return { results, set, json, report };
}
