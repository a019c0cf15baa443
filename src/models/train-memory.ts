/**
 * How many items of a training batch one forward + backward pass may hold at once.
 *
 * The wasm backend's heap cannot grow past 4 GiB (wasm32), and running out aborts the whole
 * WebAssembly module. So before the first step we measure the bytes one item needs (a 1-item step
 * under tf.profile at a probe crop ≤ 64 px, scaled by the area to the real crop with a margin, so the
 * probe itself can never exhaust the heap) and split the batch into micro-batches that fit.
 * The plan depends only on the architecture, the crop, the backend and the host's total RAM, never on
 * free memory, so the same run always accumulates the same way (bit-identical resumes).
 */
import { totalmem } from 'node:os';
import { RdbmError } from '../errors.js';
import { tf } from '../tf/index.js';

/** emscripten's getHeapMax() of @tensorflow/tfjs-backend-wasm 4.22 (wasm32). */
export const WASM_HEAP_BYTES = 4294901760;
/** share of the limit a step may plan to use (fragmentation, tensors outside the pass) */
const USABLE = 0.8;
/** extrapolation margin from the probe crop to the real one (the middle attention grows faster than the area) */
const MARGIN = 1.25;

export interface MemoryLimit {
  readonly bytes: number;
  /** e.g. `the wasm heap limit of 4.0 GB` */
  readonly what: string;
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/** The memory one process (or worker) may use for a step on `backend` (a tf backend name). */
export function memoryLimit(backend: string, workers = 1): MemoryLimit {
  if (backend === 'wasm') return { bytes: WASM_HEAP_BYTES, what: `the wasm heap limit of ${gb(WASM_HEAP_BYTES)}` };
  const bytes = totalmem() / 2 / workers;
  return { bytes, what: `half the host RAM${workers > 1 ? ` shared by ${workers} workers` : ''} (${gb(bytes)})` };
}

export interface MicroBatchPlan {
  /** items per forward + backward pass (= the batch when it fits) */
  readonly microBatch: number;
  /** estimated bytes of one item at the real crop */
  readonly itemBytes: number;
}

/**
 * The micro-batch for `batch` items of `itemBytes` each when `baseBytes` are already held, or a
 * one-line RdbmError naming the limit and what would fit when even one item does not.
 */
export function planMicroBatch(batch: number, crop: number, itemBytes: number, baseBytes: number, limit: MemoryLimit): MicroBatchPlan {
  const budget = limit.bytes * USABLE - baseBytes;
  const fits = itemsThatFit(itemBytes, baseBytes, limit);
  if (fits < 1) {
    const largestCrop = Math.floor(crop * Math.sqrt(Math.max(0, budget) / itemBytes) / 8) * 8;
    throw new RdbmError(
      `a training step on one ${crop}×${crop} crop needs about ${gb(itemBytes)}, over ${limit.what} (largest batch that fits: 0 at this crop; largest crop for batch 1: about ${largestCrop}); use a smaller --crop${limit.what.includes('wasm') ? ' or --backend cpu (limited by host RAM only)' : ''}`,
    );
  }
  return { microBatch: Math.min(batch, fits), itemBytes };
}

/** Items of `itemBytes` that fit the usable share of `limit` beside `baseBytes` already held (training micro-batches, restoration calls). */
export function itemsThatFit(itemBytes: number, baseBytes: number, limit: MemoryLimit): number {
  return Math.floor((limit.bytes * USABLE - baseBytes) / itemBytes);
}

/** Bytes of one item from a probe `areaRatio` times smaller: an exact probe (ratio 1) gets 5 %, an extrapolated one the ratio and the margin. */
export function scaleProbeBytes(probeBytes: number, areaRatio: number): number {
  return areaRatio === 1 ? probeBytes * 1.05 : probeBytes * areaRatio * MARGIN;
}

/** The probe crop: the real crop up to 64 px, a multiple of the network's stride 2^depth. */
export function probeCrop(crop: number, depth: number): number {
  const s = 2 ** depth;
  return Math.max(s, Math.min(crop, Math.floor(64 / s) * s));
}

/**
 * Bytes one item needs at `crop`, from `run(probe)`, which must run a 1-item step at the probe crop and
 * return the tensors it produced (they are disposed here).
 */
export async function measureItemBytes(crop: number, depth: number, run: (probe: number) => Promise<tf.Tensor[]> | tf.Tensor[]): Promise<number> {
  const probe = probeCrop(crop, depth);
  const before = tf.memory().numBytes;
  const info = await tf.profile(async () => run(probe));
  tf.dispose(info.result as tf.Tensor[]);
  const perItem = Math.max(1, info.peakBytes - before);
  return scaleProbeBytes(perItem, (crop / probe) ** 2);
}
