/**
 * The entry points other parts of the toolkit call: run (or plan) experiments by name, and read
 * back the finished runs of an experiment point by point (for tables and plots).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Io } from '../util/io.js';
import type { PairEntry } from '../datasets/index.js';
import { RdbmError } from '../errors.js';
import { DEFAULT_SWEEP, EXPERIMENT_NAMES, getExperiment } from './builtins.js';
import type { RunFamily, RunConfig, RunStage } from './config.js';
import type { AxisValue, Experiment } from './experiment.js';
import type { Executors } from './executors.js';
import { FILE_CONTENT_KEYS, type Plan, type PlannedPoint, planSweep } from './plan.js';
import { type RunRecord, type RunnerOptions, type SweepReport, inspectPlan, runPlan } from './runner.js';
import { DEFAULT_SCALE, type ScaleName, getScale } from './scales.js';
import { type Shard, parseShard } from './shard.js';
import { bundledDatasetRoot, datasetsDir, restoredDir, restoredImage } from './layout.js';
import { type RecordStatus, openResults } from './store.js';
import { zooCheckpointFor } from './zoo.js';
import { selectTestPairs } from './testset.js';

export interface RunExperimentOptions {
  /** default `default` */
  readonly scale?: ScaleName | string;
  /** default `results` */
  readonly resultsDir?: string;
  /** `i/n` or {index, count} */
  readonly shard?: Shard | string;
  readonly io?: Pick<Io, 'err' | 'errIsTTY'>;
  /** default: the real executors (TensorFlow.js models, metrics) */
  readonly executors?: Executors;
  /** a dataset root in the RDBM/DGSolver layout instead of the bundled mini-uir */
  readonly dataset?: string;
  /** checkpoints per model family (`diffuir`: a DiffUIR trainer .pt; `rdbm`: restore with it instead of training) */
  readonly checkpoints?: Readonly<Partial<Record<RunFamily, string>>>;
  /** sample every point of a training axis with one given checkpoint instead of refusing (the points then differ only where the field acts at sampling) */
  readonly allowSharedCheckpoint?: boolean;
  readonly signal?: AbortSignal;
  /**
   * the checkpoint zoo: training points whose run config matches an entry restore with its weights instead of
   * training. Default: the bundled zoo (data/zoo); a folder for another; false trains everything (`--retrain`).
   */
  readonly zoo?: string | false;
  /** at a zoo-only scale (Scale.zooOnly), train the points without a zoo entry instead of leaving them out (`--train-missing`) */
  readonly trainMissing?: boolean;
  /** lease timing for workers sharing the results folder (runner.ts RunnerOptions.leases) */
  readonly leases?: RunnerOptions['leases'];
  /** who this worker is, shown by `rdbm results status` (e.g. `slurm job 812_3`) */
  readonly worker?: string;
  /** run only the jobs of these stages (e.g. `['train']` to fill the checkpoint zoo; the rest later) */
  readonly stages?: readonly RunStage[];
}

/**
 * Names → experiments. Besides built-in names and .json files: `reproduce` (the bundled default job:
 * the main table and the paper's ablations) and `all` (every self-contained built-in; those needing a user's checkpoint, like diffuir-vs-rdbm, are named explicitly).
 */
export function resolveExperiments(names: readonly string[]): Experiment[] {
  if (names.length === 0) throw new RdbmError(`no experiment given (expected one or more of ${EXPERIMENT_NAMES.join(', ')}, reproduce, all, or a .json file)`);
  const expanded = names.flatMap((n) => (n === 'reproduce' ? [...DEFAULT_SWEEP] : n === 'all' ? [...EXPERIMENT_NAMES] : [n]));
  const unique = [...new Set(expanded)];
  return unique.map(getExperiment);
}

function overrides(dataset?: string): Partial<RunConfig> {
  return dataset ? { dataset } : {};
}

function familyOverrides(checkpoints: RunExperimentOptions['checkpoints'] = {}): Partial<Record<RunFamily, Partial<RunConfig>>> {
  return Object.fromEntries(Object.entries(checkpoints).filter(([, c]) => c).map(([f, checkpoint]) => [f, { checkpoint }]));
}

/** Plans experiments at a scale without running anything. */
export function planExperiments(names: string | readonly string[], options: Pick<RunExperimentOptions, 'scale' | 'dataset' | 'checkpoints' | 'allowSharedCheckpoint' | 'zoo' | 'trainMissing'> = {}): Plan {
  const list = typeof names === 'string' ? [names] : names;
  const zoo = options.zoo === false ? undefined : (config: RunConfig) => zooCheckpointFor(config, options.zoo || undefined);
  const scale = getScale(options.scale ?? DEFAULT_SCALE);
  return planSweep(resolveExperiments(list), scale.name, overrides(options.dataset), familyOverrides(options.checkpoints), FILE_CONTENT_KEYS, {
    allowSharedCheckpoint: options.allowSharedCheckpoint ?? false,
    ...(zoo ? { resolveCheckpoint: zoo } : {}),
    // a zoo scale on the bundled data: points without an entry wait for the zoo (another dataset trains, as asked)
    ...(zoo && scale.zooOnly && !options.dataset && !options.trainMissing ? { zooOnly: true } : {}),
  });
}

