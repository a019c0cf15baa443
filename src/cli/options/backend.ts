/** The `--backend` option shared by the model commands, and the stderr line naming the backend used. */
import type { Io, OptionSpec } from '../command.js';
import { BACKEND_IDS, type BackendId, describeBackend, initBackend } from '../../tf/index.js';

export const backendOption: OptionSpec = {
  name: 'backend',
  type: 'string',
  description: 'TensorFlow.js backend (default: RDBM_BACKEND, else the first that loads of node-gpu, node, wasm, cpu)',
  choices: ['auto', ...BACKEND_IDS],
};

export async function startBackend(value: unknown, io: Pick<Io, 'err'>): Promise<void> {
  const info = await initBackend(value as BackendId | 'auto' | undefined);
  io.err(`${describeBackend(info)}\n`);
}
