/**
 * Aggregation of per-image scores into the per-sub-dataset, per-task and overall figures a run file
 * records. Per-task figures pool all test images of the task across its sub-datasets (DGSolver's
 * protocol); overall figures are given both ways, each labelled: the mean over all images and the
 * mean of the task means (the paper's "average over the five tasks").
 */
import type { ImageScore } from '../metrics/image-score.js';


export interface ScoreSummary {
  /** mean PSNR over the finite values; null if none */
  readonly psnr: number | null;
  readonly ssim: number | null;
  /** images behind the means */
  readonly images: number;
}

export interface RunMetrics {
  readonly convention: string;
  readonly images: readonly ImageScore[];
  /** by `Task/SubDataset` */
  readonly subDatasets: Readonly<Record<string, ScoreSummary>>;
  /** by task folder name */
  readonly tasks: Readonly<Record<string, ScoreSummary>>;
  readonly overall: {
    /** mean over every test image */
    readonly meanOverImages: ScoreSummary;
    /** mean of the task means (the paper's five-task average) */
    readonly meanOfTasks: ScoreSummary;
  };
}

function mean(values: readonly (number | null)[]): number | null {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : null;
}

function summarize(scores: readonly ImageScore[]): ScoreSummary {
  return { psnr: mean(scores.map((s) => s.psnr)), ssim: mean(scores.map((s) => s.ssim)), images: scores.length };
}

function groupBy(scores: readonly ImageScore[], key: (s: ImageScore) => string): Record<string, ScoreSummary> {
  const groups = new Map<string, ImageScore[]>();
  for (const s of scores) groups.set(key(s), [...(groups.get(key(s)) ?? []), s]);
  return Object.fromEntries([...groups.keys()].sort().map((k) => [k, summarize(groups.get(k)!)]));
}

/** Per-image scores → the run file's metrics block. */
export function summarizeScores(convention: string, images: readonly ImageScore[]): RunMetrics {
  const tasks = groupBy(images, (s) => s.task);
  const taskMeans = Object.values(tasks);
  return {
    convention,
    images: [...images],
    subDatasets: groupBy(images, (s) => `${s.task}/${s.subDataset}`),
    tasks,
    overall: {
      meanOverImages: summarize(images),
      meanOfTasks: {
        psnr: mean(taskMeans.map((t) => t.psnr)),
        ssim: mean(taskMeans.map((t) => t.ssim)),
        images: images.length,
      },
    },
  };
}
