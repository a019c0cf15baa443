export { pairedBootstrap, bootstrapMean, bootstrapDraws, strataGroups, strataMean, quantileSorted } from './bootstrap.js';
export type { PairedBootstrapOptions, PairedBootstrapResult, Interval } from './bootstrap.js';
