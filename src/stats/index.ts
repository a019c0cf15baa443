export { pairedBootstrap, bootstrapMean, bootstrapDraws, strataGroups, strataMean } from './bootstrap.js';
export type { PairedBootstrapOptions, PairedBootstrapResult, Interval } from './bootstrap.js';
export { quantileSorted, levelOf, percentileInterval, percentileP, equivalenceBound, percentileTest } from './percentile.js';
export type { PercentileTest } from './percentile.js';
export { satterthwaiteDf, gammaDraw, chiSquareDraw, studentFactor } from './student.js';
export type { VarianceComponent } from './student.js';
export { twoLevelDelta, twoLevelMean, twoLevelDraws } from './two-level.js';
export type { SeedScores, TwoLevelOptions, SeedLevel, TwoLevelInterval, TwoLevelDelta, TwoLevelDraws } from './two-level.js';
