/**
 * The PNG fast path (src/image/png.ts): every row filter of 8-bit grey and RGB images decodes to the samples
 * sharp (libvips) decodes, the files it does not handle go to sharp (undefined), and readImage on a plain PNG
 * never loads sharp.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSimplePng, isPng } from '../../src/image/png.js';

const ROOT = join(import.meta.dirname, '../..');
const DECODE = join(ROOT, 'test/fixtures/metrics/decode');

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Deterministic samples (LCG) with smooth regions, so every filter has something to predict. */
function samples(n: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  return Uint8Array.from({ length: n }, (_, i) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return i % 7 < 3 ? (i * 5) & 255 : s >>> 24;
  });
}

/** The filtered scanlines of `pixels` with row y using filter `filters[y % filters.length]` (PNG spec 9.2). */
function filterRows(pixels: Uint8Array, width: number, height: number, bpp: number, filters: number[]): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(height * (stride + 1));
  const at = (y: number, i: number) => (y < 0 || i < 0 ? 0 : pixels[y * stride + i]);
  for (let y = 0; y < height; y++) {
    const f = filters[y % filters.length];
    out[y * (stride + 1)] = f;
    for (let i = 0; i < stride; i++) {
      const x = pixels[y * stride + i];
      const a = at(y, i - bpp);
      const b = at(y - 1, i);
      const c = at(y - 1, i - bpp);
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      out[y * (stride + 1) + 1 + i] = (x - predictor) & 255;
    }
  }
  return out;
}

interface PngSpec {
  width: number;
  height: number;
  colour?: number;
  depth?: number;
  interlace?: number;
  filters?: number[];
  /** chunks inserted after IHDR */
  extra?: Buffer[];
  /** IDAT split into this many chunks */
  parts?: number;
}

function png(spec: PngSpec, pixels?: Uint8Array): Buffer {
  const { width, height, colour = 2, depth = 8, interlace = 0, filters = [0, 1, 2, 3, 4], extra = [], parts = 1 } = spec;
  const bpp = colour === 0 ? 1 : colour === 2 ? 3 : colour === 6 ? 4 : colour === 4 ? 2 : 1;
  const data = pixels ?? samples(width * height * bpp, width * 31 + height);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([depth, colour, 0, 0, interlace], 8);
  const z = deflateSync(filterRows(data, width, height, bpp, filters));
  const cut = Math.ceil(z.length / parts);
  const idats = Array.from({ length: parts }, (_, k) => chunk('IDAT', z.subarray(k * cut, (k + 1) * cut)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), ...extra, ...idats, chunk('IEND', new Uint8Array(0))]);
}

/** sharp's decoding as readImage asks for it (pixels as stored; grey stays one channel) */
async function viaSharp(file: Buffer) {
  const meta = await sharp(file).metadata();
  let pipeline = sharp(file).keepIccProfile();
  if (meta.channels === 1) pipeline = pipeline.toColourspace('b-w');
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data) };
}

describe('decodeSimplePng decodes as sharp does', () => {
  const cases: [string, PngSpec][] = [
    ['RGB, filters None Sub Up Average Paeth by row', { width: 37, height: 23 }],
    ['grey, filters Paeth Average Up Sub None by row', { width: 41, height: 19, colour: 0, filters: [4, 3, 2, 1, 0] }],
    ['RGB, Paeth only, IDAT in 5 chunks', { width: 64, height: 48, filters: [4], parts: 5 }],
    ['grey 1×1, Average', { width: 1, height: 1, colour: 0, filters: [3] }],
    ['RGB with gAMA, sRGB and tEXt chunks', { width: 9, height: 7, extra: [chunk('gAMA', Buffer.from([0, 0, 0xb1, 0x8f])), chunk('sRGB', Buffer.from([0])), chunk('tEXt', Buffer.from('Comment\0x'))] }],
  ];
  for (const [name, spec] of cases) {
    it(name, async () => {
      const file = png(spec);
      const ours = await decodeSimplePng(file);
      expect(ours).toBeDefined();
      expect({ ...ours!, data: new Uint8Array(ours!.data) }).toEqual(await viaSharp(file));
    });
  }
  it('the fixtures sharp writes (adaptive filtering, compression 9)', async () => {
    const raw = samples(96 * 80 * 3, 7);
    for (const options of [{ adaptiveFiltering: true, compressionLevel: 9 }, { adaptiveFiltering: false, compressionLevel: 1 }]) {
      const file = await sharp(raw, { raw: { width: 96, height: 80, channels: 3 } }).png(options).toBuffer();
      const ours = await decodeSimplePng(file);
      expect(ours).toBeDefined();
      expect(Buffer.from(ours!.data).equals(raw)).toBe(true);
    }
  });
  it('the decode fixtures it takes: the samples cv2 reads (test/image/io.test.ts hashes them through readImage)', async () => {
    for (const name of ['png.png', 'grey.png']) {
      const file = readFileSync(join(DECODE, name));
      const ours = await decodeSimplePng(file);
      expect(ours, name).toBeDefined();
      expect({ ...ours!, data: new Uint8Array(ours!.data) }).toEqual(await viaSharp(file));
    }
  });
});

