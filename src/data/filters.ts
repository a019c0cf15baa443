/**
 * Small 2-D filters for the degradation models: correlation with a kernel (OpenCV `filter2D`
 * semantics: out(y, x) = Σ k(i, j) · in(y + i − r_y, x + j − r_x)), the rasterised line kernel of
 * rain streaks and linear motion blur, and an unnormalised Gaussian spot for snowflakes.
 */
import { RdbmError } from '../errors.js';
import type { ImageF32 } from '../image/index.js';

/** A kernel of odd size, row-major. */
export interface FilterKernel {
  readonly width: number;
  readonly height: number;
  readonly data: Float64Array;
}

/** `constant`: zeros outside (OpenCV BORDER_CONSTANT) · `reflect101`: gfedcb|abcdefgh|gfedcba (OpenCV's default). */
export type FilterBorder = 'constant' | 'reflect101';

function reflect101(i: number, n: number): number {
  if (n === 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
  return i;
}

/** Correlates every channel of `image` with `kernel`; returns a new ImageF32. */
export function correlate2d(image: ImageF32, kernel: FilterKernel, border: FilterBorder): ImageF32 {
  if (kernel.width % 2 === 0 || kernel.height % 2 === 0) throw new RdbmError(`kernel size ${kernel.width}×${kernel.height} must be odd`);
  const { width: w, height: h, channels: c, data } = image;
  const ry = (kernel.height - 1) / 2;
  const rx = (kernel.width - 1) / 2;
  const out = new Float32Array(data.length);
  const taps: Array<[number, number, number]> = [];
  for (let i = 0; i < kernel.height; i++) {
    for (let j = 0; j < kernel.width; j++) {
      const k = kernel.data[i * kernel.width + j];
      if (k !== 0) taps.push([i - ry, j - rx, k]);
    }
  }
  const acc = new Float64Array(c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      acc.fill(0);
      for (const [dy, dx, k] of taps) {
        let yy = y + dy;
        let xx = x + dx;
        if (yy < 0 || yy >= h || xx < 0 || xx >= w) {
          if (border === 'constant') continue;
          yy = reflect101(yy, h);
          xx = reflect101(xx, w);
        }
        const p = (yy * w + xx) * c;
        for (let ch = 0; ch < c; ch++) acc[ch] += k * data[p + ch];
      }
      const q = (y * w + x) * c;
      for (let ch = 0; ch < c; ch++) out[q + ch] = acc[ch];
    }
  }
  return { width: w, height: h, channels: c, data: out };
}

/**
 * A line of `length` (odd) pixels through the kernel centre at `angle` degrees (0 = along +x,
 * 90 = along +y, i.e. downwards): sample points s = −(L−1)/2 … (L−1)/2 at (c + s·cos a, c + s·sin a),
 * each rounded with floor(v + 0.5), set to 1. `normalize` divides by the number of set pixels.
 */
export function lineKernel(length: number, angle: number, normalize: boolean): FilterKernel {
  if (!Number.isInteger(length) || length < 1 || length % 2 === 0) throw new RdbmError(`invalid line length: ${length} (expected an odd integer >= 1)`);
  const data = new Float64Array(length * length);
  const c = (length - 1) / 2;
  const a = (angle * Math.PI) / 180;
  for (let i = 0; i < length; i++) {
    const s = i - c;
    const x = Math.floor(c + s * Math.cos(a) + 0.5);
    const y = Math.floor(c + s * Math.sin(a) + 0.5);
    data[y * length + x] = 1;
  }
  if (normalize) {
    const total = data.reduce((n, v) => n + v, 0);
    for (let i = 0; i < data.length; i++) data[i] /= total;
  }
  return { width: length, height: length, data };
}

/** exp(−(x² + y²)/(2σ²)) on a (2r+1)² grid, r = ceil(3σ), peak 1 (not normalised: a flake's centre is opaque). */
export function gaussianSpot(sigma: number): FilterKernel {
  if (!(sigma > 0)) throw new RdbmError(`invalid sigma: ${sigma} (expected > 0)`);
  const r = Math.ceil(3 * sigma);
  const n = 2 * r + 1;
  const data = new Float64Array(n * n);
  for (let y = -r; y <= r; y++) for (let x = -r; x <= r; x++) data[(y + r) * n + x + r] = Math.exp(-(x * x + y * y) / (2 * sigma * sigma));
  return { width: n, height: n, data };
}
