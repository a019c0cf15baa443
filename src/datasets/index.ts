export { scanLayout, pairSubset, pairingRuleFor, resideLabelName, DGSOLVER_TASKS } from './layout.js';
export type { PairEntry, LayoutOptions, Split, PairingRuleId } from './layout.js';
export { pairFolders, pairFoldersReside, pairRestored, conditionPairs } from './pairs.js';
export type { ImagePair, PairOptions } from './pairs.js';
export { readMapping, parseCsv } from './mapping.js';
export { IMAGE_EXTENSIONS, isImageFile } from './files.js';
