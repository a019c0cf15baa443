/**
 * SSIM (Wang, Bovik, Sheikh, Simoncelli, IEEE TIP 2004) over the windows that lie fully inside the
 * image. Every convention here averages the map over exactly those windows (scikit-image crops
 * (win−1)/2 px, BasicSR crops 5 px after filter2D, MATLAB uses filter2 'valid'), so border
 * handling (reflect, reflect-101) never reaches the result and is not implemented.
 *
 *   SSIM = (2 μx μy + C1)(2 σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2))
 */
import type { Image8 } from '../image/types.js';
import type { MetricPlane } from './plane.js';

/** C1 = (0.01·L)², C2 = (0.03·L)² for data range L (Wang et al. defaults K1 = 0.01, K2 = 0.03). */
export function ssimConstants(dataRange: number): { c1: number; c2: number } {
  return { c1: (0.01 * dataRange) ** 2, c2: (0.03 * dataRange) ** 2 };
}

/**
 * Normalised 1-D Gaussian of `size` taps, as OpenCV `getGaussianKernel(size, sigma)` (CV_64F) and
 * scipy's `_gaussian_kernel1d` compute it: exp(−x²/(2σ²)) for x = −r…r, divided by the sum.
 * MATLAB `fspecial('gaussian', size, sigma)` is its outer product with itself.
 */
export function ssimGaussianKernel(size: number, sigma: number): Float64Array {
  const k = new Float64Array(size);
  const scale = -0.5 / (sigma * sigma);
  const r = (size - 1) / 2;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const x = i - r;
    k[i] = Math.exp(scale * x * x);
    sum += k[i];
  }
  const inv = 1 / sum;
  for (let i = 0; i < size; i++) k[i] *= inv;
  return k;
}

/**
 * Mean SSIM of two planes with a separable window `kernel` (odd length, sums to 1) and population
 * statistics (σ² = E[x²] − μ²): BasicSR `_ssim`, MATLAB `SSIM_index`, scikit-image with
 * `gaussian_weights=True, use_sample_covariance=False`. Float64 throughout, one row of the
 * vertical pass in memory at a time.
 */
export function ssimSeparable(a: MetricPlane, b: MetricPlane, kernel: Float64Array, c1: number, c2: number): number {
  if (kernel.length === 11) return ssimSeparable11(a, b, kernel, c1, c2);
  const W = a.width;
  const K = kernel.length;
  const outW = W - K + 1;
  const outH = a.height - K + 1;
  const A = a.data;
  const B = b.data;
  const va = new Float64Array(W);
  const vb = new Float64Array(W);
  const vaa = new Float64Array(W);
  const vbb = new Float64Array(W);
  const vab = new Float64Array(W);
  let total = 0;
  for (let i = 0; i < outH; i++) {
    for (let j = 0; j < W; j++) {
      let sa = 0;
      let sb = 0;
      let saa = 0;
      let sbb = 0;
      let sab = 0;
      for (let k = 0; k < K; k++) {
        const p = (i + k) * W + j;
        const w = kernel[k];
        const x = A[p];
        const y = B[p];
        sa += w * x;
        sb += w * y;
        saa += w * x * x;
        sbb += w * y * y;
        sab += w * x * y;
      }
      va[j] = sa;
      vb[j] = sb;
      vaa[j] = saa;
      vbb[j] = sbb;
      vab[j] = sab;
    }
    for (let j = 0; j < outW; j++) {
      let mu1 = 0;
      let mu2 = 0;
      let e11 = 0;
      let e22 = 0;
      let e12 = 0;
      for (let k = 0; k < K; k++) {
        const w = kernel[k];
        mu1 += w * va[j + k];
        mu2 += w * vb[j + k];
        e11 += w * vaa[j + k];
        e22 += w * vbb[j + k];
        e12 += w * vab[j + k];
      }
      total += ssimTerm(mu1, mu2, e11, e22, e12, c1, c2);
    }
  }
  return total / (outW * outH);
}