/**
 * Runs (or resumes) experiments: plans them, then executes this shard's unfinished jobs. Finished
 * jobs in `resultsDir` are reused; each job's result is written atomically as it finishes.
 */
export async function runExperiment(names: string | readonly string[], options: RunExperimentOptions = {}): Promise<SweepReport> {
  const planned = planExperiments(names, options);
  const plan = options.stages ? { ...planned, jobs: planned.jobs.filter((j) => options.stages!.includes(j.kind)) } : planned;
  const shard = typeof options.shard === 'string' ? parseShard(options.shard) : options.shard;
  const executors = options.executors ?? (await import('./real.js')).realExecutors();
  return runPlan(plan, {
    resultsDir: options.resultsDir ?? 'results',
    executors,
    ...(options.io ? { io: options.io } : {}),
    ...(shard ? { shard } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.leases ? { leases: options.leases } : {}),
    ...(options.worker ? { worker: options.worker } : {}),
  });
}

export interface PointResult {
  readonly experiment: string;
  readonly label: string;
  readonly axes: Readonly<Record<string, AxisValue>>;
  readonly config: RunConfig;
  readonly keys: PlannedPoint['keys'];
  /** the finished run, if any */
  readonly run?: RunRecord;
}

export interface ExperimentResults {
  readonly experiment: Experiment;
  readonly scale: ScaleName;
  /** the results folder the runs were read from (restoredImagePath and testPairs resolve against it) */
  readonly resultsDir: string;
  readonly points: readonly PointResult[];
}

/** An experiment's points at a scale with their finished runs from `resultsDir` (missing or damaged runs: no `run`). */
export function experimentResults(name: string, options: Pick<RunExperimentOptions, 'scale' | 'resultsDir' | 'dataset' | 'checkpoints' | 'allowSharedCheckpoint' | 'zoo'> = {}): ExperimentResults {
  const plan = planExperiments([name], options);
  const resultsDir = options.resultsDir ?? 'results';
  return planResults(plan, plan.experiments[0], resultsDir, jobStatuses(plan, resultsDir));
}

/** The state of every job of a plan in a results folder, by key (read once, shared by every experiment of the plan). */
export function jobStatuses(plan: Plan, resultsDir: string): ReadonlyMap<string, RecordStatus> {
  return new Map(inspectPlan(plan, openResults(resultsDir)).map((s) => [s.job.key, s.status]));
}

/** One experiment of a plan with the finished runs `status` holds (from jobStatuses). */
export function planResults(plan: Plan, name: string, resultsDir: string, status: ReadonlyMap<string, RecordStatus>): ExperimentResults {
  const experiment = plan.definitions?.find((e) => e.name === name) ?? getExperiment(name);
  return {
    experiment,
    scale: plan.scale,
    resultsDir,
    points: plan.points.filter((p) => p.experiment === name).map((p) => {
      const s = status.get(p.keys.evaluate);
      return {
        experiment: p.experiment,
        label: p.label,
        axes: p.axes as Record<string, AxisValue>,
        config: p.config,
        keys: p.keys,
        ...(s?.state === 'done' ? { run: s.record as RunRecord } : {}),
      };
    }),
  };
}

/** The dataset root a point was restored and scored on: the bundled benchmark generated in the results folder, or its --data folder. */
export function pointDataRoot(results: Pick<ExperimentResults, 'resultsDir'>, point: Pick<PointResult, 'config'>): string {
  const c = point.config;
  return c.dataset === 'mini-uir' ? bundledDatasetRoot(datasetsDir(results.resultsDir), c.dataset, c.datasetSize) : resolve(c.dataset);
}

/** The test pairs a point was restored and scored on (empty when its dataset is not on disk). */
export function pointTestPairs(results: Pick<ExperimentResults, 'resultsDir'>, point: Pick<PointResult, 'config'>): PairEntry[] {
  const root = pointDataRoot(results, point);
  return existsSync(root) ? selectTestPairs(root, point.config.testLimit) : [];
}

/** Where a point's restoration of a test pair is (it exists once the point's restore job finished). */
export function restoredImagePath(results: Pick<ExperimentResults, 'resultsDir'>, point: Pick<PointResult, 'keys'>, pair: Pick<PairEntry, 'task' | 'subDataset' | 'name'>): string {
  return restoredImage(restoredDir(results.resultsDir, point.keys.restore), pair);
}
