/**
 * A fast path for the PNGs metric folders are made of: 8-bit grey or RGB, not interlaced, without a
 * transparency chunk, every chunk's CRC intact. Those have exactly one decoding (the stored samples), which
 * Node's zlib and the five PNG row filters give without loading sharp (whose import alone costs a worker
 * thread ~0.1 s of CPU, more than decoding a 1280×720 image). Any other PNG, and any file this decoder finds
 * the least thing wrong with, is left to sharp (`undefined`), so palettes, alpha, 16-bit samples, Adam7 and
 * every error message stay sharp's.
 */
import * as zlib from 'node:zlib';
import type { Image8 } from './types.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Whether `head` (the first 8 bytes of a file, or more) is the PNG signature. */
export function isPng(head: Uint8Array): boolean {
  return head.length >= 8 && SIGNATURE.every((b, i) => head[i] === b);
}

/**
 * Ancillary chunks that do not change the samples sharp reads (colour-space metadata is not applied: readImage
 * keeps pixels as stored; text, time, resolution and background are not pixels). Anything else but IHDR, IDAT and
 * IEND (tRNS, PLTE, APNG frames, unknown chunks) sends the file to sharp.
 */
const HARMLESS = new Set(['gAMA', 'cHRM', 'sRGB', 'iCCP', 'sBIT', 'pHYs', 'tEXt', 'zTXt', 'iTXt', 'tIME', 'bKGD', 'eXIf']);

const inflate = (data: Uint8Array, options: zlib.ZlibOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => zlib.inflate(data, options, (error, out) => (error ? reject(error) : resolve(out))));

/**
 * The image of a PNG this fast path handles (see the file comment), else undefined. `checkSize` sees the header's
 * width and height before anything is inflated (and may throw). The decompression runs on libuv's thread pool
 * (as sharp's decoding does), so the two images of a pair decode side by side.
 */
export async function decodeSimplePng(bytes: Uint8Array, checkSize?: (width: number, height: number) => void): Promise<Image8 | undefined> {
  // zlib.crc32 is Node ≥ 20.15 (the package allows 20.6): without it every PNG goes to sharp
  const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  if (!isPng(bytes) || typeof crc32 !== 'function') return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0;
  let height = 0;
  let channels: 1 | 3 = 3;
  const idat: Uint8Array[] = [];
  let at = 8;
  let ended = false;
  while (!ended) {
    if (at + 12 > bytes.length) return undefined;
    const length = view.getUint32(at);
    const end = at + 8 + length;
    if (length > 0x7fffffff || end + 4 > bytes.length) return undefined;
    if (crc32(bytes.subarray(at + 4, end)) !== view.getUint32(end)) return undefined;
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    const data = bytes.subarray(at + 8, end);
    if (at === 8) {
      // IHDR: width, height, bit depth 8, colour type 0 (grey) or 2 (RGB), compression 0, filter 0, no interlace
      if (type !== 'IHDR' || length !== 13) return undefined;
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      const [depth, colour, compression, filter, interlace] = data.subarray(8, 13);
      if (width === 0 || height === 0 || depth !== 8 || (colour !== 0 && colour !== 2) || compression !== 0 || filter !== 0 || interlace !== 0) return undefined;
      channels = colour === 0 ? 1 : 3;
      checkSize?.(width, height); // may throw (the caller's pixel limit), before anything is inflated
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    else if (!HARMLESS.has(type)) return undefined;
    at = end + 4;
  }
  if (at !== bytes.length || idat.length === 0) return undefined;
  const size = height * (width * channels + 1);
  let raw: Uint8Array;
  try {
    // one output chunk of the expected size (+1 to see an overlong stream) instead of 16-KiB pieces joined at the end
    raw = await inflate(idat.length === 1 ? idat[0] : Buffer.concat(idat), { chunkSize: Math.max(64, size + 1) });
  } catch {
    return undefined;
  }
  if (raw.length !== size) return undefined;
  const out = unfilter(raw, width, height, channels);
  return out && { width, height, channels, data: out };
}

/**
 * Removes the row filters of `raw` (one filter-type byte, then the filtered row, per row) in place, moving each
 * row left over the filter bytes: row y's samples land at y·stride, before the bytes still to be read (which sit
 * y + 1 bytes further on), so no second image-sized buffer is needed. Returns the samples, or undefined on an
 * unknown filter type.
 */
function unfilter(raw: Uint8Array, width: number, height: number, bpp: number): Uint8Array | undefined {
  const stride = width * bpp;
  const out = raw;
  for (let y = 0; y < height; y++) {
    const src = y * (stride + 1) + 1;
    const type = raw[src - 1];
    const row = y * stride;
    const up = row - stride; // the previous output row (absent for y = 0: treated as zeros)
    switch (type) {
      case 0:
        out.copyWithin(row, src, src + stride);
        break;
      case 1: // Sub
        for (let i = 0; i < bpp; i++) out[row + i] = raw[src + i];
        for (let i = bpp; i < stride; i++) out[row + i] = (raw[src + i] + out[row + i - bpp]) & 255;
        break;
      case 2: // Up
        if (y === 0) out.copyWithin(row, src, src + stride);
        else for (let i = 0; i < stride; i++) out[row + i] = (raw[src + i] + out[up + i]) & 255;
        break;
      case 3: // Average
        for (let i = 0; i < stride; i++) {
          const a = i >= bpp ? out[row + i - bpp] : 0;
          const b = y > 0 ? out[up + i] : 0;
          out[row + i] = (raw[src + i] + ((a + b) >> 1)) & 255;
        }
        break;
      case 4: // Paeth
        for (let i = 0; i < stride; i++) {
          const a = i >= bpp ? out[row + i - bpp] : 0;
          const b = y > 0 ? out[up + i] : 0;
          const c = i >= bpp && y > 0 ? out[up + i - bpp] : 0;
          const pa = Math.abs(b - c);
          const pb = Math.abs(a - c);
          const pc = Math.abs(a + b - 2 * c);
          out[row + i] = (raw[src + i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 255;
        }
        break;
      default:
        return undefined;
    }
  }
  return new Uint8Array(raw.buffer, raw.byteOffset, stride * height);
}
