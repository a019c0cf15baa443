/**
 * The models API's serialisable configs and results: what the experiments runner passes to
 * trainModel / restoreImages and gets back. Everything here is plain JSON-able data.
 */
import { OBJECTIVES } from '../bridge/objectives.js';
import { PI_VARIANTS } from '../bridge/pi-variants.js';
import { THETA_SCHEDULE_NAMES, type ThetaScheduleName } from '../bridge/schedules.js';
import type { Io } from '../util/io.js';
import type { tf } from '../tf/index.js';
import type { UNetConfig } from './config.js';

/** the objectives of src/bridge/objectives.ts (one list) */
export const TRAIN_OBJECTIVES = OBJECTIVES;
/** What the network predicts: x₀ (official pred_x_start), ε (official pred_noise) or π ⊙ ε (paper). */
export type TrainObjective = (typeof TRAIN_OBJECTIVES)[number];

/** the π variants of src/bridge/pi-variants.ts (one list) */
export const TRAIN_PI_VARIANTS = PI_VARIANTS;
/** π in x_t = μ + Θ_t (x₀ − μ) + Σ_t π ⊙ ε: 0, 1, x₀ − μ (RDBM), |x₀ − μ|. */
export type TrainPi = (typeof TRAIN_PI_VARIANTS)[number];

/** the θ schedules of src/bridge/schedules.ts (one registry) */
export const TRAIN_SCHEDULES: readonly ThetaScheduleName[] = THETA_SCHEDULE_NAMES;
export type TrainSchedule = ThetaScheduleName;

/** One training run, fully determined by this record and the data (hashable; frozen once validated). */
export interface TrainConfig {
  /** a preset name (`T`, `S`, `B`, `L`, `tiny`, `diffuir-…`) or an explicit architecture */
  readonly model: string | UNetConfig;
  /** default `x0` (official) */
  readonly objective: TrainObjective;
  /** default `residual` (paper) */
  readonly pi: TrainPi;
  /** λ, default 10/255 (paper) */
  readonly lambda: number;
  /** default `cosine` */
  readonly schedule: TrainSchedule;
  /** T, default 100 */
  readonly timesteps: number;
  /** random square crop side, default 256 */
  readonly cropSize: number;
  /** images per step, split evenly over the tasks (paper: 20 over 5 tasks) */
  readonly batchSize: number;
  /** optimiser steps */
  readonly steps: number;
  /** Adam learning rate, default 1e-4 */
  readonly lr: number;
  /** EMA decay of the weights saved for sampling, default 0.995 (official trainer); 0 disables EMA */
  readonly emaDecay: number;
  /** seed for initial weights, crops, steps t and noise ε */
  readonly seed: number;
  /**
   * the largest global L2 norm of the gradients before each Adam step (official trainers: 1.0, torch's
   * clip_grad_norm_); absent = no clipping (0 is stored as absent, so unclipped configs keep their hashes)
   */
  readonly gradClip?: number;
  /**
   * steps of linear learning-rate warm-up: step k (from 1) uses lr · min(1, k / warmup); absent = none
   * (0 is stored as absent, so configs without warm-up keep their hashes)
   */
  readonly warmup?: number;
  /** save a checkpoint every this many steps (and at the end) */
  readonly checkpointEvery: number;
  /** tasks to use (default: every task found under dataRoot) */
  readonly tasks?: readonly string[];
  /** data split folder, default `train` */
  readonly split: string;
  /**
   * what is trained (absent = `bridge`, the RDBM bridge on (x₀, μ) pairs). `vp`: an unconditional generative
   * x₀-predictor on the clean images only, x_s = √ᾱ_s x₀ + √(1 − ᾱ_s) ε with ᾱ from `schedule` over `timesteps`
   * steps (bridge/vp.ts) and continuous s ~ U(0, S]; the architecture's `condition` is turned off, π and λ are
   * unused. A prior for IRBridge-style sampling (bridge/prior.ts, this toolkit's derivation of the idea).
   */
  readonly process?: TrainProcess;
}

export const TRAIN_PROCESSES = ['bridge', 'vp'] as const;
export type TrainProcess = (typeof TRAIN_PROCESSES)[number];

export interface TrainProgress {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly itPerSecond: number;
  readonly etaSeconds: number;
}

