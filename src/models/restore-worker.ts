/** Worker-thread entry of batched restoration (restore-parallel.ts): restores the windows it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { RdbmError } from '../errors.js';
import { initBackend } from '../tf/index.js';
import { loadCheckpoint } from './checkpoint.js';
import type { RestoreWorkerSetup } from './restore-parallel.js';
import { restoreWindow } from './restore.js';

const setup = workerData as RestoreWorkerSetup;
const port = parentPort!;
const message = (error: unknown) => (error instanceof RdbmError ? error.message : String((error as Error)?.message ?? error).split('\n')[0]);

async function main() {
  await initBackend(setup.backend);
  // real time inputs, as restoreImages loads it: a generative prior is asked at real s
  const model = await loadCheckpoint(setup.checkpoint, undefined, { time: 'real' });
  port.on('message', (msg: { index: number; window: { name: string; path: string }[] }) => {
    restoreWindow(model, msg.window, setup.settings).then(
      (outputs) => port.postMessage({ index: msg.index, outputs }),
      (error) => port.postMessage({ error: message(error) }),
    );
  });
  port.postMessage({ ready: true });
}

main().catch((error) => port.postMessage({ error: message(error) }));
