/**
 * rdbm-lab public API. Notebooks and outside scripts import from here:
 *   import { tf, bridgeSchedule, qSample, sampleBridge } from 'rdbm-lab';
 * Each concern exports its names explicitly from its own index.ts.
 */
export * from './errors.js';
export * from './tf/index.js';
export * from './image/index.js';
export * from './bridge/index.js';
export * from './metrics/index.js';
export * from './models/index.js';
export * from './data/index.js';
export * from './datasets/index.js';
export * from './experiments/index.js';
export * from './reports/index.js';
export * from './rddm/index.js';
export * from './stats/index.js';
export * from './notebook/index.js';
