export { encodePng } from './png.js';
export { unitFloatImage, quantizeUnitImage, cropImage8, boxDownsample } from './pixels.js';
export { correlate2d, lineKernel, gaussianSpot } from './filters.js';
export type { FilterKernel, FilterBorder } from './filters.js';
export { DEGRADATIONS, DEGRADATION_NAMES, degradation, depthProxy } from './degradations/index.js';
export type {
  Degradation,
  DegradationName,
  RainParams,
  LowLightParams,
  SnowParams,
  SnowLayer,
  HazeParams,
  MotionBlurParams,
} from './degradations/index.js';
export {
  MINI_UIR_VERSION,
  MINI_UIR_DEFAULTS,
  BUNDLED_PHOTOS_DIR,
  MANIFEST_FILE,
  generateMiniUir,
  ensureMiniUir,
  miniUirIdentity,
  verifyMiniUir,
  readManifest,
  manifestText,
  cropFactor,
  cleanCrop,
  degradeCrop,
} from './miniUir.js';
export type { MiniUirOptions, MiniUirManifest } from './miniUir.js';
