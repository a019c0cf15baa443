export { tf, initBackend, describeBackend, selectedBackend, currentBackendId, BACKEND_IDS, CHAINED_OPS } from './backend.js';
export type { BackendId, BackendInfo, ChainedOpsDeclarations } from './backend.js';
