/**
 * MATLAB `imresize(img, [M N])` with its defaults: bicubic (Keys, a = −0.5), antialiasing when
 * shrinking (the kernel is stretched by 1/scale), symmetric padding, weights normalised to sum 1
 * per output sample, the dimension with the smaller scale processed first, uint8 output rounded
 * half away from zero and saturated. Written from the algorithm of MATLAB's imresize.m
 * (`contributions`), which DiffUIR's eval/SOTS.m applies to the SOTS ground truth.
 * Intermediate results stay in float64 (not rounded between the two passes).
 */
import type { Image8 } from '../image/types.js';

/** Keys cubic convolution kernel with a = −0.5 (MATLAB `cubic`). */
export function cubicKernel(x: number): number {
  const ax = Math.abs(x);
  const ax2 = ax * ax;
  const ax3 = ax2 * ax;
  if (ax <= 1) return 1.5 * ax3 - 2.5 * ax2 + 1;
  if (ax <= 2) return -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2;
  return 0;
}

export interface ImresizeContributions {
  /** taps per output sample */
  readonly taps: number;
  /** outLength × taps weights, each row sums to 1 */
  readonly weights: Float64Array;
  /** outLength × taps zero-based input indices (symmetric padding applied) */
  readonly indices: Int32Array;
}

/** MATLAB imresize `contributions(in_length, out_length, scale, @cubic, 4, true)`. */
export function imresizeContributions(inLength: number, outLength: number, scale: number, antialiasing = true): ImresizeContributions {
  const shrink = scale < 1 && antialiasing;
  const kernelWidth = shrink ? 4 / scale : 4;
  const h = shrink ? (x: number) => scale * cubicKernel(scale * x) : cubicKernel;
  const P = Math.ceil(kernelWidth) + 2;
  const weights = new Float64Array(outLength * P);
  const indices = new Int32Array(outLength * P);
  const period = 2 * inLength;
  for (let i = 0; i < outLength; i++) {
    const x = i + 1;
    const u = x / scale + 0.5 * (1 - 1 / scale);
    const left = Math.floor(u - kernelWidth / 2);
    let sum = 0;
    for (let k = 0; k < P; k++) {
      const w = h(u - (left + k));
      weights[i * P + k] = w;
      sum += w;
      // aux = [1:in, in:-1:1]; index = aux(mod(idx − 1, 2·in) + 1), here zero-based
      const m = ((left + k - 1) % period + period) % period;
      indices[i * P + k] = m < inLength ? m : period - 1 - m;
    }
    for (let k = 0; k < P; k++) weights[i * P + k] /= sum;
  }
  return { taps: P, weights, indices };
}

function resizeRows(src: Float64Array, width: number, height: number, channels: number, outHeight: number): Float64Array {
  const { taps, weights, indices } = imresizeContributions(height, outHeight, outHeight / height);
  const rowLen = width * channels;
  const out = new Float64Array(outHeight * rowLen);
  for (let i = 0; i < outHeight; i++) {
    const o = i * rowLen;
    for (let k = 0; k < taps; k++) {
      const w = weights[i * taps + k];
      if (w === 0) continue;
      const s = indices[i * taps + k] * rowLen;
      for (let e = 0; e < rowLen; e++) out[o + e] += w * src[s + e];
    }
  }
  return out;
}

function resizeCols(src: Float64Array, width: number, height: number, channels: number, outWidth: number): Float64Array {
  const { taps, weights, indices } = imresizeContributions(width, outWidth, outWidth / width);
  const out = new Float64Array(height * outWidth * channels);
  for (let r = 0; r < height; r++) {
    const si = r * width * channels;
    const oi = r * outWidth * channels;
    for (let j = 0; j < outWidth; j++) {
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let k = 0; k < taps; k++) acc += weights[j * taps + k] * src[si + indices[j * taps + k] * channels + c];
        out[oi + j * channels + c] = acc;
      }
    }
  }
  return out;
}

/** Resizes an 8-bit image to `width × height` like MATLAB `imresize(img, [height width])` (bicubic, antialiased). */
export function imresizeMatlab(image: Image8, width: number, height: number): Image8 {
  if (width === image.width && height === image.height) return image;
  const C = image.channels;
  let data = Float64Array.from(image.data);
  let w = image.width;
  let h = image.height;
  const scaleRows = height / image.height;
  const scaleCols = width / image.width;
  // MATLAB: [~, order] = sort(scale): the smaller scale first, rows first on ties
  const rowsFirst = scaleRows <= scaleCols;
  for (const dim of rowsFirst ? ['rows', 'cols'] : ['cols', 'rows']) {
    if (dim === 'rows' && height !== h) {
      data = resizeRows(data, w, h, C, height);
      h = height;
    } else if (dim === 'cols' && width !== w) {
      data = resizeCols(data, w, h, C, width);
      w = width;
    }
  }
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    out[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v + 0.5);
  }
  return { width, height, channels: C, data: out };
}
