/**
 * Residual-to-noise ratio (paper §3.3): the squared residual signal carried by x_t over the
 * variance of its noise, per pixel (i, j) and step t:
 *   R(i,j,t) = Θ_t² (x₀ − μ)² / (Σ_t² π²)
 *            = (x₀ − μ)² / (2 π² λ) · sinh(θ̄_{t:T}) / (sinh(θ̄_{0:t}) · sinh(θ̄_{0:T}))
 * With π = x₀ − μ the residual cancels and R no longer depends on the pixel.
 * Conventions: R = +∞ where the noise vanishes and the residual does not (π = 0, or π = x₀ − μ = 0
 * is treated as the pixel-independent limit 1/(2λ)·…); R = 0 at t = T−1 (the bridge has reached μ).
 */
import { RdbmError } from '../errors.js';
import { number } from '../util/validate.js';
import { type PiVariant, checkPi, diffusionCoefficientScalar } from './pi.js';
import type { BridgeSchedule } from './schedule.js';

/** The pixel-independent factor sinh(θ̄_{t:T}) / (2λ · sinh(θ̄_{0:t}) · sinh(θ̄_{0:T})) for every t. */
export function rnrCurve(schedule: BridgeSchedule): Float64Array {
  const { thetaCumsum, thetaTotal: C, lambda } = schedule;
  const out = new Float64Array(schedule.timesteps);
  for (let t = 0; t < out.length; t++) {
    out[t] = Math.sinh(C - thetaCumsum[t]) / (2 * lambda * Math.sinh(thetaCumsum[t]) * Math.sinh(C));
  }
  return out;
}

export interface RnrMapOptions {
  /** clean image, any layout, values in [−1, 1] */
  readonly x0: ArrayLike<number>;
  /** degraded image, same layout */
  readonly mu: ArrayLike<number>;
  readonly schedule: BridgeSchedule;
  readonly pi: PiVariant;
  /** integer step */
  readonly t: number;
}

/** R(i, j, t) for every element of a pair at step t (same layout as the inputs). */
export function residualToNoiseRatio(options: RnrMapOptions): Float64Array {
  const { x0, mu, schedule } = options;
  const pi = checkPi(options.pi);
  const t = number('t', options.t, { integer: true, min: 0, max: schedule.timesteps - 1 });
  if (x0.length !== mu.length) {
    throw new RdbmError(`residualToNoiseRatio: mu has ${mu.length} values but x0 has ${x0.length} (expected equal sizes)`);
  }
  const k = rnrCurve(schedule)[t];
  const out = new Float64Array(x0.length);
  for (let i = 0; i < out.length; i++) {
    const r = x0[i] - mu[i];
    const p = diffusionCoefficientScalar(pi, x0[i], mu[i]);
    // π = x₀ − μ (or its magnitude): r²/p² = 1 even where r → 0 (the limit the paper states)
    const ratio = pi === 'residual' || pi === 'abs-residual' ? 1 : p === 0 ? (r === 0 ? 0 : Infinity) : (r * r) / (p * p);
    out[i] = ratio === 0 || k === 0 ? 0 : ratio * k;
  }
  return out;
}
