/**
 * Given checkpoints in sweeps and reports. A checkpoint trained by this toolkit carries its training
 * config; that config governs sampling (objective, π, λ, θ schedule, T) and is what the run records,
 * unless the point sets a field explicitly — exactly as `rdbm restore` does. And a training axis
 * whose points would all restore with one given checkpoint is refused: its points would differ in
 * name only (`rdbm sweep lambda pi --rdbm-checkpoint X` used to collapse silently).
 */
import { RdbmError } from '../errors.js';
import { MODEL_PRESET_NAMES } from '../models/presets.js';
import { type RunConfig, type RunField, RUN_FIELDS, checkField, runConfig } from './config.js';
import type { SweepPoint } from './experiment.js';
import { checkpointContentKey, checkpointManifest } from './keys.js';

/** Fields of a checkpoint's training config that a run config takes over. */
export const CHECKPOINT_OWN_FIELDS: readonly RunField[] = Object.freeze(['model', 'objective', 'pi', 'lambda', 'schedule', 'timesteps', 'steps', 'batchSize', 'cropSize', 'lr', 'emaDecay', 'seed', 'gradClip', 'warmup']);

/** The run-config fields a checkpoint's manifest records (none for a .pt/.pth file, which carries no training config). */
export function checkpointTrainingFields(path: string): Partial<RunConfig> {
  const training = checkpointManifest(path)?.training;
  if (!training || typeof training !== 'object') return {};
  const out: Record<string, unknown> = {};
  for (const f of CHECKPOINT_OWN_FIELDS) {
    // a field the checkpoint's trainer did not record yet (gradClip): the value it meant
    const v = (training as Record<string, unknown>)[f] ?? RUN_FIELDS[f].absentAs;
    if (v === undefined) continue;
    if (f === 'model' && (typeof v !== 'string' || !MODEL_PRESET_NAMES.includes(v))) continue; // a custom architecture: the checkpoint decides it anyway
    try {
      out[f] = checkField(f, v);
    } catch {
      // a field this version does not accept (e.g. a newer objective): keep the point's own value
    }
  }
  return out as Partial<RunConfig>;
}

/** A point with a given rdbm checkpoint takes the checkpoint's training config for every field it does not set explicitly. */
export function withCheckpointConfig(config: RunConfig, explicit: ReadonlySet<string>, context: string): RunConfig {
  if (!config.checkpoint || config.family !== 'rdbm') return config;
  const own = Object.entries(checkpointTrainingFields(config.checkpoint)).filter(([f]) => !explicit.has(f));
  if (own.length === 0) return config;
  return runConfig({ ...config, ...Object.fromEntries(own) }, `${context} (with the training config of checkpoint ${config.checkpoint})`);
}

/**
 * Refuses an experiment whose points restore with one given checkpoint while differing in a
 * training field: the checkpoint cannot have been trained both ways. `allow` (`--shared-checkpoint`)
 * samples every point with it, applying the training fields at sampling where they act there.
 */
export function refuseSharedCheckpoint(points: readonly SweepPoint[], allow: boolean): void {
  if (allow) return;
  const byCheckpoint = new Map<string, SweepPoint[]>();
  for (const p of points) {
    if (!p.config.checkpoint) continue;
    const key = `${p.experiment}\u0000${checkpointContentKey(p.config.checkpoint)}`;
    byCheckpoint.set(key, [...(byCheckpoint.get(key) ?? []), p]);
  }
  for (const group of byCheckpoint.values()) {
    if (group.length < 2) continue;
    const fields = Object.keys(group[0].axes).filter((f) => RUN_FIELDS[f as RunField].stage === 'train' && f !== 'checkpoint' && group.some((p) => p.axes[f as RunField] !== group[0].axes[f as RunField]));
    if (fields.length === 0) continue;
    throw new RdbmError(
      `experiment ${group[0].experiment}: its ${fields.join(', ')} axis changes training, but ${group.length} points (${group.map((p) => p.label).join('; ')}) would all restore with the one checkpoint ${group[0].config.checkpoint}, so they cannot differ as the axis says; give each point its own checkpoint (a checkpoint axis or points in an experiment file), or pass --shared-checkpoint to sample them all with it`,
    );
  }
}
