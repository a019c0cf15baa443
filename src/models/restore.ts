/**
 * Restoration at full resolution: μ = the degraded image in [−1, 1], sampled with `sampleBridge`
 * (official grid, NFE steps) using the checkpoint's objective as parameterization. Large images
 * are tiled inside each network call (the sampler state stays whole): overlapping tiles are run
 * separately and blended with weights that ramp linearly across the overlap, so seams vanish.
 * Outputs are PNG `<stem>.png` (uint8 = floor(255·(x+1)/2 + 0.5), torchvision's save_image).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { bridgeSchedule, checkObjectivePi, sampleBridge, vpSchedule } from '../bridge/index.js';
import { isImageFile, listImages } from '../datasets/files.js';
import { RdbmError } from '../errors.js';
import { type Image8, readImage, writeImage } from '../image/index.js';
import { tf, workerThreadsFor } from '../tf/index.js';
import { createProgress } from '../util/progress.js';
import { createRng, normalArray } from '../util/random.js';
import { keyword, number } from '../util/validate.js';
import { loadCheckpoint } from './checkpoint.js';
import { callCapacity } from './restore-memory.js';
import { restoreOnWorkers, restoreWorkerUrl } from './restore-parallel.js';
import { defaultTile, tileStarts } from './tiles.js';
import { TRAIN_OBJECTIVES, TRAIN_SCHEDULES, type LoadedModel, type RestoredImage, type RestoreOptions, type RestoreResult, type RestoreSettings } from './types.js';

/**
 * Where a generative prior (a checkpoint trained with process `vp`) starts on the bridge: t₀ = round(0.7·(T − 1)).
 * With the cosine bridge (λ = 10/255, T = 100) and a cosine VP prior, t₀ = 69 matches ᾱ_s ≈ 0.52: enough noise
 * for the prior to act, little enough that the start μ + Σ_{t₀} z still carries the image (bridge/prior.ts).
 */
export const PRIOR_START_FRACTION = 0.7;

/** The prior settings of a VP checkpoint, driven through the bridge (this toolkit's derivation of the IRBridge idea). */
function vpPrior(model: LoadedModel, bridgeSteps: number, start: number | undefined, seed: number): RestoreSettings['prior'] {
  const tr = model.training;
  if (tr?.process !== 'vp') return undefined;
  return { schedule: tr.schedule, timesteps: tr.timesteps, start: start ?? Math.round(PRIOR_START_FRACTION * (bridgeSteps - 1)), seed };
}

/** Blend weight of a tile pixel: ramps 1/(overlap+1) … 1 over `overlap` pixels at edges shared with another tile. */
function ramp(i: number, len: number, start: number, n: number, overlap: number): number {
  const fromStart = start > 0 ? (i + 1) / (overlap + 1) : 1;
  const fromEnd = start + len < n ? (len - i) / (overlap + 1) : 1;
  return Math.min(1, fromStart, fromEnd);
}

/**
 * The network applied tile by tile over an NHWC batch, blended. Exact (no tiling) when the image fits one tile.
 * The windows of every item and tile are stacked into network calls of at most `maxWindows` (one call per tile was
 * a batch as small as the image window; stacked, the convolutions run on larger batches). Each window is computed
 * as if alone (the U-Net couples no items) and blended in tile order, so the chunking never changes a value.
 */
