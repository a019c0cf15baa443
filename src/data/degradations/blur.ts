/**
 * Linear motion blur (task Deblur): a normalised line kernel with reflect-101 borders, plus a
 * little Gaussian noise.
 *   I = clip(J ⋆ K_line(L, a)/|K| + σ·n, 0, 1)
 */
import { TASK_FOLDERS } from '../../datasets/tasks.js';
import type { ImageF32 } from '../../image/index.js';
import { type Rng, normalArray } from '../../util/random.js';
import { correlate2d, lineKernel } from '../filters.js';
import { type Degradation, between, checkField, clip01, mapImage, oddLength } from './types.js';

export interface MotionBlurParams {
  /** motion direction in degrees */
  readonly angle: number;
  /** blur length L in pixels (odd) */
  readonly length: number;
  /** noise level σ */
  readonly sigma: number;
  /** n, height×width×channels standard normal */
  readonly noise: Float32Array;
}

export const motionBlur: Degradation<MotionBlurParams> = {
  task: TASK_FOLDERS['deblurring'],
  subDataset: 'MiniBlur',
  model: 'I = clip(J ⋆ line(L, angle)/|line| (reflect-101 border) + σ·n, 0, 1)',
  sample(rng: Rng, width: number, height: number, channels: number): MotionBlurParams {
    return {
      angle: between(rng, 0, 180),
      length: oddLength(Math.min(width, height) * between(rng, 0.06, 0.14)),
      sigma: between(rng, 0.002, 0.01),
      noise: normalArray(rng, width * height * channels),
    };
  },
  apply(clean: ImageF32, p: MotionBlurParams): ImageF32 {
    checkField('blur noise', p.noise, clean.data.length);
    const blurred = correlate2d(clean, lineKernel(p.length, p.angle, true), 'reflect101');
    return mapImage(blurred, (v, i) => clip01(v + p.sigma * p.noise[i]));
  },
};
