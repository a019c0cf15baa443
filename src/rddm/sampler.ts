/**
 * RDDM's sampler on the official time grid (official `ResidualDiffusion.ddim_sample`, RDDM paper eq. 11–13),
 * deterministic (η = 0) or η-stochastic, with the three prediction modes of the paper:
 *   SM-Res   (`res`):       the network gives Î_res; ε̂ = (x_t − (1 − δ̄_t) μ − (ᾱ_t − 1) Î_res) / β̄_t, x̂₀ = μ − Î_res
 *   SM-N     (`noise`):     the network gives ε̂;    x̂₀ = (x_t − ᾱ_t μ − β̄_t ε̂) / (1 − ᾱ_t),      Î_res = μ − x̂₀
 *   SM-Res-N (`res-noise`): the network gives both; x̂₀ = x_t − ᾱ_t Î_res − β̄_t ε̂
 * (Î_res and x̂₀ clipped to [−1, 1]). Start: x = (1 − δ̄_{T−1}) μ + √sum_scale · z. At each pair (t, t_next):
 *   t_next < 0:  x ← x̂₀
 *   otherwise, with α = ᾱ_t − ᾱ_next, β² = β̄_t² − β̄_next², σ² = η β² β̄_next² / β̄_t²:
 *     rddm:    x ← x − α Î_res − (β̄_t − √(β̄_next² − σ²)) ε̂ + σ z
 *     diffuir: x ← x − α Î_res + (δ̄_t − δ̄_next) μ + σ z      (DiffUIR's update: no ε̂ term)
 * The sampler is a function over a model callable and a schedule; all randomness comes from `noise`.
 */
import { RdbmError } from '../errors.js';
import { sameShape } from '../bridge/marginal.js';
import { type Trajectory, runSteps } from '../bridge/steps.js';
import { samplingTimePairs } from '../bridge/timesteps.js';
import { tf } from '../tf/index.js';
import { keyword, number } from '../util/validate.js';
import type { RddmSchedule } from './schedule.js';

export const RDDM_PREDICTION_MODES = ['res', 'noise', 'res-noise'] as const;
/** what the network predicts: `res` (SM-Res), `noise` (SM-N) or both (SM-Res-N) */
export type RddmPredictionMode = (typeof RDDM_PREDICTION_MODES)[number];
/** the RDDM paper's names of the prediction modes (for tables and legends) */
export const RDDM_MODE_TITLES: Readonly<Record<RddmPredictionMode, string>> = Object.freeze({ res: 'SM-Res', noise: 'SM-N', 'res-noise': 'SM-Res-N' });

export const RDDM_SAMPLER_VARIANTS = ['rddm', 'diffuir'] as const;
/** the update rule: RDDM's (with the ε̂ term) or DiffUIR's (with the δ term, without ε̂) */
export type RddmSamplerVariant = (typeof RDDM_SAMPLER_VARIANTS)[number];

/** The network's heads for one call: `residual` (SM-Res, SM-Res-N) and/or `noise` (SM-N, SM-Res-N). The sampler disposes them. */
export interface RddmPrediction {
  readonly residual?: tf.Tensor4D;
  readonly noise?: tf.Tensor4D;
}

/** The model contract: (x_t, μ, integer step t) → heads. Time conditioning (t, or DiffUIR's ᾱ_t·T) is the adapter's business. */
export type RddmPredictor = (xt: tf.Tensor4D, mu: tf.Tensor4D, t: number) => RddmPrediction | Promise<RddmPrediction>;

export interface SampleRddmOptions {
  /** degraded image(s) μ, NHWC in [−1, 1] (zeros for generation) */
  readonly mu: tf.Tensor4D;
  readonly schedule: RddmSchedule;
  /** network evaluations, 1 … T (DiffUIR: 3; RDDM restoration: 5–10) */
  readonly nfe: number;
  readonly mode: RddmPredictionMode;
  readonly predict: RddmPredictor;
  /**
   * returns fresh N(0, I) noise of the given shape (seeded by the caller). Called once for the start state, then
   * once per step with t_next ≥ 0 whose η is non-zero — the order of the official torch.randn / randn_like calls.
   */
  readonly noise: (shape: number[]) => tf.Tensor;
  /** η ≥ 0 (official `ddim_sampling_eta`, default 0), or a per-step function of (t, t_next) */
  readonly eta?: number | ((t: number, tNext: number) => number);
  /** clip Î_res and x̂₀ to [−1, 1] (official: true) */
  readonly clip?: boolean;
  /** update rule (default `rddm`) */
  readonly variant?: RddmSamplerVariant;
  /** called after every step with the new state (do not dispose it) */
  readonly onStep?: (info: { index: number; t: number; tNext: number; x: tf.Tensor4D }) => void;
}

/** The final sample x̂₀ in [−1, 1] (when clipped), and [start, x after step 1, …, output]: NFE + 1 states. */
export type RddmTrajectory = Trajectory;

function validate(options: SampleRddmOptions): Array<[number, number]> {
  keyword('mode', options?.mode, RDDM_PREDICTION_MODES);
  keyword('variant', options.variant ?? 'rddm', RDDM_SAMPLER_VARIANTS);
  const { mu, schedule } = options;
  if (!mu || mu.rank !== 4) {
    throw new RdbmError(`sampleRddm: mu has shape [${mu?.shape?.join(', ') ?? ''}] (expected a rank-4 NHWC tensor in [-1, 1])`);
  }
  if (!schedule?.alphaBar) throw new RdbmError('sampleRddm: schedule is not an RDDM schedule (build it with rddmSchedule or rddmScheduleFromAlphasCumprod)');
  if (typeof options.noise !== 'function') throw new RdbmError('sampleRddm: noise(shape) is required (the start state is μ + √sum_scale · z; seed it in the caller)');
  if (typeof options.eta === 'number') number('eta', options.eta, { min: 0 });
  return samplingTimePairs(schedule.timesteps, options.nfe);
}

