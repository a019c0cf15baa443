/**
 * `rdbm results`: every finished run of one or more results folders (shards may have written to
 * separate folders), merged by key and flattened into rows for a table, JSON or CSV.
 */
import { stringify } from 'csv-stringify/sync';
import type { RunRecord } from './runner.js';
import { readRuns } from './store.js';

export interface MergedRuns {
  readonly runs: readonly RunRecord[];
  /** damaged run files (skipped here; a sweep redoes them) */
  readonly problems: readonly string[];
  /** runs found in more than one folder (kept once) */
  readonly duplicates: number;
}

/** Reads and merges the runs of several results folders; a key found twice is kept once. */
export function mergeRuns(dirs: readonly string[]): MergedRuns {
  const byKey = new Map<string, RunRecord>();
  const problems: string[] = [];
  let duplicates = 0;
  for (const dir of dirs) {
    const { runs, problems: p } = readRuns(dir);
    problems.push(...p);
    for (const run of runs as RunRecord[]) {
      if (byKey.has(run.key)) duplicates++;
      else byKey.set(run.key, run);
    }
  }
  return { runs: [...byKey.values()], problems, duplicates };
}

export type RunRow = Record<string, string | number | null>;

const round = (v: number | null | undefined, digits: number): number | null => (v === null || v === undefined ? null : Number(v.toFixed(digits)));

/** One flat row per run: config, the five-task average (mean of task means), per-task PSNR/SSIM, timings. */
export function runRows(runs: readonly RunRecord[]): RunRow[] {
  const tasks = [...new Set(runs.flatMap((r) => Object.keys(r.metrics.tasks)))].sort();
  const rows = runs.map((r) => {
    const c = r.config;
    const row: RunRow = {
      key: r.key,
      points: r.points.join(' '),
      model: c.model,
      objective: c.objective,
      pi: c.pi,
      lambda: c.lambda,
      schedule: c.schedule,
      sampleSchedule: c.sampleSchedule,
      T: c.timesteps,
      steps: c.steps,
      nfe: c.nfe,
      tile: c.tile ?? 'auto', // records older than the field restored whole images
      dataset: c.dataset,
      metric: c.metric,
      psnr: round(r.metrics.overall.meanOfTasks.psnr, 4),
      ssim: round(r.metrics.overall.meanOfTasks.ssim, 5),
      images: r.metrics.overall.meanOverImages.images,
    };
    for (const t of tasks) {
      row[`${t}.psnr`] = round(r.metrics.tasks[t]?.psnr, 4);
      row[`${t}.ssim`] = round(r.metrics.tasks[t]?.ssim, 5);
    }
    row.trainSeconds = round(r.timings.train, 1);
    row.restoreSeconds = round(r.timings.restore, 1);
    row.backend = r.backend;
    return row;
  });
  return rows.sort((a, b) => String(a.points).localeCompare(String(b.points)) || String(a.key).localeCompare(String(b.key)));
}

export function runRowsCsv(rows: readonly RunRow[]): string {
  if (rows.length === 0) return '';
  return stringify(rows as RunRow[], { header: true, columns: Object.keys(rows[0]) });
}

/** A fixed-width text table of the main columns. */
export function runRowsTable(rows: readonly RunRow[]): string {
  const columns = ['key', 'points', 'model', 'pi', 'lambda', 'schedule', 'nfe', 'metric', 'psnr', 'ssim', 'images'];
  const cell = (v: string | number | null) => (v === null ? '–' : typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toPrecision(5))) : String(v));
  const points = (v: string | number | null) => {
    const all = String(v ?? '').split(' ').filter(Boolean);
    return all.length > 1 ? `${all[0]} (+${all.length - 1})` : all[0] ?? '–';
  };
  const cells = [columns, ...rows.map((r) => columns.map((c) => (c === 'points' ? points(r[c] ?? null) : cell(r[c] ?? null))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}
