export { pairedBootstrap, bootstrapMean, bootstrapDraws, strataGroups, strataMean } from './bootstrap.js';
export type { PairedBootstrapOptions, PairedBootstrapResult, Interval } from './bootstrap.js';
export { quantileSorted, levelOf, percentileInterval, percentileP, equivalenceBound, percentileTest } from './percentile.js';
export type { PercentileTest } from './percentile.js';
