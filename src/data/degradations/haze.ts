/**
 * Haze (task Dehazing): the atmospheric scattering model with a ground-plane depth proxy.
 *   d(y, x) = clip(d₀ + d_y·(1 − y/(H−1)) + d_x·(x/(W−1) − ½), 0, 1)   (top of the frame is far)
 *   t = exp(−β·d);   I = J·t + A·(1 − t),  A per channel
 */
import { TASK_FOLDERS } from '../../datasets/tasks.js';
import type { ImageF32 } from '../../image/index.js';
import type { Rng } from '../../util/random.js';
import { type Degradation, between, clip01 } from './types.js';

export interface HazeParams {
  /** scattering coefficient β */
  readonly beta: number;
  /** atmospheric light A, one value per channel */
  readonly airlight: readonly number[];
  /** depth-plane coefficients d₀, d_y, d_x */
  readonly depth: readonly [number, number, number];
}

/** The depth proxy d(y, x) in [0, 1], height×width. */
export function depthProxy(width: number, height: number, depth: readonly [number, number, number]): Float64Array {
  const d = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const fy = height > 1 ? 1 - y / (height - 1) : 0;
    for (let x = 0; x < width; x++) {
      const fx = width > 1 ? x / (width - 1) - 0.5 : 0;
      d[y * width + x] = clip01(depth[0] + depth[1] * fy + depth[2] * fx);
    }
  }
  return d;
}

export const haze: Degradation<HazeParams> = {
  task: TASK_FOLDERS['dehazing'],
  subDataset: 'MiniHaze',
  model: 't = exp(−β·d), d a ground-plane depth proxy; I = J·t + A·(1 − t)',
  sample(rng: Rng, _width: number, _height: number, channels: number): HazeParams {
    const beta = between(rng, 1.0, 2.5);
    const a0 = between(rng, 0.75, 0.95);
    const airlight = Array.from({ length: channels }, () => Math.min(1, a0 + between(rng, -0.03, 0.03)));
    const depth: [number, number, number] = [between(rng, 0.2, 0.4), between(rng, 0.4, 0.6), between(rng, -0.2, 0.2)];
    return { beta, airlight, depth };
  },
  apply(clean: ImageF32, p: HazeParams): ImageF32 {
    const c = clean.channels;
    if (p.airlight.length !== c) throw new Error(`haze airlight has ${p.airlight.length} values, expected ${c}`);
    const d = depthProxy(clean.width, clean.height, p.depth);
    const out = new Float32Array(clean.data.length);
    for (let i = 0; i < out.length; i++) {
      const t = Math.exp(-p.beta * d[Math.floor(i / c)]);
      out[i] = clean.data[i] * t + p.airlight[i % c] * (1 - t);
    }
    return { width: clean.width, height: clean.height, channels: c, data: out };
  },
};
