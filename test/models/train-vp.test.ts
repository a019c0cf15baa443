import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { alphaBarAt, bridgeSchedule, vpSchedule } from '../../src/bridge/index.js';
import { loadCheckpoint, readCheckpoint } from '../../src/models/checkpoint.js';
import { ensureGradients } from '../../src/models/gradients.js';
import { trainArchitecture, trainConfig } from '../../src/models/train-config.js';
import { createImageCache, loadTrainingData } from '../../src/models/train-data.js';
import { stepGradients, trainVpSchedule } from '../../src/models/train-step.js';
import { stepBatch, trainModel } from '../../src/models/train.js';
import { createUNet, lookup, unetForward } from '../../src/models/unet.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { configHash } from '../../src/util/hash.js';
import { makeDataset } from './helpers.js';

let data: string;
beforeAll(async () => {
  await initBackend('wasm');
  await ensureGradients();
  data = await makeDataset();
});

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
/**
 * Bit equality and the largest weight difference of two checkpoints, apart from the conv biases in front of
 * GroupNorm (`proj.bias`): their true gradient is 0, so Adam steps on rounding noise (≤ lr per step either way).
 */
function worstDiff(a: string, b: string): { identical: boolean; worst: number; worstNormBias: number } {
  const ta = readCheckpoint(a).tensors;
  const tb = readCheckpoint(b).tensors;
  expect([...ta.keys()]).toEqual([...tb.keys()]);
  let identical = true;
  let worst = 0;
  let worstNormBias = 0;
  for (const [k, v] of ta) {
    const w = tb.get(k)!.data;
    identical &&= bytes(v.data).equals(bytes(w));
    let m = 0;
    for (let i = 0; i < w.length; i++) m = Math.max(m, Math.abs(v.data[i] - w[i]));
    if (/proj\.bias$/.test(k)) worstNormBias = Math.max(worstNormBias, m);
    else worst = Math.max(worst, m);
  }
  return { identical, worst, worstNormBias };
}

const base = { model: 'tiny', steps: 3, batchSize: 2, cropSize: 16, checkpointEvery: 3, seed: 3, timesteps: 20, lr: 1e-3 } as const;

