export { tf, initBackend, describeBackend, BACKEND_IDS } from './backend.js';
export type { BackendId, BackendInfo } from './backend.js';
