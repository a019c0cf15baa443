// Data-parallel training runs its shards in worker threads from the compiled package (dist/): `npm test` builds first.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { readCheckpoint } from '../../src/models/checkpoint.js';
import { trainWorkerUrl } from '../../src/models/train-parallel.js';
import { trainModel } from '../../src/models/train.js';
import { initBackend } from '../../src/tf/index.js';
import { makeDataset } from './helpers.js';

let data: string;
beforeAll(async () => {
  await initBackend('wasm');
  data = await makeDataset();
});

const base = { model: 'tiny', steps: 3, batchSize: 3, cropSize: 16, checkpointEvery: 2, seed: 3, timesteps: 20, lr: 1e-3 } as const;
const out = () => mkdtempSync(join(tmpdir(), 'rdbm-train-dp-'));
const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function compare(a: string, b: string): { identical: boolean; worst: number } {
  const ta = readCheckpoint(a).tensors;
  const tb = readCheckpoint(b).tensors;
  expect([...ta.keys()]).toEqual([...tb.keys()]);
  let identical = true;
  let worst = 0;
  for (const [k, v] of ta) {
    const w = tb.get(k)!.data;
    identical &&= bytes(v.data).equals(bytes(w));
    for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(v.data[i] - w[i]));
  }
  return { identical, worst };
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
    const { worst } = compare(a.checkpoint, single.checkpoint);
    expect(worst).toBeLessThan(1e-4); // lr 1e-3 × 3 steps: Adam moves each weight by ≤ 3e-3
  }, 900_000);
});
