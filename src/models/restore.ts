/**
 * Restoration at full resolution: μ = the degraded image in [−1, 1], sampled with `sampleBridge`
 * (official grid, NFE steps) using the checkpoint's objective as parameterization. Large images
 * are tiled inside each network call (the sampler state stays whole): overlapping tiles are run
 * separately and blended with weights that ramp linearly across the overlap, so seams vanish.
 * Outputs are PNG `<stem>.png` (uint8 = floor(255·(x+1)/2 + 0.5), torchvision's save_image).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { type BridgePrior, bridgeSchedule, sampleBridge, vpSchedule } from '../bridge/index.js';
import { isImageFile, listImages } from '../datasets/files.js';
import { RdbmError } from '../errors.js';
import { type Image8, readImage, writeImage } from '../image/index.js';
import { tf } from '../tf/index.js';
import { createProgress } from '../util/progress.js';
import { createRng, normalArray } from '../util/random.js';
import { keyword, number } from '../util/validate.js';
import { loadCheckpoint } from './checkpoint.js';
import { TRAIN_OBJECTIVES, TRAIN_SCHEDULES, type LoadedModel, type RestoreOptions, type RestoreResult } from './types.js';

export const DEFAULT_TILE = Object.freeze({ size: 512, overlap: 32 });

/**
 * Where a generative prior (a checkpoint trained with process `vp`) starts on the bridge: t₀ = round(0.7·(T − 1)).
 * With the cosine bridge (λ = 10/255, T = 100) and a cosine VP prior, t₀ = 69 matches ᾱ_s ≈ 0.52: enough noise
 * for the prior to act, little enough that the start μ + Σ_{t₀} z still carries the image (bridge/prior.ts).
 */
export const PRIOR_START_FRACTION = 0.7;

/** The prior of a VP checkpoint, driven through the bridge (this toolkit's derivation of the IRBridge idea). */
function vpPrior(model: LoadedModel, bridgeSteps: number, start?: number): Omit<BridgePrior, 'predictX0'> | undefined {
  const tr = model.training;
  if (tr?.process !== 'vp') return undefined;
  return { schedule: vpSchedule({ schedule: tr.schedule, timesteps: tr.timesteps }), start: start ?? Math.round(PRIOR_START_FRACTION * (bridgeSteps - 1)) };
}

/**
 * The default tile for a network: 512 px, smaller for shallow networks so that the full attention
 * in the middle (over (side / 2^(depth−1))² positions, quadratic memory) stays at most 64×64.
 */
export function defaultTile(depth: number): { size: number; overlap: number } {
  const size = Math.min(DEFAULT_TILE.size, 64 * 2 ** (depth - 1));
  return { size, overlap: Math.min(DEFAULT_TILE.overlap, size / 8) };
}

/** Tile origins along one axis: first at 0, last at n − size, spaced at most size − overlap. */
export function tileStarts(n: number, size: number, overlap: number): number[] {
  if (n <= size) return [0];
  const count = Math.ceil((n - overlap) / (size - overlap));
  const stride = (n - size) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(i * stride));
}

/** Blend weight of a tile pixel: ramps 1/(overlap+1) … 1 over `overlap` pixels at edges shared with another tile. */
function ramp(i: number, len: number, start: number, n: number, overlap: number): number {
  const fromStart = start > 0 ? (i + 1) / (overlap + 1) : 1;
  const fromEnd = start + len < n ? (len - i) / (overlap + 1) : 1;
  return Math.min(1, fromStart, fromEnd);
}

/** The network applied tile by tile over an NHWC batch, blended. Exact (no tiling) when the image fits one tile. */
export async function applyTiled(model: Pick<LoadedModel, 'apply'>, xt: tf.Tensor4D, mu: tf.Tensor4D, t: number, tile: { size: number; overlap: number } | false): Promise<tf.Tensor4D> {
  const [b, h, w, c] = xt.shape;
  if (!tile || (h <= tile.size && w <= tile.size)) return model.apply(xt, mu, t);
  const ys = tileStarts(h, tile.size, tile.overlap);
  const xs = tileStarts(w, tile.size, tile.overlap);
  const acc = new Float32Array(b * h * w * c);
  const wsum = new Float32Array(h * w);
  for (const y0 of ys) {
    for (const x0 of xs) {
      const th = Math.min(tile.size, h);
      const tw = Math.min(tile.size, w);
      const out = tf.tidy(() => model.apply(tf.slice(xt, [0, y0, x0, 0], [-1, th, tw, -1]), tf.slice(mu, [0, y0, x0, 0], [-1, th, tw, -1]), t));
      const data = await out.data();
      out.dispose();
      for (let y = 0; y < th; y++) {
        const wy = ramp(y, th, y0, h, tile.overlap);
        for (let x = 0; x < tw; x++) {
          const wt = wy * ramp(x, tw, x0, w, tile.overlap);
          wsum[(y0 + y) * w + x0 + x] += wt;
          for (let n = 0; n < b; n++) {
            const src = ((n * th + y) * tw + x) * c;
            const dst = ((n * h + y0 + y) * w + x0 + x) * c;
            for (let k = 0; k < c; k++) acc[dst + k] += wt * data[src + k];
          }
        }
      }
    }
  }
  for (let i = 0; i < b * h * w; i++) {
    const s = wsum[i % (h * w)];
    for (let k = 0; k < c; k++) acc[i * c + k] /= s;
  }
  return tf.tensor4d(acc, [b, h, w, c]);
}

