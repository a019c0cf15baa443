/**
 * RDDM's ancestral sampler (official `p_sample_loop`, which the official `sample()` runs when the number of
 * sampling steps equals T; RDDM paper eq. 9, the posterior q(x_{t−1} | x_t, x₀, I_res)):
 *
 *   x_{t−1} = (β̄²_{t−1}/β̄²_t) x_t + ((β_t² ᾱ_{t−1} − β̄²_{t−1} α_t)/β̄²_t) Î_res + (β_t²/β̄²_t) x̂₀ + √(β_t² β̄²_{t−1}/β̄²_t) z
 *
 * for t = T−1 … 1, and x̂₀ at t = 0; Î_res, x̂₀ from the network as in ./sampler.ts. Start: μ + √sum_scale · z.
 * RDDM schedules only (DiffUIR's loop ignores its δ term and is never used by its test code).
 */
import { RdbmError } from '../errors.js';
import { tf } from '../tf/index.js';
import { keyword } from '../util/validate.js';
import { runSteps } from '../bridge/steps.js';
import { RDDM_PREDICTION_MODES, type RddmPrediction, type SampleRddmOptions, interpretPrediction } from './sampler.js';

export type SampleRddmAncestralOptions = Omit<SampleRddmOptions, 'nfe' | 'eta' | 'variant'>;

export async function sampleRddmAncestral(options: SampleRddmAncestralOptions): Promise<tf.Tensor4D> {
  keyword('mode', options?.mode, RDDM_PREDICTION_MODES);
  const { mu, schedule } = options;
  if (!schedule?.alphaBar) throw new RdbmError('sampleRddmAncestral: schedule is not an RDDM schedule');
  if (schedule.deltaBar.some((d) => d !== 0)) throw new RdbmError('sampleRddmAncestral: DiffUIR schedules (δ ≠ 0) are not supported (DiffUIR samples with sampleDiffuir)');
  if (typeof options.noise !== 'function') throw new RdbmError('sampleRddmAncestral: noise(shape) is required');
  const T = schedule.timesteps;
  const { alphaBar: aBar, beta2Bar: b2 } = schedule;
  const start = tf.tidy(() => tf.add(mu, tf.mul(Math.sqrt(schedule.sumScale), options.noise(mu.shape)))) as tf.Tensor4D;
  const { output } = await runSteps<RddmPrediction>(
    {
      protect: [mu],
      // every step t = T−1 … 0 (the official p_sample_loop), t_next = t − 1
      pairs: Array.from({ length: T }, (_, i) => [T - 1 - i, T - 2 - i] as const),
      start,
      predict: (x, t) => options.predict(x, mu, t),
      step: (x, prediction, t) =>
        tf.tidy(() => {
          const { res, x0 } = interpretPrediction(options, x, prediction, t);
          if (t === 0) return x0 as tf.Tensor4D;
          const beta2 = b2[t] - b2[t - 1];
          const alpha = aBar[t] - aBar[t - 1];
          const mean = tf.add(tf.add(tf.mul(b2[t - 1] / b2[t], x), tf.mul((beta2 * aBar[t - 1] - b2[t - 1] * alpha) / b2[t], res)), tf.mul(beta2 / b2[t], x0));
          const std = Math.sqrt(Math.max((beta2 * b2[t - 1]) / b2[t], 1e-20));
          return tf.add(mean, tf.mul(std, options.noise(x.shape))) as tf.Tensor4D;
        }),
      tensors: (prediction) => [prediction?.residual, prediction?.noise],
      ...(options.onStep ? { onStep: options.onStep } : {}),
    },
    false,
  );
  return output;
}
