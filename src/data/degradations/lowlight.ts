/**
 * Low light with noise (task Enlighening): gamma darkening and Poisson–Gaussian sensor noise.
 *   x = g · J^γ;   I = clip(x + sqrt(a·x + b) · n, 0, 1),   n ~ N(0, 1) per pixel and channel
 */
import { TASK_FOLDERS } from '../../datasets/tasks.js';
import type { ImageF32 } from '../../image/index.js';
import { type Rng, normalArray } from '../../util/random.js';
import { type Degradation, between, checkField, clip01, mapImage } from './types.js';

export interface LowLightParams {
  /** exposure gain g */
  readonly gain: number;
  /** gamma γ (> 1 darkens the mid-tones) */
  readonly gamma: number;
  /** shot-noise factor a */
  readonly shot: number;
  /** read-noise variance b */
  readonly read: number;
  /** n, height×width×channels standard normal */
  readonly noise: Float32Array;
}

export const lowLight: Degradation<LowLightParams> = {
  task: TASK_FOLDERS['low-light'],
  subDataset: 'MiniLowLight',
  model: 'x = g·J^γ; I = clip(x + sqrt(a·x + b)·n, 0, 1)',
  sample(rng: Rng, width: number, height: number, channels: number): LowLightParams {
    return {
      gain: between(rng, 0.12, 0.3),
      gamma: between(rng, 1.2, 1.8),
      shot: between(rng, 0.002, 0.008),
      read: between(rng, 1e-5, 1e-4),
      noise: normalArray(rng, width * height * channels),
    };
  },
  apply(clean: ImageF32, p: LowLightParams): ImageF32 {
    checkField('low-light noise', p.noise, clean.data.length);
    return mapImage(clean, (j, i) => {
      const x = p.gain * Math.pow(j, p.gamma);
      return clip01(x + Math.sqrt(p.shot * x + p.read) * p.noise[i]);
    });
  },
};
