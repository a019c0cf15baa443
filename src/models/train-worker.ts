/**
 * Worker-thread entry of data-parallel training (train-parallel.ts): holds its own TensorFlow.js
 * backend instance and a copy of the U-Net, and for each request loads the weights it is sent and
 * returns weight · (loss, ∇loss) of its shard of the batch as one flat Float32Array in parameter order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { bridgeSchedule } from '../bridge/index.js';
import { initBackend, tf } from '../tf/index.js';
import { ensureGradients } from './gradients.js';
import { type StepBatch, stepGradients, trainVpSchedule } from './train-step.js';
import type { WorkerSetup } from './train-parallel.js';
import { lookup, makeVariables } from './unet.js';
import { useGradientKernels } from './wasm-grad.js';

export interface WorkerStep {
  readonly weights: Float32Array;
  readonly batch: StepBatch;
  readonly microBatch: number;
  readonly weight: number;
}

const setup = workerData as WorkerSetup;
const port = parentPort!;

async function main() {
  await initBackend(setup.backend);
  await ensureGradients();
  useGradientKernels(setup.gradientKernels);
  const variables = makeVariables(setup.arch, (spec) => new Float32Array(spec.shape.reduce((a, b) => a * b, 1)));
  const varList = [...variables.values()];
  const total = varList.reduce((n, v) => n + v.size, 0);
  const schedule = bridgeSchedule({ schedule: setup.cfg.schedule, timesteps: setup.cfg.timesteps, lambda: setup.cfg.lambda });
  const vp = trainVpSchedule(setup.cfg);
  const ctx = { arch: setup.arch, p: lookup(variables), varList, cfg: setup.cfg, schedule, ...(vp ? { vp } : {}) };
  port.on('message', (msg: WorkerStep | { stop: true }) => {
    if ('stop' in msg) {
      port.close();
      return;
    }
    void (async () => {
      let off = 0;
      for (const v of varList) {
        tf.tidy(() => v.assign(tf.tensor(msg.weights.subarray(off, off + v.size), v.shape)));
        off += v.size;
      }
      const { loss, grads } = await stepGradients(ctx, msg.batch, { microBatch: msg.microBatch, weight: msg.weight });
      const flat = new Float32Array(total);
      off = 0;
      for (const v of varList) {
        const g = grads[v.name];
        if (g) flat.set((await g.data()) as Float32Array, off);
        off += v.size;
      }
      tf.dispose(Object.values(grads));
      port.postMessage({ loss, grads: flat }, [flat.buffer]);
    })().catch((error: Error) => port.postMessage({ error: String(error?.message ?? error).split('\n')[0] }));
  });
  port.postMessage({ ready: true });
}

main().catch((error: Error) => port.postMessage({ error: String(error?.message ?? error).split('\n')[0] }));
