/**
 * SSIM (Wang, Bovik, Sheikh, Simoncelli, IEEE TIP 2004) over the windows that lie fully inside the
 * image. Every convention here averages the map over exactly those windows (scikit-image crops
 * (win−1)/2 px, BasicSR crops 5 px after filter2D, MATLAB uses filter2 'valid'), so border
 * handling (reflect, reflect-101) never reaches the result and is not implemented.
 *
 *   SSIM = (2 μx μy + C1)(2 σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2))
 */
import type { Image8 } from '../image/types.js';
import type { Plane } from './plane.js';

/** C1 = (0.01·L)², C2 = (0.03·L)² for data range L (Wang et al. defaults K1 = 0.01, K2 = 0.03). */
export function ssimConstants(dataRange: number): { c1: number; c2: number } {
  return { c1: (0.01 * dataRange) ** 2, c2: (0.03 * dataRange) ** 2 };
}

/**
 * Normalised 1-D Gaussian of `size` taps, as OpenCV `getGaussianKernel(size, sigma)` (CV_64F) and
 * scipy's `_gaussian_kernel1d` compute it: exp(−x²/(2σ²)) for x = −r…r, divided by the sum.
 * MATLAB `fspecial('gaussian', size, sigma)` is its outer product with itself.
 */
export function gaussianKernel(size: number, sigma: number): Float64Array {
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
export function ssimSeparable(a: Plane, b: Plane, kernel: Float64Array, c1: number, c2: number): number {
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
  const half = (K - 1) >> 1;
  let total = 0;
  for (let i = 0; i < outH; i++) {
    const top = i * W;
    for (let j = 0; j < W; j++) {
      // centre tap, then the symmetric pairs (k, K−1−k) sharing one weight
      let p = top + half * W + j;
      let x = A[p];
      let y = B[p];
      let w = kernel[half];
      let sa = w * x;
      let sb = w * y;
      let saa = sa * x;
      let sbb = sb * y;
      let sab = sa * y;
      for (let k = 0; k < half; k++) {
        w = kernel[k];
        p = top + k * W + j;
        const q = top + (K - 1 - k) * W + j;
        x = A[p];
        y = B[p];
        const x2 = A[q];
        const y2 = B[q];
        sa += w * (x + x2);
        sb += w * (y + y2);
        saa += w * (x * x + x2 * x2);
        sbb += w * (y * y + y2 * y2);
        sab += w * (x * y + x2 * y2);
      }
      va[j] = sa;
      vb[j] = sb;
      vaa[j] = saa;
      vbb[j] = sbb;
      vab[j] = sab;
    }
    let rowSum = 0;
    for (let j = 0; j < outW; j++) {
      const c = j + half;
      let w = kernel[half];
      let mu1 = w * va[c];
      let mu2 = w * vb[c];
      let e11 = w * vaa[c];
      let e22 = w * vbb[c];
      let e12 = w * vab[c];
      for (let k = 0; k < half; k++) {
        w = kernel[k];
        const l = j + k;
        const r = j + K - 1 - k;
        mu1 += w * (va[l] + va[r]);
        mu2 += w * (vb[l] + vb[r]);
        e11 += w * (vaa[l] + vaa[r]);
        e22 += w * (vbb[l] + vbb[r]);
        e12 += w * (vab[l] + vab[r]);
      }
      const mu1Sq = mu1 * mu1;
      const mu2Sq = mu2 * mu2;
      const mu12 = mu1 * mu2;
      const s1 = e11 - mu1Sq;
      const s2 = e22 - mu2Sq;
      const s12 = e12 - mu12;
      rowSum += ((2 * mu12 + c1) * (2 * s12 + c2)) / ((mu1Sq + mu2Sq + c1) * (s1 + s2 + c2));
    }
    total += rowSum;
  }
  return total / (outW * outH);
}

/**
 * scikit-image `structural_similarity` defaults on each channel of two 8-bit images: `win × win`
 * uniform window, sample covariance (N/(N−1)), data range 255, mean over the map cropped by
 * (win−1)/2. The window sums are exact integers (running column sums, one row at a time), so the
 * only rounding is in the per-pixel formula. Returns the mean SSIM of every channel.
 */
export function ssimUniformSample(a: Image8, b: Image8, win = 7): number[] {
  const W = a.width;
  const H = a.height;
  const C = a.channels;
  const rowLen = W * C;
  const X = a.data;
  const Y = b.data;
  const sx = new Int32Array(rowLen);
  const sy = new Int32Array(rowLen);
  const sxx = new Int32Array(rowLen);
  const syy = new Int32Array(rowLen);
  const sxy = new Int32Array(rowLen);
  const addRow = (row: number, sign: number): void => {
    const base = row * rowLen;
    for (let e = 0; e < rowLen; e++) {
      const x = X[base + e];
      const y = Y[base + e];
      sx[e] += sign * x;
      sy[e] += sign * y;
      sxx[e] += sign * x * x;
      syy[e] += sign * y * y;
      sxy[e] += sign * x * y;
    }
  };
  const np = win * win;
  const covNorm = np / (np - 1);
  const { c1, c2 } = ssimConstants(255);
  const outW = W - win + 1;
  const outH = H - win + 1;
  const sums = new Float64Array(C);
  for (let r = 0; r < win; r++) addRow(r, 1);
  for (let i = 0; i < outH; i++) {
    if (i > 0) {
      addRow(i - 1, -1);
      addRow(i + win - 1, 1);
    }
    for (let ch = 0; ch < C; ch++) {
      let hx = 0;
      let hy = 0;
      let hxx = 0;
      let hyy = 0;
      let hxy = 0;
      for (let k = 0; k < win; k++) {
        const e = k * C + ch;
        hx += sx[e];
        hy += sy[e];
        hxx += sxx[e];
        hyy += syy[e];
        hxy += sxy[e];
      }
      let rowSum = 0;
      for (let j = 0; ; j++) {
        const ux = hx / np;
        const uy = hy / np;
        const vx = covNorm * (hxx / np - ux * ux);
        const vy = covNorm * (hyy / np - uy * uy);
        const vxy = covNorm * (hxy / np - ux * uy);
        rowSum += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
        if (j + 1 >= outW) break;
        const out = j * C + ch;
        const inn = (j + win) * C + ch;
        hx += sx[inn] - sx[out];
        hy += sy[inn] - sy[out];
        hxx += sxx[inn] - sxx[out];
        hyy += syy[inn] - syy[out];
        hxy += sxy[inn] - sxy[out];
      }
      sums[ch] += rowSum;
    }
  }
  return Array.from(sums, (s) => s / (outW * outH));
}
