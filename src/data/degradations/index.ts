/**
 * The five degradations of the bundled benchmark, registered explicitly in the paper's task order.
 */
import { registry } from '../../util/registry.js';
import { motionBlur } from './blur.js';
import { haze } from './haze.js';
import { lowLight } from './lowlight.js';
import { rain } from './rain.js';
import { snow } from './snow.js';
import type { Degradation } from './types.js';

const degradations = registry('degradation', {
  rain,
  'low-light': lowLight,
  snow,
  haze,
  'motion-blur': motionBlur,
} as const satisfies Record<string, Degradation<unknown>>);

export const DEGRADATIONS = degradations.entries;
export type DegradationName = keyof typeof DEGRADATIONS;
export const DEGRADATION_NAMES = degradations.names;

/** The degradation called `name`; unknown names throw listing the known ones. */
export function degradation(name: string): Degradation<unknown> {
  return degradations.get(name) as Degradation<unknown>;
}

export { rain, lowLight, snow, haze, motionBlur };
export { depthProxy } from './haze.js';
export type { Degradation } from './types.js';
export type { RainParams } from './rain.js';
export type { LowLightParams } from './lowlight.js';
export type { SnowParams, SnowLayer } from './snow.js';
export type { HazeParams } from './haze.js';
export type { MotionBlurParams } from './blur.js';
