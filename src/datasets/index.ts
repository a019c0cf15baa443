export { scanLayout, pairSubset, pairingRuleFor, resideLabelName } from './layout.js';
export type { PairEntry, LayoutOptions, DatasetSplit, PairingRuleId } from './layout.js';
export { pairFolders, pairFolderTree, pairFoldersReside, pairRestored, conditionPairs } from './pairs.js';
export type { ImagePair, PairOptions } from './pairs.js';
export { readMapping, parseMappingCsv } from './mapping.js';
export { IMAGE_EXTENSIONS, isImageFile } from './files.js';
export { TASKS, TASK_FOLDERS, taskKey, taskTitle } from './tasks.js';
export type { TaskId, TaskFolder } from './tasks.js';
export { pickEvenly, selectTestPairs } from './testset.js';
