/**
 * The entry points other parts of the toolkit call: run (or plan) experiments by name, and read
 * back the finished runs of an experiment point by point (for tables and plots).
 */
import type { Io } from '../util/io.js';
import { RdbmError } from '../errors.js';
import { DEFAULT_SWEEP, EXPERIMENT_NAMES, getExperiment } from './builtins.js';
import type { Family, RunConfig } from './config.js';
import type { AxisValue, Experiment } from './experiment.js';
import type { Executors } from './executors.js';
import { type Plan, type PlannedPoint, planSweep } from './plan.js';
import { type RunRecord, type SweepReport, inspectPlan, runPlan } from './runner.js';
import { type ScaleName, scale as checkScale } from './scales.js';
import { type Shard, parseShard } from './shard.js';
import { openResults } from './store.js';

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
  readonly checkpoints?: Readonly<Partial<Record<Family, string>>>;
  readonly signal?: AbortSignal;
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

function familyOverrides(checkpoints: RunExperimentOptions['checkpoints'] = {}): Partial<Record<Family, Partial<RunConfig>>> {
  return Object.fromEntries(Object.entries(checkpoints).filter(([, c]) => c).map(([f, checkpoint]) => [f, { checkpoint }]));
}

/** Plans experiments at a scale without running anything. */
export function planExperiments(names: string | readonly string[], options: Pick<RunExperimentOptions, 'scale' | 'dataset' | 'checkpoints'> = {}): Plan {
  const list = typeof names === 'string' ? [names] : names;
  return planSweep(resolveExperiments(list), checkScale(options.scale ?? 'default').name, overrides(options.dataset), familyOverrides(options.checkpoints));
}

/**
 * Runs (or resumes) experiments: plans them, then executes this shard's unfinished jobs. Finished
 * jobs in `resultsDir` are reused; each job's result is written atomically as it finishes.
 */
export async function runExperiment(names: string | readonly string[], options: RunExperimentOptions = {}): Promise<SweepReport> {
  const plan = planExperiments(names, options);
  const shard = typeof options.shard === 'string' ? parseShard(options.shard) : options.shard;
  const executors = options.executors ?? (await import('./real.js')).realExecutors();
  return runPlan(plan, {
    resultsDir: options.resultsDir ?? 'results',
    executors,
    ...(options.io ? { io: options.io } : {}),
    ...(shard ? { shard } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
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
  readonly points: readonly PointResult[];
}

/** An experiment's points at a scale with their finished runs from `resultsDir` (missing or damaged runs: no `run`). */
export function experimentResults(name: string, options: Pick<RunExperimentOptions, 'scale' | 'resultsDir' | 'dataset' | 'checkpoints'> = {}): ExperimentResults {
  const experiment = getExperiment(name);
  const plan = planExperiments([name], options);
  const store = openResults(options.resultsDir ?? 'results');
  const status = new Map(inspectPlan(plan, store).map((s) => [s.job.key, s.status]));
  return {
    experiment,
    scale: plan.scale,
    points: plan.points.map((p) => {
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
