/**
 * Deterministic bridge sampler on the official time grid (official `RDBM.ddim_sample`), plus a
 * labelled stochastic variant. The sampler is a function over a model callable and a schedule:
 * the model only maps (x_t, μ, t) to x̂₀ or ε̂ and knows nothing of sampling.
 *
 * x0 parameterization (network gives x̂₀, clipped to [−1, 1]):
 *   t = T−1:   x ← μ + Θ_next (x̂₀ − μ)
 *   otherwise: x ← μ + (Σ_next/Σ_t)(x − μ) + (Θ_next − Θ_t Σ_next/Σ_t)(x̂₀ − μ)
 * eps / pi-eps parameterization (network gives ε̂, resp. the π ⊙ ε of the forward marginal;
 * x̂₀ = clip((x − μ − Σ_t ε̂)/Θ_t + μ)):
 *   t = T−1:   x ← μ
 *   otherwise: x ← μ + (Θ_next/Θ_t)(x − μ) − ((Θ_next/Θ_t) Σ_t − Σ_next) ε̂
 * and when t_next < 0 the output is x̂₀.
 */
import { RdbmError } from '../errors.js';
import { tf } from '../tf/index.js';
import { keyword, number } from '../util/validate.js';
import { sameShape } from './marginal.js';
import { OBJECTIVES, type Objective } from './objectives.js';
import { type PiVariant, checkPi, diffusionCoefficient } from './pi.js';
import { type BridgePrior, type PriorPlan, planPrior, priorPrediction, priorStartState } from './prior.js';
import type { BridgeSchedule } from './schedule.js';
import { type Trajectory, runSteps } from './steps.js';
import { samplingTimePairs, timePairsFrom } from './timesteps.js';

/** what the network predicts: x₀ (official default), ε (official pred_noise), or π ⊙ ε (the paper's objective) */
export const PARAMETERIZATIONS = OBJECTIVES;
export type Parameterization = Objective;

/** The model contract: (x_t, μ, integer step t) → x̂₀ or ε̂ (same shape as x_t). It must return a new tensor, which the sampler disposes. */
export type Predictor = (xt: tf.Tensor4D, mu: tf.Tensor4D, t: number) => tf.Tensor4D | Promise<tf.Tensor4D>;

export interface SampleBridgeOptions {
  /** the degraded image(s) μ, NHWC in [−1, 1]; sampling starts at x = μ */
  readonly mu: tf.Tensor4D;
  readonly schedule: BridgeSchedule;
  /** number of network evaluations, 1 … T (official: 10) */
  readonly nfe: number;
  /** required unless `prior` is given (then `x0`, the only one allowed) */
  readonly parameterization?: Parameterization;
  /** the bridge network; required unless `prior` is given (then it must be absent) */
  readonly predict?: Predictor;
  /**
   * Drive the sampler with a generative VP x₀-predictor through the transition of transition.ts (this toolkit's
   * derivation of the IRBridge idea; see prior.ts). Starts at `prior.start` from μ + Σ_{t₀} z with z from `noise`
   * (required), then runs the x0 update rules with x̂₀ from the prior. The bridge's π must be `one`.
   */
  readonly prior?: BridgePrior;
  /** clip x̂₀ to [−1, 1] (official: true) */
  readonly clip?: boolean;
  /**
   * Stochastic variant (NOT in the official code; labelled `stochastic` wherever reported):
   * x_next = μ + Θ_next (x̂₀ − μ) + Σ_next (√(1−η²) ε̂ + η π̂ ⊙ z) with z ~ N(0, I) from `noise`.
   * η = 0 (default) is the deterministic sampler above.
   */
  readonly eta?: number;
  /** required when eta > 0: returns fresh N(0, I) noise of the given shape (seeded by the caller) */
  readonly noise?: (shape: number[]) => tf.Tensor;
  /** π used to scale fresh noise in the stochastic variant (default `one`) */
  readonly pi?: PiVariant;
  /** called after every step with the new state (do not dispose it) */
  readonly onStep?: (info: { index: number; t: number; tNext: number; x: tf.Tensor4D }) => void;
}

/** The final sample in [−1, 1], and [μ (or a prior's start state), x after step 1, …, output]: NFE + 1 states (the official `last=False` list). */
export type BridgeTrajectory = Trajectory;

