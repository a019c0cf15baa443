/**
 * Snow (task Desnowing): a whitish veil, then opaque flakes of two sizes.
 *   S = clip(Σ_k F_k ⋆ G(σ_k), 0, 1)   (G an unnormalised Gaussian spot, zero border)
 *   B = J·(1 − v) + v;   I = B + S − B·S
 */
import { TASK_FOLDERS } from '../../datasets/tasks.js';
import type { ImageF32 } from '../../image/index.js';
import type { Rng } from '../../util/random.js';
import { correlate2d, gaussianSpot } from '../filters.js';
import { type Degradation, between, checkField, clip01, mapImage, sparseField } from './types.js';

export interface SnowLayer {
  /** flake radius σ in pixels */
  readonly sigma: number;
  /** flake field F, height×width, 0 or the flake's opacity */
  readonly flakes: Float32Array;
}

export interface SnowParams {
  /** veil strength v */
  readonly veil: number;
  readonly layers: readonly SnowLayer[];
}

export const snow: Degradation<SnowParams> = {
  task: TASK_FOLDERS['desnowing'],
  subDataset: 'MiniSnow',
  model: 'S = clip(Σ_k F_k ⋆ G(σ_k), 0, 1); B = J·(1 − v) + v; I = B + S − B·S',
  sample(rng: Rng, width: number, height: number): SnowParams {
    const n = width * height;
    return {
      veil: between(rng, 0.05, 0.2),
      layers: [
        { sigma: between(rng, 0.5, 0.9), flakes: sparseField(rng, n, between(rng, 0.01, 0.025), 0.5, 1) },
        { sigma: between(rng, 1.2, 2.0), flakes: sparseField(rng, n, between(rng, 0.002, 0.006), 0.6, 1) },
      ],
    };
  },
  apply(clean: ImageF32, p: SnowParams): ImageF32 {
    const n = clean.width * clean.height;
    const total = new Float64Array(n);
    for (const layer of p.layers) {
      checkField('snow flakes', layer.flakes, n);
      const spots = correlate2d({ width: clean.width, height: clean.height, channels: 1, data: layer.flakes }, gaussianSpot(layer.sigma), 'constant');
      for (let i = 0; i < n; i++) total[i] += spots.data[i];
    }
    const c = clean.channels;
    return mapImage(clean, (j, i) => {
      const s = clip01(total[Math.floor(i / c)]);
      const b = j * (1 - p.veil) + p.veil;
      return b + s - b * s;
    });
  },
};
