/**
 * The planner: sweep points → a graph of jobs train → restore → evaluate, each keyed by the content
 * hash of everything that affects it (and the key of the job it needs). Points that differ only in
 * sampling share the train job; points that differ only in the metric share the restore job too;
 * identical jobs across experiments are planned once.
 */
import { RdbmError } from '../errors.js';
import { configHash, deepFreeze } from '../util/hash.js';
import { refuseSharedCheckpoint, withCheckpointConfig } from './checkpoints.js';
import { type RunConfig, type RunStage, stageFields } from './config.js';
import { tileWindows } from '../models/tiles.js';
import { checkpointContentKey, codeFingerprint, datasetKey } from './keys.js';
import { type Experiment, type FamilyOverrides, type SweepPoint, expandExperiment } from './experiment.js';
import type { ScaleName } from './scales.js';

/**
 * What keys see besides the config (keys.ts): the fingerprint of a stage's code, a dataset's
 * content key, a given checkpoint's content key. Injected so planning stays testable without files.
 */
export interface ContentKeys {
  code(stage: RunStage): string;
  dataset(config: RunConfig): unknown;
  checkpoint(path: string): string;
}

/** The real content keys: source fingerprints, dataset manifests, checkpoint contents. */
export const FILE_CONTENT_KEYS: ContentKeys = Object.freeze({ code: codeFingerprint, dataset: datasetKey, checkpoint: checkpointContentKey });

export interface Job {
  readonly kind: RunStage;
  /** content hash (16 hex digits) */
  readonly key: string;
  /** the training group (train key, or the checkpoint's key when restoring a given checkpoint); the unit of sharding */
  readonly group: string;
  /** the job this one needs (train for restore, restore for evaluate); none for train or a given checkpoint */
  readonly needs?: string;
  /** exactly what was hashed */
  readonly spec: Readonly<Record<string, unknown>>;
  /** a complete config of a point using this job (fields of later stages are those of the first such point) */
  readonly config: RunConfig;
  /** `experiment:label` of every point that uses this job */
  readonly points: readonly string[];
}

export interface PlannedPoint extends SweepPoint {
  readonly keys: { readonly train?: string; readonly restore: string; readonly evaluate: string };
}

export interface Plan {
  readonly scale: ScaleName;
  readonly experiments: readonly string[];
  /** the experiments' definitions, when planned from them (planSweep); collect reads their base and axes */
  readonly definitions?: readonly Experiment[];
  readonly points: readonly PlannedPoint[];
  /** unique jobs in execution order: per group, its train job, then each restore followed by its evaluations */
  readonly jobs: readonly Job[];
  /** group ids in order of first use */
  readonly groups: readonly string[];
  /** points left out because they would train and the checkpoint zoo has no entry for them (PlanOptions.zooOnly) */
  readonly awaitingZoo?: readonly AwaitingPoint[];
}

/** A point a zoo-only plan leaves out: its experiment, label and training config. */
export interface AwaitingPoint {
  readonly experiment: string;
  readonly label: string;
  readonly config: RunConfig;
}

/** The sampler's θ schedule, with `same` resolved (so `same` and an explicit equal name share a job). */
export function samplingSchedule(config: RunConfig): string {
  return config.sampleSchedule === 'same' ? config.schedule : config.sampleSchedule;
}

