/**
 * Restoration windows spread over worker threads, each loading the checkpoint into its own
 * TensorFlow.js backend instance. A window's result does not depend on which worker ran it, so
 * the outputs equal a one-thread run's.
 */
import { Worker } from 'node:worker_threads';
import { RdbmError } from '../errors.js';
import { compiledWorkerUrl } from '../util/worker-url.js';
import { type BackendId, currentBackendId } from '../tf/index.js';
import type { RestoredImage, RestoreSettings } from './types.js';

export interface RestoreWorkerSetup {
  readonly backend: BackendId;
  readonly checkpoint: string;
  readonly settings: RestoreSettings;
}

export function restoreWorkerUrl(): URL | undefined {
  return compiledWorkerUrl(import.meta.url, 'restore-worker.js');
}

type Reply = { ready: true } | { index: number; outputs: RestoredImage[] } | { error: string };

/** Runs every window on `workers` threads (a queue: each takes the next window when done); calls `done` per window. */
export async function restoreOnWorkers(checkpoint: string, windows: readonly (readonly { name: string; path: string }[])[], settings: RestoreSettings, workers: number, done: (index: number, outputs: RestoredImage[]) => void, signal: AbortSignal | undefined, stopped: () => Error): Promise<void> {
  const url = restoreWorkerUrl()!;
  const setup: RestoreWorkerSetup = { backend: currentBackendId(), checkpoint, settings };
  const pool = Array.from({ length: workers }, () => new Worker(url, { workerData: setup }));
  let next = 0;
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (signal?.aborted) return reject(stopped());
              if (next >= windows.length) return resolve();
              const index = next++;
              w.postMessage({ index, window: windows[index] });
            };
            w.on('message', (r: Reply) => {
              if ('error' in r) return reject(new RdbmError(`restore worker failed: ${r.error}`));
              if ('index' in r) done(r.index, r.outputs);
              feed();
            });
            w.on('error', reject);
            w.on('exit', (code) => reject(new RdbmError(`restore worker exited with code ${code}`)));
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
