// Data-parallel training runs its shards in worker threads from the compiled package (dist/): `npm test` builds first.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { openCheckpoint, readCheckpoint } from '../../src/models/checkpoint.js';
import { trainWorkerUrl } from '../../src/models/train-parallel.js';
import { trainModel } from '../../src/models/train.js';
import { useGradientKernels } from '../../src/models/wasm-grad.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { makeDataset } from './helpers.js';

let data: string;
beforeAll(async () => {
  await initBackend('wasm');
  data = await makeDataset();
});

const base = { model: 'tiny', steps: 3, batchSize: 3, cropSize: 16, checkpointEvery: 2, seed: 3, timesteps: 20, lr: 1e-3 } as const;
const out = () => mkdtempSync(join(tmpdir(), 'rdbm-train-dp-'));
const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/**
 * A block conv's bias (`….proj.bias`) feeds a GroupNorm, which subtracts its group mean: that part of its
 * gradient is zero up to float rounding, and Adam's normalisation m/√v turns rounding noise into lr-sized
 * steps. Those weights are compared through the network's output instead (`skipNormBias`).
 */
function compare(a: string, b: string, skipNormBias = false): { identical: boolean; worst: number } {
  const ta = readCheckpoint(a).tensors;
  const tb = readCheckpoint(b).tensors;
  expect([...ta.keys()]).toEqual([...tb.keys()]);
  let identical = true;
  let worst = 0;
  for (const [k, v] of ta) {
    const w = tb.get(k)!.data;
    identical &&= bytes(v.data).equals(bytes(w));
    if (skipNormBias && k.endsWith('.proj.bias')) continue;
    for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(v.data[i] - w[i]));
  }
  return { identical, worst };
}

/** Largest difference between two checkpoints' outputs on one fixed batch. */
async function outputGap(a: string, b: string): Promise<number> {
  const [na, nb] = [openCheckpoint(a), openCheckpoint(b)];
  const x = tf.randomUniform([2, 16, 16, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
  const mu = tf.randomUniform([2, 16, 16, 3], -1, 1, 'float32', 8) as tf.Tensor4D;
  const [ya, yb] = [na.apply(x, mu, [3, 11]), nb.apply(x, mu, [3, 11])];
  const gap = (await tf.max(tf.abs(tf.sub(ya, yb))).data())[0];
  tf.dispose([x, mu, ya, yb]);
  na.dispose();
  nb.dispose();
  return gap;
}

describe('data-parallel training over worker threads', () => {
  test('the compiled worker is present', () => {
    expect(trainWorkerUrl()?.pathname).toMatch(/models\/train-worker\.js$/);
  });

  test('same seed and worker count → bit-identical weights; a kill and resume ends bit-identical too', async () => {
    const a = await trainModel(base, { dataRoot: data, outDir: out(), workers: 2 });
    const b = await trainModel(base, { dataRoot: data, outDir: out(), workers: 2 });
    expect(a.workers).toBe(2);
    expect(a.finalLoss).toBe(b.finalLoss);
    expect(compare(a.checkpoint, b.checkpoint).identical).toBe(true);

    const dir = out();
    const controller = new AbortController();
    await expect(trainModel(base, { dataRoot: data, outDir: dir, workers: 2, signal: controller.signal, onProgress: (p) => p.step === 2 && controller.abort() })).rejects.toThrow(/training stopped at step 2/);
    const resumed = await trainModel(base, { dataRoot: data, outDir: dir, workers: 2, resume: true });
    expect(resumed.finalLoss).toBe(a.finalLoss);
    expect(compare(a.checkpoint, resumed.checkpoint).identical).toBe(true);

    // one worker (the plain full-batch step) reaches the same weights up to float rounding of the reduction
    const single = await trainModel(base, { dataRoot: data, outDir: out() });
    expect(single.workers).toBe(1);
    expect(Math.abs(single.finalLoss - a.finalLoss)).toBeLessThan(1e-4);
    const { worst } = compare(a.checkpoint, single.checkpoint, true);
    expect(worst).toBeLessThan(1e-4); // lr 1e-3 × 3 steps: Adam moves each weight by ≤ 3e-3
    expect(await outputGap(a.checkpoint, single.checkpoint)).toBeLessThan(1e-4);
  }, 900_000);

  test('the workers sum with the parent’s gradient kernel revision (a zoo entry repeats under the one it was trained with)', async () => {
    const latest = await trainModel(base, { dataRoot: data, outDir: out(), workers: 2 });
    useGradientKernels(1);
    try {
      const r1 = await trainModel(base, { dataRoot: data, outDir: out(), workers: 2 });
      const r1Single = await trainModel(base, { dataRoot: data, outDir: out() });
      // every gradient comes from the workers: had they kept r2, r1's weights would be r2's bits
      expect(compare(latest.checkpoint, r1.checkpoint).identical).toBe(false);
      expect(compare(r1.checkpoint, r1Single.checkpoint, true).worst).toBeLessThan(1e-4);
    } finally {
      useGradientKernels(2);
    }
  }, 900_000);
});
