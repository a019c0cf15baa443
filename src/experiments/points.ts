/**
 * Experiments of a researcher's own runs (`rdbm report`): a list of points, each a folder of
 * restored images or a checkpoint the toolkit restores, on a dataset in the RDBM/DGSolver layout.
 *
 *   { "name": "my-nfe", "title": "NFE on my outputs", "metric": "basicsr-y", "baseline": "NFE 10",
 *     "points": [ { "label": "NFE 2", "restored": "runs/nfe2" },
 *                 { "label": "RDBM-B (mine)", "checkpoint": "ckpt/b.pt", "nfe": 10 } ] }
 *
 * Paths in the file are relative to the file's folder. A `restored` folder mirrors the dataset as
 * `<Task>/<SubDataset>/<name>` (the pairing `rdbm metrics --layout --pred` uses). A `checkpoint`
 * point is restored through the sweep runner into the results folder; the checkpoint's own training
 * config governs sampling unless the point sets a field. Every point and the unrestored input are
 * scored by the metrics module exactly as `rdbm metrics --layout` scores them. Everything is
 * validated before anything runs: a bad point is one line naming the point and the path.
 */
import { closest } from '../util/suggest.js';
import { zooEntryCheckpoint } from '../zoo/entry.js';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { Io } from '../util/io.js';
import { type ImagePair, conditionPairs, pairRestored, scanLayout } from '../datasets/index.js';
import { RdbmError } from '../errors.js';
import { deepFreeze } from '../util/hash.js';
import { createProgress } from '../util/progress.js';
import { withCheckpointConfig } from './checkpoints.js';
import { type RunConfig, type RunField, checkField, runConfig } from './config.js';
import { PAPER_CONFIG } from './paper.js';
import { CONVENTION_IDS, type ConventionId, TABLE_CONVENTION_IDS } from '../metrics/conventions.js';
import { MAX_EXPERIMENT_POINTS, type SweepPoint } from './experiment.js';
import type { Executors } from './executors.js';
import { type PlannedPoint, planPoints } from './plan.js';
import { runPlan } from './runner.js';
import { type ImageScore, imageScore } from '../metrics/image-score.js';
import { type RunMetrics, summarizeScores } from './scores.js';
import { restoredDir } from './layout.js';

/** Fields a checkpoint point may set (sampling and the model family); the rest comes from the checkpoint. */
export const POINT_FIELDS: readonly RunField[] = Object.freeze(['nfe', 'sampleSchedule', 'tile', 'schedule', 'lambda', 'timesteps', 'objective', 'pi', 'model', 'family']);

export interface PointSpec {
  readonly label: string;
  /** a folder `<Task>/<SubDataset>/<name>` of restored test images (absolute, resolved against the file) */
  readonly restored?: string;
  /** a checkpoint the toolkit restores with (absolute) */
  readonly checkpoint?: string;
  /** sampling fields set explicitly (over the checkpoint's own training config) */
  readonly overrides: Partial<RunConfig>;
}

export interface PointsExperiment {
  readonly name: string;
  readonly title: string;
  readonly metric: ConventionId;
  /** label of the point the others are compared with */
  readonly baseline?: string;
  readonly points: readonly PointSpec[];
  /** the file it was read from */
  readonly file: string;
}

/** True for an experiment file of points (`{"points": [...]}`) rather than of axes. */
export function isPointsExperimentFile(path: string): boolean {
  try {
    const spec = JSON.parse(readFileSync(path, 'utf8')) as { points?: unknown };
    return Array.isArray(spec?.points);
  } catch {
    return false;
  }
}

const show = (v: unknown) => JSON.stringify(v);
/** `did you mean "x"? ` for a misspelt key, else nothing. */
const hint = (key: string, known: readonly string[]) => {
  const near = closest(key, known);
  return near ? `did you mean ${show(near)}? ` : '';
};

/** A point's checkpoint: a path relative to the file, or a zoo entry (its folder, or its name in the bundled zoo) standing for its checkpoint. */
function checkpointOf(value: string, at: (p: string) => string): string {
  const path = at(value);
  return (zooEntryCheckpoint(path) ?? (existsSync(path) ? undefined : zooEntryCheckpoint(value)))?.checkpoint ?? path;
}