/** One SSIM map value from window means μ1, μ2 and second moments E[x²], E[y²], E[xy]. */
function ssimTerm(mu1: number, mu2: number, e11: number, e22: number, e12: number, c1: number, c2: number): number {
  const mu1Sq = mu1 * mu1;
  const mu2Sq = mu2 * mu2;
  const mu12 = mu1 * mu2;
  return ((2 * mu12 + c1) * (2 * (e12 - mu12) + c2)) / ((mu1Sq + mu2Sq + c1) * (e11 - mu1Sq + (e22 - mu2Sq) + c2));
}

/**
 * ssimSeparable for the 11-tap windows of every Gaussian convention, the hot loop of folder runs.
 * It filters u = x + y and v = x − y (and u², v²) instead of x, y, x², y², xy: four filtered
 * quantities instead of five, with
 *   2μxμy = (μu² − μv²)/2,  μx² + μy² = (μu² + μv²)/2,
 *   2σxy = (σu² − σv²)/2,   σx² + σy² = (σu² + σv²)/2,
 * identical in exact arithmetic and within ~1e-13 in float64. Unrolled with the kernel's symmetry.
 * kernels/ssim.c (ssim_gauss11) repeats these operations in the same order: change both together.
 */
function ssimSeparable11(a: MetricPlane, b: MetricPlane, kernel: Float64Array, c1: number, c2: number): number {
  const W = a.width;
  const outW = W - 10;
  const outH = a.height - 10;
  const fu = new Float64Array(W);
  const fv = new Float64Array(W);
  const fuu = new Float64Array(W);
  const fvv = new Float64Array(W);
  let total = 0;
  // one call per row keeps the hot loops in small, fully optimised functions (no per-image OSR)
  for (let i = 0; i < outH; i++) {
    verticalRow11(a.data, b.data, W, i * W, kernel, fu, fv, fuu, fvv);
    total += horizontalRow11(fu, fv, fuu, fvv, outW, kernel, c1, c2);
  }
  return total / (outW * outH);
}

/** Vertical 11-tap pass of u, v, u², v² for the output row whose window starts at offset r0. */
function verticalRow11(A: Float32Array, B: Float32Array, W: number, r0: number, kernel: Float64Array, fu: Float64Array, fv: Float64Array, fuu: Float64Array, fvv: Float64Array): void {
  const g0 = kernel[0], g1 = kernel[1], g2 = kernel[2], g3 = kernel[3], g4 = kernel[4], g5 = kernel[5];
  const r1 = r0 + W;
  const r2 = r1 + W;
  const r3 = r2 + W;
  const r4 = r3 + W;
  const r5 = r4 + W;
  const r6 = r5 + W;
  const r7 = r6 + W;
  const r8 = r7 + W;
  const r9 = r8 + W;
  const r10 = r9 + W;
  for (let j = 0; j < W; j++) {
    let x = A[r0 + j], y = B[r0 + j];
    const u0 = x + y, v0 = x - y;
    x = A[r10 + j]; y = B[r10 + j];
    const u10 = x + y, v10 = x - y;
    x = A[r1 + j]; y = B[r1 + j];
    const u1 = x + y, v1 = x - y;
    x = A[r9 + j]; y = B[r9 + j];
    const u9 = x + y, v9 = x - y;
    x = A[r2 + j]; y = B[r2 + j];
    const u2 = x + y, v2 = x - y;
    x = A[r8 + j]; y = B[r8 + j];
    const u8 = x + y, v8 = x - y;
    x = A[r3 + j]; y = B[r3 + j];
    const u3 = x + y, v3 = x - y;
    x = A[r7 + j]; y = B[r7 + j];
    const u7 = x + y, v7 = x - y;
    x = A[r4 + j]; y = B[r4 + j];
    const u4 = x + y, v4 = x - y;
    x = A[r6 + j]; y = B[r6 + j];
    const u6 = x + y, v6 = x - y;
    x = A[r5 + j]; y = B[r5 + j];
    const u5 = x + y, v5 = x - y;
    fu[j] = g0 * (u0 + u10) + g1 * (u1 + u9) + g2 * (u2 + u8) + g3 * (u3 + u7) + g4 * (u4 + u6) + g5 * u5;
    fv[j] = g0 * (v0 + v10) + g1 * (v1 + v9) + g2 * (v2 + v8) + g3 * (v3 + v7) + g4 * (v4 + v6) + g5 * v5;
    fuu[j] = g0 * (u0 * u0 + u10 * u10) + g1 * (u1 * u1 + u9 * u9) + g2 * (u2 * u2 + u8 * u8) + g3 * (u3 * u3 + u7 * u7) + g4 * (u4 * u4 + u6 * u6) + g5 * u5 * u5;
    fvv[j] = g0 * (v0 * v0 + v10 * v10) + g1 * (v1 * v1 + v9 * v9) + g2 * (v2 * v2 + v8 * v8) + g3 * (v3 * v3 + v7 * v7) + g4 * (v4 * v4 + v6 * v6) + g5 * v5 * v5;
  }
}

