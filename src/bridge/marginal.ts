/**
 * The closed-form forward marginal (paper eq. for q(x_t | x₀, μ); official `q_sample` with π = 1):
 *   x_t = μ + Θ_t (x₀ − μ) + Σ_t · π ⊙ ε,   ε ~ N(0, I)
 */
import { RdbmError } from '../errors.js';
import { tf } from '../tf/index.js';
import { number } from '../util/validate.js';
import { type PiVariant, checkPi, diffusionCoefficient } from './pi.js';
import type { BridgeSchedule } from './schedule.js';

export interface QSampleOptions {
  /** clean image(s) x₀, NHWC (or any shape equal to mu's) in [−1, 1] */
  readonly x0: tf.Tensor;
  /** degraded image(s) μ, same shape */
  readonly mu: tf.Tensor;
  /** integer step in [0, T−1], or one per batch item */
  readonly t: number | readonly number[];
  /** ε, same shape (passed in: no hidden randomness) */
  readonly noise: tf.Tensor;
  /** the diffusion coefficient π (default `one`, as in the official code) */
  readonly pi?: PiVariant;
  readonly schedule: BridgeSchedule;
}

export function sameShape(what: string, a: tf.Tensor, b: tf.Tensor, aName: string, bName: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new RdbmError(`${what}: ${bName} has shape [${b.shape.join(', ')}] but ${aName} has shape [${a.shape.join(', ')}] (expected equal shapes)`);
  }
}

/** Per-item coefficient tensor of shape [B, 1, 1, 1] (or a scalar) gathered from a schedule array. */
export function gatherCoefficient(values: Float64Array, t: number | readonly number[], rank: number, name: string): tf.Tensor {
  const T = values.length;
  const check = (s: number) => number(name, s, { integer: true, min: 0, max: T - 1 });
  if (typeof t === 'number') return tf.scalar(values[check(t)]);
  const picked = t.map((s) => values[check(s)]);
  return tf.tensor(picked, [t.length, ...Array(Math.max(rank - 1, 0)).fill(1)]);
}

/** Samples x_t from q(x_t | x₀, μ) in closed form. Returns a new tensor; inputs are not disposed. */
export function qSample(options: QSampleOptions): tf.Tensor {
  const { x0, mu, noise, schedule } = options;
  const pi = checkPi(options.pi ?? 'one');
  sameShape('qSample', x0, mu, 'x0', 'mu');
  sameShape('qSample', x0, noise, 'x0', 'noise');
  if (Array.isArray(options.t) && options.t.length !== x0.shape[0]) {
    throw new RdbmError(`qSample: t has ${options.t.length} steps but the batch has ${x0.shape[0]} images (expected one step per image or a single step)`);
  }
  return tf.tidy(() => {
    const Theta = gatherCoefficient(schedule.Theta, options.t, x0.rank, 't');
    const Sigma = gatherCoefficient(schedule.Sigma, options.t, x0.rank, 't');
    const residual = tf.sub(x0, mu);
    const piTensor = diffusionCoefficient(pi, x0, mu);
    return tf.add(tf.add(mu, tf.mul(Theta, residual)), tf.mul(Sigma, tf.mul(piTensor, noise)));
  });
}
