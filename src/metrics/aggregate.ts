/**
 * Pure aggregation of per-image scores: per sub-dataset, per task and overall, with both
 * overall means labelled (mean over images, as DGSolver pools a task's sub-datasets; and mean of
 * task means, as multi-task tables average the five tasks).
 */

/** The score of one pair, or the reason it could not be scored. */
export interface ImageResult {
  readonly name: string;
  readonly gt: string;
  readonly pred: string;
  readonly task?: string;
  readonly subDataset?: string;
  /** dB; +Infinity for identical images under conventions that say so */
  readonly psnr?: number;
  readonly ssim?: number;
  readonly identical?: boolean;
  /** one-line reason when the pair failed (size mismatch, unreadable file, …) */
  readonly error?: string;
}

/** Means over a set of images. `psnr` is +Infinity when any image is identical under an unbounded-PSNR convention. */
export interface GroupMean {
  /** images scored (failed ones excluded) */
  readonly count: number;
  /** images that failed */
  readonly failed: number;
  readonly psnr: number;
  readonly ssim: number;
  /** images with infinite PSNR */
  readonly infinite: number;
  /** mean PSNR over the images with finite PSNR (labelled; differs from `psnr` only when `infinite` > 0) */
  readonly psnrFinite: number;
}

export interface SubDatasetSummary extends GroupMean {
  readonly task: string;
  readonly subDataset: string;
}

export interface TaskSummary extends GroupMean {
  readonly task: string;
  readonly subDatasets: readonly SubDatasetSummary[];
}

export interface MetricsSummary {
  /** mean over all scored images */
  readonly overImages: GroupMean;
  /** mean of the per-task means (present when results carry tasks) */
  readonly overTasks?: { readonly count: number; readonly psnr: number; readonly ssim: number };
  readonly tasks: readonly TaskSummary[];
}

/** Means of a list of results (failed entries counted apart). */
export function metricsGroupMean(results: readonly ImageResult[]): GroupMean {
  let count = 0;
  let failed = 0;
  let psnr = 0;
  let ssim = 0;
  let finite = 0;
  let infinite = 0;
  for (const r of results) {
    if (r.error !== undefined || r.psnr === undefined || r.ssim === undefined) {
      failed++;
      continue;
    }
    count++;
    psnr += r.psnr;
    ssim += r.ssim;
    if (Number.isFinite(r.psnr)) finite += r.psnr;
    else infinite++;
  }
  return {
    count,
    failed,
    psnr: count ? psnr / count : NaN,
    ssim: count ? ssim / count : NaN,
    infinite,
    psnrFinite: count - infinite ? finite / (count - infinite) : NaN,
  };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/** Summarises results per sub-dataset, per task and overall. Results without a task form no task group. */
export function summarizeMetrics(results: readonly ImageResult[]): MetricsSummary {
  const withTask = results.filter((r) => r.task !== undefined);
  const tasks: TaskSummary[] = [];
  for (const [task, items] of groupBy(withTask, (r) => r.task!)) {
    const subDatasets: SubDatasetSummary[] = [];
    for (const [subDataset, subItems] of groupBy(items, (r) => r.subDataset ?? '')) {
      subDatasets.push({ task, subDataset, ...metricsGroupMean(subItems) });
    }
    tasks.push({ task, ...metricsGroupMean(items), subDatasets });
  }
  const scoredTasks = tasks.filter((t) => t.count > 0);
  const overTasks = scoredTasks.length
    ? {
        count: scoredTasks.length,
        psnr: scoredTasks.reduce((s, t) => s + t.psnr, 0) / scoredTasks.length,
        ssim: scoredTasks.reduce((s, t) => s + t.ssim, 0) / scoredTasks.length,
      }
    : undefined;
  return { overImages: metricsGroupMean(results), ...(overTasks ? { overTasks } : {}), tasks };
}
