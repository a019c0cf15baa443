import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadCheckpoint, readCheckpoint } from '../../src/models/checkpoint.js';
import { trainArchitecture, trainConfig } from '../../src/models/train-config.js';
import { trainModel } from '../../src/models/train.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { configHash } from '../../src/util/hash.js';
import { makeDataset } from './helpers.js';

let data: string;
beforeAll(async () => {
  await initBackend('wasm');
  data = await makeDataset();
});

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