export interface TrainOptions {
  /** `<root>/<Task>/<SubDataset>/<split>/{label,condition}` */
  readonly dataRoot: string;
  /** checkpoints go to `<outDir>/checkpoint-<step>` and `<outDir>/latest` */
  readonly outDir: string;
  /** progress lines on io.err (loss, it/s, ETA) */
  readonly io?: Pick<Io, 'err' | 'errIsTTY'>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: TrainProgress) => void;
  /** continue from `<outDir>/latest` when present (same weights as an uninterrupted run) */
  readonly resume?: boolean;
  /**
   * worker threads computing the gradient of a shard of each batch (default 1: in this thread). The
   * same seed and worker count give bit-identical weights; other counts agree within float rounding.
   */
  readonly workers?: number;
  /**
   * items per forward + backward pass (gradient accumulation); default: the whole batch (or its
   * shard) when it fits the backend's memory, else the most that fit
   */
  readonly microBatch?: number;
}

export interface TrainResult {
  /** directory of the final checkpoint */
  readonly checkpoint: string;
  /** worker threads and items per forward + backward pass actually used */
  readonly workers?: number;
  readonly microBatch?: number;
  readonly steps: number;
  readonly seconds: number;
  readonly finalLoss: number;
}

/** A network ready to call, from our checkpoint or a PyTorch file. */
export interface LoadedModel {
  readonly config: UNetConfig;
  readonly paramCount: number;
  /**
   * network output for NHWC x_t, μ in [−1, 1] and time inputs (one per item): non-negative integer steps,
   * or any finite reals when loaded with `{ time: 'real' }` (DiffUIR's τ = ᾱ_t·T); caller disposes
   */
  apply(xt: tf.Tensor4D, mu: tf.Tensor4D, t: readonly number[] | number): tf.Tensor4D;
  /** the tensor prefix chosen inside a PyTorch file (e.g. `ema.ema_model.model.unet0.`) */
  readonly prefix?: string;
  /** training config when the checkpoint carries one */
  readonly training?: TrainConfig;
  /** optimiser step when known */
  readonly step?: number;
  /** where it came from: `rdbm` (our format) or `torch` (.pt/.pth) */
  readonly format: 'rdbm' | 'torch';
  dispose(): void;
}

export interface RestoreOptions {
  /** checkpoint path (ours or .pt/.pth), or an already loaded model */
  readonly checkpoint?: string;
  readonly model?: LoadedModel;
  /** image files, or a directory of images */
  readonly inputs: readonly { readonly name: string; readonly path: string }[] | string;
  readonly outputDir: string;
  /** network evaluations (official 10) */
  readonly nfe: number;
  /** default: the checkpoint's training schedule, else cosine */
  readonly schedule?: TrainSchedule;
  /** default: the checkpoint's λ, else 10/255 (the x0 sampler does not depend on it) */
  readonly lambda?: number;
  /** default: the checkpoint's T, else 100 */
  readonly timesteps?: number;
  /** default: the checkpoint's objective, else x0 */
  readonly parameterization?: TrainObjective;
  /** tile side and overlap for large images (default 512 / 32, smaller for networks of depth < 4 so the middle attention stays ≤ 64² positions); false to run whole images */
  readonly tile?: { readonly size: number; readonly overlap: number } | false;
  readonly io?: Pick<Io, 'err' | 'errIsTTY'>;
  readonly signal?: AbortSignal;
  /** seed for any sampler noise (the official samplers are deterministic; a generative prior's start noise) */
  readonly seed?: number;
  /**
   * images per window (default 16): a window's images of equal size share the sampler's network calls
   * (at most 2^18 pixels per call), each restored exactly as alone
   */
  readonly batch?: number;
  /** worker threads restoring windows in parallel (default 1; needs `checkpoint` as a path) */
  readonly workers?: number;
  /** bridge step t₀ where a generative prior (a `vp` checkpoint) starts (default round(0.7·(T − 1))) */
  readonly priorStart?: number;
}

export interface RestoreResult {
  readonly outputs: readonly { readonly name: string; readonly input: string; readonly output: string; readonly seconds: number }[];
  readonly seconds: number;
}

/** The sampler settings of one restoration, resolved from the options and the checkpoint (plain data, sent to workers). */
export interface RestoreSettings {
  readonly schedule: (typeof TRAIN_SCHEDULES)[number];
  readonly timesteps: number;
  readonly lambda: number;
  readonly parameterization: (typeof TRAIN_OBJECTIVES)[number];
  readonly nfe: number;
  readonly tile: { size: number; overlap: number } | false;
  readonly outputDir: string;
  /** worker threads restoring at once (they share host RAM on native backends; each has its own wasm heap) */
  readonly workers?: number;
  /**
   * set for a generative prior (a `vp` checkpoint): its VP β schedule and steps, the bridge step t₀ it starts from,
   * and the seed of the start noise (one stream per image name); the model must take real time inputs
   */
  readonly prior?: { readonly schedule: (typeof TRAIN_SCHEDULES)[number]; readonly timesteps: number; readonly start: number; readonly seed: number };
}

export type RestoredImage = { name: string; input: string; output: string; seconds: number };
