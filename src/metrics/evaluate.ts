/**
 * Scoring many pairs: on one scorer per core by default, which are this thread and worker threads for the
 * others when the compiled worker is available, else this thread alone. Results come back in input order;
 * a failed pair carries its error and the others are still scored.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ImagePair } from '../datasets/pairs.js';
import type { ImageResult } from './aggregate.js';
import type { ConventionId } from './conventions.js';
import type { ScoreOptions } from './score.js';

export interface EvaluateOptions {
  /** scorers: this thread and `workers − 1` worker threads; default: available cores, capped by the number of pairs. 1 = in-process only. */
  readonly workers?: number;
  /** called after each pair, in completion order */
  readonly onResult?: (result: ImageResult, done: number) => void;
  readonly warn?: (message: string) => void;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

/** Whether the compiled worker exists next to this module (false when running from TypeScript sources). */
export function workersAvailable(): boolean {
  return WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL));
}

/** Scores every pair under `convention`; returns one result per pair, in order. */
export async function evaluatePairs(
  pairs: readonly ImagePair[],
  convention: ConventionId,
  options: ScoreOptions,
  run: EvaluateOptions = {},
): Promise<ImageResult[]> {
  const wanted = Math.max(1, Math.min(run.workers ?? availableParallelism(), pairs.length));
  const results: ImageResult[] = new Array(pairs.length);
  let done = 0;
  const finish = (index: number, result: ImageResult): void => {
    results[index] = result;
    done++;
    run.onResult?.(result, done);
  };
  if (wanted === 1 || !workersAvailable()) {
    const { scoreFiles } = await import('./files.js');
    for (let i = 0; i < pairs.length; i++) finish(i, await scoreFiles(pairs[i], convention, options, run.warn));
    return results;
  }
  let next = 0;
  // This thread scores too, taking pairs from the same queue: it starts at once (no thread to boot; plain PNGs
  // need no sharp) while the wanted − 1 worker threads start, and no core waits on a thread that only dispatches.
  const { scoreFiles } = await import('./files.js');
  const { warmUp } = await import('./warmup.js');
  const here = async (): Promise<void> => {
    warmUp(convention);
    while (next < pairs.length) {
      const index = next++;
      finish(index, await scoreFiles(pairs[index], convention, options, run.warn));
    }
  };
  const threads = Array.from({ length: wanted - 1 }, () =>
    new Promise<void>((resolve, reject) => {
      // keep --import hooks and the like, but not flags that only make sense for `node -e`
      const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
      const worker = new Worker(WORKER_URL, { workerData: { convention, options }, execArgv });
      const feed = (): void => {
        if (next < pairs.length) {
          const index = next++;
          worker.postMessage({ index, pair: pairs[index] });
        } else worker.postMessage({ stop: true });
      };
      worker.on('message', (msg: { index: number; result: ImageResult; warnings: string[] }) => {
        for (const w of msg.warnings) run.warn?.(w);
        finish(msg.index, msg.result);
        feed();
      });
      worker.on('error', reject);
      worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`metrics worker exited with code ${code}`))));
      feed();
    }),
  );
  await Promise.all([here(), ...threads]);
  return results;
}