/** The hashed specs and keys of one point's three jobs. */
export function pointJobs(config: RunConfig, content: ContentKeys = FILE_CONTENT_KEYS): { train?: { key: string; spec: Record<string, unknown> }; restore: { key: string; spec: Record<string, unknown> }; evaluate: { key: string; spec: Record<string, unknown> } } {
  const trainFields = { ...stageFields(config, 'train') };
  const checkpoint = trainFields.checkpoint;
  delete trainFields.checkpoint;
  // not hashed: rdbm's keys stay as they were (diffuir needs a checkpoint; irbridge adds it below)
  delete trainFields.family;
  // the dataset by content, not by path (a moved copy reuses its results, an edited one does not)
  delete trainFields.dataset;
  if (config.family === 'diffuir' && !checkpoint) throw new RdbmError('family diffuir needs a checkpoint (a DiffUIR trainer .pt; e.g. --diffuir-checkpoint FILE)');
  const data = content.dataset(config);
  const given = checkpoint ? { checkpoint: content.checkpoint(checkpoint) } : undefined;
  // irbridge trains a different network (a generative prior) from the same fields: only its keys carry the family
  const prior = config.family === 'irbridge' ? { family: config.family } : {};
  const train = given ? undefined : { stage: 'train', code: content.code('train'), ...trainFields, data, ...prior };
  const trainKey = train ? configHash(train) : undefined;
  // DiffUIR restores at its own fixed settings (T = 1000, pred_res): only the NFE and the test data are hashed
  const restore: Record<string, unknown> = config.family === 'diffuir' ? {
    stage: 'restore',
    code: content.code('restore'),
    after: given,
    family: config.family,
    nfe: config.nfe,
    testLimit: config.testLimit,
    data,
  } : {
    stage: 'restore',
    code: content.code('restore'),
    after: trainKey ?? given,
    // sampler settings and test data (already inside the train key when training; needed for a given checkpoint)
    objective: config.objective,
    schedule: samplingSchedule(config),
    lambda: config.lambda,
    timesteps: config.timesteps,
    nfe: config.nfe,
    // windows of the training crop; undefined for auto (not hashed), so whole-image restorations keep their keys
    tile: tileWindows(config.tile, config.cropSize),
    testLimit: config.testLimit,
    data,
    ...prior,
  };
  const restoreKey = configHash(restore);
  const evaluate = { stage: 'evaluate', code: content.code('evaluate'), after: restoreKey, metric: config.metric };
  return {
    ...(train && trainKey ? { train: { key: trainKey, spec: train } } : {}),
    restore: { key: restoreKey, spec: restore },
    evaluate: { key: configHash(evaluate), spec: evaluate },
  };
}

export interface PlanOptions {
  /**
   * names a trained checkpoint for a point that would train (the checkpoint zoo): the point then restores with it,
   * as with a given checkpoint (keyed by its content), and plans no train job
   */
  readonly resolveCheckpoint?: (config: RunConfig) => string | undefined;
  /** sample every point of a training axis with one given checkpoint instead of refusing (`--shared-checkpoint`) */
  readonly allowSharedCheckpoint?: boolean;
  /**
   * leave out (as `awaitingZoo`) every point that would train because resolveCheckpoint finds nothing for it: a scale
   * whose networks come from the zoo (Scale.zooOnly) never starts hours of training unasked
   */
  readonly zooOnly?: boolean;
}

/** Fields an experiment sets for a point itself (its base, axis values, family settings): a given checkpoint's own config yields to these. */
function explicitFields(experiment: Experiment, point: SweepPoint): Set<string> {
  return new Set([...Object.keys(experiment.base ?? {}), ...Object.keys(point.axes), ...Object.keys(experiment.familyBase?.[point.config.family] ?? {})]);
}

/**
 * Plans one or more experiments at a scale; `overrides` apply to every point (e.g. the dataset),
 * `familyOverrides` to the points of one family (e.g. `{ diffuir: { checkpoint } }`). A point with
 * a given checkpoint takes that checkpoint's training config for the fields it does not set; a
 * training axis whose points share one given checkpoint is refused unless `allowSharedCheckpoint`.
 */
export function planSweep(experiments: readonly Experiment[], scale: ScaleName, overrides: Partial<RunConfig> = {}, familyOverrides: FamilyOverrides = {}, content: ContentKeys = FILE_CONTENT_KEYS, options: PlanOptions = {}): Plan {
  const points: SweepPoint[] = [];
  const awaiting: AwaitingPoint[] = [];
  for (const experiment of experiments) {
    const expanded = expandExperiment(experiment, scale, overrides, familyOverrides).flatMap((expandedPoint) => {
      const stand = !expandedPoint.config.checkpoint && options.resolveCheckpoint ? options.resolveCheckpoint(expandedPoint.config) : undefined;
      if (options.zooOnly && !stand && !expandedPoint.config.checkpoint) {
        awaiting.push({ experiment: expandedPoint.experiment, label: expandedPoint.label, config: expandedPoint.config });
        return [];
      }
      const point = stand ? deepFreeze({ ...expandedPoint, config: { ...expandedPoint.config, checkpoint: stand } }) : expandedPoint;
      const config = withCheckpointConfig(point.config, explicitFields(experiment, point), `experiment ${point.experiment} at scale ${scale}, point ${point.label}`);
      return [config === point.config ? point : deepFreeze({ ...point, config })];
    });
    refuseSharedCheckpoint(expanded, options.allowSharedCheckpoint ?? false);
    points.push(...expanded);
  }
  const plan: Plan = { ...planPoints(points, scale, experiments.map((e) => e.name), content), definitions: experiments };
  return awaiting.length ? deepFreeze({ ...plan, awaitingZoo: awaiting }) : plan;
}

