/**
 * RDDM's forward marginal (RDDM paper eq. 6; official `q_sample`; DiffUIR adds −δ̄_t μ):
 *   x_t = x₀ + ᾱ_t (μ − x₀) + β̄_t ε − δ̄_t μ
 * In generalized-bridge form x_t = μ + Θ_t (x₀ − μ) + Σ_t ε − δ̄_t μ with Θ_t = 1 − ᾱ_t, Σ_t = β̄_t, π = 1.
 */
import { RdbmError } from '../errors.js';
import { sameShape } from '../bridge/marginal.js';
import { tf } from '../tf/index.js';
import { number } from '../util/validate.js';
import type { RddmSchedule } from './schedule.js';

export interface RddmQSampleOptions {
  /** clean image(s) x₀ in [−1, 1] */
  readonly x0: tf.Tensor;
  /** degraded image(s) μ (RDDM's I_in), same shape; zeros for generation */
  readonly mu: tf.Tensor;
  /** integer step in [0, T−1] */
  readonly t: number;
  /** ε, same shape (passed in: no hidden randomness) */
  readonly noise: tf.Tensor;
  readonly schedule: RddmSchedule;
}

export function rddmQSample(options: RddmQSampleOptions): tf.Tensor {
  const { x0, mu, noise, schedule } = options;
  if (!schedule?.alphaBar) throw new RdbmError('rddmQSample: schedule is not an RDDM schedule');
  const t = number('t', options.t, { integer: true, min: 0, max: schedule.timesteps - 1 });
  sameShape('rddmQSample', x0, mu, 'x0', 'mu');
  sameShape('rddmQSample', x0, noise, 'x0', 'noise');
  return tf.tidy(() =>
    tf.sub(tf.add(tf.add(x0, tf.mul(schedule.alphaBar[t], tf.sub(mu, x0))), tf.mul(schedule.betaBar[t], noise)), tf.mul(schedule.deltaBar[t], mu)),
  );
}
