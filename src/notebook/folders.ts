/**
 * evaluateFolders: folders of restored test images (yours, the official code's, any method's) scored
 * against a dataset in the RDBM/DGSolver layout, with the unrestored input, exactly as `rdbm report`
 * scores the `restored` points of an experiment file (pointsExperimentResults), without writing a
 * report. Each folder mirrors the dataset as `<Task>/<SubDataset>/<name>`.
 *
 *   const mine = await evaluateFolders({ data: 'datasets/uir', metric: 'basicsr-y', folders: { ours: 'out/ours', theirs: 'out/theirs' } });
 *   tslab.display.markdown(mine.table()); displayPlot(mine.plot());
 */
import { tmpdir } from 'node:os';
import { basename, resolve } from 'node:path';
import { RdbmError } from '../errors.js';
import { type PointsExperiment, pointsExperimentResults } from '../experiments/points.js';
import { pointsSet } from '../experiments/sets.js';
import { type ConventionId, getConvention } from '../metrics/index.js';
import type { StatisticsOptions } from '../reports/index.js';
import { unknownName } from '../util/registry.js';
import { type Comparison, comparison } from './comparison.js';

export interface EvaluateFoldersOptions {
  /** dataset root in the RDBM/DGSolver layout (its test split is scored) */
  readonly data: string;
  /** label → folder, or a list of {label, path}, in row order */
  readonly folders: Readonly<Record<string, string>> | readonly { readonly label: string; readonly path: string }[];
  /** metric convention: no default, since the conventions differ by more than the effects compared */
  readonly metric: ConventionId;
  /** the label every Δ is taken against (default: the first folder) */
  readonly baseline?: string;
  readonly title?: string;
  /** how the tables name the dataset (default: its folder's name, so no machine path is shown) */
  readonly dataset?: string;
  /** metric worker threads (default: one per core) */
  readonly workers?: number;
  readonly statistics?: StatisticsOptions;
}

/** What evaluateFolders is called in a one-line error. */
const WHERE = 'evaluateFolders';

export async function evaluateFolders(options: EvaluateFoldersOptions): Promise<Comparison> {
  if (options.metric === undefined) throw new RdbmError(`${WHERE}: no metric (the conventions differ by more than the effects compared; expected one of the table conventions, e.g. rdbm or basicsr-y)`);
  getConvention(options.metric);
  const folders = Array.isArray(options.folders) ? options.folders : Object.entries(options.folders).map(([label, path]) => ({ label, path: path as string }));
  if (folders.length === 0) throw new RdbmError(`${WHERE}: no folders (expected { label: folder, … })`);
  const labels = folders.map((f) => f.label);
  const twice = labels.find((l, i) => labels.indexOf(l) !== i || l === 'input' || l === '');
  if (twice !== undefined) throw new RdbmError(`${WHERE}: the label ${JSON.stringify(twice)} is empty, used twice or reserved (labels name the rows)`);
  const baseline = options.baseline ?? labels[0];
  if (!labels.includes(baseline)) throw unknownName('baseline', baseline, labels);
  const experiment: PointsExperiment = {
    name: 'folders',
    title: options.title ?? 'Restored folders compared',
    metric: options.metric,
    baseline,
    points: folders.map((f) => ({ label: f.label, restored: resolve(f.path), overrides: {} })),
    file: WHERE,
  };
  // restored points only: nothing is restored, so the results folder is never written
  const results = await pointsExperimentResults(experiment, { data: options.data, resultsDir: tmpdir(), ...(options.workers ? { workers: options.workers } : {}) });
  const restored = Object.fromEntries(experiment.points.map((p) => [p.label, p.restored!]));
  const collected = pointsSet(results);
  const scores = { ...collected.scores, dataset: options.dataset ?? basename(resolve(options.data)) };
  return comparison({ ...collected, scores }, { folders: restored, ...(options.statistics ? { statistics: options.statistics } : {}) });
}
