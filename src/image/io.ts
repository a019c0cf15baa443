/**
 * Image files through sharp (libvips): PNG, JPEG, TIFF, WebP; BMP through ./bmp.ts (libvips has no
 * BMP reader); plain 8-bit grey and RGB PNGs through ./png.ts (the same samples, without loading sharp:
 * sharp is imported only when a file needs it).
 * Decoding is exact for lossless formats; JPEG decoding follows libjpeg-turbo (sharp bundles mozjpeg,
 * whose decoder is libjpeg-turbo's), as OpenCV and scikit-image (through Pillow/imageio) do, so metrics
 * see the same pixels: test/image/io.test.ts checks this against hashes of the arrays cv2 and Pillow
 * decode. Embedded ICC profiles are ignored, as those readers ignore them.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Metadata, OutputInfo, Sharp, SharpOptions } from 'sharp';
import { RdbmError } from '../errors.js';
import { writeFileAtomic } from '../util/fs.js';
import { limitValue } from '../util/limits.js';
import { decodeBmp, isBmp } from './bmp.js';
import { checkPixels } from './pixel-limit.js';
import { decodeSimplePng, isPng } from './png.js';
import type { Image8 } from './types.js';

export interface ReadOptions {
  /** called with a one-line warning (e.g. an alpha channel was dropped) */
  warn?: (message: string) => void;
  /** most pixels an image may have, checked from its header before decoding (default: the `pixels` limit, 64 MP; --max-pixels) */
  maxPixels?: number;
}

type SharpModule = (typeof import('sharp'))['default'];
let sharpModule: Promise<SharpModule> | undefined;
let sharpThreads: number | undefined;

/** sharp, imported on first use (its import costs ~0.1 s of CPU per thread), with libvips' cache off. */
function loadSharp(): Promise<SharpModule> {
  sharpModule ??= import('sharp').then((m) => {
    const sharp = m.default;
    sharp.cache(false);
    if (sharpThreads !== undefined) sharp.concurrency(sharpThreads);
    return sharp;
  });
  return sharpModule;
}

/** libvips threads per image operation in this thread once sharp loads (worker pools set 1: parallelism comes from the workers). */
export function setImageThreads(threads: number): void {
  sharpThreads = threads;
  if (sharpModule) void sharpModule.then((sharp) => sharp.concurrency(threads));
}

const openSharp = async (input: string | Buffer, options: SharpOptions): Promise<Sharp> => (await loadSharp())(input, options);

/** Reads an 8-bit grey or RGB image; an alpha channel is dropped with a warning. */
export async function readImage(path: string, options: ReadOptions = {}): Promise<Image8> {
  let meta: Metadata;
  let raw: { data: Buffer; info: OutputInfo };
  // the first bytes tell BMP and plain PNG (decoded here) from what sharp reads straight from the path
  const head = new Uint8Array(8);
  try {
    const fd = openSync(path, 'r');
    try {
      readSync(fd, head, 0, 8, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RdbmError(code === 'ENOENT' ? `${path}: no such file` : code === 'EISDIR' ? `${path}: is a directory, not an image` : `${path}: cannot read (${code ?? error})`);
  }
  const maxPixels = options.maxPixels ?? limitValue('pixels');
  if (isBmp(head)) {
    const { image, alpha } = decodeBmp(readFileSync(path), path, maxPixels);
    if (alpha) options.warn?.(`${path}: alpha channel dropped`);
    return image;
  }
  if (isPng(head)) {
    // the pixel limit from the header, before inflating: the same check and message as sharp's path below
    const image = await decodeSimplePng(await readFile(path), (width, height) => checkPixels(path, width, height, maxPixels));
    if (image) return image;
  }
  try {
    // the header first: a 1 MB PNG can declare 20000 × 20000 pixels (1.2 GB decoded)
    // (metadata reads the header only; the decoder then enforces the same limit itself)
    meta = await (await openSharp(path, { failOn: 'error', limitInputPixels: false })).metadata();
    checkPixels(path, meta.width ?? 0, meta.height ?? 0, maxPixels);
    const image = await openSharp(path, { failOn: 'error', limitInputPixels: maxPixels });
    if (meta.depth && meta.depth !== 'uchar' && meta.depth !== 'char') {
      throw new RdbmError(`${path}: ${meta.depth === 'ushort' ? '16-bit' : meta.depth} images are not supported (expected 8-bit grey or RGB)`);
    }
    // Pixels as stored, like OpenCV / Pillow / imageio: no ICC conversion to sRGB (sharp's default
    // converts e.g. Adobe RGB JPEGs) and grey stays one channel (sharp would expand it to sRGB).
    let pipeline = image.keepIccProfile();
    if (meta.channels === 1 || meta.channels === 2 || meta.space === 'b-w') pipeline = pipeline.toColourspace('b-w');
    raw = await pipeline.raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    if (error instanceof RdbmError) throw error;
    const reason = String((error as Error).message ?? error).split('\n')[0];
    throw new RdbmError(`${path}: cannot decode image (${reason})`);
  }
  const { width, height, channels } = raw.info;
  const src = new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.length);
  if (channels === 1 || channels === 3) {
    return { width, height, channels, data: src };
  }
  if (channels === 2 || channels === 4) {
    options.warn?.(`${path}: alpha channel dropped`);
    const keep = channels - 1;
    const out = new Uint8Array(width * height * keep);
    for (let p = 0, q = 0; p < src.length; p += channels) for (let c = 0; c < keep; c++) out[q++] = src[p + c];
    return { width, height, channels: keep as 1 | 3, data: out };
  }
  throw new RdbmError(`${path}: ${channels}-channel images are not supported (expected grey or RGB)`);
}

/**
 * Writes an 8-bit image; the format follows the extension (.png, .jpg, .webp, .tif). PNG is lossless.
 * Atomic: written to a temporary sibling, then renamed, so a killed run never leaves a truncated image.
 */
export async function writeImage(path: string, image: Image8, options: { quality?: number } = {}): Promise<void> {
  const s = await openSharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  });
  const lower = path.toLowerCase();
  const q = options.quality ?? 95;
  const pipeline = lower.endsWith('.jpg') || lower.endsWith('.jpeg')
    ? s.jpeg({ quality: q })
    : lower.endsWith('.webp')
      ? s.webp({ quality: q })
      : lower.endsWith('.tif') || lower.endsWith('.tiff')
        ? s.tiff()
        : s.png({ compressionLevel: 9 });
  // encoded in memory, then written through writeFileAtomic: a temporary sibling renamed over the target, and
  // a full disk or a permission problem reported as one line naming the file (sharp's own writer says neither)
  writeFileAtomic(path, await pipeline.toBuffer());
}