function etaAt(options: SampleRddmOptions, t: number, tNext: number): number {
  const eta = typeof options.eta === 'function' ? options.eta(t, tNext) : (options.eta ?? 0);
  return number(`eta(${t}, ${tNext})`, eta, { min: 0 });
}

function head(prediction: RddmPrediction, name: 'residual' | 'noise', mode: RddmPredictionMode, x: tf.Tensor4D): tf.Tensor4D {
  const value = prediction?.[name];
  if (!value) throw new RdbmError(`sampleRddm: mode ${mode} needs the network's ${name} head, but predict returned none`);
  sameShape('predict', x, value, 'x_t', `the ${name} head`);
  return value;
}

/** Î_res, ε̂ and x̂₀ from the network's heads at step t (official `model_predictions`); shared with the ancestral sampler. */
export function interpretPrediction(options: Pick<SampleRddmOptions, 'mu' | 'schedule' | 'mode' | 'clip'>, x: tf.Tensor4D, prediction: RddmPrediction, t: number): { res: tf.Tensor; eps: tf.Tensor; x0: tf.Tensor } {
  const { mu, schedule, mode } = options;
  const clip = options.clip ?? true;
  const maybeClip = (v: tf.Tensor) => (clip ? tf.clipByValue(v, -1, 1) : v);
  const aBar = schedule.alphaBar[t];
  const bBar = schedule.betaBar[t];
  if (mode === 'res') {
    const res = maybeClip(head(prediction, 'residual', mode, x));
    const eps = tf.div(tf.sub(tf.sub(x, tf.mul(1 - schedule.deltaBar[t], mu)), tf.mul(aBar - 1, res)), bBar);
    return { res, eps, x0: maybeClip(tf.sub(mu, res)) };
  }
  if (mode === 'noise') {
    const eps = head(prediction, 'noise', mode, x);
    const x0 = maybeClip(tf.div(tf.sub(tf.sub(x, tf.mul(aBar, mu)), tf.mul(bBar, eps)), schedule.oneMinusAlphaBar[t]));
    return { res: maybeClip(tf.sub(mu, x0)), eps, x0 };
  }
  const res = maybeClip(head(prediction, 'residual', mode, x));
  const eps = head(prediction, 'noise', mode, x);
  return { res, eps, x0: maybeClip(tf.sub(tf.sub(x, tf.mul(aBar, res)), tf.mul(bBar, eps))) };
}

function step(options: SampleRddmOptions, x: tf.Tensor4D, prediction: RddmPrediction, t: number, tNext: number): tf.Tensor4D {
  const { mu, schedule } = options;
  return tf.tidy(() => {
    const { res, eps, x0 } = interpretPrediction(options, x, prediction, t);
    if (tNext < 0) return x0 as tf.Tensor4D;
    const alpha = schedule.alphaBar[t] - schedule.alphaBar[tNext];
    const b2 = schedule.beta2Bar[t];
    const b2Next = schedule.beta2Bar[tNext];
    const eta = etaAt(options, t, tNext);
    const sigma2 = (eta * (b2 - b2Next) * b2Next) / b2;
    if (b2Next - sigma2 < -1e-12) {
      throw new RdbmError(`invalid eta: ${eta} at t = ${t} (σ² = ${sigma2.toPrecision(4)} exceeds β̄²_next = ${b2Next.toPrecision(4)}; use a smaller η)`);
    }
    let next: tf.Tensor = tf.sub(x, tf.mul(alpha, res));
    if ((options.variant ?? 'rddm') === 'rddm') {
      next = tf.sub(next, tf.mul(schedule.betaBar[t] - Math.sqrt(Math.max(0, b2Next - sigma2)), eps));
    } else {
      next = tf.add(next, tf.mul(schedule.deltaBar[t] - schedule.deltaBar[tNext], mu));
    }
    if (eta !== 0) {
      const z = options.noise(x.shape);
      next = tf.add(next, tf.mul(Math.sqrt(sigma2), z));
    }
    return next as tf.Tensor4D;
  });
}

async function run(options: SampleRddmOptions, keepStates: boolean): Promise<RddmTrajectory> {
  const pairs = validate(options);
  const { mu, schedule } = options;
  const start = tf.tidy(() => {
    const z = options.noise(mu.shape);
    sameShape('noise', mu, z, 'mu', 'the start noise');
    return tf.add(tf.mul(1 - schedule.deltaBar[schedule.timesteps - 1], mu), tf.mul(Math.sqrt(schedule.sumScale), z)) as tf.Tensor4D;
  });
  return runSteps<RddmPrediction>(
    {
      protect: [mu],
      pairs,
      start,
      predict: (x, t) => options.predict(x, mu, t),
      step: (x, prediction, t, tNext) => step(options, x, prediction, t, tNext),
      tensors: (prediction) => [prediction?.residual, prediction?.noise],
      ...(options.onStep ? { onStep: options.onStep } : {}),
    },
    keepStates,
  );
}

/** Samples RDDM / DiffUIR from μ in `nfe` network evaluations; returns x̂₀ (NHWC). */
export async function sampleRddm(options: SampleRddmOptions): Promise<tf.Tensor4D> {
  return (await run(options, false)).output;
}

/** Like sampleRddm, keeping every state ([start, x₁, …, output]); dispose `states` when done. */
export async function sampleRddmTrajectory(options: SampleRddmOptions): Promise<RddmTrajectory> {
  return run(options, true);
}
