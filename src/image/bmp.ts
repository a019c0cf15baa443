/**
 * Windows BMP decoding (sharp/libvips cannot read BMP). Covers what OpenCV, Pillow and MATLAB
 * write: uncompressed (BI_RGB) 1/4/8-bit palette, 24-bit and 32-bit, and BI_BITFIELDS 16/32-bit;
 * bottom-up and top-down rows. RLE-compressed files are rejected with a clear error.
 * Palette images whose palette is all grey decode to one channel, others to RGB.
 */
import { RdbmError } from '../errors.js';
import { checkPixels } from './pixel-limit.js';
import type { Image8 } from './types.js';

/** True when the bytes start with the BMP signature `BM`. */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

function maskShift(mask: number): { shift: number; bits: number } {
  if (mask === 0) return { shift: 0, bits: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  let bits = 0;
  while (((mask >>> (shift + bits)) & 1) === 1) bits++;
  return { shift, bits };
}

/** Decodes a BMP file (refused from its header when it has more than `maxPixels` pixels); `alpha` reports whether a 32-bit file carried a non-trivial alpha mask (dropped). */
export function decodeBmp(bytes: Uint8Array, path: string, maxPixels = Infinity): { image: Image8; alpha: boolean } {
  const fail = (why: string): never => {
    throw new RdbmError(`${path}: cannot decode image (${why})`);
  };
  if (!isBmp(bytes) || bytes.length < 26) fail('not a BMP file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 12 || 14 + headerSize > bytes.length) fail('truncated header');
  let width: number;
  let rawHeight: number;
  let bpp: number;
  let compression = 0;
  let colorsUsed = 0;
  if (headerSize === 12) {
    width = view.getUint16(18, true);
    rawHeight = view.getInt16(20, true);
    bpp = view.getUint16(24, true);
  } else {
    width = view.getInt32(18, true);
    rawHeight = view.getInt32(22, true);
    bpp = view.getUint16(28, true);
    compression = view.getUint32(30, true);
    colorsUsed = headerSize >= 40 ? view.getUint32(46, true) : 0;
  }
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0) fail(`invalid size ${width}×${height}`);
  checkPixels(path, width, height, maxPixels);
  let masks = [0x00ff0000, 0x0000ff00, 0x000000ff, 0];
  if (compression === 3 || compression === 6) {
    const at = headerSize >= 52 ? 14 + 40 : 14 + headerSize;
    masks = [view.getUint32(at, true), view.getUint32(at + 4, true), view.getUint32(at + 8, true), headerSize >= 56 ? view.getUint32(at + 12, true) : 0];
    if (bpp !== 16 && bpp !== 32) fail(`bit-fields with ${bpp} bits per pixel`);
  } else if (compression !== 0) {
    fail(`compression ${compression} (RLE) is not supported; save it uncompressed or as PNG`);
  } else if (bpp === 16) {
    masks = [0x7c00, 0x03e0, 0x001f, 0];
  }
  const stride = Math.floor((width * bpp + 31) / 32) * 4;
  if (dataOffset + stride * height > bytes.length) fail('truncated pixel data');
  const rowAt = (y: number): number => dataOffset + (topDown ? y : height - 1 - y) * stride;

  if (bpp <= 8) {
    if (![1, 4, 8].includes(bpp)) fail(`${bpp} bits per pixel`);
    const entries = colorsUsed || 1 << bpp;
    const palOffset = 14 + headerSize;
    const entrySize = headerSize === 12 ? 3 : 4;
    const pal = new Uint8Array(entries * 3);
    let grey = true;
    for (let i = 0; i < entries; i++) {
      const p = palOffset + i * entrySize;
      if (p + 2 >= bytes.length) fail('truncated palette');
      pal[i * 3] = bytes[p + 2];
      pal[i * 3 + 1] = bytes[p + 1];
      pal[i * 3 + 2] = bytes[p];
      if (bytes[p] !== bytes[p + 1] || bytes[p] !== bytes[p + 2]) grey = false;
    }
    const channels = grey ? 1 : 3;
    const data = new Uint8Array(width * height * channels);
    const per = 8 / bpp;
    const mask = (1 << bpp) - 1;
    for (let y = 0; y < height; y++) {
      const row = rowAt(y);
      for (let x = 0; x < width; x++) {
        const byte = bytes[row + Math.floor(x / per)];
        let idx = (byte >> ((per - 1 - (x % per)) * bpp)) & mask;
        if (idx >= entries) idx = 0;
        const o = (y * width + x) * channels;
        if (grey) data[o] = pal[idx * 3];
        else {
          data[o] = pal[idx * 3];
          data[o + 1] = pal[idx * 3 + 1];
          data[o + 2] = pal[idx * 3 + 2];
        }
      }
    }
    return { image: { width, height, channels, data }, alpha: false };
  }

  const data = new Uint8Array(width * height * 3);
  if (bpp === 24) {
    for (let y = 0; y < height; y++) {
      const row = rowAt(y);
      for (let x = 0, o = y * width * 3; x < width; x++, o += 3) {
        const p = row + x * 3;
        data[o] = bytes[p + 2];
        data[o + 1] = bytes[p + 1];
        data[o + 2] = bytes[p];
      }
    }
    return { image: { width, height, channels: 3, data }, alpha: false };
  }
  if (bpp !== 16 && bpp !== 32) fail(`${bpp} bits per pixel`);
  const fields = masks.map(maskShift);
  for (const f of fields.slice(0, 3)) if (f.bits > 8 || f.bits === 0) fail('unsupported bit-field masks');
  const scale = (v: number, bits: number): number => (bits === 8 ? v : Math.round((v * 255) / ((1 << bits) - 1)));
  for (let y = 0; y < height; y++) {
    const row = rowAt(y);
    for (let x = 0, o = y * width * 3; x < width; x++, o += 3) {
      const v = bpp === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true);
      for (let c = 0; c < 3; c++) data[o + c] = scale((v & masks[c]) >>> fields[c].shift, fields[c].bits);
    }
  }
  return { image: { width, height, channels: 3, data }, alpha: bpp === 32 && masks[3] !== 0 };
}
