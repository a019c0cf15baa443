export { tf, initBackend, describeBackend, selectedBackend, BACKEND_IDS } from './backend.js';
export type { BackendId, BackendInfo } from './backend.js';