/** Reads and validates an experiment file of points; every problem is one line naming the file (and the point). */
export function loadPointsExperiment(file: string): PointsExperiment {
  if (!existsSync(file)) throw new RdbmError(`${file}: experiment file not found`);
  let spec: Record<string, unknown>;
  try {
    spec = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RdbmError(`${file}: not valid JSON (${String((error as Error).message).split('\n')[0]})`);
  }
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new RdbmError(`${file}: expected an object {name, title, metric, baseline?, points}`);
  const known = ['name', 'title', 'description', 'metric', 'baseline', 'points'];
  for (const k of Object.keys(spec)) if (!known.includes(k)) throw new RdbmError(`${file}: unknown field ${show(k)} (${hint(k, known)}expected ${known.join(', ')})`);
  const name = spec.name;
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new RdbmError(`${file}: invalid name ${show(name)} (expected lowercase letters, digits and dashes)`);
  const title = spec.title ?? name;
  if (typeof title !== 'string') throw new RdbmError(`${file}: invalid title ${show(title)} (expected a string)`);
  // no default: the conventions differ by more than the effects a report compares (README: metrics conventions)
  if (spec.metric === undefined) throw new RdbmError(`${file}: no "metric" (the conventions differ by more than the effects compared; expected one of ${TABLE_CONVENTION_IDS.join(', ')})`);
  const metric = spec.metric;
  if (typeof metric !== 'string' || !(CONVENTION_IDS as readonly string[]).includes(metric)) throw new RdbmError(`${file}: unknown metric ${show(metric)} (expected one of ${CONVENTION_IDS.join(', ')})`);
  if (!Array.isArray(spec.points) || spec.points.length === 0) throw new RdbmError(`${file}: points must be a non-empty list of {label, restored} or {label, checkpoint, ...}`);
  if (spec.points.length > MAX_EXPERIMENT_POINTS) throw new RdbmError(`${file}: ${spec.points.length} points, over the limit of ${MAX_EXPERIMENT_POINTS} per experiment file (each is scored on the whole test split and is a table row); split it into several files`);
  const base = dirname(resolve(file));
  const at = (p: string) => (isAbsolute(p) ? p : join(base, p));
  const labels = new Set<string>();
  const points = spec.points.map((raw: unknown, i: number): PointSpec => {
    const where = `${file}, point ${i + 1}`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new RdbmError(`${where}: expected an object {label, restored} or {label, checkpoint, ...}`);
    const p = raw as Record<string, unknown>;
    if (typeof p.label !== 'string' || p.label === '') throw new RdbmError(`${where}: label must be a non-empty string`);
    const named = `${file}, point ${show(p.label)}`;
    // 'input' keys the unrestored input's row (reports/statistics.ts INPUT_KEY): a point so labelled would merge into it
    if (p.label === 'input') throw new RdbmError(`${named}: the label "input" is reserved for the unrestored input's row`);
    if (labels.has(p.label)) throw new RdbmError(`${named}: the label is used twice (labels name the rows)`);
    labels.add(p.label);
    if (p.restored === undefined && p.checkpoint === undefined) throw new RdbmError(`${named}: has neither "restored" (a folder of restored images) nor "checkpoint" (to restore with)`);
    if (p.restored !== undefined && p.checkpoint !== undefined) throw new RdbmError(`${named}: has both "restored" and "checkpoint" (give one)`);
    for (const k of ['restored', 'checkpoint'] as const) if (p[k] !== undefined && (typeof p[k] !== 'string' || p[k] === '')) throw new RdbmError(`${named}: ${k} must be a path`);
    const overrides: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(p)) {
      if (k === 'label' || k === 'restored' || k === 'checkpoint') continue;
      if (p.restored !== undefined) throw new RdbmError(`${named}: ${show(k)} applies to checkpoint points only (a restored folder is scored as it is)`);
      if (!(POINT_FIELDS as readonly string[]).includes(k)) throw new RdbmError(`${named}: unknown field ${show(k)} (${hint(k, ['label', 'restored', 'checkpoint', ...POINT_FIELDS])}expected label, checkpoint and any of ${POINT_FIELDS.join(', ')})`);
      try {
        overrides[k] = checkField(k as RunField, v);
      } catch (error) {
        throw new RdbmError(`${named}: ${(error as Error).message}`);
      }
    }
    return {
      label: p.label,
      ...(typeof p.restored === 'string' ? { restored: at(p.restored) } : {}),
      ...(typeof p.checkpoint === 'string' ? { checkpoint: checkpointOf(p.checkpoint, at) } : {}),
      overrides: overrides as Partial<RunConfig>,
    };
  });
  const baseline = spec.baseline;
  if (baseline !== undefined && (typeof baseline !== 'string' || !labels.has(baseline))) {
    throw new RdbmError(`${file}: baseline ${show(baseline)} is not a point (expected one of ${[...labels].map(show).join(', ')})`);
  }
  return deepFreeze({ name, title, metric: metric as PointsExperiment['metric'], ...(baseline !== undefined ? { baseline: baseline as string } : {}), points, file });
}

