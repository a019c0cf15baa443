import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { bridgeSchedule, sampleBridge } from '../../src/bridge/index.js';
import { readImage, writeImage } from '../../src/image/index.js';
import { loadCheckpoint } from '../../src/models/checkpoint.js';
import { trainConfig } from '../../src/models/train-config.js';
import { applyTiled, restoreImages } from '../../src/models/restore.js';
import { cropTile, defaultTile, tileStarts, tileWindows } from '../../src/models/tiles.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { createRng } from '../../src/util/random.js';
import { FIXTURES } from './helpers.js';

beforeAll(async () => {
  await initBackend('wasm');
});
const tmp = () => mkdtempSync(join(tmpdir(), 'rdbm-restore-'));

async function noiseImage(path: string, w: number, h: number, seed: number) {
  const rng = createRng(seed);
  await writeImage(path, { width: w, height: h, channels: 3, data: new Uint8Array(w * h * 3).map(() => rng.int(256)) });
}

describe('tiling', () => {
  test('tile origins cover the axis with at least the overlap', () => {
    expect(tileStarts(100, 128, 16)).toEqual([0]);
    expect(tileStarts(300, 128, 16)).toEqual([0, 86, 172]);
    const s = tileStarts(1000, 512, 32);
    expect(s[0]).toBe(0);
    expect(s[s.length - 1]).toBe(488);
  });

  test('default tiles keep the middle full attention at most 64² positions', () => {
    expect(defaultTile(4)).toEqual({ size: 512, overlap: 32 });
    expect(defaultTile(5)).toEqual({ size: 512, overlap: 32 });
    expect(defaultTile(2)).toEqual({ size: 128, overlap: 16 });
    expect(defaultTile(1)).toEqual({ size: 64, overlap: 8 });
  });

  test('windows of the training crop overlap by an eighth of their side, at most 32 px', () => {
    expect(cropTile(32)).toEqual({ size: 32, overlap: 4 });
    expect(cropTile(20)).toEqual({ size: 20, overlap: 2 });
    expect(cropTile(512)).toEqual({ size: 512, overlap: 32 });
    // a 64-px test image in 32-px windows: three per axis, starting every 16 px
    expect(tileStarts(64, 32, cropTile(32).overlap)).toEqual([0, 16, 32]);
  });

  test('grid windows (tile `grid`): the training crop side without overlap, each window restored as if alone', async () => {
    expect(tileWindows('grid', 32)).toEqual({ size: 32, overlap: 0 });
    expect(tileWindows('crop', 32)).toEqual(cropTile(32));
    expect(tileWindows('auto', 32)).toBeUndefined();
    // a 64-px test image in 2 × 2 windows instead of crop's 3 × 3
    expect(tileStarts(64, 32, 0)).toEqual([0, 32]);
    // a network that couples pixels (each output is its window's mean): every 32-px quadrant gets its own mean
    const windowMean = { apply: (xt: tf.Tensor4D) => tf.add(tf.zerosLike(xt), tf.mean(xt, [1, 2], true)) as tf.Tensor4D };
    const xt = tf.randomUniform([1, 64, 64, 3], -1, 1, 'float32', 5) as tf.Tensor4D;
    const out = await applyTiled(windowMean, xt, xt, 1, { size: 32, overlap: 0 });
    for (const [y0, x0] of [[0, 0], [0, 32], [32, 0], [32, 32]]) {
      const quadrant = tf.slice(xt, [0, y0, x0, 0], [1, 32, 32, 3]);
      const expected = await tf.mean(quadrant, [1, 2]).data();
      const got = await tf.slice(out, [0, y0 + 7, x0 + 31, 0], [1, 1, 1, 3]).data();
      for (let c = 0; c < 3; c++) expect(got[c]).toBeCloseTo(expected[c], 6);
    }
  });

  test('blending is exact for a pixelwise network (weights normalise to 1)', async () => {
    const pixelwise = { apply: (xt: tf.Tensor4D, mu: tf.Tensor4D, t: number | readonly number[]) => tf.add(tf.mul(xt, 2), tf.sub(mu, (t as number) / 10)) as tf.Tensor4D };
    const xt = tf.randomUniform([2, 37, 51, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    const mu = tf.randomUniform([2, 37, 51, 3], -1, 1, 'float32', 4) as tf.Tensor4D;
    const whole = await pixelwise.apply(xt, mu, 5).data();
    const tiled = await (await applyTiled(pixelwise, xt, mu, 5, { size: 16, overlap: 4 })).data();
    let err = 0;
    for (let i = 0; i < whole.length; i++) err = Math.max(err, Math.abs(whole[i] - tiled[i]));
    expect(err).toBeLessThan(1e-5);
  });
});

describe('restoreImages', () => {
  test('full resolution output equals sampleBridge over the network (no tiling needed)', async () => {
    const dir = tmp();
    await noiseImage(join(dir, 'a.jpg'), 23, 17, 1);
    const out = join(tmp(), 'out');
    const ckpt = join(FIXTURES, 'unet_d8_m12_state.pt');
    const r = await restoreImages({ checkpoint: ckpt, inputs: dir, outputDir: out, nfe: 3, lambda: 1e-4 });
    expect(r.outputs.map((o) => o.output)).toEqual([join(out, 'a.png')]);
    const img = await readImage(join(out, 'a.png'));
    expect([img.width, img.height, img.channels]).toEqual([23, 17, 3]);
    // reference: the same sampler called directly
    const src = await readImage(join(dir, 'a.jpg'));
    const mu = tf.tensor4d(Float32Array.from(src.data, (v) => (v / 255) * 2 - 1), [1, 17, 23, 3]);
    const model = await loadCheckpoint(ckpt);
    const x = await sampleBridge({ mu, schedule: bridgeSchedule({ schedule: 'cosine', timesteps: 100, lambda: 1e-4 }), nfe: 3, parameterization: 'x0', predict: (a, b, t) => model.apply(a, b, t), clip: true });
    const ref = Uint8Array.from(await x.data(), (v) => Math.max(0, Math.min(255, Math.floor(((v + 1) / 2) * 255 + 0.5))));
    expect(Buffer.from(img.data).equals(Buffer.from(ref))).toBe(true);
  });

  test('large images are tiled; outputs keep names and sizes; eps with nfe 1 is refused', async () => {
    const dir = tmp();
    await noiseImage(join(dir, 'big.png'), 70, 45, 2);
    const out = join(tmp(), 'out');
    const r = await restoreImages({ checkpoint: join(FIXTURES, 'unet_d8_m1_module.pt'), inputs: [{ name: 'Task/Sub/big.png', path: join(dir, 'big.png') }], outputDir: out, nfe: 2, tile: { size: 32, overlap: 8 } });
    expect(existsSync(join(out, 'Task', 'Sub', 'big.png'))).toBe(true);
    expect(r.outputs[0].name).toBe('Task/Sub/big.png');
    const img = await readImage(join(out, 'Task', 'Sub', 'big.png'));
    expect([img.width, img.height]).toEqual([70, 45]);
    await expect(restoreImages({ checkpoint: join(FIXTURES, 'unet_d8_m1_module.pt'), inputs: dir, outputDir: out, nfe: 1, parameterization: 'eps' })).rejects.toThrow(/nfe: 1 with parameterization eps/);
    await expect(restoreImages({ checkpoint: join(FIXTURES, 'unet_d8_m1_module.pt'), inputs: join(dir, 'nope.png'), outputDir: out, nfe: 2 })).rejects.toThrow(/^input not found: /);
    // a network trained with π = x₀ − μ cannot be sampled as plain ε (issue 11): refused, naming pi-eps
    const loaded = await loadCheckpoint(join(FIXTURES, 'unet_d8_m1_module.pt'));
    const residual = { ...loaded, apply: loaded.apply, training: trainConfig({ model: 'tiny', steps: 1, batchSize: 1 }) };
    await expect(restoreImages({ model: residual, inputs: dir, outputDir: out, nfe: 2, parameterization: 'eps' })).rejects.toThrow(
      /^restore model \(trained with pi residual\): invalid objective: eps with pi residual \(.*use objective pi-eps\)$/,
    );
  });
});
