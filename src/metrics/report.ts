/**
 * Result documents of a metrics run: one JSON object and one CSV table (pure builders).
 * Infinite or undefined numbers become `null` in both (JSON has no Infinity); an identical
 * pair is marked `"identical": true`.
 */
import { stringify } from 'csv-stringify/sync';
import type { Convention } from './conventions.js';
import { summarizeMetrics, type GroupMean, type ImageResult } from './aggregate.js';

/** JSON-safe number: finite values as they are, ±Infinity and NaN as null. */
export function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

function means(g: GroupMean): Record<string, unknown> {
  return {
    psnr: finiteOrNull(g.psnr),
    ssim: finiteOrNull(g.ssim),
    count: g.count,
    failed: g.failed,
    ...(g.infinite ? { infinitePsnr: g.infinite, psnrOverFinite: finiteOrNull(g.psnrFinite) } : {}),
  };
}

export interface MetricsReportOptions {
  readonly cropBorder: number;
  readonly resizeGt: boolean;
}

/**
 * The run as one JSON-ready object:
 * `{convention, reference, preview, options, mean: {psnr, ssim, over: "images", …},
 *   meanOfTaskMeans?: {psnr, ssim, over: "tasks", count}, tasks: [...], images: [...], failed: n}`.
 */
export function metricsReport(results: readonly ImageResult[], convention: Convention, options: MetricsReportOptions): Record<string, unknown> {
  const summary = summarizeMetrics(results);
  return {
    convention: convention.id,
    description: convention.description,
    reference: convention.reference,
    ...(convention.preview ? { preview: true, warning: 'image-ssim is a preview metric: never use it in paper tables' } : {}),
    options: { cropBorder: options.cropBorder, resizeGt: options.resizeGt },
    mean: { over: 'images', ...means(summary.overImages) },
    ...(summary.overTasks
      ? { meanOfTaskMeans: { over: 'tasks', psnr: finiteOrNull(summary.overTasks.psnr), ssim: finiteOrNull(summary.overTasks.ssim), count: summary.overTasks.count } }
      : {}),
    tasks: summary.tasks.map((t) => ({
      task: t.task,
      ...means(t),
      subDatasets: t.subDatasets.map((s) => ({ subDataset: s.subDataset, ...means(s) })),
    })),
    images: results.map((r) => ({
      name: r.name,
      psnr: finiteOrNull(r.psnr),
      ssim: finiteOrNull(r.ssim),
      ...(r.identical ? { identical: true } : {}),
      ...(r.task !== undefined ? { task: r.task } : {}),
      ...(r.subDataset !== undefined ? { subDataset: r.subDataset } : {}),
      gt: r.gt,
      pred: r.pred,
      ...(r.error !== undefined ? { error: r.error } : {}),
    })),
    failed: summary.overImages.failed,
  };
}

const COLUMNS = ['level', 'name', 'task', 'subDataset', 'psnr', 'ssim', 'identical', 'count', 'failed', 'gt', 'pred', 'error', 'convention'] as const;

/**
 * The run as CSV: one row per image (`level` = image), then one per sub-dataset, per task, and
 * the two overall rows `overall (mean over images)` and `overall (mean of task means)`.
 * Empty cells for undefined values; infinite PSNR is written as `inf`.
 */
export function metricsCsv(results: readonly ImageResult[], convention: Convention): string {
  const summary = summarizeMetrics(results);
  const num = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? '' : Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : '-inf');
  const rows: Record<string, string | number>[] = [];
  for (const r of results) {
    rows.push({
      level: 'image',
      name: r.name,
      task: r.task ?? '',
      subDataset: r.subDataset ?? '',
      psnr: num(r.psnr),
      ssim: num(r.ssim),
      identical: r.identical ? 'true' : r.error ? '' : 'false',
      count: '',
      failed: '',
      gt: r.gt,
      pred: r.pred,
      error: r.error ?? '',
    });
  }
  const group = (level: string, name: string, task: string, sub: string, g: GroupMean): Record<string, string | number> => ({
    level,
    name,
    task,
    subDataset: sub,
    psnr: num(g.psnr),
    ssim: num(g.ssim),
    identical: '',
    count: g.count,
    failed: g.failed,
    gt: '',
    pred: '',
    error: '',
  });
  for (const t of summary.tasks) for (const s of t.subDatasets) rows.push(group('subDataset', `${t.task}/${s.subDataset}`, t.task, s.subDataset, s));
  for (const t of summary.tasks) rows.push(group('task', t.task, t.task, '', t));
  rows.push(group('overall', 'mean over images', '', '', summary.overImages));
  if (summary.overTasks) {
    rows.push({ ...group('overall', 'mean of task means', '', '', summary.overImages), psnr: num(summary.overTasks.psnr), ssim: num(summary.overTasks.ssim), count: summary.overTasks.count, failed: '' });
  }
  for (const row of rows) row.convention = convention.id;
  return stringify(rows, { header: true, columns: [...COLUMNS] });
}
