/**
 * How many network inputs of one shape a restoration call may stack (images, or windows of a tiled image).
 *
 * Running out of the wasm heap aborts the whole module (train-memory.ts), so the bytes of one item are measured
 * once per model and shape (a 1-item forward under tf.profile, at most 64 px a side, scaled by the area with a
 * margin beyond it) and a call holds what fits the limit. The number only groups items into calls; every item is
 * computed as if alone, so it never changes a restored value.
 */
import { RdbmError } from '../errors.js';
import { tf } from '../tf/index.js';
import { itemsThatFit, memoryLimit, scaleProbeBytes } from './train-memory.js';
import type { LoadedModel } from './types.js';

/** The probe side: the real one up to 64 px. */
const PROBE_SIDE = 64;

const measured = new WeakMap<object, Map<string, number>>();

/** Bytes one h×w input needs in a forward pass of `model` (measured once per model and shape). */
export async function forwardItemBytes(model: Pick<LoadedModel, 'apply'>, h: number, w: number): Promise<number> {
  const key = `${h}x${w}`;
  const known = measured.get(model)?.get(key);
  if (known !== undefined) return known;
  const ph = Math.min(h, PROBE_SIDE);
  const pw = Math.min(w, PROBE_SIDE);
  const x = tf.zeros([1, ph, pw, 3]) as tf.Tensor4D;
  const before = tf.memory().numBytes;
  const info = await tf.profile(() => tf.tidy(() => model.apply(x, x, 0)));
  tf.dispose([x, info.result as tf.Tensor]);
  const probe = Math.max(1, info.peakBytes - before);
  const bytes = scaleProbeBytes(probe, (h * w) / (ph * pw));
  if (!measured.has(model)) measured.set(model, new Map());
  measured.get(model)!.set(key, bytes);
  return bytes;
}

/** Items of `itemBytes` one call may hold under the memory limit of the backend (shared by `workers`), or a one-line error. */
export function itemsPerCall(itemBytes: number, h: number, w: number, heldBytes: number, backend: string, workers = 1): number {
  const limit = memoryLimit(backend, workers);
  const fits = itemsThatFit(itemBytes, heldBytes, limit);
  if (fits < 1) {
    throw new RdbmError(`restoring one ${w}×${h} input needs about ${(itemBytes / 1e9).toFixed(1)} GB, over ${limit.what}; restore in smaller tiles (--tile)${backend === 'wasm' ? ' or use --backend cpu (limited by host RAM only)' : ''}`);
  }
  return fits;
}

/** Inputs of h×w that one forward call of `model` may stack on the current backend. */
export async function callCapacity(model: Pick<LoadedModel, 'apply'>, h: number, w: number, workers = 1): Promise<number> {
  const bytes = await forwardItemBytes(model, h, w);
  return itemsPerCall(bytes, h, w, tf.memory().numBytes, tf.getBackend(), workers);
}
