/**
 * Image planes the metrics compute on, and the crop shared by every convention.
 */
import type { Image8 } from '../image/types.js';

/** One channel as float64, row-major, `width × height`. */
export interface Plane {
  readonly width: number;
  readonly height: number;
  readonly data: Float64Array;
}

/**
 * Removes `border` pixels on each side (BasicSR `crop_border` semantics: applied before the colour
 * conversion and before both metrics). `border = 0` returns the image itself.
 */
export function cropImage(image: Image8, border: number): Image8 {
  if (border === 0) return image;
  const width = image.width - 2 * border;
  const height = image.height - 2 * border;
  const c = image.channels;
  const data = new Uint8Array(Math.max(0, width * height * c));
  if (width <= 0 || height <= 0) return { width: Math.max(0, width), height: Math.max(0, height), channels: c, data };
  for (let y = 0; y < height; y++) {
    const from = ((y + border) * image.width + border) * c;
    data.set(image.data.subarray(from, from + width * c), y * width * c);
  }
  return { width, height, channels: c, data };
}

/** Channel `channel` of an 8-bit image as a float64 plane. */
export function channelPlane(image: Image8, channel: number): Plane {
  const n = image.width * image.height;
  const c = image.channels;
  const data = new Float64Array(n);
  const src = image.data;
  for (let i = 0, j = channel; i < n; i++, j += c) data[i] = src[j];
  return { width: image.width, height: image.height, data };
}
