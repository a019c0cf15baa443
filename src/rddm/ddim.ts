/**
 * DDIM for generation (Song et al. 2021, eq. 12) on the same time grid as RDDM, and the coefficient
 * transformation between the two (RDDM paper §3.3, "convert pretrained DDIM to RDDM"):
 *
 *   ᾱ_t^RDDM = 1 − √ā_t,   β̄_t^RDDM = √(1 − ā_t)      (μ = 0: x_t = √ā_t x₀ + √(1 − ā_t) ε in both)
 *   η^RDDM(t → s) = (η^DDIM)² / ā_s                     (the two σ_t² then agree)
 *
 * With these, an ε-predicting network run through RDDM's SM-N sampler (without clipping) gives DDIM's images
 * for the same noise. Clipping breaks the identity: DDIM clips x̂₀ only, RDDM also re-derives the update from
 * the clipped Î_res (see test/rddm/ddim.test.ts for the measured gap).
 */
import { runSteps } from '../bridge/steps.js';
import { RdbmError } from '../errors.js';
import { samplingTimePairs } from '../bridge/timesteps.js';
import { tf } from '../tf/index.js';
import { number } from '../util/validate.js';
import { type RddmSchedule, rddmScheduleFromAlphasCumprod } from './schedule.js';

export interface SampleDdimOptions {
  /** ā_t, t = 0 … T−1 */
  readonly alphasCumprod: ArrayLike<number>;
  /** start shape, NHWC */
  readonly shape: [number, number, number, number];
  readonly nfe: number;
  /** ε̂ = predict(x_t, t) (returns a new tensor, disposed by the sampler) */
  readonly predict: (xt: tf.Tensor4D, t: number) => tf.Tensor4D | Promise<tf.Tensor4D>;
  /** N(0, I) source: the start state, then one draw per step with t_next ≥ 0 when η > 0 */
  readonly noise: (shape: number[]) => tf.Tensor;
  /** DDIM's η in [0, 1] (0: deterministic DDIM, 1: DDPM-like) */
  readonly eta?: number;
  /** clip x̂₀ to [−1, 1] (diffusers' clip_sample; default false) */
  readonly clip?: boolean;
}

/** x_s = √ā_s x̂₀ + √(1 − ā_s − σ²) ε̂ + σ z, σ = η √((1 − ā_s)/(1 − ā_t)) √(1 − ā_t/ā_s); x̂₀ when s < 0. */
export async function sampleDdim(options: SampleDdimOptions): Promise<tf.Tensor4D> {
  const abar = options.alphasCumprod;
  const pairs = samplingTimePairs(abar.length, options.nfe);
  const eta = number('eta', options.eta ?? 0, { min: 0, max: 1 });
  const start = tf.tidy(() => tf.add(tf.zeros(options.shape), options.noise(options.shape))) as tf.Tensor4D;
  const { output } = await runSteps<tf.Tensor4D>(
    {
      pairs,
      start,
      predict: options.predict,
      step: (x, eps, t, s) =>
        tf.tidy(() => {
          let x0: tf.Tensor = tf.div(tf.sub(x, tf.mul(Math.sqrt(1 - abar[t]), eps)), Math.sqrt(abar[t]));
          if (options.clip) x0 = tf.clipByValue(x0, -1, 1);
          if (s < 0) return x0 as tf.Tensor4D;
          const sigma = eta * Math.sqrt((1 - abar[s]) / (1 - abar[t])) * Math.sqrt(1 - abar[t] / abar[s]);
          let out = tf.add(tf.mul(Math.sqrt(abar[s]), x0), tf.mul(Math.sqrt(1 - abar[s] - sigma * sigma), eps));
          if (eta > 0) out = tf.add(out, tf.mul(sigma, options.noise(x.shape)));
          return out as tf.Tensor4D;
        }),
      tensors: (eps) => [eps],
    },
    false,
  );
  return output;
}

/** The RDDM schedule equivalent to DDIM's ā_t for generation (sum_scale 1, true 1 − ᾱ_{T−1}, no endpoint floor, float64). */
export function ddimToRddm(alphasCumprod: ArrayLike<number>): RddmSchedule {
  return rddmScheduleFromAlphasCumprod({ alphasCumprod, sumScale: 1, floorEndpoint: false, float32: false, name: 'ddim-converted' });
}

/** ā_t back from an RDDM schedule whose coefficients satisfy ᾱ_t = 1 − √ā_t (throws if β̄_t² ≠ 1 − ā_t). */
export function rddmToDdim(schedule: RddmSchedule, tolerance = 1e-6): Float64Array {
  const out = schedule.alphaBar.map((a) => (1 - a) ** 2);
  out.forEach((abar, t) => {
    if (Math.abs(1 - abar - schedule.beta2Bar[t]) > tolerance) {
      throw new RdbmError(`rddmToDdim: schedule ${schedule.name} is not a converted DDIM schedule at t = ${t} (β̄² = ${schedule.beta2Bar[t]}, 1 − (1 − ᾱ)² = ${1 - abar})`);
    }
  });
  return out;
}

/** RDDM's per-step η that reproduces DDIM's σ at η^DDIM: η^RDDM(t → s) = (η^DDIM)² / ā_s. */
export function rddmEtaForDdim(alphasCumprod: ArrayLike<number>, etaDdim: number): (t: number, tNext: number) => number {
  const eta = number('eta', etaDdim, { min: 0, max: 1 });
  return (_t, tNext) => (eta * eta) / alphasCumprod[tNext];
}
