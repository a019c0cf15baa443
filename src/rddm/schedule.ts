/**
 * RDDM's forward process (RDDM paper eq. 6; official `ResidualDiffusion.__init__`, `q_sample`):
 *
 *   x_t = x₀ + ᾱ_t (μ − x₀) + β̄_t ε − δ̄_t μ,   ε ~ N(0, I)
 *
 * with the residual I_res = μ − x₀, ᾱ_t = Σ_{i≤t} α_i (clipped to [0, 1]; ᾱ_{T−1} = 1), β̄_t² = Σ_{i≤t} β_i²
 * (clipped to [0, 1]) and δ̄_t = 0 except in DiffUIR, which also shrinks μ by δ̄_t = Σ_{i≤t} δ_i,
 * δ = linspace(1e-6, delta_end, T). Sampling starts from (1 − δ̄_{T−1}) μ + √sum_scale · z.
 *
 * Two ways to build (α, β²), both as in the official code:
 * - `rddmSchedule`: from gen_coefficients schedules (RDDM default α = decreased-v1, β² = increased-v1 · sum_scale);
 * - `rddmScheduleFromAlphasCumprod`: from a DDPM/DDIM ā_t (the paper's DDIM conversion and DiffUIR):
 *   ᾱ_t = 1 − √ā_t, β̄_t² = 1 − ā_t, so that for μ = 0 the RDDM marginal is DDPM's √ā_t x₀ + √(1 − ā_t) ε.
 * Computed in float64 except where the official float32 arithmetic is reproduced (see `ddpmAlphasCumprod`).
 */
import { RdbmError } from '../errors.js';
import { linspaceF32 } from '../bridge/timesteps.js';
import { number } from '../util/validate.js';
import { type RddmCoefficientSpec, rddmCoefficients } from './coefficients.js';

/** The official code replaces 1 − ᾱ_{T−1} (= 0) by this when recovering x̂₀ from ε̂ (SM-N). */
export const RDDM_ENDPOINT_FLOOR = 1e-6;

export interface RddmSchedule {
  /** a label (preset name or `custom`) */
  readonly name: string;
  /** T */
  readonly timesteps: number;
  /** α_t, the per-step residual weight (ᾱ_t − ᾱ_{t−1}) */
  readonly alpha: Float64Array;
  /** ᾱ_t (official `alphas_cumsum`): weight of μ − x₀ in x_t */
  readonly alphaBar: Float64Array;
  /** β̄_t² (official `betas2_cumsum`) */
  readonly beta2Bar: Float64Array;
  /** β̄_t (official `betas_cumsum`): noise std of x_t */
  readonly betaBar: Float64Array;
  /** δ̄_t (DiffUIR `delta_cumsum`; zeros for RDDM) */
  readonly deltaBar: Float64Array;
  /** 1 − ᾱ_t as the SM-N prediction divides by it (official `one_minus_alphas_cumsum`, last entry floored) */
  readonly oneMinusAlphaBar: Float64Array;
  /** sum_scale: the start state's noise variance (√sum_scale · z) */
  readonly sumScale: number;
}

export interface RddmScheduleOptions {
  /** T (official: 1000) */
  readonly timesteps: number;
  /** α schedule (RDDM exp. 2's `decreased-v1`) */
  readonly alpha?: RddmCoefficientSpec;
  /** β² schedule (official default `increased-v1`); it sums to the top-level sumScale */
  readonly beta2?: RddmCoefficientSpec;
  /**
   * sum_scale: Σβ_t² = β̄²_{T−1}. Default 0.01, the ResidualDiffusion class default for conditional models
   * (and DiffUIR's scripts); RDDM's own restoration scripts (exp. 2, deraining) and generation pass 1.
   */
  readonly sumScale?: number;
  readonly name?: string;
}

/** cumsum clipped to [0, 1], its last value snapped to the exact total (float64 drift of ~1e-16: ᾱ_{T−1} = 1 as in the paper and the float32 buffers). */
function cumsumClipped(values: ArrayLike<number>, total: number): Float64Array {
  const out = new Float64Array(values.length);
  let acc = 0;
  for (let i = 0; i < values.length; i++) out[i] = Math.min(1, Math.max(0, (acc += values[i])));
  if (Math.abs(out[out.length - 1] - total) < 1e-9) out[out.length - 1] = total;
  return out;
}

function finish(name: string, alphaBar: Float64Array, beta2Bar: Float64Array, deltaBar: Float64Array, sumScale: number, floorEndpoint: boolean): RddmSchedule {
  const T = alphaBar.length;
  const alpha = alphaBar.map((v, i) => v - (i === 0 ? 0 : alphaBar[i - 1]));
  const oneMinusAlphaBar = alphaBar.map((v) => 1 - v);
  if (floorEndpoint) oneMinusAlphaBar[T - 1] = RDDM_ENDPOINT_FLOOR;
  return Object.freeze({
    name,
    timesteps: T,
    alpha,
    alphaBar,
    beta2Bar,
    betaBar: beta2Bar.map(Math.sqrt),
    deltaBar,
    oneMinusAlphaBar,
    sumScale,
  });
}

