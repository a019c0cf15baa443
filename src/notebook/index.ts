export { COMPARISON_TABLES, COMPARISON_FORMATS, comparison } from './comparison.js';
export type { Comparison, ComparisonOptions, ComparisonTable, ComparisonFormat } from './comparison.js';
export { ZOO_SIZES, compareCheckpoints, resolveCheckpoints } from './checkpoints.js';
export type { CheckpointSpec, CompareCheckpointsOptions, ResolvedCheckpoint } from './checkpoints.js';
export { evaluateFolders } from './folders.js';
export type { EvaluateFoldersOptions } from './folders.js';
export { tensorScope } from './scope.js';
