/**
 * The bridge family RDBM unifies (paper §3.4), each as (θ schedule, λ, π) or a documented limit.
 *
 * - rdbm:            cosine θ, λ = 10/255, π = x₀ − μ                    (the paper's model)
 * - rdbm-official:   cosine θ, λ = 1e-4,   π = 1                        (MiliLab/RDBM code at ddc8ef9)
 * - ou-bridge:       cosine θ, λ = 10/255, π = 1. The Generalized OU bridge (GOUB) has mean
 *                    μ + (x₀−μ)·e^{−θ̄_t}(1−e^{−2θ̄_{t:T}})/(1−e^{−2θ̄_T}) = μ + Θ_t (x₀−μ) and variance
 *                    λ_G²(1−e^{−2θ̄_t})(1−e^{−2θ̄_{t:T}})/(1−e^{−2θ̄_T}) = Σ_t² with λ = λ_G²: an exact match.
 * - flow-matching:   π = 0: x_t = μ + Θ_t (x₀ − μ), a deterministic path (any θ; cosine here).
 * - brownian-bridge: limit θ → 0 with λθ = g² fixed and π = 1: Θ_t → 1 − c_t/C (linear interpolation)
 *                    and Σ_t² → 2λ c_t (C − c_t)/C, the Brownian-bridge mean and variance. Realised with a
 *                    constant θ = ε and λ = g²/ε (ε = 1e-6).
 * - ve-bridge:       the same limit with a shaped θ: σ²(t) = 2λ c_t is the VE variance, and the bridge is
 *                    DDBM's VE bridge: mean (1 − σ_t²/σ_T²) x₀ + (σ_t²/σ_T²) μ, variance σ_t²(1 − σ_t²/σ_T²).
 *                    Realised with θ = ε · (cosine θ)/mean(cosine θ) and λ = g²/ε.
 * - vp-bridge:       DDBM's VP bridge is the VE bridge in scaled coordinates: with x̃_t = x_t/α_t, endpoint
 *                    μ̃ = μ/α_T and σ̃_t² = σ_t²/α_t² = 1/SNR_t, x̃ follows the VE bridge. Use `vpFromVe` to map.
 */
import { RdbmError } from '../errors.js';
import { registry } from '../util/registry.js';
import type { PiVariant } from './pi.js';
import { type BridgeSchedule, bridgeSchedule } from './schedule.js';
import { THETA_SCHEDULES, type ThetaScheduleName } from './schedules.js';

export interface BridgePreset {
  readonly id: string;
  readonly title: string;
  readonly pi: PiVariant;
  /** what the preset is, with the formula it reduces to */
  readonly note: string;
  /** `exact` when it is the generalized bridge itself; `limit` when realised by a small-θ limit */
  readonly kind: 'exact' | 'limit';
  /** builds the schedule for T steps */
  schedule(timesteps: number): BridgeSchedule;
}

/** ε used to realise θ → 0 limits: small enough that the limit formulas hold to ~1e-12 relative. */
export const LIMIT_EPSILON = 1e-6;
/** g² = λθ held fixed in the small-θ limits (per step), chosen so Σ is of order 0.1–0.5. */
export const LIMIT_G2 = 0.002;

function exact(id: string, title: string, pi: PiVariant, schedule: ThetaScheduleName, lambda: number, note: string): BridgePreset {
  return Object.freeze({
    id,
    title,
    pi,
    note,
    kind: 'exact' as const,
    schedule: (timesteps: number) => bridgeSchedule({ schedule, timesteps, lambda }),
  });
}

function limit(id: string, title: string, shape: 'constant' | ThetaScheduleName, note: string): BridgePreset {
  return Object.freeze({
    id,
    title,
    pi: 'one' as const,
    note,
    kind: 'limit' as const,
    schedule: (timesteps: number) => {
      let base: Float64Array;
      if (shape === 'constant') base = new Float64Array(timesteps).fill(1);
      else {
        const raw = THETA_SCHEDULES[shape].build(timesteps);
        const mean = raw.reduce((a, b) => a + b, 0) / timesteps;
        base = raw.map((v) => v / mean);
      }
      const theta = base.map((v) => v * LIMIT_EPSILON);
      return bridgeSchedule({ schedule: theta, lambda: LIMIT_G2 / LIMIT_EPSILON });
    },
  });
}

