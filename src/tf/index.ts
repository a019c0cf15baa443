export { tf, initBackend, describeBackend, threadsOfDescription, selectedBackend, currentBackendId, BACKEND_IDS, CHAINED_OPS, workerThreadsFor } from './backend.js';
export type { BackendId, BackendInfo, ChainedOpsDeclarations } from './backend.js';
