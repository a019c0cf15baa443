/**
 * A U-Net checkpoint (DiffUIR's trainer files: `ema.ema_model.model.unet0.*` preferred, or any layout
 * src/models reads) as a network whose time input is a real number, and the adapter from it to the
 * RDDM sampler's predictor contract.
 *
 * Why not LoadedModel.apply: DiffUIR's U-Net embeds the float τ = ᾱ_t·T (pred_res) or β̄_t·T (pred_noise),
 * not the integer step, and LoadedModel.apply accepts integer steps only. The U-Net itself (src/models
 * unetForward) takes any real τ, so the weights are loaded through src/models' PyTorch reader and called here.
 */
import { readFileSync } from 'node:fs';
import { RdbmError } from '../errors.js';
import type { UNetConfig } from '../models/config.js';
import { readCheckpoint } from '../models/checkpoint.js';
import { flattenTensors, readTorchSave } from '../models/torch/pt.js';
import { checkTensors, inferUNetConfig, selectUNetTensors, toOurLayout } from '../models/torch/state-dict.js';
import { lookup, makeVariables, unetForward } from '../models/unet.js';
import { tf } from '../tf/index.js';
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

function isTorchPath(path: string): boolean {
  return /\.(pt|pth|ckpt)$/i.test(path);
}

export interface LoadRddmNetworkOptions {
  /** architecture fields to override (PyTorch files: what shapes cannot show, e.g. resnetBlockGroups) */
  readonly config?: Partial<UNetConfig>;
  /**
   * which U-Net of a multi-U-Net file: RDDM's UnetRes with share_encoder = 0 holds `unet0` (residual) and
   * `unet1` (noise); DiffUIR's holds `unet0` only. Default: whichever src/models picks (EMA, shortest prefix).
   */
  readonly unet?: string;
}

/** Loads a PyTorch .pt/.pth (DiffUIR / RDDM trainer dict: EMA weights preferred) or an rdbm-lab checkpoint as an RddmNetwork. */
export function loadRddmNetwork(path: string, options: LoadRddmNetworkOptions = {}): RddmNetwork {
  const override = options.config ?? {};
  let config: UNetConfig;
  let values: Map<string, Float32Array>;
  let prefix = '';
  if (isTorchPath(path)) {
    let raw: unknown;
    try {
      raw = readTorchSave(readFileSync(path));
    } catch (error) {
      throw new RdbmError(`cannot read checkpoint ${path}: ${String((error as Error).message).split('\n')[0]} (expected a torch.save file holding a DiffUIR trainer dict or a U-Net state dict)`);
    }
    let all = flattenTensors(raw);
    if (options.unet !== undefined) {
      const own = new RegExp(`(^|\\.)${options.unet.replace(/[^\w]/g, '')}\\.`);
      const anyUnet = /(^|\.)unet\d+\./;
      all = new Map([...all].filter(([k]) => !anyUnet.test(k) || own.test(k)));
      if (![...all.keys()].some((k) => own.test(k))) throw new RdbmError(`checkpoint ${path} has no ${options.unet} (expected e.g. unet0, unet1 for RDDM's two-U-Net files)`);
    }
    const selected = selectUNetTensors(all, path);
    prefix = selected.prefix;
    config = inferUNetConfig(selected.tensors, override, path);
    const specs = checkTensors(config, selected.tensors, path, 'torch');
    values = new Map(specs.map((s) => [s.name, toOurLayout(s, selected.tensors.get(s.name)!)]));
  } else {
    const { manifest, tensors } = readCheckpoint(path);
    config = { ...manifest.architecture, ...override } as UNetConfig;
    checkTensors(config, new Map([...tensors].filter(([k]) => !k.startsWith('train/'))), path, 'ours');
    values = new Map([...tensors].map(([k, v]) => [k, v.data]));
  }
  if (!config.condition) throw new RdbmError(`checkpoint ${path} holds an unconditional U-Net (expected x_t and μ concatenated: ${2 * config.channels} input channels)`);
  const variables = makeVariables(config, (spec) => values.get(spec.name)!, false);
  const p = lookup(variables);
  return {
    config,
    prefix,
    forward(xt, mu, tau) {
      if (xt.rank !== 4 || xt.shape[3] !== config.channels) throw new RdbmError(`invalid x_t: shape [${xt.shape.join(', ')}] (expected NHWC with ${config.channels} channels)`);
      if (mu.shape.some((d, i) => d !== xt.shape[i])) throw new RdbmError(`wrong μ shape: [${mu.shape.join(', ')}] (expected the shape of x_t [${xt.shape.join(', ')}])`);
      const taus = typeof tau === 'number' ? Array(xt.shape[0]).fill(tau) : [...tau];
      if (taus.length !== xt.shape[0] || taus.some((v) => !Number.isFinite(v))) throw new RdbmError(`invalid time input: [${taus.join(', ')}] (expected ${xt.shape[0]} finite values)`);
      return tf.tidy(() => unetForward(config, p, tf.concat([xt, mu], 3) as tf.Tensor4D, taus));
    },
    dispose() {
      for (const v of variables.values()) v.dispose();
    },
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
