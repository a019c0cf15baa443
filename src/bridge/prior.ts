/**
 * A generative prior driving the bridge sampler through the transition of transition.ts (this toolkit's
 * derivation of the IRBridge idea, not the authors' code). The prior is a plain x₀-predictor of a VP process,
 * `predictX0(x_s, s)`, trained from pure noise with no μ; it knows nothing of the bridge or of sampling.
 *
 * Start. At t = T−1 the bridge sits exactly at μ (Θ = Σ = 0, SNR 0): no generative state matches, and x₀ is
 * unknown, so the sampler starts at a step t₀ < T−1 from the bridge marginal with x₀ replaced by its only
 * available estimate μ:  x_{t₀} = μ + Θ_{t₀}(μ − μ) + Σ_{t₀} z = μ + Σ_{t₀} z,  z ~ N(0, I) from `noise`.
 * In generative coordinates this is x_s = √ᾱ_s μ + √(1 − ᾱ_s) z: SDEdit's start (Meng et al. 2022).
 *
 * Steps. At each (t, t_next) the prior gives x̂₀ = predictX0(a_t (x − (1 − Θ_t) μ), s_t) and the bridge's own
 * x0 update runs unchanged. With u = x − (1 − Θ)μ the deterministic update reads
 *   u_next = (Σ_next/Σ_t) u + (Θ_next − Θ_t Σ_next/Σ_t) x̂₀        (μ cancels exactly),
 * and with x_s = a_t u and Σ/Θ = √(1 − ᾱ)/√ᾱ it becomes
 *   x_{s_next} = √((1 − ᾱ_next)/(1 − ᾱ_s)) x_s + (√ᾱ_next − √ᾱ_s √((1 − ᾱ_next)/(1 − ᾱ_s))) x̂₀,
 * deterministic DDIM on the generative process at the matched levels s(t). So after the start, μ no longer
 * enters: the bridge-plus-prior sampler is DDIM from an SDEdit start, for any predictor (prior.test.ts checks
 * this against an independent DDIM loop). An unconditional prior uses μ only through the start state.
 */
import { RdbmError } from '../errors.js';
import { tf } from '../tf/index.js';
import { number } from '../util/validate.js';
import type { BridgeSchedule } from './schedule.js';
import { type GenerativeTransition, generativeTransition } from './transition.js';
import type { VpSchedule } from './vp.js';

/** The prior contract: (x_s, real s ∈ [0, S]) → x̂₀, a new tensor the sampler disposes. */
export type PriorPredictor = (xs: tf.Tensor4D, s: number) => tf.Tensor4D | Promise<tf.Tensor4D>;

export interface BridgePrior {
  /** the generative x₀-predictor (VP process, trained from pure noise) */
  readonly predictX0: PriorPredictor;
  /** the VP schedule it was trained with */
  readonly schedule: VpSchedule;
  /** bridge step t₀ to start from (default: the noisiest step with a generative match) */
  readonly start?: number;
}

export interface PriorPlan {
  readonly transition: GenerativeTransition;
  readonly start: number;
}

/** Validates the prior against the bridge schedule: the transition (π = 1) and a matched start step. */
export function planPrior(prior: BridgePrior, bridge: BridgeSchedule): PriorPlan {
  if (typeof prior?.predictX0 !== 'function') throw new RdbmError('sampleBridge: prior.predictX0 must be a function (x_s, s) => x̂₀');
  const transition = generativeTransition({ bridge, generative: prior.schedule });
  const start = prior.start ?? transition.noisiestMatched;
  number('prior.start', start, { integer: true, min: 0, max: bridge.timesteps - 2 });
  transition.at(start); // refuses a start with no generative match
  return { transition, start };
}

/** x_{t₀} = μ + Σ_{t₀} z. */
export function priorStartState(plan: PriorPlan, mu: tf.Tensor4D, noise: (shape: number[]) => tf.Tensor): tf.Tensor4D {
  const z = noise(mu.shape);
  const x = tf.tidy(() => tf.add(mu, tf.mul(plan.transition.bridge.Sigma[plan.start], z))) as tf.Tensor4D;
  z.dispose();
  return x;
}

/** x̂₀ from the prior at bridge state x, step t: predictX0(a_t (x − (1 − Θ_t) μ), s_t). */
export async function priorPrediction(plan: PriorPlan, prior: BridgePrior, x: tf.Tensor4D, mu: tf.Tensor4D, t: number): Promise<tf.Tensor4D> {
  const { s, scale } = plan.transition.at(t);
  const Theta = plan.transition.bridge.Theta[t];
  const xs = tf.tidy(() => tf.mul(scale, tf.sub(x, tf.mul(1 - Theta, mu)))) as tf.Tensor4D;
  try {
    return await prior.predictX0(xs, s);
  } finally {
    xs.dispose();
  }
}
