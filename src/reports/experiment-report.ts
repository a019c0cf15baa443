/**
 * `rdbm report <experiment.json>`: tables, plots and restoration grids from a researcher's own
 * runs — folders of restored images and checkpoints — on their own dataset. The experiments side
 * scores the points and collects them as a set (pointsExperimentResults, pointsSet); the report
 * pipeline `reproduce` uses (reportSets: reduceSet, tables, plots, grid, reproduced.json, README)
 * does the rest. Nothing is written until every point has been scored.
 */
import { isAbsolute, relative } from 'node:path';
import type { Io } from '../util/io.js';
import { type Executors, type PointsResults, loadPointsExperiment, pointsExperimentResults } from '../experiments/index.js';
import { INPUT_KEY, INPUT_LABEL, pointsSet } from '../experiments/sets.js';
import { reportSets } from './pipeline.js';
import type { MetricDelta, ReproducedEntry, ReproducedSet } from './types.js';
import type { WrittenReport } from './write.js';

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

/** Scores every point (restoring the checkpoint points), then writes tables, plots, grid, reproduced.json and README to `out`. */
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
  const { sets, report } = await reportSets([pointsSet(results)], {
    dir: options.out,
    ...(io ? { io } : {}),
    png: options.png !== false,
    paper: false,
    reproduced: { scale: 'own runs', experiment: file, ...(experiment.baseline ? { baseline: experiment.baseline } : {}) },
    meta: {
      scale: 'own runs',
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
  const set = sets[0];
  return { results, set, json: reportJson(set), report };
}
