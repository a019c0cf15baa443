/**
 * The generalized bridge's closed-form coefficients (paper §3; official code `RDBM.__init__`).
 *
 *   c_t = Σ_{i ≤ t} θ_i,  C = c_{T−1},  θ̄_{t:T} = C − c_t
 *   Θ_t  = sinh(C − c_t) / sinh(C)                       (weight of x₀ − μ in the mean)
 *   Σ_t² = 2λ · sinh(c_t) · sinh(C − c_t) / sinh(C)       (variance of the bridge noise)
 *
 * so Θ_{T−1} = Σ_{T−1} = 0 and the bridge ends exactly at μ. Computed in float64.
 */
import { number } from '../util/validate.js';
import { type ScheduleSpec, thetaValues } from './schedules.js';

export interface BridgeScheduleOptions {
  /** `cosine` (official), `linear`, `sigmoid`, or θ values (then `timesteps` may be omitted) */
  readonly schedule: ScheduleSpec;
  /** T, the number of discretisation steps (official: 100); at least 2 */
  readonly timesteps?: number;
  /** λ > 0, the stationary variance scale (paper: 10/255; official code at HEAD: 1e-4) */
  readonly lambda: number;
}

export interface BridgeSchedule {
  /** schedule name, or `custom` for a θ array */
  readonly name: string;
  /** T */
  readonly timesteps: number;
  /** λ */
  readonly lambda: number;
  /** θ_t */
  readonly theta: Float64Array;
  /** c_t = Σ_{i≤t} θ_i (θ̄_{0:t}) */
  readonly thetaCumsum: Float64Array;
  /** C = θ̄_{0:T} */
  readonly thetaTotal: number;
  /** Θ_t = sinh(θ̄_{t:T}) / sinh(θ̄_{0:T}) */
  readonly Theta: Float64Array;
  /** Σ_t² */
  readonly Sigma2: Float64Array;
  /** Σ_t */
  readonly Sigma: Float64Array;
}

/** Θ, Σ and their ingredients for a θ schedule, T and λ. Pure; throws RdbmError on bad input. */
export function bridgeSchedule(options: BridgeScheduleOptions): BridgeSchedule {
  const custom = typeof options.schedule !== 'string';
  if (!custom || options.timesteps !== undefined) number('timesteps', options.timesteps, { integer: true, min: 2 });
  number('lambda', options.lambda, { gt: 0 });
  const theta = thetaValues(options.schedule, options.timesteps);
  const T = theta.length;
  if (custom) number('timesteps (length of the θ array)', T, { integer: true, min: 2 });
  const thetaCumsum = new Float64Array(T);
  let acc = 0;
  for (let i = 0; i < T; i++) thetaCumsum[i] = acc += theta[i];
  const C = thetaCumsum[T - 1];
  const sinhC = Math.sinh(C);
  const Theta = new Float64Array(T);
  const Sigma2 = new Float64Array(T);
  const Sigma = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    const rest = C - thetaCumsum[t];
    Theta[t] = Math.sinh(rest) / sinhC;
    Sigma2[t] = (2 * options.lambda * Math.sinh(thetaCumsum[t]) * Math.sinh(rest)) / sinhC;
    Sigma[t] = Math.sqrt(Sigma2[t]);
  }
  return Object.freeze({
    name: custom ? 'custom' : (options.schedule as string),
    timesteps: T,
    lambda: options.lambda,
    theta,
    thetaCumsum,
    thetaTotal: C,
    Theta,
    Sigma2,
    Sigma,
  });
}
