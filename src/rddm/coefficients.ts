/**
 * RDDM's per-step coefficient schedules (official `gen_coefficients`, RDDM paper §3 "coefficient schedules"):
 * a non-negative sequence over t = 0 … T−1 summing to `sumScale`, used for the residual weights α_t
 * (ᾱ_t = Σ_{i≤t} α_i, ᾱ_{T−1} = 1) and the noise variances β_t² (β̄_t² = Σ_{i≤t} β_i²).
 *
 * Two generations of the official function exist and differ:
 * - `increased`, `decreased`, `average`, `normal` — RDDM experiments 0, 3–6 and DiffUIR: y = linspace(0, 1, T)^ratio
 *   normalised to sum 1 (so the first `increased` value is 0); `normal` is a N(0, 1) density sampled on
 *   linspace(−3, 3, T), normalised. Computed there in float32, here in float64.
 * - `increased-v1`, `decreased-v1` — RDDM experiment 2 (deraining, the restoration default): y = 1, 2, …, T
 *   divided by T(T+1)/2 (first `increased-v1` value 2/(T(T+1)), not 0). `ratio` does not apply.
 * RDDM's restoration schedules are α = `decreased-v1`, β² = `increased-v1`. sum_scale 0.01 is the `ResidualDiffusion`
 * class default for conditional models (`sum_scale if sum_scale else 0.01`; DiffUIR's train.py/test.py pass 0.01 too),
 * but RDDM's own restoration scripts (experiment 2, deraining: train.py/test.py) pass sum_scale = 1, as generation does.
 */
import { RdbmError } from '../errors.js';
import { keyword, number } from '../util/validate.js';

export const RDDM_COEFFICIENT_SCHEDULE_NAMES = ['increased', 'decreased', 'average', 'normal', 'increased-v1', 'decreased-v1'] as const;
export type RddmCoefficientScheduleName = (typeof RDDM_COEFFICIENT_SCHEDULE_NAMES)[number];

/** One coefficient schedule: name, exponent `ratio` (official default 1; `increased`/`decreased` only) and total `sumScale` (default 1). */
export interface RddmCoefficientSpec {
  readonly schedule: RddmCoefficientScheduleName;
  readonly ratio?: number;
  readonly sumScale?: number;
}

function linspace(start: number, end: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = n === 1 ? start : start + ((end - start) * i) / (n - 1);
  return out;
}

function normalised(y: Float64Array): Float64Array {
  const sum = y.reduce((a, b) => a + b, 0);
  return y.map((v) => v / sum);
}

/** The shapes, each summing to 1 over T values. */
const SHAPES: Readonly<Record<RddmCoefficientScheduleName, (T: number, ratio: number) => Float64Array>> = Object.freeze({
  increased: (T, ratio) => normalised(linspace(0, 1, T).map((x) => x ** ratio)),
  decreased: (T, ratio) => normalised(linspace(0, 1, T).map((x) => x ** ratio)).reverse(),
  average: (T) => new Float64Array(T).fill(1 / T),
  normal: (T) => normalised(linspace(-3, 3, T).map((x) => Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI))),
  'increased-v1': (T) => linspace(1, T, T).map((x) => x / (0.5 * T * (T + 1))),
  'decreased-v1': (T) => linspace(1, T, T).reverse().map((x) => x / (0.5 * T * (T + 1))),
});

/** gen_coefficients(T, schedule, sum_scale, ratio): T values summing to sumScale. Throws RdbmError on bad input. */
export function rddmCoefficients(spec: RddmCoefficientSpec, timesteps: number): Float64Array {
  const schedule = keyword('coefficient schedule', spec?.schedule, RDDM_COEFFICIENT_SCHEDULE_NAMES);
  const T = number('timesteps', timesteps, { integer: true, min: 2 });
  const ratio = number('ratio', spec.ratio ?? 1, { gt: 0 });
  const sumScale = number('sumScale', spec.sumScale ?? 1, { gt: 0, max: 1 });
  if (ratio !== 1 && !(schedule === 'increased' || schedule === 'decreased')) {
    throw new RdbmError(`invalid ratio: ${ratio} for coefficient schedule ${schedule} (ratio applies to increased and decreased only)`);
  }
  return SHAPES[schedule](T, ratio).map((v) => v * sumScale);
}
