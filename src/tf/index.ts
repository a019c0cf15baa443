export { tf, initBackend, describeBackend, selectedBackend, currentBackendId, BACKEND_IDS } from './backend.js';
export type { BackendId, BackendInfo } from './backend.js';
