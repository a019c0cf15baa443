/**
 * Worker-thread entry for folder runs: scores the pairs it is sent, one at a time, so memory
 * stays at two decoded images per worker whatever the number of pairs. Imports nothing from
 * TensorFlow.js, and sharp only when a file needs it (image/io.ts).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import type { ImagePair } from '../datasets/pairs.js';
import type { ConventionId } from './conventions.js';
import { setImageThreads } from '../image/io.js';
import { scoreFiles } from './files.js';
import { warmUp } from './warmup.js';
import type { ScoreOptions } from './score.js';

interface Setup {
  convention: ConventionId;
  options: ScoreOptions;
}
export type WorkerRequest = { index: number; pair: ImagePair } | { stop: true };

// one libvips thread per worker, should a file need sharp (plain PNGs do not): parallelism comes from the workers
setImageThreads(1);
const { convention, options } = workerData as Setup;
warmUp(convention);
const port = parentPort!;
// Each pair leaves ~10 MB of decoded buffers behind; V8 would collect them only after external
// memory has grown a lot. Collecting after each pair keeps the peak flat in the number of images
// (a young-generation collection costs well under a millisecond here).
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
port.on('message', (msg: WorkerRequest) => {
  if ('stop' in msg) {
    port.close();
    return;
  }
  const warnings: string[] = [];
  void scoreFiles(msg.pair, convention, options, (w) => warnings.push(w)).then((result) => {
    port.postMessage({ index: msg.index, result, warnings });
    collect({ type: 'minor' });
  });
});
