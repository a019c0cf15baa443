/**
 * Validation and defaults for TrainConfig (frozen once validated, so a sweep entry can be hashed).
 * Defaults follow the paper where it is explicit (π = x₀ − μ, λ = 10/255, cosine, Adam 1e-4,
 * 256² crops) and the official code otherwise (objective x0, T = 100, EMA 0.995).
 */
import { checkObjectivePi } from '../bridge/objectives.js';
import { RdbmError } from '../errors.js';
import { deepFreeze } from '../util/hash.js';
import { keyword, number } from '../util/validate.js';
import { type UNetConfig, unetConfig } from './config.js';
import { modelPreset } from './presets.js';
import { TRAIN_OBJECTIVES, TRAIN_PI_VARIANTS, TRAIN_PROCESSES, TRAIN_SCHEDULES, type TrainConfig } from './types.js';

export type TrainConfigInput = Partial<TrainConfig> & Pick<TrainConfig, 'model' | 'steps' | 'batchSize'>;

export const TRAIN_DEFAULTS = Object.freeze({
  objective: 'x0',
  pi: 'residual',
  lambda: 10 / 255,
  schedule: 'cosine',
  timesteps: 100,
  cropSize: 256,
  lr: 1e-4,
  emaDecay: 0.995,
  seed: 0,
  checkpointEvery: 500, // a killed run (a CPU session ending) resumes from at most 500 steps back
  split: 'train',
} as const);

const FIELDS = ['model', 'objective', 'pi', 'lambda', 'schedule', 'timesteps', 'cropSize', 'batchSize', 'steps', 'lr', 'emaDecay', 'seed', 'checkpointEvery', 'tasks', 'split', 'process', 'gradClip', 'warmup'];

export function trainConfig(input: TrainConfigInput): TrainConfig {
  for (const key of Object.keys(input)) {
    if (!FIELDS.includes(key)) throw new RdbmError(`invalid train config: unknown field "${key}" (expected ${FIELDS.join(', ')})`);
  }
  const c = { ...TRAIN_DEFAULTS, ...input } as TrainConfig;
  if (typeof c.model === 'string') modelPreset(c.model);
  else unetConfig(c.model as UNetConfig);
  if (c.tasks !== undefined && (!Array.isArray(c.tasks) || c.tasks.some((t) => typeof t !== 'string'))) {
    throw new RdbmError(`invalid tasks: ${JSON.stringify(c.tasks)} (expected a list of task folder names)`);
  }
  if (c.process === 'vp' && c.objective !== 'x0') throw new RdbmError(`invalid objective: ${c.objective} with process vp (expected x0: the generative prior is an x₀-predictor)`);
  const objective = keyword('objective', c.objective, TRAIN_OBJECTIVES);
  const pi = keyword('pi', c.pi, TRAIN_PI_VARIANTS);
  checkObjectivePi(objective, pi);
  return deepFreeze({
    model: typeof c.model === 'string' ? c.model : unetConfig(c.model),
    objective,
    pi,
    lambda: number('lambda', c.lambda, { gt: 0 }),
    schedule: keyword('schedule', c.schedule, TRAIN_SCHEDULES),
    timesteps: number('timesteps', c.timesteps, { integer: true, min: 2 }),
    cropSize: number('cropSize', c.cropSize, { integer: true, min: 8 }),
    batchSize: number('batchSize', c.batchSize, { integer: true, min: 1 }),
    steps: number('steps', c.steps, { integer: true, min: 1 }),
    lr: number('lr', c.lr, { gt: 0 }),
    emaDecay: number('emaDecay', c.emaDecay, { min: 0, max: 1 }),
    seed: number('seed', c.seed, { integer: true, min: 0 }),
    checkpointEvery: number('checkpointEvery', c.checkpointEvery, { integer: true, min: 1 }),
    ...(c.tasks ? { tasks: [...c.tasks] } : {}),
    split: keyword('split', c.split, ['train', 'test'] as const),
    // only when given, so every existing bridge config keeps its hash
    ...(c.process !== undefined ? { process: keyword('process', c.process, TRAIN_PROCESSES) } : {}),
    ...(c.gradClip !== undefined && number('gradClip', c.gradClip, { min: 0 }) > 0 ? { gradClip: c.gradClip } : {}),
    ...(c.warmup !== undefined && number('warmup', c.warmup, { integer: true, min: 0 }) > 0 ? { warmup: c.warmup } : {}),
  });
}

/** The learning rate of step k (from 1): lr · min(1, k / warmup) during the warm-up, lr after it. */
export function learningRateAt(config: Pick<TrainConfig, 'lr' | 'warmup'>, step: number): number {
  return config.warmup && step < config.warmup ? (config.lr * step) / config.warmup : config.lr;
}

/** The architecture a training config names. */
export function trainArchitecture(config: TrainConfig): UNetConfig {
  const arch = typeof config.model === 'string' ? modelPreset(config.model).config : unetConfig(config.model);
  // a generative VP prior sees only x_s: the same network without the μ channels
  return config.process === 'vp' && arch.condition ? unetConfig({ ...arch, condition: false }) : arch;
}

/** The trainer's fields of a sweep run config (the experiments' training fields, or a zoo entry's), for trainModel. */
export function trainInputFromRun(run: Readonly<Record<string, unknown>>): TrainConfigInput {
  const pick = ['model', 'objective', 'pi', 'lambda', 'schedule', 'timesteps', 'cropSize', 'batchSize', 'steps', 'lr', 'emaDecay', 'seed'] as const;
  // gradClip when recorded (a zoo entry from before the field has none: it trained unclipped; trainConfig stores 0 as absent)
  const clip = run.gradClip !== undefined ? { gradClip: run.gradClip } : {};
  const warmup = run.warmup !== undefined ? { warmup: run.warmup } : {};
  return { ...Object.fromEntries(pick.map((k) => [k, run[k]])), ...clip, ...warmup, split: 'train' } as unknown as TrainConfigInput;
}
