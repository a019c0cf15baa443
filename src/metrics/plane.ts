/**
 * Image planes the metrics compute on, and the crop shared by every convention.
 */
import type { Image8 } from '../image/types.js';

/**
 * One channel, row-major, `width × height`. Stored as float32 because every plane the conventions
 * build is exactly representable in it (8-bit values, BasicSR's float32 Y, MATLAB's uint8 Y): half
 * the memory traffic of float64, while all arithmetic on the values is float64.
 */
export interface MetricPlane {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/**
 * Per-thread scratch storage, reused between pairs so that folder runs allocate nothing per image
 * beyond the decoded files (flat memory, no page-fault churn). Callers must not keep the returned
 * array past the synchronous call that uses it.
 */
const scratch = new Map<string, Float32Array>();
export function scratchF32(key: string, length: number): Float32Array {
  let buf = scratch.get(key);
  if (!buf || buf.length < length) {
    buf = new Float32Array(length);
    scratch.set(key, buf);
  }
  return buf.subarray(0, length);
}

/**
 * Removes `border` pixels on each side (BasicSR `crop_border` semantics: applied before the colour
 * conversion and before both metrics). `border = 0` returns the image itself.
 */
export function cropImageBorder(image: Image8, border: number): Image8 {
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

/** Channel `channel` of an 8-bit image as a plane (into `out` when given). */
export function channelPlane(image: Image8, channel: number, out?: Float32Array): MetricPlane {
  const n = image.width * image.height;
  const c = image.channels;
  const data = out ?? new Float32Array(n);
  const src = image.data;
  for (let i = 0, j = channel; i < n; i++, j += c) data[i] = src[j];
  return { width: image.width, height: image.height, data };
}