describe('trainModel with process vp (a generative prior for bridge/prior.ts)', () => {
  test('trains an unconditional x₀-predictor (3 input channels) that answers real s; same seed → same weights', async () => {
    const a = await trainModel({ ...base, process: 'vp' }, { dataRoot: data, outDir: mkdtempSync(join(tmpdir(), 'rdbm-vp-')) });
    const b = await trainModel({ ...base, process: 'vp' }, { dataRoot: data, outDir: mkdtempSync(join(tmpdir(), 'rdbm-vp-')) });
    expect(Number.isFinite(a.finalLoss)).toBe(true);
    expect(a.finalLoss).toBe(b.finalLoss);
    const { manifest, tensors } = readCheckpoint(a.checkpoint);
    expect(manifest.architecture.condition).toBe(false);
    expect(manifest.training?.process).toBe('vp');
    expect(tensors.get('init_conv.weight')!.shape).toEqual([7, 7, 3, 8]);
    const model = await loadCheckpoint(a.checkpoint, undefined, { time: 'real' });
    const x = tf.zeros([1, 16, 16, 3]) as tf.Tensor4D;
    const y = model.apply(x, x, 7.25);
    expect(y.shape).toEqual([1, 16, 16, 3]);
    tf.dispose([x, y]);
    model.dispose();
  });

  test('a step batch draws real s in (0, S]; the step loss is the L1 of the unconditional x₀-prediction at x_s = √ᾱ_s x₀ + √(1 − ᾱ_s) ε', async () => {
    const cfg = trainConfig({ ...base, batchSize: 3, process: 'vp' });
    const batch = await stepBatch(loadTrainingData(data, 'train'), cfg, 1, createImageCache());
    expect(batch.t).toHaveLength(3);
    for (const s of batch.t) expect(s > 0 && s <= 20 && !Number.isInteger(s)).toBe(true);
    // the bridge config draws integer steps from the same stream
    const bridge = await stepBatch(loadTrainingData(data, 'train'), trainConfig({ ...base, batchSize: 3 }), 1, createImageCache());
    for (const t of bridge.t) expect(Number.isInteger(t) && t >= 0 && t < 20).toBe(true);
    const arch = trainArchitecture(cfg);
    const net = createUNet(arch, { seed: 4 });
    const vp = trainVpSchedule(cfg)!;
    expect(vp.alphaBar).toEqual(vpSchedule({ schedule: 'cosine', timesteps: 20 }).alphaBar);
    const ctx = { arch, p: lookup(net.variables), varList: [...net.variables.values()], cfg, schedule: bridgeSchedule({ schedule: 'cosine', timesteps: 20, lambda: 10 / 255 }), vp };
    const { loss, grads } = await stepGradients(ctx, batch);
    tf.dispose(Object.values(grads));
    // by hand: x_s per item from ᾱ(s), the network without μ, L1 against x₀
    const shape = batch.shape as [number, number, number, number];
    const n = shape[1] * shape[2] * shape[3];
    const xs = new Float32Array(batch.x0.length);
    batch.t.forEach((s, k) => {
      const a = alphaBarAt(vp, s);
      for (let i = k * n; i < (k + 1) * n; i++) xs[i] = Math.sqrt(a) * batch.x0[i] + Math.sqrt(1 - a) * batch.noise[i];
    });
    const expected = tf.tidy(() => tf.mean(tf.abs(tf.sub(unetForward(arch, lookup(net.variables), tf.tensor4d(xs, shape), [...batch.t]), tf.tensor4d(batch.x0, shape)))).dataSync()[0]);
    expect(Math.abs(loss - expected)).toBeLessThan(1e-5 * expected);
    net.dispose();
  });

  test('micro-batches and worker threads train the same prior (bit-identical per worker count, 1e-4 across)', async () => {
    const cfg = { ...base, batchSize: 3, process: 'vp' } as const;
    const out = () => mkdtempSync(join(tmpdir(), 'rdbm-vp-dp-'));
    const single = await trainModel(cfg, { dataRoot: data, outDir: out(), microBatch: 3 });
    const micro = await trainModel(cfg, { dataRoot: data, outDir: out(), microBatch: 1 });
    const a = await trainModel(cfg, { dataRoot: data, outDir: out(), workers: 2 });
    const b = await trainModel(cfg, { dataRoot: data, outDir: out(), workers: 2 });
    expect([a.workers, micro.microBatch]).toEqual([2, 1]);
    expect(a.finalLoss).toBe(b.finalLoss);
    expect(worstDiff(a.checkpoint, b.checkpoint).identical).toBe(true);
    expect(readCheckpoint(a.checkpoint).manifest.training?.process).toBe('vp');
    for (const other of [micro, a]) {
      expect(Math.abs(other.finalLoss - single.finalLoss)).toBeLessThan(1e-4);
      const { worst, worstNormBias } = worstDiff(single.checkpoint, other.checkpoint);
      expect(worst).toBeLessThan(1e-4); // lr 1e-3 × 3 steps: Adam moves each weight by ≤ 3e-3
      expect(worstNormBias).toBeLessThan(2 * 3e-3);
    }
  }, 900_000);

  test('bridge configs keep their hash (no process field unless given); vp drops μ channels and needs objective x0', () => {
    const bridge = trainConfig(base);
    expect(Object.hasOwn(bridge, 'process')).toBe(false);
    expect(configHash(bridge)).toBe(configHash(trainConfig({ ...base })));
    expect(trainArchitecture(bridge).condition).toBe(true);
    expect(trainArchitecture(trainConfig({ ...base, process: 'vp' })).condition).toBe(false);
    expect(() => trainConfig({ ...base, process: 'vp', objective: 'eps' })).toThrow(/invalid objective: eps with process vp \(expected x0/);
    expect(() => trainConfig({ ...base, process: 'gan' as 'vp' })).toThrow(/invalid process: "gan" \(expected one of bridge, vp\)/);
  });
});