describe('decodeSimplePng leaves other PNGs to sharp', () => {
  const good = png({ width: 8, height: 6 });
  const flip = (buf: Buffer, at: number) => {
    const out = Buffer.from(buf);
    out[at] ^= 1;
    return out;
  };
  const cases: [string, Buffer][] = [
    ['RGBA', png({ width: 8, height: 6, colour: 6 })],
    ['grey + alpha', png({ width: 8, height: 6, colour: 4 })],
    ['palette', png({ width: 8, height: 6, colour: 3, extra: [chunk('PLTE', Buffer.alloc(768))] })],
    ['16-bit', png({ width: 4, height: 6, depth: 16 })],
    ['Adam7 interlaced', png({ width: 8, height: 6, interlace: 1 })],
    ['a tRNS chunk', png({ width: 8, height: 6, extra: [chunk('tRNS', Buffer.alloc(6))] })],
    ['an unknown critical chunk', png({ width: 8, height: 6, extra: [chunk('ABCD', Buffer.alloc(2))] })],
    ['a bad CRC', flip(good, 8 + 8 + 13)],
    ['corrupt compressed data', flip(good, 8 + 25 + 10)],
    ['truncated', good.subarray(0, good.length - 20)],
    ['bytes after IEND', Buffer.concat([good, Buffer.from([0])])],
    ['not a PNG', Buffer.from('GIF89a..')],
    ['the corrupt.png fixture', readFileSync(join(DECODE, 'corrupt.png'))],
    ['the deep16.png fixture', readFileSync(join(DECODE, 'deep16.png'))],
    ['the rgba.png fixture', readFileSync(join(DECODE, 'rgba.png'))],
  ];
  for (const [name, file] of cases) it(name, async () => expect(await decodeSimplePng(file)).toBeUndefined());
  it('checkSize sees the header size before anything is inflated, and its error propagates', async () => {
    const seen: number[][] = [];
    const limit = (w: number, h: number) => {
      seen.push([w, h]);
      throw new Error(`over: ${w}×${h}`);
    };
    // corrupt compressed data after the header: the size check must come first
    await expect(decodeSimplePng(flip(good, 8 + 25 + 10), limit)).rejects.toThrow('over: 8×6');
    expect(seen).toEqual([[8, 6]]);
  });
  it('isPng reads the signature', () => {
    expect(isPng(good)).toBe(true);
    expect(isPng(good.subarray(0, 7))).toBe(false);
  });
});

describe('readImage loads sharp only when a file needs it', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rdbm-png-'));
    writeFileSync(join(dir, 'plain.png'), png({ width: 16, height: 12 }));
    // a module hook that fails any import of sharp (ESM and CommonJS), as test/metrics/no-tf-register.mjs does for TF.js
    writeFileSync(
      join(dir, 'no-sharp.mjs'),
      [
        "import { register } from 'node:module';",
        "import Module from 'node:module';",
        "register('data:text/javascript,' + encodeURIComponent(\"export async function resolve(s, c, n) { if (s === 'sharp') throw new Error('SHARP_LOADED'); return n(s, c); }\"));",
        'const load = Module._load;',
        "Module._load = function (r, ...rest) { if (r === 'sharp') throw new Error('SHARP_LOADED'); return load.call(this, r, ...rest); };",
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const read = (file: string) =>
    spawnSync(process.execPath, ['--import', join(dir, 'no-sharp.mjs'), '--input-type=module', '-e', `const { readImage } = await import(${JSON.stringify(join(ROOT, 'dist/image/io.js'))}); const i = await readImage(${JSON.stringify(file)}); console.log(i.width, i.height, i.channels);`], { encoding: 'utf8' });
  it('a plain PNG decodes without sharp', () => {
    const r = read(join(dir, 'plain.png'));
    expect(r.stderr).not.toMatch(/SHARP_LOADED/);
    expect(r.stdout.trim()).toBe('16 12 3');
  });
  it('a JPEG goes to sharp (the hook sees it)', () => {
    const r = read(join(DECODE, 'q75-420.jpg'));
    expect(r.stderr).toMatch(/SHARP_LOADED/);
  });
});
