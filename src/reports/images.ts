/**
 * Images for plots and notebooks: PNG encoding (sharp), data URLs, error maps and conversions from
 * tensors in [−1, 1]. Kept apart from the pure spec builders: these touch pixels.
 */
import sharp from 'sharp';
import { RdbmError } from '../errors.js';
import type { Image8 } from '../image/index.js';

/** PNG bytes of an 8-bit image; `maxSize` downsizes (Lanczos) so the longest side fits. */
export async function imageToPng(image: Image8, options: { maxSize?: number } = {}): Promise<Uint8Array> {
  let pipeline = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  });
  if (options.maxSize && Math.max(image.width, image.height) > options.maxSize) {
    pipeline = pipeline.resize({ width: options.maxSize, height: options.maxSize, fit: 'inside' });
  }
  return new Uint8Array(await pipeline.png({ compressionLevel: 9 }).toBuffer());
}

export function pngDataUrlFromBytes(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}

export async function pngDataUrl(image: Image8, options: { maxSize?: number } = {}): Promise<string> {
  return pngDataUrlFromBytes(await imageToPng(image, options));
}

/** Inferno-like colour ramp (8 stops of matplotlib's inferno), for error and ratio maps. */
const INFERNO: readonly (readonly [number, number, number])[] = [
  [0, 0, 4], [40, 11, 84], [101, 21, 110], [159, 42, 99], [212, 72, 66], [245, 125, 21], [250, 193, 39], [252, 255, 164],
];

export function colormap(value: number): [number, number, number] {
  const v = Math.min(1, Math.max(0, Number.isFinite(value) ? value : 1)) * (INFERNO.length - 1);
  const i = Math.min(INFERNO.length - 2, Math.floor(v));
  const f = v - i;
  const a = INFERNO[i];
  const b = INFERNO[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f)) as [number, number, number];
}

/** Colour-mapped scalar field (values mapped linearly from [lo, hi] to the ramp). */
export function heatmap(values: ArrayLike<number>, width: number, height: number, range: { lo: number; hi: number }): Image8 {
  if (values.length !== width * height) throw new RdbmError(`heatmap: ${values.length} values for ${width}×${height} (expected ${width * height})`);
  const data = new Uint8Array(width * height * 3);
  const span = range.hi - range.lo || 1;
  for (let i = 0; i < values.length; i++) data.set(colormap((values[i] - range.lo) / span), i * 3);
  return { width, height, channels: 3, data };
}

/**
 * Per-pixel error map: mean absolute difference over channels, scaled by `gain` (default 4, so an
 * error of 64/255 saturates), colour mapped.
 */
export function errorMap(prediction: Image8, truth: Image8, options: { gain?: number } = {}): Image8 {
  if (prediction.width !== truth.width || prediction.height !== truth.height || prediction.channels !== truth.channels) {
    throw new RdbmError(
      `errorMap: prediction is ${prediction.width}×${prediction.height}×${prediction.channels} but ground truth is ${truth.width}×${truth.height}×${truth.channels} (expected equal sizes)`,
    );
  }
  const gain = options.gain ?? 4;
  const n = prediction.width * prediction.height;
  const c = prediction.channels;
  const err = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < c; k++) sum += Math.abs(prediction.data[i * c + k] - truth.data[i * c + k]);
    err[i] = (gain * sum) / (c * 255);
  }
  return heatmap(err, prediction.width, prediction.height, { lo: 0, hi: 1 });
}

/** An image in [−1, 1] (HWC floats, e.g. a tensor's data) to 8 bits: round((x + 1)/2 · 255), clipped. */
export function imageFromSigned(values: ArrayLike<number>, width: number, height: number, channels: 1 | 3): Image8 {
  if (values.length !== width * height * channels) throw new RdbmError(`imageFromSigned: ${values.length} values for ${width}×${height}×${channels}`);
  const data = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = Math.min(255, Math.max(0, Math.round(((values[i] + 1) / 2) * 255)));
  return { width, height, channels, data };
}

/** An 8-bit image to floats in [−1, 1] (HWC), the bridge's range. */
export function signedFromImage(image: Image8): Float32Array {
  const out = new Float32Array(image.data.length);
  for (let i = 0; i < out.length; i++) out[i] = (image.data[i] / 255) * 2 - 1;
  return out;
}
