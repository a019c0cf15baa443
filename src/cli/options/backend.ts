/** The `--backend` and `--threads` options shared by the model commands, and the stderr line naming the backend used. */
import type { Io, OptionSpec } from '../command.js';
import { BACKEND_IDS, type BackendId, describeBackend, initBackend } from '../../tf/index.js';

export const backendOption: OptionSpec = {
  name: 'backend',
  type: 'string',
  description: 'TensorFlow.js backend (default: RDBM_BACKEND, else the first that loads of node-gpu, node (native builds: npm run native), wasm, cpu)',
  choices: ['auto', ...BACKEND_IDS],
};

export const threadsOption: OptionSpec = {
  name: 'threads',
  type: 'integer',
  min: 1,
  description: "native backends: TensorFlow's intra-op threads (default: RDBM_THREADS, else every core)",
};

/** Starts the backend (after `--threads`, which TF reads when it loads) and prints it once on stderr. */
export async function startBackend(value: unknown, io: Pick<Io, 'err'>, threads?: unknown): Promise<void> {
  if (typeof threads === 'number') process.env.RDBM_THREADS = String(threads);
  const info = await initBackend(value as BackendId | 'auto' | undefined);
  io.err(`${describeBackend(info)}\n`);
}
