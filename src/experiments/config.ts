/**
 * One sweep point's complete configuration, as flat, frozen, hashable data: everything that affects
 * training, restoration or evaluation, each field tagged with the first stage it affects. A field
 * of stage `train` changes the checkpoint (and so everything after it); `restore` changes only
 * sampling (NFE, the sampling schedule), so those points reuse one trained checkpoint; `evaluate`
 * changes only the scoring (the metric convention), so those reuse the restored images too.
 */
import { unknownName } from '../util/registry.js';
import { OBJECTIVES, type Objective, checkObjectivePi } from '../bridge/objectives.js';
import { PI_VARIANTS, type PiVariant } from '../bridge/pi-variants.js';
import { THETA_SCHEDULE_NAMES, type ThetaScheduleName } from '../bridge/schedules.js';
import { RdbmError, invalid } from '../errors.js';
import { CONVENTION_IDS, type ConventionId, TABLE_CONVENTION_IDS, checkTableConvention } from '../metrics/conventions.js';
import { MODEL_PRESET_NAMES } from '../models/presets.js';
import { deepFreeze } from '../util/hash.js';
import { keyword, number } from '../util/validate.js';

/** the stages of a sweep point, each a job keyed by what it depends on (train → restore → evaluate) */
export const RUN_STAGES = ['train', 'restore', 'evaluate'] as const;
export type RunStage = (typeof RUN_STAGES)[number];
/**
 * model families: `rdbm` (bridge, trained or given checkpoint) | `diffuir` (a given DiffUIR checkpoint, its RDDM sampler) |
 * `irbridge` (a generative VP prior trained on the clean images only, or given, sampled through the bridge by
 * bridge/prior.ts: this toolkit's derivation of the IRBridge idea, not the authors' code)
 */
export const RUN_FAMILIES = ['rdbm', 'diffuir', 'irbridge'] as const;
export type RunFamily = (typeof RUN_FAMILIES)[number];
/** how test images meet the network (RunConfig.tile) */
export const TILE_MODES = Object.freeze(['auto', 'crop', 'grid'] as const);

export interface RunConfig {
  /** model preset (`tiny`, `T`, `S`, `B`, `L`, `diffuir-…`) */
  readonly model: string;
  /** what the network predicts: `x0` (official code) | `eps` | `pi-eps` (paper text) */
  readonly objective: Objective;
  /** π of the forward marginal: `residual` (RDBM, x₀ − μ) | `abs-residual` | `one` (GOUB-like) | `zero` (flow matching) */
  readonly pi: PiVariant;
  /** λ, the noise level of the bridge (paper 10/255) */
  readonly lambda: number;
  /** θ schedule used for training (and for sampling unless `sampleSchedule` says otherwise) */
  readonly schedule: ThetaScheduleName;
  /** T, number of discretisation steps (official 100) */
  readonly timesteps: number;
  /** optimiser steps */
  readonly steps: number;
  /** images per step, split evenly over the tasks */
  readonly batchSize: number;
  /** random square training crop side */
  readonly cropSize: number;
  /** Adam learning rate */
  readonly lr: number;
  /** EMA decay of the sampling weights; 0 disables EMA */
  readonly emaDecay: number;
  /** training seed (weights, crops, t, ε) */
  readonly seed: number;
  /**
   * the official trainers' gradient clipping (DiffUIR/RDDM: accelerator.clip_grad_norm_(…, 1.0) before each
   * Adam step): the largest global L2 norm of the gradients; 0 = no clipping
   */
  readonly gradClip: number;
  /** steps of linear learning-rate warm-up before `lr` (0 = none) */
  readonly warmup: number;
  /** `mini-uir` (generated) or the root of a dataset in the RDBM/DGSolver layout */
  readonly dataset: string;
  /** mini-uir crop side (ignored for other datasets) */
  readonly datasetSize: number;
  /** a pre-trained checkpoint to restore with instead of training ('' = train one; required for `diffuir`) */
  readonly checkpoint: string;
  /**
   * model family: `rdbm` (default) or `diffuir` (never trains: restores with the given DiffUIR checkpoint at
   * DiffUIR's published test settings, T = 1000, pred_res; only `nfe`, the test data and the metric apply)
   */
  readonly family: RunFamily;
  /** sampling steps (network evaluations) */
  readonly nfe: number;
  /** θ schedule of the sampler: `same` (the training schedule) or a name */
  readonly sampleSchedule: 'same' | ThetaScheduleName;
  /**
   * restoration windows: `auto` (whole images, in tiles only past the restore default of 512 px: the
   * paper's full-resolution test) or `crop` (overlapping windows of the training crop side, blended at
   * every network call, so the network sees inputs of the size it was trained on: its attention
   * normalises over the positions it sees, official `v / (h·w)`; patch-based sampling as in
   * Özdenizci & Legenstein, TPAMI 2023) or `grid` (windows of the training crop side that tile the image
   * without overlap where the side divides it: 4 windows of a 64-px image instead of crop's 9, at the cost
   * of seams between windows)
   */
  readonly tile: (typeof TILE_MODES)[number];
  /** test images per task (0 = all), taken in sorted order */
  readonly testLimit: number;
  /** metric convention id */
  /** metric convention id (src/metrics/conventions.ts); the preview image-ssim is refused */
  readonly metric: ConventionId;
}