export interface PointsPointResult {
  readonly label: string;
  readonly source: 'restored' | 'checkpoint';
  /** the folder its restored images are in (given, or the restore job's folder in the results folder) */
  readonly restored: string;
  /** the resolved config of a checkpoint point (its own training config plus the point's fields) */
  readonly config?: RunConfig;
  readonly metrics: RunMetrics;
  /** restored image per test pair, by `<Task>/<SubDataset>/<condition name>` */
  readonly images: Readonly<Record<string, string>>;
}

export interface PointsResults {
  readonly experiment: PointsExperiment;
  /** the dataset root */
  readonly data: string;
  /** the unrestored inputs (conditions) scored as a point */
  readonly input: RunMetrics;
  readonly points: readonly PointsPointResult[];
}

export interface PointsRunOptions {
  /** dataset root in the RDBM/DGSolver layout */
  readonly data: string;
  /** the results folder checkpoint points are restored into (jobs are content-keyed and reused) */
  readonly resultsDir: string;
  readonly io?: Pick<Io, 'err' | 'errIsTTY'>;
  /** default: the real executors */
  readonly executors?: Executors;
  /** metric worker threads (default: one per core) */
  readonly workers?: number;
}

/** A checkpoint point as a sweep point: the paper's settings on the whole test split, then the checkpoint's own config, then the point's fields. */
export function checkpointSweepPoint(experiment: PointsExperiment, point: PointSpec, data: string): SweepPoint {
  const context = `${experiment.file}, point ${show(point.label)}`;
  let config: RunConfig;
  try {
    config = runConfig({ ...PAPER_CONFIG, dataset: resolve(data), testLimit: 0, metric: experiment.metric, checkpoint: point.checkpoint!, ...point.overrides }, context);
    config = withCheckpointConfig(config, new Set(Object.keys(point.overrides)), context);
  } catch (error) {
    throw error instanceof RdbmError && !error.message.startsWith(context) ? new RdbmError(`${context}: ${error.message}`) : error;
  }
  return deepFreeze({ experiment: experiment.name, scale: 'paper', axes: {}, label: point.label, config });
}

const imageKey = (pair: Pick<ImagePair, 'task' | 'subDataset' | 'name'>) => `${pair.task}/${pair.subDataset}/${basename(pair.name)}`;

/** Scores pairs with the metrics module (as `rdbm metrics --layout` does); a pair that fails is one line naming the point. */
async function scorePairs(pairs: readonly ImagePair[], metric: string, what: string, options: PointsRunOptions): Promise<ImageScore[]> {
  const { evaluatePairs, checkScoreOptions, getConvention } = await import('../metrics/index.js');
  const convention = getConvention(metric);
  const results = await evaluatePairs(pairs, convention.id, checkScoreOptions(convention, {}), { ...(options.workers ? { workers: options.workers } : {}) });
  const failed = results.filter((r) => r.error);
  if (failed.length) throw new RdbmError(`${what}: ${failed.length} of ${results.length} images could not be scored: ${failed.slice(0, 4).map((r) => `${r.pred}: ${r.error}`).join('; ')}`);
  return results.map((r) => imageScore({ task: r.task!, subDataset: r.subDataset!, name: basename(r.name) }, r));
}

/**
 * Opens a checkpoint point's checkpoint as its restore will (manifest and weights of ours, the pickle of a .pt
 * within the reader's limits; names and shapes checked against the U-Net), without building the network.
 */
async function checkCheckpointPoint(point: PointSpec, named: string): Promise<void> {
  const { checkpointInfo } = await import('../models/checkpoint.js');
  try {
    const { config } = checkpointInfo(point.checkpoint!);
    if (!config.condition) throw new RdbmError(`checkpoint ${point.checkpoint} holds an unconditional U-Net (expected x_t and μ concatenated: ${2 * config.channels} input channels)`);
  } catch (error) {
    if (error instanceof RdbmError) throw new RdbmError(`${named}: ${error.message}`);
    throw error;
  }
}

