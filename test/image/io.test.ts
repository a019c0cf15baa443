/**
 * Image input: every format decodes to the pixels OpenCV / Pillow / imageio see (hashes from
 * scripts/reference/metrics_fixtures.py, `decode` section), alpha is dropped with a warning, and
 * bad files fail with one line naming the file.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RdbmError } from '../../src/errors.js';
import { decodeBmp } from '../../src/image/bmp.js';
import { readImage } from '../../src/image/io.js';

const DIR = join(import.meta.dirname, '../fixtures/metrics/decode');
interface DecodeRecord { width?: number; height?: number; channels?: number; alpha?: boolean; cv2?: string; pillow?: string; imageio?: string; error?: string }
const reference = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/metrics/reference.json'), 'utf8')) as { decode: Record<string, DecodeRecord>; photos: Record<string, string> };
const decode = reference.decode;
const sha = (a: Uint8Array) => createHash('sha256').update(a).digest('hex');

describe('readImage matches the Python readers', () => {
  for (const [name, rec] of Object.entries(decode)) {
    if (rec.error) continue;
    it(name, async () => {
      const warnings: string[] = [];
      const img = await readImage(join(DIR, name), { warn: (m) => warnings.push(m) });
      expect([img.width, img.height, img.channels]).toEqual([rec.width, rec.height, rec.channels]);
      expect(sha(img.data)).toBe(rec.cv2);
      if (rec.pillow) expect(sha(img.data)).toBe(rec.pillow);
      if (rec.imageio) expect(sha(img.data)).toBe(rec.imageio);
      expect(warnings).toEqual(rec.alpha ? [`${join(DIR, name)}: alpha channel dropped`] : []);
    });
  }
  for (const [name, hash] of Object.entries(reference.photos)) {
    it(`data/photos/${name} decodes as cv2 decodes it (no ICC conversion: rocket.jpg is Adobe RGB)`, async () => {
      const img = await readImage(join(import.meta.dirname, '../../data/photos', name));
      expect(sha(img.data)).toBe(hash);
    });
  }
});

describe('bad image files', () => {
  const cases: [string, RegExp][] = [
    ['deep16.png', /deep16\.png: 16-bit images are not supported \(expected 8-bit grey or RGB\)/],
    ['truncated.jpg', /truncated\.jpg: cannot decode image/],
    ['corrupt.png', /corrupt\.png: cannot decode image/],
    ['missing.png', /missing\.png: no such file/],
  ];
  for (const [name, message] of cases) {
    it(name, async () => {
      const error = await readImage(join(DIR, name)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RdbmError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    });
  }
});

describe('decodeBmp', () => {
  function bmp(width: number, height: number, bpp: number, pixels: number[], opts: { topDown?: boolean; masks?: number[]; palette?: number[][] } = {}): Uint8Array {
    const stride = Math.floor((width * bpp + 31) / 32) * 4;
    const headerSize = opts.masks ? 56 : 40;
    const pal = opts.palette ?? [];
    const offset = 14 + headerSize + pal.length * 4;
    const buf = new Uint8Array(offset + stride * height);
    const v = new DataView(buf.buffer);
    buf[0] = 0x42;
    buf[1] = 0x4d;
    v.setUint32(2, buf.length, true);
    v.setUint32(10, offset, true);
    v.setUint32(14, headerSize, true);
    v.setInt32(18, width, true);
    v.setInt32(22, opts.topDown ? -height : height, true);
    v.setUint16(26, 1, true);
    v.setUint16(28, bpp, true);
    v.setUint32(30, opts.masks ? 3 : 0, true);
    v.setUint32(46, pal.length, true);
    opts.masks?.forEach((m, i) => v.setUint32(54 + i * 4, m, true));
    pal.forEach(([r, g, b], i) => buf.set([b, g, r, 0], 14 + headerSize + i * 4));
    for (let y = 0; y < height; y++) {
      const row = offset + (opts.topDown ? y : height - 1 - y) * stride;
      for (let x = 0; x < width; x++) {
        const p = pixels[y * width + x];
        if (bpp === 32) v.setUint32(row + x * 4, p, true);
        else if (bpp === 4) buf[row + (x >> 1)] |= p << ((1 - (x & 1)) * 4);
      }
    }
    return buf;
  }
  it('reads top-down 32-bit bit-field BMPs and reports the alpha', () => {
    const { image, alpha } = decodeBmp(bmp(2, 2, 32, [0xff102030, 0x80405060, 0x00708090, 0xffa0b0c0], { topDown: true, masks: [0xff0000, 0xff00, 0xff, 0xff000000] }), 'x.bmp');
    expect(alpha).toBe(true);
    expect(Array.from(image.data)).toEqual([0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0, 0xc0]);
  });
  it('reads 4-bit colour palettes bottom-up', () => {
    const { image } = decodeBmp(bmp(3, 1, 4, [1, 0, 1], { palette: [[1, 2, 3], [200, 100, 50]] }), 'x.bmp');
    expect(image.channels).toBe(3);
    expect(Array.from(image.data)).toEqual([200, 100, 50, 1, 2, 3, 200, 100, 50]);
  });
  it('rejects RLE and truncated files naming the file', () => {
    const rle = bmp(2, 2, 32, [0, 0, 0, 0]);
    new DataView(rle.buffer).setUint32(30, 1, true);
    expect(() => decodeBmp(rle, 'r.bmp')).toThrow(/r\.bmp: cannot decode image \(compression 1 \(RLE\)/);
    expect(() => decodeBmp(bmp(4, 4, 32, new Array(16).fill(0)).subarray(0, 80), 't.bmp')).toThrow(/t\.bmp: cannot decode image \(truncated pixel data\)/);
  });
});
