/**
 * Training batches from the RDBM/DGSolver layout: every step draws the same number of pairs from
 * each task (the paper's batch of 20 split evenly over five tasks; a remainder rotates over the
 * tasks from step to step), one random crop per pair (same window on label and condition).
 * All randomness comes from a stream seeded by (seed, step), so a resumed run sees exactly the
 * batches an uninterrupted run would.
 */
import { type PairEntry, scanLayout } from '../datasets/index.js';
import { RdbmError } from '../errors.js';
import { readImage } from '../image/index.js';
import type { Image8 } from '../image/index.js';
import { tf } from '../tf/index.js';
import { type Rng, createRng } from '../util/random.js';

export interface TrainingData {
  readonly tasks: readonly string[];
  readonly byTask: ReadonlyMap<string, readonly PairEntry[]>;
}

export function loadTrainingData(root: string, split: 'train' | 'test', tasks?: readonly string[]): TrainingData {
  const entries = scanLayout(root, { split });
  const byTask = new Map<string, PairEntry[]>();
  for (const e of entries) {
    if (tasks && !tasks.includes(e.task)) continue;
    if (!byTask.has(e.task)) byTask.set(e.task, []);
    byTask.get(e.task)!.push(e);
  }
  if (tasks) {
    const absent = tasks.filter((t) => !byTask.has(t));
    if (absent.length) throw new RdbmError(`invalid tasks: ${absent.join(', ')} not found under ${root} (found ${[...new Set(entries.map((e) => e.task))].join(', ')})`);
  }
  if (!byTask.size) throw new RdbmError(`no training pairs under ${root} (split ${split})`);
  return { tasks: [...byTask.keys()].sort(), byTask };
}

/** How many items each task contributes at `step` (sums to batchSize; remainder rotates). */
export function batchPlan(tasks: readonly string[], batchSize: number, step: number): Map<string, number> {
  const k = tasks.length;
  const base = Math.floor(batchSize / k);
  const extra = batchSize % k;
  return new Map(tasks.map((t, i) => [t, base + (((i - step) % k + k) % k < extra ? 1 : 0)]));
}

/** Decoded images, kept while the total stays under `maxBytes`. */
export function createImageCache(maxBytes = 1 << 30) {
  const cache = new Map<string, Image8>();
  let bytes = 0;
  return async (path: string): Promise<Image8> => {
    const hit = cache.get(path);
    if (hit) return hit;
    const img = await readImage(path);
    if (bytes + img.data.length <= maxBytes) {
      cache.set(path, img);
      bytes += img.data.length;
    }
    return img;
  };
}

function cropToFloats(img: Image8, y0: number, x0: number, size: number, out: Float32Array, at: number): void {
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const src = ((y0 + y) * img.width + (x0 + x)) * img.channels;
      const dst = at + (y * size + x) * 3;
      for (let c = 0; c < 3; c++) out[dst + c] = (img.data[src + (img.channels === 3 ? c : 0)] / 255) * 2 - 1;
    }
  }
}

export interface Batch {
  /** clean x₀ and degraded μ, NHWC in [−1, 1] */
  readonly x0: tf.Tensor4D;
  readonly mu: tf.Tensor4D;
  readonly names: readonly string[];
}

export interface HostBatch {
  /** clean x₀ and degraded μ, NHWC [batch, crop, crop, 3] in [−1, 1] */
  readonly x0: Float32Array;
  readonly mu: Float32Array;
  readonly names: readonly string[];
}

/** The batch of `step`, drawn with `rng` (seeded by the caller from seed and step), as tensors. */
export async function makeBatch(data: TrainingData, batchSize: number, cropSize: number, step: number, rng: Rng, load: (p: string) => Promise<Image8>): Promise<Batch> {
  const b = await makeHostBatch(data, batchSize, cropSize, step, rng, load);
  const shape: [number, number, number, number] = [batchSize, cropSize, cropSize, 3];
  return { x0: tf.tensor4d(b.x0, shape), mu: tf.tensor4d(b.mu, shape), names: b.names };
}

/** The batch of `step` as host arrays (what makeBatch uploads). */
export async function makeHostBatch(data: TrainingData, batchSize: number, cropSize: number, step: number, rng: Rng, load: (p: string) => Promise<Image8>): Promise<HostBatch> {
  const n = cropSize * cropSize * 3;
  const x0 = new Float32Array(batchSize * n);
  const mu = new Float32Array(batchSize * n);
  const names: string[] = [];
  let i = 0;
  for (const [task, count] of batchPlan(data.tasks, batchSize, step)) {
    const pairs = data.byTask.get(task)!;
    for (let j = 0; j < count; j++, i++) {
      const pair = pairs[rng.int(pairs.length)];
      const [label, cond] = await Promise.all([load(pair.label), load(pair.condition)]);
      if (label.width !== cond.width || label.height !== cond.height) {
        throw new RdbmError(`training pair ${pair.condition}: condition is ${cond.width}×${cond.height} but label ${pair.label} is ${label.width}×${label.height} (expected equal sizes)`);
      }
      if (label.width < cropSize || label.height < cropSize) {
        throw new RdbmError(`training image ${pair.label} is ${label.width}×${label.height}, smaller than the crop size ${cropSize} (use a smaller --crop)`);
      }
      const y0 = rng.int(label.height - cropSize + 1);
      const xOff = rng.int(label.width - cropSize + 1);
      cropToFloats(label, y0, xOff, cropSize, x0, i * n);
      cropToFloats(cond, y0, xOff, cropSize, mu, i * n);
      names.push(`${task}/${pair.subDataset}/${pair.name}`);
    }
  }
  return { x0, mu, names };
}

export { createRng };
