export { BUNDLED_ZOO_DIR, ZOO_FILE, ZOO_FORMAT, ZOO_CHECKPOINT, listZoo, readZooEntry, resolveZoo, zooCheckpoint, zooEntryCheckpoint, zooEntryWindows, zooIndex, zooLookupKey } from './entry.js';
export type { ZooEntry, ZooHistoryLine } from './entry.js';
export { addZooEntry } from './add.js';
export type { AddZooEntryInput } from './add.js';
export { LOSS_TOLERANCE, verifyZooEntry } from './verify.js';
export type { ZooVerifyResult } from './verify.js';
export { NARROW_DTYPES, STORAGE_MAX_DIFF, chooseStorage, formatsToMeasure, storageAllowed } from './storage.js';
export type { NarrowDtype, StorageCheck, StorageChecks } from './storage.js';
