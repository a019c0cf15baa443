// Batched restoration over worker threads (the workers run the compiled package in dist/: `npm test` builds first).
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { readImage, writeImage } from '../../src/image/index.js';
import { bridgeSchedule, sampleBridge, vpSchedule } from '../../src/bridge/index.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/models/checkpoint.js';
import { restoreWorkerUrl } from '../../src/models/restore-parallel.js';
import { restoreImages } from '../../src/models/restore.js';
import { trainConfig } from '../../src/models/train-config.js';
import { createUNet } from '../../src/models/unet.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { createRng, normalArray } from '../../src/util/random.js';

let ckpt: string;
let prior: string;
let inputs: string;
beforeAll(async () => {
  await initBackend('wasm');
  ckpt = mkdtempSync(join(tmpdir(), 'rdbm-restore-batch-ckpt-'));
  const net = createUNet({ dim: 8, dimMults: [1, 2] }, { seed: 2 });
  await saveCheckpoint(ckpt, net);
  net.dispose();
  // a generative VP prior (process vp): unconditional, asked at real s through the transition
  prior = mkdtempSync(join(tmpdir(), 'rdbm-restore-batch-prior-'));
  const vp = createUNet({ dim: 8, dimMults: [1, 2], condition: false }, { seed: 3 });
  await saveCheckpoint(prior, vp, { training: trainConfig({ model: 'tiny', steps: 1, batchSize: 1, timesteps: 20, pi: 'one', process: 'vp' }), step: 1 });
  vp.dispose();
  inputs = mkdtempSync(join(tmpdir(), 'rdbm-restore-batch-in-'));
  const rng = createRng(9);
  // five 20×20 images and two 24×16: windows of 3 mix sizes, so groups and windows both vary
  for (let i = 0; i < 7; i++) {
    const [w, h] = i % 3 === 2 ? [24, 16] : [20, 20];
    await writeImage(join(inputs, `im${i}.png`), { width: w, height: h, channels: 3, data: new Uint8Array(w * h * 3).map(() => rng.int(256)) });
  }
});

describe('batched restoration', () => {
  test('windows of equal-sized images over 2 workers give the same pixels as one image at a time', async () => {
    expect(restoreWorkerUrl()?.pathname).toMatch(/models\/restore-worker\.js$/);
    const one = mkdtempSync(join(tmpdir(), 'rdbm-restore-one-'));
    const many = mkdtempSync(join(tmpdir(), 'rdbm-restore-many-'));
    const a = await restoreImages({ checkpoint: ckpt, inputs, outputDir: one, nfe: 3, batch: 1, workers: 1 });
    const b = await restoreImages({ checkpoint: ckpt, inputs, outputDir: many, nfe: 3, batch: 3, workers: 2 });
    expect(b.outputs.map((o) => o.name)).toEqual(a.outputs.map((o) => o.name));
    expect(readdirSync(many).sort()).toEqual(readdirSync(one).sort());
    let worst = 0;
    for (const name of readdirSync(one)) {
      const x = await readImage(join(one, name));
      const y = await readImage(join(many, name));
      expect([y.width, y.height]).toEqual([x.width, x.height]);
      for (let i = 0; i < x.data.length; i++) worst = Math.max(worst, Math.abs(x.data[i] - y.data[i]));
    }
    expect(worst).toBe(0);
  }, 600_000);

  test('a vp checkpoint (a generative prior) restores through the transition, batched over 2 workers as one image at a time', async () => {
    const one = mkdtempSync(join(tmpdir(), 'rdbm-restore-prior-one-'));
    const many = mkdtempSync(join(tmpdir(), 'rdbm-restore-prior-many-'));
    const other = mkdtempSync(join(tmpdir(), 'rdbm-restore-prior-seed-'));
    await restoreImages({ checkpoint: prior, inputs, outputDir: one, nfe: 3, batch: 1, workers: 1 });
    await restoreImages({ checkpoint: prior, inputs, outputDir: many, nfe: 3, batch: 3, workers: 2 });
    await restoreImages({ checkpoint: prior, inputs, outputDir: other, nfe: 3, batch: 1, workers: 1, seed: 1 });
    expect(readdirSync(many).sort()).toEqual(readdirSync(one).sort());
    let worst = 0;
    let seedMoved = 0;
    for (const name of readdirSync(one)) {
      const x = await readImage(join(one, name));
      const y = await readImage(join(many, name));
      const z = await readImage(join(other, name));
      for (let i = 0; i < x.data.length; i++) {
        worst = Math.max(worst, Math.abs(x.data[i] - y.data[i]));
        seedMoved = Math.max(seedMoved, Math.abs(x.data[i] - z.data[i]));
      }
    }
    expect(worst).toBe(0);
    // the start noise μ + Σ_{t₀} z is seeded: another seed gives other pixels
    expect(seedMoved).toBeGreaterThan(0);
    // one image by hand: the sampler's prior option from t₀ = round(0.7·(T − 1)) = 13, z from the stream `<seed>:prior:<name>`
    const model = await loadCheckpoint(prior, undefined, { time: 'real' });
    const img = await readImage(join(inputs, 'im0.png'));
    const mu = tf.tensor4d(Float32Array.from(img.data, (v) => (v / 255) * 2 - 1), [1, 20, 20, 3]);
    const rng = createRng('0:prior:im0.png');
    const x = await sampleBridge({
      mu,
      schedule: bridgeSchedule({ schedule: 'cosine', timesteps: 20, lambda: 10 / 255 }),
      nfe: 3,
      clip: true,
      prior: { predictX0: (xs, s) => model.apply(xs, xs, s), schedule: vpSchedule({ schedule: 'cosine', timesteps: 20 }), start: 13 },
      noise: (shape) => tf.tensor(normalArray(rng, shape.reduce((a, b) => a * b, 1)), shape),
    });
    const byHand = Uint8Array.from(x.dataSync(), (v) => Math.max(0, Math.min(255, Math.floor(((v + 1) / 2) * 255 + 0.5))));
    tf.dispose([mu, x]);
    model.dispose();
    expect(Buffer.from(byHand).equals(Buffer.from((await readImage(join(one, 'im0.png'))).data))).toBe(true);
  }, 600_000);
});
