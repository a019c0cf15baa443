/**
 * Experiments as data: a base config plus axes to sweep (their cartesian product), validated when
 * defined or loaded, frozen, and expanded into fully resolved sweep points per scale.
 */
import { unknownName } from '../util/registry.js';
import { RdbmError, invalid } from '../errors.js';
import { deepFreeze, stableStringify } from '../util/hash.js';
import { PAPER_CONFIG } from './paper.js';
import { type RunFamily, RUN_FAMILIES, RUN_FIELDS, type RunConfig, type RunField, type RunStage, checkField, checkPartial, runConfig, runField } from './config.js';
import { SCALES, type ScaleName, SCALE_NAMES } from './scales.js';

export type AxisValue = string | number;

export interface ExperimentSpec {
  /** registry key, e.g. `lambda` */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** where the published figures for this experiment are (provenance), if any */
  readonly reference?: string;
  /** fields fixed for this experiment, applied over the scale */
  readonly base?: Partial<RunConfig>;
  /** fields to sweep; the points are the cartesian product in the order given */
  readonly axes: Readonly<Partial<Record<RunField, readonly AxisValue[]>>>;
  /** per-scale replacements of axis values (e.g. the model sizes that fit a CPU budget) */
  readonly scaleAxes?: Readonly<Partial<Record<ScaleName, Readonly<Partial<Record<RunField, readonly AxisValue[]>>>>>>;
  /**
   * per-family settings applied over the axis values of each point of that family (with a `family` axis:
   * e.g. DiffUIR at its 3 steps next to RDBM at 10), so compared families need not share a cartesian product
   */
  readonly familyBase?: FamilyOverrides;
}

/** Fields set per model family, e.g. `{ diffuir: { nfe: 3 }, rdbm: { nfe: 10 } }`. */
export type FamilyOverrides = Readonly<Partial<Record<RunFamily, Partial<RunConfig>>>>;

export interface Experiment extends ExperimentSpec {
  /** the first stage each axis affects: `train` axes need one checkpoint per value, `restore`/`evaluate` axes reuse one */
  readonly axisStages: Readonly<Partial<Record<RunField, RunStage>>>;
}

export interface SweepPoint {
  readonly experiment: string;
  readonly scale: ScaleName;
  /** the axis values of this point, e.g. `{ lambda: 0.039 }` */
  readonly axes: Readonly<Partial<Record<RunField, AxisValue>>>;
  /** `lambda=0.0392` */
  readonly label: string;
  readonly config: RunConfig;
}

function checkAxes(axes: unknown, context: string): Partial<Record<RunField, AxisValue[]>> {
  if (axes === null || typeof axes !== 'object' || Array.isArray(axes)) return invalid(`${context} axes`, axes, 'an object {field: [values]}');
  for (const [k, values] of Object.entries(axes)) {
    const field = runField(k, `axis in ${context}`);
    if (!Array.isArray(values) || values.length === 0) invalid(`${context} axis ${k}`, values, 'a non-empty list of values');
    for (const v of values) checkField(field, v, `${context} axis`);
    if (new Set(values.map((v) => stableStringify(v))).size !== values.length) invalid(`${context} axis ${k}`, values, 'distinct values');
  }
  return axes as Partial<Record<RunField, AxisValue[]>>;
}

/** Validates an experiment spec (from code or a JSON file), freezes it and derives its axis stages. */
export function defineExperiment(spec: ExperimentSpec): Experiment {
  if (spec === null || typeof spec !== 'object') invalid('experiment', spec, 'an object with name, title, description, axes');
  const known = new Set(['name', 'title', 'description', 'reference', 'base', 'axes', 'scaleAxes', 'familyBase']);
  for (const k of Object.keys(spec)) if (!known.has(k)) throw unknownName('experiment field', k, [...known]);
  if (typeof spec.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(spec.name)) invalid('experiment name', spec.name, 'lowercase letters, digits and dashes');
  const context = `experiment ${spec.name}`;
  for (const k of ['title', 'description'] as const) if (typeof spec[k] !== 'string') invalid(`${context} ${k}`, spec[k], 'a string');
  if (spec.base !== undefined) checkPartial(spec.base, `${context} base`);
  checkAxes(spec.axes, context);
  const familyBase: unknown = spec.familyBase ?? {};
  if (familyBase === null || typeof familyBase !== 'object' || Array.isArray(familyBase)) invalid(`${context} familyBase`, familyBase, 'an object {family: {field: value}}');
  for (const [f, fields] of Object.entries(familyBase as object)) {
    if (!(RUN_FAMILIES as readonly string[]).includes(f)) invalid(`${context} familyBase`, f, `one of ${RUN_FAMILIES.join(', ')}`);
    checkPartial(fields, `${context} familyBase.${f}`);
    if (Object.hasOwn(fields as object, 'family')) invalid(`${context} familyBase.${f}`, 'family', 'fields other than family');
  }
  for (const [s, axes] of Object.entries(spec.scaleAxes ?? {})) {
    if (!(SCALE_NAMES as readonly string[]).includes(s)) invalid(`${context} scaleAxes`, s, `one of ${SCALE_NAMES.join(', ')}`);
    const checked = checkAxes(axes, `${context} (${s})`);
    for (const k of Object.keys(checked)) {
      if (!Object.hasOwn(spec.axes, k)) throw new RdbmError(`${context}: scaleAxes.${s}.${k} replaces an axis the experiment does not sweep (axes: ${Object.keys(spec.axes).join(', ') || 'none'})`);
    }
  }
  const axisStages = Object.fromEntries(Object.keys(spec.axes).map((k) => [k, RUN_FIELDS[k as RunField].stage]));
  const experiment: Experiment = { ...structuredClone(spec), axisStages };
  // every point must resolve at every scale (e.g. NFE <= T) — fail at definition, not mid-sweep
  for (const s of SCALE_NAMES) expandExperiment(experiment, s);
  return deepFreeze(experiment);
}

