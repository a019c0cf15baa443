/**
 * Worker-thread entry for folder runs: scores the pairs it is sent, one at a time, so memory
 * stays at two decoded images per worker whatever the number of pairs. Imports nothing from
 * TensorFlow.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import type { ImagePair } from '../datasets/pairs.js';
import type { ConventionId } from './conventions.js';
import { scoreFiles } from './files.js';
import type { ScoreOptions } from './score.js';

interface Setup {
  convention: ConventionId;
  options: ScoreOptions;
}
export type WorkerRequest = { index: number; pair: ImagePair } | { stop: true };

// one libvips thread per worker: parallelism comes from the workers
sharp.concurrency(1);
const { convention, options } = workerData as Setup;
const port = parentPort!;
port.on('message', (msg: WorkerRequest) => {
  if ('stop' in msg) {
    port.close();
    return;
  }
  const warnings: string[] = [];
  void scoreFiles(msg.pair, convention, options, (w) => warnings.push(w)).then((result) => {
    port.postMessage({ index: msg.index, result, warnings });
  });
});
