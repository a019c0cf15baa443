/**
 * The official sampling time grid: times = int(linspace(−1, T−1, NFE+1)), reversed, taken as
 * consecutive pairs (t, t_next).
 *
 * The official code builds it with a float32 torch.linspace on the CPU and truncates toward zero,
 * so the exact float32 rounding decides which steps are visited (58.999996 truncates to 58, not 59;
 * at T = 100 this changes the grid for 12 of the 100 possible NFE values). We reproduce ATen's CPU
 * kernel for x86-64 AVX2 builds (the common case), observed against torch on every NFE for T ∈ {7, 100, 1000}:
 *   - step = (end − start)/(steps − 1) in float32; halfway = ⌊steps/2⌋;
 *   - scalar element i: fma(step, i, start) for i < halfway, else fma(−step, steps−i−1, end) — the
 *     kernel is compiled with FMA contraction, so each is rounded once;
 *   - the bulk is written in pairs of 8-lane vectors: lane k of the vector starting at i is
 *     base_i + k·step (rounded twice), where base_i is the scalar value at i and the branch is chosen by i;
 *   - the tail (fewer than 16 elements) uses the scalar formula.
 */
import { RdbmError } from '../errors.js';
import { number } from '../util/validate.js';

const f32 = Math.fround;

/** a·b + c rounded once to float32 (a, b, c float32 values). */
export function fmaF32(a: number, b: number, c: number): number {
  const p = a * b; // exact in float64: two 24-bit significands
  const s = p + c;
  const bb = s - p;
  const e = p - (s - bb) + (c - bb); // TwoSum: s + e = p + c exactly
  const r = f32(s);
  if (e === 0 || r === s) return r;
  // s + e rounds like s unless s sits exactly on a float32 midpoint (representable in float64)
  const other = 2 * s - r;
  if (f32(other) !== other || other === r) return r;
  const hi = Math.max(r, other);
  const lo = Math.min(r, other);
  return e > 0 ? hi : lo;
}

/** SIMD width of the torch build whose grid is reproduced (AVX2: 8 float lanes). */
export const TORCH_FLOAT_LANES = 8;

/** torch.linspace(start, end, steps) in float32, as ATen's vectorised CPU kernel (AVX2 build) computes it. */
export function linspaceF32(start: number, end: number, steps: number, lanes = TORCH_FLOAT_LANES): Float32Array {
  const out = new Float32Array(steps);
  if (steps === 1) {
    out[0] = start;
    return out;
  }
  const s0 = f32(start);
  const e0 = f32(end);
  const step = f32(f32(e0 - s0) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  const scalar = (i: number) => (i < halfway ? fmaF32(step, i, s0) : fmaF32(-step, steps - i - 1, e0));
  let i = 0;
  for (; i <= steps - 2 * lanes; i += 2 * lanes) {
    for (const base of [i, i + lanes]) {
      const b = scalar(base);
      for (let k = 0; k < lanes; k++) out[base + k] = f32(b + f32(k * step));
    }
  }
  for (; i < steps; i++) out[i] = scalar(i);
  return out;
}

/** The (t, t_next) pairs visited by the official sampler, from t = T−1 down to t_next = −1. */
export function samplingTimePairs(timesteps: number, nfe: number): Array<[number, number]> {
  const T = number('timesteps', timesteps, { integer: true, min: 2 });
  if (!Number.isInteger(nfe) || nfe < 1 || nfe > T) {
    throw new RdbmError(`invalid nfe: ${nfe} (expected an integer in [1, ${T}], the number of network evaluations, at most T)`);
  }
  return timePairsFrom(T - 1, nfe);
}

/** The official grid started at step `start` instead of T−1: int(linspace(−1, start, NFE+1)), reversed (a prior's late start). */
export function timePairsFrom(start: number, nfe: number): Array<[number, number]> {
  number('start', start, { integer: true, min: 0 });
  if (!Number.isInteger(nfe) || nfe < 1 || nfe > start + 1) {
    throw new RdbmError(`invalid nfe: ${nfe} (expected an integer in [1, ${start + 1}], the number of network evaluations from step ${start})`);
  }
  const times = Array.from(linspaceF32(-1, start, nfe + 1), (v) => Math.trunc(v)).reverse();
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i + 1 < times.length; i++) pairs.push([times[i], times[i + 1]]);
  return pairs;
}