/** Horizontal 11-tap pass and the SSIM map summed over one output row. */
function horizontalRow11(fu: Float64Array, fv: Float64Array, fuu: Float64Array, fvv: Float64Array, outW: number, kernel: Float64Array, c1: number, c2: number): number {
  const g0 = kernel[0], g1 = kernel[1], g2 = kernel[2], g3 = kernel[3], g4 = kernel[4], g5 = kernel[5];
  let rowSum = 0;
  for (let j = 0; j < outW; j++) {
    const mu = g0 * (fu[j] + fu[j + 10]) + g1 * (fu[j + 1] + fu[j + 9]) + g2 * (fu[j + 2] + fu[j + 8]) + g3 * (fu[j + 3] + fu[j + 7]) + g4 * (fu[j + 4] + fu[j + 6]) + g5 * fu[j + 5];
    const mv = g0 * (fv[j] + fv[j + 10]) + g1 * (fv[j + 1] + fv[j + 9]) + g2 * (fv[j + 2] + fv[j + 8]) + g3 * (fv[j + 3] + fv[j + 7]) + g4 * (fv[j + 4] + fv[j + 6]) + g5 * fv[j + 5];
    const euu = g0 * (fuu[j] + fuu[j + 10]) + g1 * (fuu[j + 1] + fuu[j + 9]) + g2 * (fuu[j + 2] + fuu[j + 8]) + g3 * (fuu[j + 3] + fuu[j + 7]) + g4 * (fuu[j + 4] + fuu[j + 6]) + g5 * fuu[j + 5];
    const evv = g0 * (fvv[j] + fvv[j + 10]) + g1 * (fvv[j + 1] + fvv[j + 9]) + g2 * (fvv[j + 2] + fvv[j + 8]) + g3 * (fvv[j + 3] + fvv[j + 7]) + g4 * (fvv[j + 4] + fvv[j + 6]) + g5 * fvv[j + 5];
    const mu2 = mu * mu;
    const mv2 = mv * mv;
    const varU = euu - mu2;
    const varV = evv - mv2;
    rowSum += ((0.5 * (mu2 - mv2) + c1) * (0.5 * (varU - varV) + c2)) / ((0.5 * (mu2 + mv2) + c1) * (0.5 * (varU + varV) + c2));
  }
  return rowSum;
}

/**
 * scikit-image `structural_similarity` defaults on each channel of two 8-bit images: `win × win`
 * uniform window, sample covariance (N/(N−1)), data range 255, mean over the map cropped by
 * (win−1)/2. Window sums of u = x + y, v = x − y, u², v² are exact integers (running column sums,
 * one row at a time), and skimage's quantities follow from them:
 *   2μxμy = (μu² − μv²)/2, μx² + μy² = (μu² + μv²)/2, 2σxy = (σu² − σv²)/2, σx² + σy² = (σu² + σv²)/2
 * (σ with the N/(N−1) factor). Returns the mean SSIM of every channel.
 * kernels/ssim.c (ssim_uniform) repeats these operations in the same order: change both together.
 */