/** RDDM's schedule from gen_coefficients schedules (experiment 2's α and β² schedules; sumScale default 0.01, see above). */
export function rddmSchedule(options: RddmScheduleOptions): RddmSchedule {
  const T = number('timesteps', options?.timesteps, { integer: true, min: 2 });
  const sumScale = number('sumScale', options.sumScale ?? 0.01, { gt: 0, max: 1 });
  if (options.beta2?.sumScale !== undefined && options.beta2.sumScale !== sumScale) {
    throw new RdbmError(`invalid beta2.sumScale: ${options.beta2.sumScale} (β² sums to the top-level sumScale ${sumScale}, which also scales the start noise; set sumScale instead)`);
  }
  const alphaSpec = options.alpha ?? { schedule: 'decreased-v1' as const };
  const alpha = rddmCoefficients(alphaSpec, T);
  const beta2 = rddmCoefficients({ schedule: 'increased-v1', ...options.beta2, sumScale }, T);
  return finish(options.name ?? 'custom', cumsumClipped(alpha, Math.min(1, alphaSpec.sumScale ?? 1)), cumsumClipped(beta2, sumScale), new Float64Array(T), sumScale, true);
}

export interface RddmFromAlphasCumprodOptions {
  /** DDPM's ā_t = Π_{i≤t}(1 − β_i), t = 0 … T−1 */
  readonly alphasCumprod: ArrayLike<number>;
  /** start noise variance (DiffUIR 0.01; 1 for generation, where the start is pure noise) */
  readonly sumScale?: number;
  /** DiffUIR's δ ramp end (δ = linspace(1e-6, deltaEnd, T), float32); omit for RDDM (δ = 0) */
  readonly deltaEnd?: number;
  /**
   * replace 1 − ᾱ_{T−1} by 1e-6 for SM-N, as the official code does (default true). Set false to keep the
   * true 1 − ᾱ_{T−1} = √ā_{T−1}, which the exact DDIM equivalence needs.
   */
  readonly floorEndpoint?: boolean;
  /**
   * round ᾱ, β̄² to float32 as the official buffers (default true: needed for DiffUIR's time condition ᾱ_t·T).
   * Set false for the exact DDIM conversion: 1 − ᾱ_{T−1} = √ā_{T−1} ≈ 0.0064 loses 5e-6 relative in float32.
   */
  readonly float32?: boolean;
  readonly name?: string;
}

/** ᾱ_t = 1 − √ā_t, β̄_t² = 1 − ā_t (RDDM's DDIM conversion; DiffUIR's schedule), plus DiffUIR's δ̄. */
export function rddmScheduleFromAlphasCumprod(options: RddmFromAlphasCumprodOptions): RddmSchedule {
  const abar = options?.alphasCumprod;
  if (!abar || abar.length < 2) throw new RdbmError(`invalid alphasCumprod: ${abar?.length ?? 0} values (expected at least 2 values of ā_t in (0, 1])`);
  for (let i = 0; i < abar.length; i++) {
    if (!(abar[i] > 0 && abar[i] <= 1)) throw new RdbmError(`invalid alphasCumprod[${i}]: ${abar[i]} (expected a value in (0, 1])`);
  }
  const T = abar.length;
  const sumScale = number('sumScale', options.sumScale ?? 1, { gt: 0, max: 1 });
  const f32 = options.float32 === false ? (v: number) => v : Math.fround;
  const alphaBar = new Float64Array(T);
  const beta2Bar = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    // float32 as the official code (alphas_cumprod ** 0.5 on a float32 tensor); exact for float32 inputs
    alphaBar[t] = f32(1 - f32(Math.sqrt(abar[t])));
    beta2Bar[t] = f32(1 - abar[t]);
  }
  const deltaBar = new Float64Array(T);
  if (options.deltaEnd !== undefined) {
    const deltaEnd = number('deltaEnd', options.deltaEnd, { gt: 0 });
    const delta = linspaceF32(1e-6, deltaEnd, T);
    // torch's CPU cumsum accumulates float32 in double and stores float32
    let acc = 0;
    for (let t = 0; t < T; t++) deltaBar[t] = Math.min(1, f32((acc += delta[t])));
  }
  return finish(options.name ?? 'custom', alphaBar, beta2Bar, deltaBar, sumScale, options.floorEndpoint ?? true);
}

/**
 * DDPM's ā_t for linear β from `start` to `end` (official: 1e-4 … 0.02), reproducing torch's float32
 * arithmetic (torch.linspace AVX2 kernel, 1 − β in float32, cumprod accumulated in double, stored float32).
 */
export function ddpmAlphasCumprod(timesteps: number, start = 1e-4, end = 0.02): Float64Array {
  const T = number('timesteps', timesteps, { integer: true, min: 2 });
  const betas = linspaceF32(start, end, T);
  const out = new Float64Array(T);
  let acc = 1;
  for (let t = 0; t < T; t++) out[t] = Math.fround((acc *= Math.fround(1 - betas[t])));
  return out;
}