function formatValue(v: AxisValue): string {
  return typeof v === 'number' ? String(Number(v.toPrecision(6))) : v;
}

/** The axis values in force at a scale. */
export function axesAt(experiment: ExperimentSpec, scaleName: ScaleName): Partial<Record<RunField, readonly AxisValue[]>> {
  const scale = SCALES[scaleName];
  const own = experiment.scaleAxes?.[scaleName] ?? (scale.axesOf ? experiment.scaleAxes?.[scale.axesOf] : undefined) ?? {};
  const axes: Partial<Record<RunField, readonly AxisValue[]>> = { ...experiment.axes, ...own };
  // a scale of several training seeds: each point's runs (seeds never name an entry: sets.ts)
  return scale.seeds && !axes.seed ? { ...axes, seed: scale.seeds } : axes;
}

/**
 * Most points one experiment may have at a scale, and one experiment file of points (`rdbm report`) may list
 * (issue 32, defect 8): a table or plot of more is unreadable and its jobs take hours; the axes' product is
 * checked before it is expanded.
 */
export const MAX_EXPERIMENT_POINTS = 1000;

/**
 * The resolved sweep points: PAPER_CONFIG ← scale overrides ← experiment base ← axis values ← the
 * experiment's familyBase for the point's family ← `familyOverrides` (e.g. `--diffuir-checkpoint FILE`).
 * `overrides` (e.g. `--data DIR`) are applied after the experiment base and before the axes.
 */
export function expandExperiment(experiment: ExperimentSpec, scaleName: ScaleName, overrides: Partial<RunConfig> = {}, familyOverrides: FamilyOverrides = {}): SweepPoint[] {
  const axes = Object.entries(axesAt(experiment, scaleName)) as [RunField, readonly AxisValue[]][];
  const count = axes.reduce((n, [, values]) => n * values.length, 1);
  if (count > MAX_EXPERIMENT_POINTS) {
    throw new RdbmError(`experiment ${experiment.name} at scale ${scaleName}: its axes (${axes.map(([f, v]) => `${f} ${v.length}`).join(' × ')}) make ${count} points, over the limit of ${MAX_EXPERIMENT_POINTS} per experiment; split it into several experiments`);
  }
  const base: Partial<RunConfig> = { ...PAPER_CONFIG, ...SCALES[scaleName].overrides, ...(experiment.base ?? {}), ...overrides };
  let combos: Partial<Record<RunField, AxisValue>>[] = [{}];
  for (const [field, values] of axes) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [field]: v })));
  // the scale's training seeds (not an axis the experiment names) repeat a training; a point restoring with a given
  // checkpoint is one run already, so it is planned once, without a seed
  const scaleSeeds = SCALES[scaleName].seeds;
  const seedsFromScale = scaleSeeds !== undefined && axes.some(([f, v]) => f === 'seed' && v === scaleSeeds);
  const points = combos.map((combo) => {
    const family = ((combo.family ?? base.family) as RunFamily | undefined) ?? 'rdbm';
    const given = familyOverrides[family]?.checkpoint ?? overrides.checkpoint ?? experiment.familyBase?.[family]?.checkpoint ?? experiment.base?.checkpoint;
    if (seedsFromScale && given) {
      if (combo.seed !== scaleSeeds![0]) return undefined;
      const { seed: _seed, ...rest } = combo;
      combo = rest;
    }
    const label = Object.entries(combo).map(([k, v]) => `${k}=${formatValue(v as AxisValue)}`).join(',') || 'base';
    const config = runConfig({ ...base, ...combo, ...(experiment.familyBase?.[family] ?? {}), ...(familyOverrides[family] ?? {}) } as Partial<RunConfig>, `experiment ${experiment.name} at scale ${scaleName}, point ${label}`);
    return deepFreeze({ experiment: experiment.name, scale: scaleName, axes: combo, label, config });
  });
  return points.filter((p): p is NonNullable<typeof p> => p !== undefined);
}
