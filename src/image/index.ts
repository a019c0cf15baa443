export { readImage, writeImage } from './io.js';
export type { ReadOptions } from './io.js';
export type { Image8, ImageF32 } from './types.js';
export { decodeBmp } from './bmp.js';
