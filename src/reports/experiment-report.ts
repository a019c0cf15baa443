/**
 * `rdbm report <experiment.json>`: tables, plots and restoration grids from a researcher's own
 * runs — folders of restored images and checkpoints — on their own dataset. The experiments module
 * supplies the scores and the restored images' paths (pointsExperimentResults, pointRestoredImage);
 * this file turns them into a ReproducedSet and hands it to the same table and plot builders and
 * writer that `reproduce` uses. Nothing is written until every point has been scored.
 */
import { join } from 'node:path';
import type { Io } from '../cli/command.js';
import { scanLayout } from '../datasets/index.js';
import { taskKey } from '../datasets/tasks.js';
import { type Executors, type PointsResults, type RunMetrics, loadPointsExperiment, pointRestoredImage, pointsExperimentResults } from '../experiments/index.js';
import { writeJsonAtomic } from '../util/fs.js';
import type { PlannedPlot, ReportPlan } from './plan.js';
import { perTaskPlot } from './plots/per-task.js';
import { restorationGridPlot } from './plots/grid.js';
import { gridRows } from './runs.js';
import { perTaskTable } from './tables.js';
import type { ReproducedEntry, ReproducedSet, TaskScore } from './types.js';
import { type WrittenReport, writeReport } from './write.js';

/** Key and label of the unrestored input's row (the same as the statistics issue's input row). */
export const INPUT_ROW = Object.freeze({ key: 'input', label: 'Input (unrestored)' });

/** What `rdbm report --json` prints for one row. */
export interface ReportRowJson {
  readonly label: string;
  readonly average: { readonly psnr: number | null; readonly ssim: number | null };
  readonly tasks: Readonly<Record<string, { readonly psnr: number | null; readonly ssim: number | null; readonly images: number }>>;
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

/** A run's metrics as a report row: the mean of the task means, and per task key (`low-light` for Enlighening; other folders by name). */
function row(label: string, metrics: RunMetrics): ReportRowJson {
  const tasks: Record<string, { psnr: number | null; ssim: number | null; images: number }> = {};
  for (const [folder, s] of Object.entries(metrics.tasks)) tasks[taskKey(folder)] = { psnr: s.psnr, ssim: s.ssim, images: s.images };
  return { label, average: { psnr: metrics.overall.meanOfTasks.psnr, ssim: metrics.overall.meanOfTasks.ssim }, tasks };
}

/** The JSON `rdbm report --json` prints: one row per point, in the file's order, and the input row. */
export function reportJson(results: PointsResults): ReportJson {
  return { points: results.points.map((p) => row(p.label, p.metrics)), input: row(INPUT_ROW.label, results.input) };
}

/** The results as one ReproducedSet: the input row first, then each point (keyed by its label). */
export function pointsReproducedSet(results: PointsResults): ReproducedSet {
  const entry = (key: string, r: ReportRowJson, nfe?: number): ReproducedEntry => ({
    key,
    label: r.label,
    average: r.average,
    tasks: r.tasks as Record<string, TaskScore>,
    ...(nfe !== undefined ? { nfe } : {}),
  });
  const json = reportJson(results);
  return {
    experiment: results.experiment.name,
    convention: results.experiment.metric,
    scale: 'own runs',
    dataset: results.data,
    entries: [entry(INPUT_ROW.key, json.input), ...results.points.map((p, i) => entry(p.label, json.points[i], p.config?.nfe))],
  };
}

/** Tables and plots of the set, built by the same builders as `reproduce`'s (no published figures: these are the user's runs). */
export function pointsReportPlan(results: PointsResults, set: ReproducedSet): ReportPlan {
  const e = results.experiment;
  return {
    sections: [
      {
        id: e.name,
        title: e.title,
        tables: [perTaskTable(set, { title: `${e.title}: per task` })],
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
export async function experimentReport(file: string, options: ExperimentReportOptions): Promise<ExperimentReport> {
  const experiment = loadPointsExperiment(file);
  const io = options.io;
  const results = await pointsExperimentResults(experiment, {
    data: options.data,
    resultsDir: options.out,
    ...(io ? { io } : {}),
    ...(options.executors ? { executors: options.executors } : {}),
    ...(options.workers ? { workers: options.workers } : {}),
  });
  const set = pointsReproducedSet(results);
  const json = reportJson(results);
  writeJsonAtomic(join(options.out, 'reproduced.json'), { scale: set.scale, experiment: file, ...(experiment.baseline ? { baseline: experiment.baseline } : {}), sets: [set] });
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
      ],
    },
  });
  return { results, set, json, report };
}
