/**
 * Conversions between 8-bit images and float images in [0, 1], and the integer box downsampling
 * used to make benchmark crops. Rounding is floor(v + 0.5) everywhere (not banker's rounding), so
 * the numpy reference (scripts/reference/experiments_degradations.py) matches bit for bit.
 */
import { RdbmError } from '../errors.js';
import type { Image8, ImageF32 } from '../image/index.js';

/** Image8 → ImageF32 with values v/255 in [0, 1]; grey images are expanded to 3 channels when `rgb`. */
export function unitFloatImage(image: Image8, options: { rgb?: boolean } = {}): ImageF32 {
  const channels = options.rgb && image.channels === 1 ? 3 : image.channels;
  const n = image.width * image.height;
  const out = new Float32Array(n * channels);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < channels; c++) out[p * channels + c] = image.data[p * image.channels + (image.channels === 1 ? 0 : c)] / 255;
  }
  return { width: image.width, height: image.height, channels, data: out };
}

/** ImageF32 in [0, 1] → Image8: clip to [0, 1], then floor(v·255 + 0.5). */
export function quantizeUnitImage(image: ImageF32): Image8 {
  if (image.channels !== 1 && image.channels !== 3) throw new RdbmError(`cannot quantizeUnitImage a ${image.channels}-channel image (expected 1 or 3)`);
  const out = new Uint8Array(image.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = image.data[i];
    out[i] = v <= 0 || Number.isNaN(v) ? 0 : v >= 1 ? 255 : Math.floor(v * 255 + 0.5);
  }
  return { width: image.width, height: image.height, channels: image.channels, data: out };
}

/** Copies a window (x, y, w, h) out of an image. */
export function cropImage8(image: Image8, x: number, y: number, width: number, height: number): Image8 {
  if (x < 0 || y < 0 || x + width > image.width || y + height > image.height) {
    throw new RdbmError(`crop ${width}×${height}+${x}+${y} lies outside the ${image.width}×${image.height} image`);
  }
  const c = image.channels;
  const out = new Uint8Array(width * height * c);
  for (let r = 0; r < height; r++) {
    out.set(image.data.subarray(((y + r) * image.width + x) * c, ((y + r) * image.width + x + width) * c), r * width * c);
  }
  return { width, height, channels: image.channels, data: out };
}

/**
 * Downsamples by an integer factor f, averaging f×f blocks: out = floor(sum/f² + 0.5), computed
 * in integers as floor((2·sum + f²) / (2f²)). Width and height must be multiples of f.
 */
export function boxDownsample(image: Image8, factor: number): Image8 {
  if (!Number.isInteger(factor) || factor < 1) throw new RdbmError(`invalid downsampling factor: ${factor} (expected an integer >= 1)`);
  if (factor === 1) return image;
  if (image.width % factor || image.height % factor) {
    throw new RdbmError(`cannot downsample ${image.width}×${image.height} by ${factor} (expected multiples of ${factor})`);
  }
  const w = image.width / factor;
  const h = image.height / factor;
  const c = image.channels;
  const f2 = factor * factor;
  const out = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) {
          const row = (y * factor + dy) * image.width;
          for (let dx = 0; dx < factor; dx++) sum += image.data[(row + x * factor + dx) * c + ch];
        }
        out[(y * w + x) * c + ch] = Math.floor((2 * sum + f2) / (2 * f2));
      }
    }
  }
  return { width: w, height: h, channels: image.channels, data: out };
}