/** Every bridge preset, registered explicitly (src/util/registry.ts: lookup and the unknown-name message). */
const presets = registry('bridge preset', {
  rdbm: exact('rdbm', 'RDBM (paper)', 'residual', 'cosine', 10 / 255, 'π = x₀ − μ, cosine θ, λ = 10/255'),
  'rdbm-official': exact('rdbm-official', 'RDBM (official code, ddc8ef9)', 'one', 'cosine', 1e-4, 'π = 1, cosine θ, λ = 1e-4, as released'),
  'ou-bridge': exact('ou-bridge', 'OU bridge (GOUB)', 'one', 'cosine', 10 / 255, 'π = 1: GOUB mean and variance exactly, with λ = λ_GOUB²'),
  'flow-matching': exact('flow-matching', 'Flow matching', 'zero', 'cosine', 10 / 255, 'π = 0: deterministic path x_t = μ + Θ_t (x₀ − μ)'),
  'brownian-bridge': limit('brownian-bridge', 'Brownian bridge', 'constant', 'θ → 0 with λθ fixed: Θ_t → 1 − t/T-like linear interpolation, Σ_t² → 2λ c_t (C − c_t)/C'),
  've-bridge': limit('ve-bridge', 'VE bridge', 'cosine', 'θ → 0 with λθ fixed, shaped θ: DDBM VE bridge with σ_t² = 2λ c_t'),
  'vp-bridge': limit('vp-bridge', 'VP bridge (in VE coordinates)', 'cosine', 'DDBM VP bridge = VE bridge of x/α_t; map with vpFromVe'),
} satisfies Record<string, BridgePreset>);

export type BridgePresetId = (typeof presets.names)[number];
export const BRIDGE_PRESETS = presets.entries;
export const BRIDGE_PRESET_IDS = presets.names;
/** The preset called `id`; unknown ids throw listing the known ones. */
export const bridgePreset = presets.get;

/**
 * DDBM's VP bridge from its VE form: given α_t (signal scale) per step, the VP marginal is
 *   x_t = α_t · x̃_t, x̃_t ~ VE bridge between x₀ and μ̃ = μ/α_T with σ̃_t² = (1 − α_t²)/α_t² = 1/SNR_t.
 * Returns the coefficients (a_t on μ, b_t on x₀, c_t on ε) of x_t = a_t μ + b_t x₀ + c_t ε.
 */
export function vpFromVe(alpha: ArrayLike<number>): { a: Float64Array; b: Float64Array; c: Float64Array } {
  const T = alpha.length;
  const aT = alpha[T - 1];
  const snrInv = (t: number) => (1 - alpha[t] ** 2) / alpha[t] ** 2;
  const a = new Float64Array(T);
  const b = new Float64Array(T);
  const c = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    const w = snrInv(t) / snrInv(T - 1); // σ̃_t² / σ̃_T² = SNR_T / SNR_t
    a[t] = (alpha[t] / aT) * w;
    b[t] = alpha[t] * (1 - w);
    c[t] = alpha[t] * Math.sqrt(snrInv(t) * (1 - w));
  }
  return { a, b, c };
}

/**
 * VP-bridge coefficients realised by a generalized-bridge schedule in VE coordinates:
 * x_t = α_t (μ/α_T + Θ_t (x₀ − μ/α_T) + Σ_t ε) = a_t μ + b_t x₀ + c_t ε.
 * With θ_t = (1/SNR_t − 1/SNR_{t−1}) / (2λ) and λ → ∞ these equal `vpFromVe(alpha)`.
 */
export function vpCoefficients(schedule: BridgeSchedule, alpha: ArrayLike<number>): { a: Float64Array; b: Float64Array; c: Float64Array } {
  const T = schedule.timesteps;
  if (alpha.length !== T) throw new RdbmError(`vpCoefficients: alpha has ${alpha.length} values (expected T = ${T})`);
  const aT = alpha[T - 1];
  const a = new Float64Array(T);
  const b = new Float64Array(T);
  const c = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    a[t] = (alpha[t] * (1 - schedule.Theta[t])) / aT;
    b[t] = alpha[t] * schedule.Theta[t];
    c[t] = alpha[t] * schedule.Sigma[t];
  }
  return { a, b, c };
}

/** θ realising a VP schedule α_t in VE coordinates: θ_t = (1/SNR_t − 1/SNR_{t−1}) / (2λ), 1/SNR_t = (1 − α_t²)/α_t². */
export function thetaForVp(alpha: ArrayLike<number>, lambda: number): Float64Array {
  const theta = new Float64Array(alpha.length);
  let previous = 0;
  for (let t = 0; t < alpha.length; t++) {
    const snrInv = (1 - alpha[t] ** 2) / alpha[t] ** 2;
    theta[t] = (snrInv - previous) / (2 * lambda);
    previous = snrInv;
  }
  return theta;
}
