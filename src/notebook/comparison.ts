/**
 * What compareCheckpoints and evaluateFolders return: the per-image scores of each entry (the
 * unrestored input first), reduced as the report reduces a set (reduceSet: task means, 95% two-level
 * intervals, the paired Δ against the baseline), with `.table()` and `.plot()` for display. Building
 * one is pure; only `.grid()` reads the images.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CollectedSet, SetScores } from '../experiments/sets.js';
import { type MetricName, type ReproducedSet, type StatisticsOptions, type Table, checkpointsTable, gridRows, perTaskPlot, perTaskTable, reduceSet, restorationGridPlot, tableToCsv, tableToLatex, tableToMarkdown } from '../reports/index.js';
import { unknownName } from '../util/registry.js';

export const COMPARISON_TABLES = ['summary', 'per-task'] as const;
export type ComparisonTable = (typeof COMPARISON_TABLES)[number];
export const COMPARISON_FORMATS = ['markdown', 'latex', 'csv'] as const;
export type ComparisonFormat = (typeof COMPARISON_FORMATS)[number];

export interface Comparison {
  /** per-image scores of every entry, as collected (input row first) */
  readonly scores: SetScores;
  /** the reduced set the tables and plots show */
  readonly set: ReproducedSet;
  /** seconds per restored image by entry key (compareCheckpoints; empty for folders) */
  readonly seconds: Readonly<Record<string, number>>;
  /** where each entry's restored images are, by entry key: folders mirroring `<Task>/<SubDataset>/<name>` */
  readonly folders: Readonly<Record<string, string>>;
  /** the table as data: `summary` (averages, cost, Δ against the baseline) or `per-task` */
  tableData(kind?: ComparisonTable): Table;
  /** the table rendered for display: Markdown (default; tslab.display.markdown), LaTeX or CSV */
  table(kind?: ComparisonTable, format?: ComparisonFormat): string;
  /** per-task bars with 95% intervals (a Vega-Lite spec; displayPlot shows it) */
  plot(metric?: MetricName): TopLevelSpec;
  /** the first test image of each task: input, each entry's restoration, ground truth, error map (reads the images) */
  grid(options?: { cellSize?: number }): Promise<TopLevelSpec | undefined>;
}

export interface ComparisonOptions {
  readonly seconds?: Readonly<Record<string, number>>;
  readonly folders?: Readonly<Record<string, string>>;
  readonly statistics?: StatisticsOptions;
}

/** A comparison of a collected set (scores and where its restorations are). */
export function comparison(collected: CollectedSet, options: ComparisonOptions = {}): Comparison {
  const scores = collected.scores;
  const set = reduceSet(scores, options.statistics);
  const seconds = Object.freeze({ ...(options.seconds ?? {}) });
  const folders = Object.freeze({ ...(options.folders ?? {}) });
  const tableData = (kind: ComparisonTable = 'summary'): Table => {
    if (!COMPARISON_TABLES.includes(kind)) throw unknownName('table', kind, COMPARISON_TABLES);
    if (kind === 'summary') return checkpointsTable(set, { seconds });
    const t = perTaskTable(set, { title: `${set.title ?? set.experiment}: per task` });
    // one checkpoint or folder per row: no training seeds to count
    return { ...t, columns: t.columns.filter((c) => c.key !== 'seeds'), notes: t.notes.filter((n) => !n.startsWith('Seeds =')) };
  };
  return Object.freeze({
    scores,
    set,
    seconds,
    folders,
    tableData,
    table(kind: ComparisonTable = 'summary', format: ComparisonFormat = 'markdown') {
      if (!COMPARISON_FORMATS.includes(format)) throw unknownName('table format', format, COMPARISON_FORMATS);
      const t = tableData(kind);
      return format === 'markdown' ? tableToMarkdown(t) : format === 'latex' ? tableToLatex(t) : tableToCsv(t);
    },
    plot(metric: MetricName = 'psnr') {
      return perTaskPlot(set, metric, { title: `${metric === 'psnr' ? 'PSNR' : 'SSIM'} per task: ${set.title ?? set.experiment}` });
    },
    async grid(options: { cellSize?: number } = {}) {
      const grid = collected.grid;
      const pairs = grid?.pairs() ?? [];
      if (!grid || pairs.length === 0) return undefined;
      return restorationGridPlot(await gridRows(pairs, grid.columns), { title: grid.title, subtitle: grid.subtitle, cellSize: options.cellSize ?? 72 });
    },
  });
}