/** Plans resolved sweep points (from experiments, or built by hand, e.g. the checkpoint points of `rdbm report`) into jobs. */
export function planPoints(sweepPoints: readonly SweepPoint[], scale: ScaleName, experimentNames: readonly string[], content: ContentKeys = FILE_CONTENT_KEYS): Plan {
  const points: PlannedPoint[] = [];
  const byKey = new Map<string, { kind: RunStage; key: string; group: string; needs?: string; spec: Record<string, unknown>; config: RunConfig; points: string[] }>();
  const groups: string[] = [];
  const children = new Map<string, string[]>();
  const add = (kind: RunStage, key: string, spec: Record<string, unknown>, group: string, config: RunConfig, point: string, needs?: string) => {
    const existing = byKey.get(key);
    if (existing) {
      existing.points.push(point);
      return;
    }
    byKey.set(key, { kind, key, group, spec, config: { ...config, sampleSchedule: samplingSchedule(config) as RunConfig['sampleSchedule'] }, points: [point], ...(needs ? { needs } : {}) });
    if (needs) children.set(needs, [...(children.get(needs) ?? []), key]);
  };
  {
    for (const point of sweepPoints) {
      let jobs: ReturnType<typeof pointJobs>;
      try {
        jobs = pointJobs(point.config, content);
      } catch (error) {
        if (error instanceof RdbmError) throw new RdbmError(`experiment ${point.experiment}, point ${point.label}: ${error.message}`);
        throw error;
      }
      const group = jobs.train?.key ?? configHash(jobs.restore.spec.after);
      if (!groups.includes(group)) groups.push(group);
      const id = `${point.experiment}:${point.label}`;
      if (jobs.train) add('train', jobs.train.key, jobs.train.spec, group, point.config, id);
      add('restore', jobs.restore.key, jobs.restore.spec, group, point.config, id, jobs.train?.key);
      add('evaluate', jobs.evaluate.key, jobs.evaluate.spec, group, point.config, id, jobs.restore.key);
      points.push({ ...point, keys: { ...(jobs.train ? { train: jobs.train.key } : {}), restore: jobs.restore.key, evaluate: jobs.evaluate.key } });
    }
  }
  const ordered: Job[] = [];
  for (const group of groups) {
    const inGroup = [...byKey.values()].filter((j) => j.group === group);
    const train = inGroup.find((j) => j.kind === 'train');
    if (train) ordered.push(train);
    for (const restore of inGroup.filter((j) => j.kind === 'restore')) {
      ordered.push(restore);
      for (const k of children.get(restore.key) ?? []) ordered.push(byKey.get(k)!);
    }
  }
  return { scale, experiments: experimentNames, points, jobs: ordered, groups };
}

/**
 * The part of a plan that serves the named experiments: their points, the jobs those use (a job
 * shared with another experiment stays, keyed as before), their groups and awaiting points.
 */
export function selectExperiments(plan: Plan, names: readonly string[]): Plan {
  const keep = new Set(names);
  const prefixes = names.map((n) => `${n}:`);
  const jobs = plan.jobs.filter((j) => j.points.some((p) => prefixes.some((x) => p.startsWith(x))));
  const groups = new Set(jobs.map((j) => j.group));
  const awaiting = plan.awaitingZoo?.filter((p) => keep.has(p.experiment));
  return {
    scale: plan.scale,
    experiments: plan.experiments.filter((e) => keep.has(e)),
    ...(plan.definitions ? { definitions: plan.definitions.filter((e) => keep.has(e.name)) } : {}),
    points: plan.points.filter((p) => keep.has(p.experiment)),
    jobs,
    groups: plan.groups.filter((g) => groups.has(g)),
    ...(awaiting?.length ? { awaitingZoo: awaiting } : {}),
  };
}

/** Jobs per kind. */
export function countJobs(jobs: readonly Job[]): Record<RunStage, number> {
  const counts: Record<RunStage, number> = { train: 0, restore: 0, evaluate: 0 };
  for (const j of jobs) counts[j.kind]++;
  return counts;
}
