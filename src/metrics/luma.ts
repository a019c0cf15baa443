/**
 * The two Y (BT.601 luma) channels the conventions use. Both evaluate
 *   Y = 16 + (65.481·R + 128.553·G + 24.966·B) / 255      (R, G, B in 0…255)
 * but with different arithmetic, which moves PSNR by up to ~0.02 dB.
 */
import type { Image8 } from '../image/types.js';
import type { MetricPlane } from './plane.js';

const f32 = Math.fround;
/** float32(v / 255) for v = 0…255, as numpy computes `uint8.astype(float32) / 255.` */
const INV255_F32 = Float64Array.from({ length: 256 }, (_, v) => f32(v / 255));
const INV255 = 1 / 255;
/** float32(v/255)·coefficient for each channel (the products numpy's float64 dot forms) */
const B_TERM = INV255_F32.map((x) => x * 24.966);
const G_TERM = INV255_F32.map((x) => x * 128.553);
const R_TERM = INV255_F32.map((x) => x * 65.481);
/** The three tables back to back (blue, green, red), for the WebAssembly kernel (kernels/gauss11.c basicsr_y). */
export const BASICSR_Y_TERMS: Float64Array = Float64Array.of(...B_TERM, ...G_TERM, ...R_TERM);

/**
 * BasicSR `to_y_channel` (basicsr/metrics/metric_util.py with bgr2ycbcr(y_only=True)):
 * x = float32(v/255); Y64 = x_B·24.966 + x_G·128.553 + x_R·65.481 + 16 (float64, numpy dot order on
 * BGR); Y = float32(float32(Y64/255)·255). Not rounded. Grey images: Y = float32(float32(v/255)·255).
 * kernels/ssim.c (basicsr_y) repeats the RGB arithmetic in the same order: change both together.
 */
export function basicsrY(image: Image8, into?: Float32Array): MetricPlane {
  const n = image.width * image.height;
  const out = into ?? new Float32Array(n);
  const src = image.data;
  if (image.channels === 1) {
    for (let i = 0; i < n; i++) out[i] = INV255_F32[src[i]] * 255;
  } else {
    for (let i = 0, j = 0; i < n; i++, j += 3) {
      const y64 = B_TERM[src[j + 2]] + G_TERM[src[j + 1]] + R_TERM[src[j]] + 16.0;
      // ×(1/255) instead of /255: the two differ by at most one float64 ulp, which survives the
      // rounding to float32 only at an exact float32 tie (never observed; fixtures agree bit for bit)
      out[i] = f32(f32(y64 * INV255) * 255);
    }
  }
  return { width: image.width, height: image.height, data: out };
}

/**
 * Triples (R, G, B → Y) at exact .5 ties where Octave's uint8 `rgb2ycbcr` (image package 2.14, double
 * arithmetic then im2uint8) rounds down instead of half-up. Found by comparing all 2^24 triples
 * (scripts/reference/metrics_fixtures.py, `octaveLuma`); the other 190 exact ties round up.
 */
const OCTAVE_TIE_EXCEPTIONS: ReadonlyMap<number, number> = new Map([
  [217 | (89 << 8) | (91 << 16), 125],
  [201 | (227 << 8) | (168 << 16), 198],
  [190 | (226 << 8) | (202 << 16), 198],
  [218 | (58 << 8) | (248 << 16), 125],
]);

/** uint8 Y of MATLAB/Octave `rgb2ycbcr` for one pixel: exact integer arithmetic, ties half-up (Octave's exceptions applied). */
export function matlabLuma(r: number, g: number, b: number): number {
  const num = 65481 * r + 128553 * g + 24966 * b + 16 * 255000 + 127500;
  const y = Math.floor(num / 255000);
  if (num % 255000 === 0) {
    const exception = OCTAVE_TIE_EXCEPTIONS.get(r | (g << 8) | (b << 16));
    if (exception !== undefined) return exception;
  }
  return y;
}

/**
 * MATLAB `rgb2ycbcr` on a uint8 image, channel 1 (DiffUIR eval/SOTS.m): Y rounded to uint8.
 * Grey images are used as they are (the script skips the conversion when size(img, 3) ≠ 3).
 */
export function matlabY(image: Image8, into?: Float32Array): MetricPlane {
  const n = image.width * image.height;
  const out = into ?? new Float32Array(n);
  const src = image.data;
  if (image.channels === 1) {
    for (let i = 0; i < n; i++) out[i] = src[i];
  } else {
    for (let i = 0, j = 0; i < n; i++, j += 3) out[i] = matlabLuma(src[j], src[j + 1], src[j + 2]);
  }
  return { width: image.width, height: image.height, data: out };
}
