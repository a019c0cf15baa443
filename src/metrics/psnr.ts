/**
 * Mean squared errors with the arithmetic of each reference, and the PSNR formulas built on them.
 * All functions take images / planes of equal size (checked by the caller).
 */
import type { Image8 } from '../image/types.js';
import type { MetricPlane } from './plane.js';

const f32 = Math.fround;

/** Σ(a−b)² over all 8-bit samples divided by their count. Integer sums are exact, as numpy's float64 mean is here. */
export function mse8(a: Image8, b: Image8): number {
  const x = a.data;
  const y = b.data;
  const n = x.length;
  let sum = 0;
  // chunked integer accumulation: exact while each chunk sum < 2^31
  for (let start = 0; start < n; start += 32768) {
    const end = Math.min(n, start + 32768);
    let s = 0;
    for (let i = start; i < end; i++) {
      const d = x[i] - y[i];
      s += d * d;
    }
    sum += s;
  }
  return sum / n;
}

/** mean((a−b)²) of two float64 planes. */
export function msePlane(a: MetricPlane, b: MetricPlane): number {
  const x = a.data;
  const y = b.data;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - y[i];
    sum += d * d;
  }
  return sum / x.length;
}

/** float32((float32(a/255) − float32(b/255))²) for every pair of 8-bit values, indexed a·256 + b. */
const SQ_DIFF_F32 = (() => {
  const t = new Float64Array(65536);
  for (let a = 0; a < 256; a++) {
    for (let b = 0; b < 256; b++) {
      const d = f32(f32(a / 255) - f32(b / 255));
      t[a * 256 + b] = f32(d * d);
    }
  }
  return t;
})();

/** numpy's float32 pairwise summation (loops_utils.h `pairwise_sum`, 8 accumulators, blocks of 128). */
function pairwiseF32(x: Uint8Array, y: Uint8Array, off: number, n: number): number {
  const t = SQ_DIFF_F32;
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res = f32(res + t[x[off + i] * 256 + y[off + i]]);
    return res;
  }
  if (n <= 128) {
    let r0 = t[x[off] * 256 + y[off]];
    let r1 = t[x[off + 1] * 256 + y[off + 1]];
    let r2 = t[x[off + 2] * 256 + y[off + 2]];
    let r3 = t[x[off + 3] * 256 + y[off + 3]];
    let r4 = t[x[off + 4] * 256 + y[off + 4]];
    let r5 = t[x[off + 5] * 256 + y[off + 5]];
    let r6 = t[x[off + 6] * 256 + y[off + 6]];
    let r7 = t[x[off + 7] * 256 + y[off + 7]];
    const m = n - (n % 8);
    let i = 8;
    for (; i < m; i += 8) {
      const p = off + i;
      r0 = f32(r0 + t[x[p] * 256 + y[p]]);
      r1 = f32(r1 + t[x[p + 1] * 256 + y[p + 1]]);
      r2 = f32(r2 + t[x[p + 2] * 256 + y[p + 2]]);
      r3 = f32(r3 + t[x[p + 3] * 256 + y[p + 3]]);
      r4 = f32(r4 + t[x[p + 4] * 256 + y[p + 4]]);
      r5 = f32(r5 + t[x[p + 5] * 256 + y[p + 5]]);
      r6 = f32(r6 + t[x[p + 6] * 256 + y[p + 6]]);
      r7 = f32(r7 + t[x[p + 7] * 256 + y[p + 7]]);
    }
    let res = f32(f32(f32(r0 + r1) + f32(r2 + r3)) + f32(f32(r4 + r5) + f32(r6 + r7)));
    for (; i < n; i++) res = f32(res + t[x[off + i] * 256 + y[off + i]]);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return f32(pairwiseF32(x, y, off, n2) + pairwiseF32(x, y, off + n2, n - n2));
}

/**
 * DGSolver's `np.mean((a.astype(float32)/255 − b.astype(float32)/255) ** 2)` in float32, as numpy
 * computes it: pairwise sums over buffer-sized blocks of 8192 samples, added in order.
 */
export function mseUnitFloat32(a: Image8, b: Image8): number {
  const n = a.data.length;
  let sum = 0;
  for (let off = 0; off < n; off += 8192) sum = f32(sum + pairwiseF32(a.data, b.data, off, Math.min(8192, n - off)));
  return f32(sum / n);
}

/** PSNR for a peak value, +Infinity when mse = 0: 10·log10(peak²/mse). */
export function psnrFromMse(mse: number, peak: number): number {
  return mse === 0 ? Infinity : 10 * Math.log10((peak * peak) / mse);
}
