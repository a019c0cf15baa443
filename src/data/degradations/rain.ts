/**
 * Rain streaks (task Deraining): sparse drops smeared along a line kernel, blended in screen mode.
 *   R = clip(α · (D ⋆ K_line(L, a)), 0, 1)   (one grey layer, zero border)
 *   I = J + R − J·R
 */
import { TASK_FOLDERS } from '../../datasets/tasks.js';
import type { ImageF32 } from '../../image/index.js';
import type { Rng } from '../../util/random.js';
import { correlate2d, lineKernel } from '../filters.js';
import { type Degradation, between, checkField, clip01, mapImage, oddLength, sparseField } from './types.js';

export interface RainParams {
  /** streak direction in degrees (90 = straight down) */
  readonly angle: number;
  /** streak length L in pixels (odd) */
  readonly length: number;
  /** streak opacity α */
  readonly alpha: number;
  /** drop field D, height×width, 0 or the drop's brightness */
  readonly drops: Float32Array;
}

export const rain: Degradation<RainParams> = {
  task: TASK_FOLDERS['deraining'],
  subDataset: 'MiniRain',
  model: 'R = clip(α·(D ⋆ line(L, angle)), 0, 1); I = J + R − J·R',
  sample(rng: Rng, width: number, height: number): RainParams {
    const angle = between(rng, 65, 115);
    const length = oddLength(Math.min(width, height) * between(rng, 0.12, 0.25));
    const alpha = between(rng, 0.35, 0.7);
    const drops = sparseField(rng, width * height, between(rng, 0.015, 0.04), 0.5, 1);
    return { angle, length, alpha, drops };
  },
  apply(clean: ImageF32, p: RainParams): ImageF32 {
    checkField('rain drops', p.drops, clean.width * clean.height);
    const streaks = correlate2d({ width: clean.width, height: clean.height, channels: 1, data: p.drops }, lineKernel(p.length, p.angle, false), 'constant');
    const c = clean.channels;
    return mapImage(clean, (j, i) => {
      const r = clip01(p.alpha * streaks.data[Math.floor(i / c)]);
      return j + r - j * r;
    });
  },
};
