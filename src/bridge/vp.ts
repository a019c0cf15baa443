/**
 * The generative VP (variance-preserving) process a pretrained generative prior is trained on:
 *   x_s = √ᾱ_s x₀ + √(1 − ᾱ_s) ε,   ε ~ N(0, I)
 * (DDPM, Ho et al. 2020; improved DDPM, Nichol & Dhariwal 2021). Used by IRBridge-style sampling
 * (this toolkit's derivation of the idea, see transition.ts) and by generative training (models/train.ts).
 *
 * ᾱ comes from the same β registry as the bridge's θ (schedules.ts): the bridge's `cosine` θ IS the
 * improved-DDPM β (betas_for_alpha_bar, capped at 0.999) and `linear` IS DDPM's linear β from 1e-4 to 0.02,
 * so one definition serves both: β_i = θ_i and ᾱ is their cumulative product, in float64.
 * (rddm/schedule.ts `ddpmAlphasCumprod` is the float32, torch-rounded copy kept for parity with the
 * official RDDM/DiffUIR buffers; it agrees with `linear` here to float32 rounding.)
 *
 * Time is continuous, s ∈ [0, S]: ᾱ(0) = 1 is the clean image itself (SNR ∞), ᾱ(k) = Π_{i<k}(1 − β_i) at the
 * integer knots (DDPM's ā_{k−1}), and ᾱ is linear in s between knots (strictly decreasing, so invertible).
 */
import { RdbmError } from '../errors.js';
import { number } from '../util/validate.js';
import { type ScheduleSpec, thetaValues } from './schedules.js';

export interface VpSchedule {
  /** the β schedule's name (`cosine`, `linear`, `sigmoid`) or `custom` */
  readonly name: string;
  /** S, the number of generative steps */
  readonly timesteps: number;
  /** ᾱ at s = 0 … S (length S + 1; ᾱ[0] = 1) */
  readonly alphaBar: Float64Array;
}

/** ᾱ knots for a β schedule (a name of the θ registry, or β values) and S steps. */
export function vpSchedule(options: { readonly schedule: ScheduleSpec; readonly timesteps?: number }): VpSchedule {
  const custom = typeof options.schedule !== 'string';
  if (!custom || options.timesteps !== undefined) number('timesteps', options.timesteps, { integer: true, min: 2 });
  const beta = thetaValues(options.schedule, options.timesteps);
  beta.forEach((b, i) => {
    if (!(b < 1)) throw new RdbmError(`invalid VP β[${i}]: ${b} (expected a value in (0, 1))`);
  });
  const alphaBar = new Float64Array(beta.length + 1);
  alphaBar[0] = 1;
  for (let i = 0; i < beta.length; i++) alphaBar[i + 1] = alphaBar[i] * (1 - beta[i]);
  return Object.freeze({ name: custom ? 'custom' : (options.schedule as string), timesteps: beta.length, alphaBar });
}

/** ᾱ(s) for real s ∈ [0, S] (linear between knots). */
export function alphaBarAt(schedule: VpSchedule, s: number): number {
  const S = schedule.timesteps;
  number('s', s, { min: 0, max: S });
  const k = Math.min(Math.floor(s), S - 1);
  const f = s - k;
  return schedule.alphaBar[k] * (1 - f) + schedule.alphaBar[k + 1] * f;
}

/** SNR(s) = ᾱ(s) / (1 − ᾱ(s)); ∞ at s = 0. */
export function vpSnr(schedule: VpSchedule, s: number): number {
  const a = alphaBarAt(schedule, s);
  return a >= 1 ? Infinity : a / (1 - a);
}

/** The s with ᾱ(s) = a, for a ∈ [ᾱ(S), 1] (inverse of alphaBarAt); undefined outside that range. */
export function timeAtAlphaBar(schedule: VpSchedule, a: number): number | undefined {
  const ab = schedule.alphaBar;
  const S = schedule.timesteps;
  if (!(a <= 1 && a >= ab[S])) return undefined;
  let lo = 0;
  let hi = S; // invariant ab[lo] >= a >= ab[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ab[mid] >= a) lo = mid;
    else hi = mid;
  }
  return ab[lo] === ab[hi] ? lo : lo + (ab[lo] - a) / (ab[lo] - ab[hi]);
}