export type RunField = keyof RunConfig;

interface FieldSpec {
  readonly stage: RunStage;
  readonly allowed: string;
  check(name: string, value: unknown): unknown;
  /**
   * for a field added after results and zoo entries were keyed: the value every config without it meant. A
   * config holding this value leaves the field out of its keys and zoo lookups, so those keep their keys.
   */
  readonly absentAs?: unknown;
}

const int = (min: number, max?: number): Pick<FieldSpec, 'allowed' | 'check'> => ({
  allowed: max === undefined ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`,
  check: (name, v) => number(name, v, { integer: true, min, ...(max === undefined ? {} : { max }) }),
});
const positive: Pick<FieldSpec, 'allowed' | 'check'> = { allowed: 'a number > 0', check: (name, v) => number(name, v, { gt: 0 }) };
const oneOf = (values: readonly string[]): Pick<FieldSpec, 'allowed' | 'check'> => ({
  allowed: `one of ${values.join(', ')}`,
  check: (name, v) => keyword(name, v, values),
});
const text: Pick<FieldSpec, 'allowed' | 'check'> = {
  allowed: 'a string',
  check: (name, v) => (typeof v === 'string' ? v : invalid(name, v, 'a string')),
};

/** Every field: the first stage it affects and its validation rule. */
export const RUN_FIELDS: Readonly<Record<RunField, FieldSpec>> = Object.freeze({
  model: { stage: 'train', ...oneOf(MODEL_PRESET_NAMES) },
  objective: { stage: 'train', ...oneOf(OBJECTIVES) },
  pi: { stage: 'train', ...oneOf(PI_VARIANTS) },
  lambda: { stage: 'train', ...positive },
  schedule: { stage: 'train', ...oneOf(THETA_SCHEDULE_NAMES) },
  timesteps: { stage: 'train', ...int(2, 100000) },
  steps: { stage: 'train', ...int(1) },
  batchSize: { stage: 'train', ...int(1) },
  cropSize: { stage: 'train', ...int(8, 4096) },
  lr: { stage: 'train', ...positive },
  emaDecay: { stage: 'train', allowed: 'a number in [0, 1)', check: (n, v) => (number(n, v, { min: 0 }) as number) < 1 ? v : invalid(n, v, 'a number in [0, 1)') },
  seed: { stage: 'train', ...int(0) },
  gradClip: { stage: 'train', allowed: 'a number >= 0 (0 = no clipping)', check: (n, v) => number(n, v, { min: 0 }), absentAs: 0 },
  warmup: { stage: 'train', allowed: 'an integer >= 0 (0 = no warm-up)', check: (n, v) => number(n, v, { integer: true, min: 0 }), absentAs: 0 },
  dataset: { stage: 'train', ...text },
  datasetSize: { stage: 'train', ...int(16, 256) },
  checkpoint: { stage: 'train', ...text },
  family: { stage: 'train', ...oneOf(RUN_FAMILIES) },
  nfe: { stage: 'restore', ...int(1, 100000) },
  sampleSchedule: { stage: 'restore', ...oneOf(['same', ...THETA_SCHEDULE_NAMES]) },
  tile: { stage: 'restore', ...oneOf(TILE_MODES) },
  testLimit: { stage: 'restore', ...int(0) },
  metric: {
    stage: 'evaluate',
    allowed: `one of ${TABLE_CONVENTION_IDS.join(', ')}`,
    check: (name, v) => checkTableConvention(keyword(name, v, CONVENTION_IDS), name),
  },
});

export const RUN_FIELD_NAMES = Object.freeze(Object.keys(RUN_FIELDS) as RunField[]);

/** Checks that `name` is a config field; the error lists the allowed ones. */
export function runField(name: string, what = 'axis'): RunField {
  if (!Object.hasOwn(RUN_FIELDS, name)) throw unknownName(what, name, RUN_FIELD_NAMES);
  return name as RunField;
}

/** Validates one field's value; `context` prefixes the message (e.g. `experiment lambda, axis lambda`). */
export function checkField(field: RunField, value: unknown, context?: string): unknown {
  return RUN_FIELDS[field].check(context ? `${context} ${field}` : field, value);
}

/** Validates a partial config (unknown fields rejected, listing the allowed ones). */
export function checkPartial(partial: unknown, context: string): Partial<RunConfig> {
  if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) return invalid(context, partial, 'an object of config fields');
  for (const [k, v] of Object.entries(partial)) {
    runField(k, `${context} field`);
    checkField(k as RunField, v, context);
  }
  return partial as Partial<RunConfig>;
}

/** Validates a complete config including cross-field rules, and freezes it. */
export function runConfig(given: Partial<RunConfig>, context = 'config'): RunConfig {
  const value: Partial<RunConfig> = { ...withAbsent(given), ...given };
  for (const f of RUN_FIELD_NAMES) {
    if (!Object.hasOwn(value, f)) throw new RdbmError(`${context}: missing field ${f} (${RUN_FIELDS[f].allowed})`);
  }
  checkPartial(value, context);
  const c = value as RunConfig;
  if (c.nfe > c.timesteps) throw new RdbmError(`${context}: invalid nfe: ${c.nfe} (expected <= timesteps ${c.timesteps})`);
  if (c.nfe === 1 && c.objective !== 'x0') {
    throw new RdbmError(`${context}: invalid nfe: 1 with objective ${c.objective} (the ε-type sampler divides by Θ_{T−1} = 0; use nfe >= 2 or objective x0)`);
  }
  checkObjectivePi(c.objective, c.pi, context);
  const ordered = Object.fromEntries(RUN_FIELD_NAMES.map((f) => [f, c[f]]));
  return deepFreeze(ordered as unknown as RunConfig);
}

/** The `absentAs` values of the fields `config` lacks (a config written before those fields existed). */
function withAbsent(config: Partial<RunConfig>): Partial<RunConfig> {
  return Object.fromEntries(RUN_FIELD_NAMES.filter((f) => !Object.hasOwn(config, f) && RUN_FIELDS[f].absentAs !== undefined).map((f) => [f, RUN_FIELDS[f].absentAs])) as Partial<RunConfig>;
}

/** Whether a field's value goes into keys (not when it is the value configs without the field meant: `absentAs`). */
export function keyedField(config: RunConfig, field: RunField): boolean {
  return !(RUN_FIELDS[field].absentAs !== undefined && config[field] === RUN_FIELDS[field].absentAs);
}

/** The fields of `config` that a stage's key depends on directly (the keys of earlier stages are chained in by the planner). */
export function stageFields(config: RunConfig, stage: RunStage): Partial<RunConfig> {
  return Object.fromEntries(RUN_FIELD_NAMES.filter((f) => RUN_FIELDS[f].stage === stage && keyedField(config, f)).map((f) => [f, config[f]])) as Partial<RunConfig>;
}
