/**
 * The loss and parameter gradients of one training batch, optionally as a sum over micro-batches
 * (gradient accumulation) and scaled by the share of the whole batch this call covers.
 *
 * The objective is L = mean over the batch's B items of the per-item L1 (every item has the same
 * number of elements), so for disjoint item ranges r_k of sizes n_k: L = Σ_k (n_k / B) · L_k and
 * ∇L = Σ_k (n_k / B) · ∇L_k. Micro-batching and data parallelism both use this identity; the
 * U-Net has no cross-item coupling (GroupNorm and attention are per item), so the sum is exact up
 * to float rounding. With one range covering the batch, the computation is the plain
 * full-batch graph (no scaling op), i.e. bit-identical to the unsplit trainer.
 *
 * With a VP schedule in the context (`process: 'vp'`) the items are generative instead: x_s =
 * √ᾱ_s x₀ + √(1 − ᾱ_s) ε at the batch's real s, an unconditional x₀-predictor (a prior for bridge/prior.ts).
 */
import { type BridgeSchedule, type VpSchedule, alphaBarAt, diffusionCoefficient, qSample, vpSchedule } from '../bridge/index.js';
import { tf } from '../tf/index.js';
import type { UNetConfig } from './config.js';
import type { Params } from './ops.js';
import type { TrainConfig } from './types.js';
import { unetForward } from './unet.js';

/** One batch (or a shard of it) as host arrays, NHWC: clean x₀, degraded μ, ε, and the steps t (real s for `vp`). */
export interface StepBatch {
  readonly x0: Float32Array;
  readonly mu: Float32Array;
  readonly noise: Float32Array;
  readonly t: readonly number[];
  /** [items, crop, crop, 3] */
  readonly shape: readonly [number, number, number, number];
}

export interface StepContext {
  readonly arch: UNetConfig;
  readonly p: Params;
  readonly varList: readonly tf.Variable[];
  readonly cfg: Pick<TrainConfig, 'objective' | 'pi'>;
  readonly schedule: BridgeSchedule;
  /** the generative VP schedule when training a prior (`process: 'vp'`); absent for the bridge */
  readonly vp?: VpSchedule;
}

/** The VP schedule a `process: 'vp'` config trains on (ᾱ from its β schedule over its steps), else undefined. */
export function trainVpSchedule(cfg: Pick<TrainConfig, 'process' | 'schedule' | 'timesteps'>): VpSchedule | undefined {
  return cfg.process === 'vp' ? vpSchedule({ schedule: cfg.schedule, timesteps: cfg.timesteps }) : undefined;
}

/** The generative VP marginal x_s = √ᾱ_s x₀ + √(1 − ᾱ_s) ε, one real s per batch item. */
function vpSample(vp: VpSchedule, x0: tf.Tensor4D, s: readonly number[], noise: tf.Tensor4D): tf.Tensor4D {
  const a = s.map((v) => alphaBarAt(vp, v));
  return tf.tidy(() => {
    const signal = tf.tensor(a.map(Math.sqrt), [s.length, 1, 1, 1]);
    const spread = tf.tensor(a.map((v) => Math.sqrt(1 - v)), [s.length, 1, 1, 1]);
    return tf.add(tf.mul(signal, x0), tf.mul(spread, noise)) as tf.Tensor4D;
  });
}

/** Items [from, to) of a batch. */
export function sliceBatch(b: StepBatch, from: number, to: number): StepBatch {
  const n = b.shape[1] * b.shape[2] * b.shape[3];
  return {
    x0: b.x0.subarray(from * n, to * n),
    mu: b.mu.subarray(from * n, to * n),
    noise: b.noise.subarray(from * n, to * n),
    t: b.t.slice(from, to),
    shape: [to - from, b.shape[1], b.shape[2], b.shape[3]],
  };
}

/** The L1 objective of the items of `b`, times `weight` (the caller's share of the batch; 1 adds no op). */
function lossOf(ctx: StepContext, b: StepBatch, weight: number): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const shape = b.shape as [number, number, number, number];
  return tf.tidy(() => {
    const x0 = tf.tensor4d(b.x0, shape);
    const mu = tf.tensor4d(b.mu, shape);
    const noise = tf.tensor4d(b.noise, shape);
    return tf.variableGrads(() => {
      const xt = ctx.vp ? vpSample(ctx.vp, x0, b.t, noise) : (qSample({ x0, mu, t: [...b.t], noise, pi: ctx.cfg.pi, schedule: ctx.schedule }) as tf.Tensor4D);
      const pred = unetForward(ctx.arch, ctx.p, ctx.arch.condition ? [xt, mu] : xt, [...b.t]);
      const target = ctx.cfg.objective === 'x0' ? x0 : ctx.cfg.objective === 'eps' ? noise : tf.mul(diffusionCoefficient(ctx.cfg.pi, x0, mu), noise);
      const mean = tf.mean(tf.abs(tf.sub(pred, target))) as tf.Scalar;
      return weight === 1 ? mean : (tf.mul(mean, weight) as tf.Scalar);
    }, [...ctx.varList]);
  });
}

/**
 * weight · (loss, ∇loss) of the items of `b`, computed `microBatch` items at a time (default: all at
 * once) and summed in item order. Gradients are keyed by variable name; the caller disposes them.
 */
export async function stepGradients(ctx: StepContext, b: StepBatch, options: { microBatch?: number; weight?: number } = {}): Promise<{ loss: number; grads: tf.NamedTensorMap }> {
  const items = b.shape[0];
  const weight = options.weight ?? 1;
  const micro = Math.max(1, Math.min(items, options.microBatch ?? items));
  if (micro === items) {
    const { value, grads } = lossOf(ctx, b, weight);
    const loss = (await value.data())[0];
    value.dispose();
    return { loss, grads };
  }
  let loss = 0;
  let acc: tf.NamedTensorMap | undefined;
  for (let from = 0; from < items; from += micro) {
    const to = Math.min(items, from + micro);
    const { value, grads } = lossOf(ctx, sliceBatch(b, from, to), (weight * (to - from)) / items);
    loss += (await value.data())[0];
    value.dispose();
    if (!acc) acc = grads;
    else {
      for (const k of Object.keys(acc)) {
        const sum = tf.add(acc[k], grads[k]);
        tf.dispose([acc[k], grads[k]]);
        acc[k] = sum;
      }
    }
  }
  return { loss, grads: acc! };
}
