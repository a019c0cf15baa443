/**
 * Data-parallel gradients over worker threads, each with its own TensorFlow.js backend instance.
 * The batch is cut into one contiguous shard per worker (sizes differ by at most one item, in
 * worker order); worker k returns (n_k / B) · ∇L_k and the main thread adds the shards' gradients
 * in worker order in float32, so the same seed and worker count always give the same bits
 * (see train-step.ts for why the weighted sum is the full-batch gradient).
 */
import { Worker } from 'node:worker_threads';
import { RdbmError } from '../errors.js';
import { compiledWorkerUrl } from '../util/worker-url.js';
import type { BackendId } from '../tf/index.js';
import type { UNetConfig } from './config.js';
import { type StepBatch, sliceBatch } from './train-step.js';
import type { TrainConfig } from './types.js';
import type { GradientKernelRevision } from './wasm-grad.js';

export interface WorkerSetup {
  readonly backend: BackendId;
  readonly arch: UNetConfig;
  readonly cfg: Pick<TrainConfig, 'objective' | 'pi' | 'schedule' | 'timesteps' | 'lambda' | 'process'>;
  /** the parent's gradient kernel revision (wasm-grad.ts), so every worker sums as the parent would */
  readonly gradientKernels: GradientKernelRevision;
}

export function trainWorkerUrl(): URL | undefined {
  return compiledWorkerUrl(import.meta.url, 'train-worker.js');
}

/** Shard sizes of `batch` items over `workers` (the first batch % workers get one more; empty shards dropped). */
export function shardSizes(batch: number, workers: number): number[] {
  const base = Math.floor(batch / workers);
  return Array.from({ length: workers }, (_, k) => base + (k < batch % workers ? 1 : 0)).filter((n) => n > 0);
}

type Reply = { ready: true } | { loss: number; grads: Float32Array } | { error: string };

export interface GradientPool {
  readonly workers: number;
  /** Σ_k (n_k/B)·(loss_k, ∇loss_k) over the shards, reduced in worker order; gradients flat in parameter order. */
  step(weights: Float32Array, batch: StepBatch, microBatch: number): Promise<{ loss: number; grads: Float32Array }>;
  close(): Promise<void>;
}

export async function createGradientPool(workers: number, setup: WorkerSetup): Promise<GradientPool> {
  const url = trainWorkerUrl();
  if (!url) throw new RdbmError('data-parallel training needs the compiled worker (dist/models/train-worker.js): run npm run build, or use 1 worker');
  const pool = Array.from({ length: workers }, () => new Worker(url, { workerData: setup }));
  const pending = new Map<Worker, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  const next = (w: Worker) => new Promise<Reply>((resolve, reject) => pending.set(w, { resolve, reject }));
  for (const w of pool) {
    w.on('message', (r: Reply) => {
      const p = pending.get(w);
      pending.delete(w);
      if ('error' in r) p?.reject(new RdbmError(`training worker failed: ${r.error}`));
      else p?.resolve(r);
    });
    w.on('error', (e) => pending.get(w)?.reject(e));
    w.on('exit', (code) => pending.get(w)?.reject(new RdbmError(`training worker exited with code ${code}`)));
  }
  const close = async () => {
    await Promise.all(pool.map((w) => w.terminate()));
  };
  try {
    await Promise.all(pool.map((w) => next(w)));
  } catch (error) {
    await close();
    throw error;
  }
  return {
    workers,
    async step(weights, batch, microBatch) {
      const sizes = shardSizes(batch.shape[0], workers);
      let from = 0;
      const replies = sizes.map((n, k) => {
        const shard = sliceBatch(batch, from, from + n);
        from += n;
        const reply = next(pool[k]);
        // copies: a view would post its whole underlying buffer
        const copy = { ...shard, x0: shard.x0.slice(), mu: shard.mu.slice(), noise: shard.noise.slice() };
        pool[k].postMessage({ weights, batch: copy, microBatch, weight: n / batch.shape[0] });
        return reply as Promise<{ loss: number; grads: Float32Array }>;
      });
      const results = await Promise.all(replies);
      const grads = results[0].grads;
      let loss = results[0].loss;
      for (let k = 1; k < results.length; k++) {
        const g = results[k].grads;
        for (let i = 0; i < grads.length; i++) grads[i] += g[i];
        loss += results[k].loss;
      }
      return { loss, grads };
    },
    close,
  };
}