export function ssimUniformSample(a: Image8, b: Image8, win = 7): number[] {
  const W = a.width;
  const H = a.height;
  const C = a.channels;
  const rowLen = W * C;
  const X = a.data;
  const Y = b.data;
  // column sums over the current `win` rows (|sum| < 2^31)
  const su = new Int32Array(rowLen);
  const sv = new Int32Array(rowLen);
  const suu = new Int32Array(rowLen);
  const svv = new Int32Array(rowLen);
  for (let r = 0; r < win; r++) slideColumns(X, Y, -1, r * rowLen, rowLen, su, sv, suu, svv);
  const np = win * win;
  const { c1, c2 } = ssimConstants(255);
  const outW = W - win + 1;
  const outH = H - win + 1;
  const sums = new Float64Array(C);
  // one call per row and channel keeps the hot loops in small, fully optimised functions
  for (let i = 0; i < outH; i++) {
    if (i > 0) slideColumns(X, Y, (i - 1) * rowLen, (i + win - 1) * rowLen, rowLen, su, sv, suu, svv);
    for (let ch = 0; ch < C; ch++) sums[ch] += uniformRow(su, sv, suu, svv, ch, C, win, outW, np, c1, c2);
  }
  return Array.from(sums, (v) => v / (outW * outH));
}

/** Column sums: adds the row at offset `add` and removes the one at `remove` (−1: none). */
function slideColumns(X: Uint8Array, Y: Uint8Array, remove: number, add: number, rowLen: number, su: Int32Array, sv: Int32Array, suu: Int32Array, svv: Int32Array): void {
  if (remove < 0) {
    for (let e = 0; e < rowLen; e++) {
      const x = X[add + e];
      const y = Y[add + e];
      const u = x + y;
      const v = x - y;
      su[e] += u;
      sv[e] += v;
      suu[e] += u * u;
      svv[e] += v * v;
    }
    return;
  }
  for (let e = 0; e < rowLen; e++) {
    const x0 = X[remove + e];
    const y0 = Y[remove + e];
    const x1 = X[add + e];
    const y1 = Y[add + e];
    const u0 = x0 + y0;
    const v0 = x0 - y0;
    const u1 = x1 + y1;
    const v1 = x1 - y1;
    su[e] += u1 - u0;
    sv[e] += v1 - v0;
    suu[e] += u1 * u1 - u0 * u0;
    svv[e] += v1 * v1 - v0 * v0;
  }
}

/** The SSIM map of one channel summed over one output row, from the column sums. */
function uniformRow(su: Int32Array, sv: Int32Array, suu: Int32Array, svv: Int32Array, ch: number, C: number, win: number, outW: number, np: number, c1: number, c2: number): number {
  const inv = 1 / np;
  const halfCov = (0.5 * np) / (np - 1);
  let hu = 0;
  let hv = 0;
  let huu = 0;
  let hvv = 0;
  for (let k = 0; k < win; k++) {
    const e = k * C + ch;
    hu += su[e];
    hv += sv[e];
    huu += suu[e];
    hvv += svv[e];
  }
  let rowSum = 0;
  let out = ch;
  let inn = win * C + ch;
  for (let j = 0; j < outW; j++) {
    const mu = hu * inv;
    const mv = hv * inv;
    const mu2 = mu * mu;
    const mv2 = mv * mv;
    const varU = huu * inv - mu2;
    const varV = hvv * inv - mv2;
    rowSum += ((0.5 * (mu2 - mv2) + c1) * (halfCov * (varU - varV) + c2)) / ((0.5 * (mu2 + mv2) + c1) * (halfCov * (varU + varV) + c2));
    if (j + 1 < outW) {
      hu += su[inn] - su[out];
      hv += sv[inn] - sv[out];
      huu += suu[inn] - suu[out];
      hvv += svv[inn] - svv[out];
      out += C;
      inn += C;
    }
  }
  return rowSum;
}