function toTensor(img: Image8): tf.Tensor4D {
  const n = img.width * img.height;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) out[i * 3 + k] = (img.data[i * img.channels + (img.channels === 3 ? k : 0)] / 255) * 2 - 1;
  return tf.tensor4d(out, [1, img.height, img.width, 3]);
}

function toImage(data: Float32Array | Int32Array | Uint8Array, width: number, height: number): Image8 {
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.floor(((data[i] + 1) / 2) * 255 + 0.5)));
  return { width, height, channels: 3, data: out };
}

/** Seeded N(0, I) start noise z for a prior, one stream per image. */
function startNoise(seed: string): (shape: number[]) => tf.Tensor {
  const rng = createRng(seed);
  return (shape) => tf.tensor(normalArray(rng, shape.reduce((a, b) => a * b, 1)), shape);
}

/** The inputs as {name, path}: a directory's images (sorted), one file, or the given list. */
export function resolveInputs(inputs: RestoreOptions['inputs']): { name: string; path: string }[] {
  if (typeof inputs !== 'string') return inputs.map((i) => ({ name: i.name, path: i.path }));
  if (!existsSync(inputs)) throw new RdbmError(`input not found: ${inputs} (expected an image file or a directory of images)`);
  if (statSync(inputs).isDirectory()) {
    const names = listImages(inputs);
    if (!names.length) throw new RdbmError(`no images in ${inputs} (expected .png, .jpg, … files)`);
    return names.map((n) => ({ name: n, path: join(inputs, n) }));
  }
  if (!isImageFile(inputs)) throw new RdbmError(`invalid input: ${inputs} (expected an image file or a directory of images)`);
  return [{ name: basename(inputs), path: inputs }];
}

/** Restores every input with the model; writes `<outputDir>/<name without extension>.png`. */
export async function restoreImages(options: RestoreOptions): Promise<RestoreResult> {
  if (!options.model && !options.checkpoint) throw new RdbmError('restoreImages: give a checkpoint path or a loaded model');
  const inputs = resolveInputs(options.inputs);
  // real time inputs: a generative prior is asked at real s (the bridge sampler passes integers anyway)
  const model = options.model ?? (await loadCheckpoint(options.checkpoint!, undefined, { time: 'real' }));
  const tr = model.training;
  const schedule = bridgeSchedule({
    schedule: keyword('schedule', options.schedule ?? tr?.schedule ?? 'cosine', TRAIN_SCHEDULES),
    timesteps: options.timesteps ?? tr?.timesteps ?? 100,
    lambda: options.lambda ?? tr?.lambda ?? 10 / 255,
  });
  const parameterization = keyword('parameterization', options.parameterization ?? tr?.objective ?? 'x0', TRAIN_OBJECTIVES);
  number('nfe', options.nfe, { integer: true, min: 1, max: schedule.timesteps });
  const tile = options.tile === undefined ? defaultTile(model.config.dimMults.length) : options.tile;
  if (tile) {
    number('tile size', tile.size, { integer: true, min: 2 ** model.config.dimMults.length });
    number('tile overlap', tile.overlap, { integer: true, min: 0, max: tile.size / 2 });
  }
  const prior = vpPrior(model, schedule.timesteps, options.priorStart);
  const progress = options.io ? createProgress(options.io, 'restore', inputs.length, 'images') : undefined;
  const outputs: { name: string; input: string; output: string; seconds: number }[] = [];
  const t0 = performance.now();
  try {
    for (const input of inputs) {
      if (options.signal?.aborted) throw new RdbmError(`restoration stopped after ${outputs.length} of ${inputs.length} images`);
      const start = performance.now();
      const img = await readImage(input.path);
      const mu = toTensor(img);
      const x = prior
        ? await sampleBridge({ mu, schedule, nfe: options.nfe, clip: true, prior: { ...prior, predictX0: (xs, s) => applyTiled(model, xs, xs, s, tile) }, noise: startNoise(`${options.seed ?? 0}:prior:${input.name}`) })
        : await sampleBridge({ mu, schedule, nfe: options.nfe, parameterization, predict: (xt, m, t) => applyTiled(model, xt, m, t, tile), clip: true });
      const data = await x.data();
      tf.dispose([mu, x]);
      const output = join(options.outputDir, dirname(input.name), `${basename(input.name, extname(input.name))}.png`);
      await writeImage(output, toImage(data as Float32Array, img.width, img.height));
      outputs.push({ name: input.name, input: input.path, output, seconds: (performance.now() - start) / 1000 });
      progress?.tick();
    }
  } finally {
    if (!options.model) model.dispose();
  }
  return { outputs, seconds: (performance.now() - t0) / 1000 };
}
