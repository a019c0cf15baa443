/**
 * The one report pipeline, for `rdbm reproduce` and `rdbm report` alike: collected sets (per-image
 * scores, src/experiments/sets.ts) → reduceSet (means, intervals, Δ) → reproduced.json and the
 * per-image deltas → planReport (tables, plots) and restoration grids → writeReport (files, README).
 */
import type { CollectedSet } from '../experiments/sets.js';
import { relative } from 'node:path';
import { deltasPath, reproducedPath } from '../experiments/layout.js';
import type { Io } from '../util/io.js';
import { imageDeltasCsv } from './csv.js';
import { restorationGrid } from './grid.js';
import { type PlannedPlot, type ReportPlan, planReport } from './plan.js';
import type { ReadmeMeta } from './readme.js';
import { type StatisticsOptions, imageDeltaRows, reduceSet } from './statistics.js';
import type { ReproducedSet } from './types.js';
import { type TrainedEntry, trainingHealthTable } from './table-health.js';
import { type WrittenReport, writeReport } from './write.js';

export interface ReportSetsOptions {
  /** the folder the report goes to */
  readonly dir: string;
  readonly io?: Pick<Io, 'err' | 'errIsTTY'>;
  /** render PNGs (default true); SVG and the spec are always written */
  readonly png?: boolean;
  /** the paper's tables and bridge curves beside the sets (default true); false: each set's own tables (`rdbm report`) */
  readonly paper?: boolean;
  /** which sets get a restoration grid (default: every set that has one) */
  readonly grid?: (set: CollectedSet) => boolean;
  /** top-level fields of reproduced.json besides `sets` */
  readonly reproduced?: Readonly<Record<string, unknown>>;
  readonly meta: ReadmeMeta;
  readonly statistics?: StatisticsOptions;
  /** the trained entries behind the sets (the zoo's), for a training-health section */
  readonly trained?: readonly TrainedEntry[];
}

export interface SetsReport {
  readonly sets: readonly ReproducedSet[];
  readonly plan: ReportPlan;
  readonly report: WrittenReport;
}

export async function reportSets(collected: readonly CollectedSet[], options: ReportSetsOptions): Promise<SetsReport> {
  const { dir } = options;
  const sets = collected.map((c) => reduceSet(c.scores, options.statistics));
  // reproduced.json and the per-image deltas go in the report's one batch (a full disk leaves the previous report whole)
  const files: [string, string][] = [[relative(dir, reproducedPath(dir)), `${JSON.stringify({ ...options.reproduced, sets }, null, 2)}\n`]];
  const deltas: string[] = [];
  for (const c of collected) {
    const rows = imageDeltaRows(c.scores);
    if (rows.length === 0) continue;
    files.push([relative(dir, deltasPath(dir, c.scores.experiment)), imageDeltasCsv(rows)]);
    deltas.push(deltasPath('', c.scores.experiment));
  }
  const grids: PlannedPlot[] = [];
  for (const c of collected) {
    if (options.grid && !options.grid(c)) continue;
    // a grid is an illustration: an unreadable image leaves it out, not the report
    const grid = await restorationGrid(c).catch(() => undefined);
    if (grid) grids.push(grid);
  }
  const planned = planReport(sets, { paper: options.paper !== false });
  const trained = options.trained ?? [];
  const plan = trained.length
    ? { ...planned, sections: [...planned.sections, { id: 'training-health', title: 'Training health', tables: [trainingHealthTable(trained, { scale: options.meta.scale })], plots: [] }] }
    : planned;
  const facts = [...(options.meta.facts ?? []), ...(deltas.length ? [`per-image differences from each set's default entry: ${deltas.join(', ')}`] : [])];
  const report = await writeReport(plan, { dir, ...(options.io ? { io: options.io } : {}), png: options.png !== false, extraPlots: grids, extraFiles: files, meta: { ...options.meta, facts } });
  return { sets, plan, report };
}