/**
 * Validates every point against the dataset (restored folders complete, checkpoints readable: each is opened
 * as its restore will open it) and scores what needs no restoring (the input, the restored folders) before
 * anything is written (issue 32, defect 6); then restores the checkpoint points (reusing finished jobs) and
 * scores them. Every error names the point.
 */
export async function pointsExperimentResults(experiment: PointsExperiment, options: PointsRunOptions): Promise<PointsResults> {
  const data = resolve(options.data);
  if (!existsSync(data)) throw new RdbmError(`dataset folder not found: ${options.data} (expected <root>/<Task>/<SubDataset>/test/{label,condition})`);
  const entries = scanLayout(data, { split: 'test' });
  if (entries.length === 0) throw new RdbmError(`${options.data}: no test pairs (expected <root>/<Task>/<SubDataset>/test/{label,condition})`);
  const named = (point: PointSpec) => `${experiment.file}, point ${show(point.label)}`;
  // 1. every restored folder complete and every checkpoint point readable and plannable, before anything runs
  const given = new Map<string, ImagePair[]>();
  const swept: SweepPoint[] = [];
  for (const point of experiment.points) {
    if (point.restored !== undefined) {
      if (!existsSync(point.restored)) throw new RdbmError(`${named(point)}: restored folder ${point.restored} not found (expected <Task>/<SubDataset>/<name> for each test image of ${options.data})`);
      try {
        given.set(point.label, pairRestored(data, point.restored, { split: 'test' }));
      } catch (error) {
        if (error instanceof RdbmError) throw new RdbmError(`${named(point)}: restored folder ${point.restored} is incomplete: ${error.message}`);
        throw error;
      }
    } else {
      if (!existsSync(point.checkpoint!)) throw new RdbmError(`${named(point)}: checkpoint ${point.checkpoint} not found (expected a checkpoint folder with manifest.json, or a .pt/.pth file)`);
      await checkCheckpointPoint(point, named(point));
      swept.push(checkpointSweepPoint(experiment, point, data));
    }
  }
  const plan = swept.length ? planPoints(swept, 'paper', [experiment.name]) : undefined;
  // 2. score what is on disk already: the input and the restored folders (a bad image stops the report here)
  const progress = options.io ? createProgress(options.io, 'report: scoring', experiment.points.length + 1, 'points') : undefined;
  const input = summarizeScores(experiment.metric, await scorePairs(conditionPairs(entries), experiment.metric, `${experiment.file}: the unrestored input of ${options.data}`, options));
  progress?.tick(1, 'the unrestored input');
  const scored = new Map<string, PointsPointResult>();
  const score = async (point: PointSpec, folder: string, pairs: readonly ImagePair[], config?: RunConfig) => {
    const images = await scorePairs(pairs, experiment.metric, named(point), options);
    scored.set(point.label, {
      label: point.label,
      source: point.restored !== undefined ? 'restored' : 'checkpoint',
      restored: folder,
      ...(config ? { config } : {}),
      metrics: summarizeScores(experiment.metric, images),
      images: Object.fromEntries(pairs.map((pair) => [imageKey(pair), pair.pred])),
    });
    progress?.tick(1, point.label);
  };
  for (const point of experiment.points) if (point.restored !== undefined) await score(point, point.restored, given.get(point.label)!);
  // 3. restore the checkpoint points through the runner (content-keyed jobs: a rerun reuses them), then score them
  if (plan) {
    const executors = options.executors ?? (await import('./real.js')).realExecutors();
    await runPlan(plan, { resultsDir: options.resultsDir, executors, ...(options.io ? { io: options.io } : {}) });
    for (const p of plan.points) {
      const point = experiment.points.find((q) => q.label === p.label)!;
      const folder = restoredDir(options.resultsDir, p.keys.restore);
      await score(point, folder, pairRestored(data, folder, { split: 'test' }), p.config);
    }
  }
  return { experiment, data, input, points: experiment.points.map((p) => scored.get(p.label)!) };
}

/** The restored image of a point for a test pair (undefined when the point has none). */
export function pointRestoredImage(point: Pick<PointsPointResult, 'images'>, pair: Pick<ImagePair, 'task' | 'subDataset' | 'name'>): string | undefined {
  return point.images[imageKey(pair)];
}