export async function applyTiled(model: Pick<LoadedModel, 'apply'>, xt: tf.Tensor4D, mu: tf.Tensor4D, t: number, tile: { size: number; overlap: number } | false, maxWindows = Infinity): Promise<tf.Tensor4D> {
  const [b, h, w, c] = xt.shape;
  if (!tile || (h <= tile.size && w <= tile.size)) return model.apply(xt, mu, t);
  const th = Math.min(tile.size, h);
  const tw = Math.min(tile.size, w);
  const origins = tileStarts(h, tile.size, tile.overlap).flatMap((y0) => tileStarts(w, tile.size, tile.overlap).map((x0) => [y0, x0] as const));
  const acc = new Float32Array(b * h * w * c);
  const wsum = new Float32Array(h * w);
  // whole tiles per call (all items of a tile together), at least one tile even when it exceeds maxWindows
  const tilesPerCall = Math.max(1, Math.floor(maxWindows / b));
  for (let from = 0; from < origins.length; from += tilesPerCall) {
    const chunk = origins.slice(from, from + tilesPerCall);
    const out = tf.tidy(() => {
      const cut = (u: tf.Tensor4D) => tf.concat(chunk.map(([y0, x0]) => tf.slice(u, [0, y0, x0, 0], [-1, th, tw, -1])), 0) as tf.Tensor4D;
      return model.apply(cut(xt), cut(mu), t);
    });
    const data = await out.data();
    out.dispose();
    chunk.forEach(([y0, x0], k) => {
      const base = k * b * th * tw * c;
      for (let y = 0; y < th; y++) {
        const wy = ramp(y, th, y0, h, tile.overlap);
        for (let x = 0; x < tw; x++) {
          const wt = wy * ramp(x, tw, x0, w, tile.overlap);
          wsum[(y0 + y) * w + x0 + x] += wt;
          for (let n = 0; n < b; n++) {
            const src = base + ((n * th + y) * tw + x) * c;
            const dst = ((n * h + y0 + y) * w + x0 + x) * c;
            for (let q = 0; q < c; q++) acc[dst + q] += wt * data[src + q];
          }
        }
      }
    });
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

/** Seeded N(0, I) start noise z for a prior: one stream per image (seeded by its name), items stacked in batch order. */
function startNoise(seed: number, names: readonly string[]): (shape: number[]) => tf.Tensor {
  return (shape) => {
    const n = shape.slice(1).reduce((a, b) => a * b, 1);
    const out = new Float32Array(n * names.length);
    names.forEach((name, k) => out.set(normalArray(createRng(`${seed}:prior:${name}`), n), k * n));
    return tf.tensor(out, shape);
  };
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

/** Pixels per network call when batching images (16 of 128², 4 of 256², 1 of 512²): memory stays flat. */
export const BATCH_PIXELS = 1 << 18;

/**
 * Restores a window of consecutive inputs: images of equal size go through the sampler together
 * (up to BATCH_PIXELS per call), each item exactly as if alone (the U-Net has no cross-item coupling).
 */
export async function restoreWindow(model: Pick<LoadedModel, 'apply'>, window: readonly { name: string; path: string }[], settings: RestoreSettings): Promise<RestoredImage[]> {
  const start = performance.now();
  const schedule = bridgeSchedule({ schedule: settings.schedule, timesteps: settings.timesteps, lambda: settings.lambda });
  const prior = settings.prior && { schedule: vpSchedule({ schedule: settings.prior.schedule, timesteps: settings.prior.timesteps }), start: settings.prior.start, seed: settings.prior.seed };
  const images = await Promise.all(window.map((i) => readImage(i.path)));
  const bySize = new Map<string, number[]>();
  images.forEach((img, i) => {
    const key = `${img.width}x${img.height}`;
    bySize.set(key, [...(bySize.get(key) ?? []), i]);
  });
  const outputs: RestoredImage[] = new Array(window.length);
  for (const members of bySize.values()) {
    const { width, height } = images[members[0]];
    // network inputs: the image, or its windows when tiled; a call stacks as many as fit memory (so a group holds
    // at most that many images: one tile position of the group always fits one call)
    const tiled = settings.tile !== false && (height > settings.tile.size || width > settings.tile.size);
    const fit = await callCapacity(model, tiled && settings.tile ? Math.min(settings.tile.size, height) : height, tiled && settings.tile ? Math.min(settings.tile.size, width) : width, settings.workers);
    const per = Math.max(1, Math.min(Math.floor(BATCH_PIXELS / (width * height)), fit));
    for (let from = 0; from < members.length; from += per) {
      const group = members.slice(from, from + per);
      const parts = group.map((i) => toTensor(images[i]));
      const mu = tf.concat(parts, 0) as tf.Tensor4D;
      tf.dispose(parts);
      const x = prior
        ? await sampleBridge({ mu, schedule, nfe: settings.nfe, clip: true, prior: { ...prior, predictX0: (xs, s) => applyTiled(model, xs, xs, s, settings.tile, fit) }, noise: startNoise(prior.seed, group.map((i) => window[i].name)) })
        : await sampleBridge({ mu, schedule, nfe: settings.nfe, parameterization: settings.parameterization, predict: (xt, m, t) => applyTiled(model, xt, m, t, settings.tile, fit), clip: true });
      const data = (await x.data()) as Float32Array;
      tf.dispose([mu, x]);
      const n = width * height * 3;
      for (let k = 0; k < group.length; k++) {
        const input = window[group[k]];
        const output = join(settings.outputDir, dirname(input.name), `${basename(input.name, extname(input.name))}.png`);
        await writeImage(output, toImage(data.subarray(k * n, (k + 1) * n), width, height));
        outputs[group[k]] = { name: input.name, input: input.path, output, seconds: 0 };
      }
    }
  }
  const seconds = (performance.now() - start) / 1000 / window.length;
  return outputs.map((o) => ({ ...o, seconds }));
}

/**
 * Consecutive windows of at most `batch` inputs, as equal as a whole number of rounds over `workers` allows:
 * 80 inputs in windows of 16 over 2 workers would leave one worker a third window while the other idles, so
 * they go in six windows of 14 or 10 instead (the window size never changes a restored value).
 */
export function balancedWindows<T>(inputs: readonly T[], batch: number, workers: number): T[][] {
  const rounds = Math.ceil(inputs.length / (workers * batch));
  const size = Math.max(1, Math.ceil(inputs.length / (rounds * workers)));
  const windows: T[][] = [];
  for (let i = 0; i < inputs.length; i += size) windows.push(inputs.slice(i, i + size));
  return windows;
}

/** Restores every input with the model; writes `<outputDir>/<name without extension>.png`. */
export async function restoreImages(options: RestoreOptions): Promise<RestoreResult> {
  if (!options.model && !options.checkpoint) throw new RdbmError('restoreImages: give a checkpoint path or a loaded model');
  const inputs = resolveInputs(options.inputs);
  const batch = number('batch', options.batch ?? 16, { integer: true, min: 1 });
  const wanted = workerThreadsFor(number('workers', options.workers ?? 1, { integer: true, min: 1 }));
  // worker threads load the checkpoint themselves: only with a path, and never more than there are windows
  const pool = options.checkpoint && !options.model && restoreWorkerUrl() ? wanted : 1;
  const windows = balancedWindows(inputs, batch, pool);
  const workers = Math.min(pool, windows.length);
  // real time inputs: a generative prior is asked at real s (the bridge sampler passes integers anyway)
  const model = options.model ?? (await loadCheckpoint(options.checkpoint!, undefined, { time: 'real' }));
  const tr = model.training;
  const timesteps = options.timesteps ?? tr?.timesteps ?? 100;
  const prior = vpPrior(model, timesteps, options.priorStart, options.seed ?? 0);
  const settings: RestoreSettings = {
    schedule: keyword('schedule', options.schedule ?? tr?.schedule ?? 'cosine', TRAIN_SCHEDULES),
    timesteps,
    lambda: options.lambda ?? tr?.lambda ?? 10 / 255,
    parameterization: keyword('parameterization', options.parameterization ?? tr?.objective ?? 'x0', TRAIN_OBJECTIVES),
    nfe: options.nfe,
    tile: options.tile === undefined ? defaultTile(model.config.dimMults.length) : options.tile,
    outputDir: options.outputDir,
    workers,
    ...(prior ? { prior } : {}),
  };
  if (tr) checkObjectivePi(settings.parameterization, tr.pi, `restore ${options.checkpoint ?? 'model'} (trained with pi ${tr.pi})`);
  const schedule = bridgeSchedule({ schedule: settings.schedule, timesteps: settings.timesteps, lambda: settings.lambda });
  number('nfe', options.nfe, { integer: true, min: 1, max: schedule.timesteps });
  if (settings.tile) {
    number('tile size', settings.tile.size, { integer: true, min: 2 ** model.config.dimMults.length });
    number('tile overlap', settings.tile.overlap, { integer: true, min: 0, max: settings.tile.size / 2 });
  }
  const progress = options.io ? createProgress(options.io, 'restore', inputs.length, 'images') : undefined;
  const t0 = performance.now();
  const done: RestoredImage[][] = new Array(windows.length);
  const stopped = () => new RdbmError(`restoration stopped after ${done.flat().length} of ${inputs.length} images`);
  try {
    if (workers > 1) {
      await restoreOnWorkers(options.checkpoint!, windows, settings, workers, (i, r) => {
        done[i] = r;
        progress?.tick(r.length);
      }, options.signal, stopped);
    } else {
      for (let i = 0; i < windows.length; i++) {
        if (options.signal?.aborted) throw stopped();
        done[i] = await restoreWindow(model, windows[i], settings);
        progress?.tick(done[i].length);
      }
    }
  } finally {
    if (!options.model) model.dispose();
  }
  return { outputs: done.flat(), seconds: (performance.now() - t0) / 1000 };
}