function validate(options: SampleBridgeOptions): { pairs: Array<[number, number]>; plan?: PriorPlan } {
  const { mu, schedule, prior } = options;
  if (prior) {
    if (options.predict) throw new RdbmError('sampleBridge: give either predict (a bridge network) or prior (a generative x₀-predictor), not both');
    if (options.parameterization !== undefined && options.parameterization !== 'x0') {
      throw new RdbmError(`sampleBridge: invalid parameterization: ${options.parameterization} with a prior (expected x0: the prior predicts x₀)`);
    }
    if (options.pi !== undefined && options.pi !== 'one') {
      throw new RdbmError(`sampleBridge: invalid pi: ${options.pi} with a prior (expected one: the generative transition holds only for π = 1)`);
    }
    if (!options.noise) throw new RdbmError('sampleBridge: a prior needs a noise(shape) function for its start state μ + Σ_{t₀} z (seeded by the caller)');
  } else if (typeof options.predict !== 'function') throw new RdbmError('sampleBridge: predict must be a function (x_t, μ, t) => prediction (or give a prior)');
  const parameterization = keyword('parameterization', options.parameterization ?? (prior ? 'x0' : undefined), PARAMETERIZATIONS);
  if (!mu || mu.rank !== 4) {
    throw new RdbmError(`sampleBridge: mu has shape [${mu?.shape?.join(', ') ?? ''}] (expected a rank-4 NHWC tensor in [-1, 1])`);
  }
  const plan = prior ? planPrior(prior, schedule) : undefined;
  const pairs = plan ? timePairsFrom(plan.start, options.nfe) : samplingTimePairs(schedule.timesteps, options.nfe);
  if (parameterization !== 'x0' && options.nfe === 1) {
    throw new RdbmError(`invalid nfe: 1 with parameterization ${parameterization} (it divides by Θ_{T-1} = 0; use nfe >= 2 or parameterization x0)`);
  }
  const eta = number('eta', options.eta ?? 0, { min: 0, max: 1 });
  if (eta > 0 && !options.noise) throw new RdbmError('sampleBridge: eta > 0 needs a noise(shape) function (seeded by the caller)');
  checkPi(options.pi ?? 'one');
  return { pairs, ...(plan ? { plan } : {}) };
}

/** One step of the update rules above. Pure in tensors: returns new tensors, disposes nothing it did not create. */
function step(
  options: SampleBridgeOptions,
  x: tf.Tensor4D,
  prediction: tf.Tensor4D,
  t: number,
  tNext: number,
): tf.Tensor4D {
  const { mu, schedule } = options;
  const parameterization = options.parameterization ?? 'x0';
  const clip = options.clip ?? true;
  const T = schedule.timesteps;
  const { Theta, Sigma } = schedule;
  return tf.tidy(() => {
    const maybeClip = (v: tf.Tensor) => (clip ? tf.clipByValue(v, -1, 1) : v);
    let x0Hat: tf.Tensor;
    let epsHat: tf.Tensor | undefined;
    if (parameterization === 'x0') {
      x0Hat = maybeClip(prediction);
    } else {
      epsHat = prediction;
      // Θ_{T−1} = 0: x̂₀ is undefined there (and unused unless t_next < 0, which validate() forbids)
      x0Hat = t === T - 1 ? mu : maybeClip(tf.add(tf.div(tf.sub(tf.sub(x, mu), tf.mul(Sigma[t], prediction)), Theta[t]), mu));
    }
    if (tNext < 0) return x0Hat as tf.Tensor4D;
    const eta = options.eta ?? 0;
    if (eta > 0) {
      const epsFromX = t === T - 1 ? tf.zerosLike(x) : tf.div(tf.sub(tf.sub(x, mu), tf.mul(Theta[t], tf.sub(x0Hat, mu))), Sigma[t]);
      const z = options.noise!(x.shape);
      const piHat = diffusionCoefficient(options.pi ?? 'one', x0Hat, mu);
      const mixed = tf.add(tf.mul(Math.sqrt(1 - eta * eta), epsFromX), tf.mul(eta, tf.mul(piHat, z)));
      return tf.add(tf.add(mu, tf.mul(Theta[tNext], tf.sub(x0Hat, mu))), tf.mul(Sigma[tNext], mixed)) as tf.Tensor4D;
    }
    if (parameterization === 'x0') {
      if (t === T - 1) return tf.add(mu, tf.mul(Theta[tNext], tf.sub(x0Hat, mu))) as tf.Tensor4D;
      const r = Sigma[tNext] / Sigma[t];
      return tf.add(tf.add(mu, tf.mul(r, tf.sub(x, mu))), tf.mul(Theta[tNext] - Theta[t] * r, tf.sub(x0Hat, mu))) as tf.Tensor4D;
    }
    if (t === T - 1) return tf.clone(mu);
    const r = Theta[tNext] / Theta[t];
    return tf.sub(tf.add(mu, tf.mul(r, tf.sub(x, mu))), tf.mul(r * Sigma[t] - Sigma[tNext], epsHat!)) as tf.Tensor4D;
  });
}

async function run(options: SampleBridgeOptions, keepStates: boolean): Promise<BridgeTrajectory> {
  const { pairs, plan } = validate(options);
  const { mu } = options;
  return runSteps<tf.Tensor4D>(
    {
      protect: [mu],
      pairs,
      start: plan ? priorStartState(plan, mu, options.noise!) : tf.clone(mu),
      async predict(x, t) {
        const prediction = plan ? await priorPrediction(plan, options.prior!, x, mu, t) : await options.predict!(x, mu, t);
        sameShape('predict', x, prediction, 'x_t', 'the prediction');
        return prediction;
      },
      step: (x, prediction, t, tNext) => step(options, x, prediction, t, tNext),
      tensors: (prediction) => [prediction],
      ...(options.onStep ? { onStep: options.onStep } : {}),
    },
    keepStates,
  );
}

/** Samples the bridge from μ in `nfe` network evaluations; returns x̂₀ in [−1, 1] (NHWC). */
export async function sampleBridge(options: SampleBridgeOptions): Promise<tf.Tensor4D> {
  return (await run(options, false)).output;
}

/** Like sampleBridge, keeping every intermediate state ([μ, x₁, …, output]); dispose `states` when done. */
export async function sampleBridgeTrajectory(options: SampleBridgeOptions): Promise<BridgeTrajectory> {
  return run(options, true);
}
