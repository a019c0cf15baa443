import type { ImageF32 } from '../../image/index.js';
import type { Rng } from '../../util/random.js';

/**
 * A synthetic degradation: `sample` draws every random quantity (scalars and random fields) from a
 * seeded stream; `apply` is a pure function of the clean image J in [0, 1] and those parameters.
 * Keeping the randomness out of `apply` lets an independent numpy implementation be checked on the
 * same parameters (scripts/reference/experiments_degradations.py).
 */
export interface Degradation<P> {
  /** RDBM/DGSolver task folder name */
  readonly task: string;
  /** sub-dataset folder name inside the bundled benchmark */
  readonly subDataset: string;
  /** the image-formation model, stated exactly */
  readonly model: string;
  sample(rng: Rng, width: number, height: number, channels: number): P;
  apply(clean: ImageF32, params: P): ImageF32;
}

/** uniform in [lo, hi) */
export function between(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.uniform();
}

/** the nearest odd integer >= 3 to v */
export function oddLength(v: number): number {
  const n = Math.max(3, Math.round(v));
  return n % 2 === 1 ? n : n + 1;
}

/** A sparse field: each entry is 0, or with probability `density` uniform in [lo, hi). */
export function sparseField(rng: Rng, n: number, density: number, lo: number, hi: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const hit = rng.uniform() < density;
    const value = between(rng, lo, hi); // always drawn, so the stream does not depend on the hits
    if (hit) out[i] = value;
  }
  return out;
}

export function mapImage(image: ImageF32, f: (v: number, index: number) => number): ImageF32 {
  const out = new Float32Array(image.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f(image.data[i], i);
  return { width: image.width, height: image.height, channels: image.channels, data: out };
}

export function clip01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

export function checkField(name: string, field: ArrayLike<number>, expected: number): void {
  if (field.length !== expected) throw new Error(`${name} has ${field.length} entries, expected ${expected}`);
}
