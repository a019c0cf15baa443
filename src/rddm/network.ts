/**
 * A U-Net checkpoint (DiffUIR's trainer files: `ema.ema_model.model.unet0.*` preferred, or any layout
 * src/models reads) as a network whose time input is a real number, and the adapter from it to the
 * RDDM sampler's predictor contract.
 *
 * DiffUIR's U-Net embeds the float τ = ᾱ_t·T (pred_res) or β̄_t·T (pred_noise), not the integer step, so
 * the checkpoint is opened through src/models with `time: 'real'` (apply then takes any finite τ).
 */
import { RdbmError } from '../errors.js';
import { openCheckpoint } from '../models/checkpoint.js';
import type { UNetConfig } from '../models/config.js';
import type { LoadedModel } from '../models/types.js';
import type { tf } from '../tf/index.js';
import { diffuirTimeCondition } from './diffuir.js';
import type { RddmPredictionMode, RddmPredictor } from './sampler.js';
import type { RddmSchedule } from './schedule.js';

/** A conditional U-Net called with a real-valued time input τ per batch item. */
export interface RddmNetwork {
  readonly config: UNetConfig;
  /** the tensor prefix chosen inside a PyTorch file (e.g. `ema.ema_model.model.unet0.`), or `` for ours */
  readonly prefix: string;
  /** output for NHWC x_t and μ in [−1, 1] and time inputs τ (one per item, or one for all); caller disposes */
  forward(xt: tf.Tensor4D, mu: tf.Tensor4D, tau: number | readonly number[]): tf.Tensor4D;
  dispose(): void;
}

export interface LoadRddmNetworkOptions {
  /** architecture fields to override (PyTorch files: what shapes cannot show, e.g. resnetBlockGroups) */
  readonly config?: Partial<UNetConfig>;
  /**
   * which U-Net of a multi-U-Net file: RDDM's UnetRes with share_encoder = 0 holds `unet0` (residual) and
   * `unet1` (noise); DiffUIR's holds `unet0` only. Required for two-U-Net files (src/models refuses to guess).
   */
  readonly unet?: string;
}

/** Loads a PyTorch .pt/.pth (DiffUIR / RDDM trainer dict: EMA weights preferred) or an rdbm-lab checkpoint as an RddmNetwork. */
export function loadRddmNetwork(path: string, options: LoadRddmNetworkOptions = {}): RddmNetwork {
  const prefix = options.unet === undefined ? undefined : `${options.unet.replace(/[^\w]/g, '')}.`;
  let model: LoadedModel;
  try {
    model = openCheckpoint(path, options.config, { time: 'real', ...(prefix !== undefined ? { prefix } : {}) });
  } catch (error) {
    if (prefix !== undefined && error instanceof RdbmError && / has no \S+ U-Net /.test(error.message)) {
      throw new RdbmError(`checkpoint ${path} has no ${options.unet} (expected e.g. unet0, unet1 for RDDM's two-U-Net files)`);
    }
    throw error;
  }
  const config = model.config;
  if (!config.condition) {
    model.dispose();
    throw new RdbmError(`checkpoint ${path} holds an unconditional U-Net (expected x_t and μ concatenated: ${2 * config.channels} input channels)`);
  }
  return {
    config,
    prefix: model.prefix ?? '',
    forward: (xt, mu, tau) => model.apply(xt, mu, tau),
    dispose: () => model.dispose(),
  };
}

/**
 * The DiffUIR predictor: calls the network with τ = float32(ᾱ_t·T) (mode `res`) or float32(β̄_t·T) (mode `noise`)
 * and hands its output to the sampler as the residual or noise head (DiffUIR's UnetRes with num_unet = 1).
 */
export function diffuirPredictor(network: Pick<RddmNetwork, 'forward'>, schedule: RddmSchedule, mode: 'res' | 'noise'): RddmPredictor {
  return (xt, mu, t) => {
    const out = network.forward(xt, mu, diffuirTimeCondition(schedule, t, mode));
    return mode === 'res' ? { residual: out } : { noise: out };
  };
}

/** RDDM-style predictor for a single-head network conditioned on the integer step t (RDDM's own U-Nets). */
export function rddmStepPredictor(network: Pick<RddmNetwork, 'forward'>, mode: Exclude<RddmPredictionMode, 'res-noise'>): RddmPredictor {
  return (xt, mu, t) => {
    const out = network.forward(xt, mu, t);
    return mode === 'res' ? { residual: out } : { noise: out };
  };
}

/** SM-Res-N with two networks (RDDM's share_encoder = 0: unet0 → Î_res, unet1 → ε̂), both conditioned on the integer step t. */
export function rddmPairPredictor(residual: Pick<RddmNetwork, 'forward'>, noise: Pick<RddmNetwork, 'forward'>): RddmPredictor {
  return (xt, mu, t) => ({ residual: residual.forward(xt, mu, t), noise: noise.forward(xt, mu, t) });
}
