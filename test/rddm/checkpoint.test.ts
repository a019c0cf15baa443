import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffuirPredictor, diffuirRestoreImage, diffuirSchedule, loadRddmNetwork, sampleDiffuir, type RddmNetwork } from '../../src/rddm/index.js';
import { diffuirEqualizeHistogram } from '../../src/rddm/diffuir.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { maxAbsDiff, replay } from './fixture.js';

/** test/fixtures/rddm/diffuir_checkpoint.json, written by scripts/reference/rddm_diffuir_checkpoint.py (official DiffUIR test path). */
const ref: {
  config: { dim: number; dimMults: number[] };
  low_rgb_u8: number[];
  shape_hwc: [number, number, number];
  cases: Array<{ objective: 'pred_res' | 'pred_noise'; nfe: number; noise: number[][]; output01: number[]; output_u8: number[] }>;
} = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/rddm/diffuir_checkpoint.json', import.meta.url)), 'utf8'));
const CHECKPOINT = fileURLToPath(new URL('../fixtures/models/unet_d8_m1_trainer.pt', import.meta.url));

let network: RddmNetwork;
beforeAll(async () => {
  await initBackend();
  network = loadRddmNetwork(CHECKPOINT);
});
afterAll(() => network?.dispose());

describe('a DiffUIR trainer checkpoint through the official test path (EMA weights, τ = ᾱ_t·T, δ, equalizeHist)', () => {
  const [height, width] = ref.shape_hwc;
  const low = { width, height, channels: 3 as const, data: Uint8Array.from(ref.low_rgb_u8) };

  it('loads the EMA U-Net (ema.ema_model.model.unet0.*) with the architecture of the file', () => {
    expect(network.prefix).toBe('ema.ema_model.model.unet0.');
    expect(network.config).toMatchObject({ dim: ref.config.dim, dimMults: ref.config.dimMults, condition: true, channels: 3 });
  });

  for (const c of ref.cases) {
    const mode = c.objective === 'pred_res' ? 'res' : 'noise';
    it(`${c.objective}, ${c.nfe} steps: output within 1e-4 of the official DiffUIR sampler, 8-bit identical`, async () => {
      const schedule = diffuirSchedule();
      const eq = diffuirEqualizeHistogram(low);
      const mu = tf.tidy(() => tf.sub(tf.mul(tf.div(tf.tensor4d(eq.data, [1, height, width, 3], 'float32'), 255), 2), 1)) as tf.Tensor4D;
      const out = await sampleDiffuir({ mu, nfe: c.nfe, mode, predict: diffuirPredictor(network, schedule, mode), noise: replay(c.noise).noise });
      const err = maxAbsDiff(Array.from(tf.tidy(() => tf.div(tf.add(out, 1), 2)).dataSync()), c.output01);
      console.log(`DiffUIR checkpoint parity (${c.objective}, NFE ${c.nfe}): max abs error ${err.toExponential(2)} on [0,1]`);
      expect(err).toBeLessThan(1e-4);
      [mu, out].forEach((x) => x.dispose());
      const image = await diffuirRestoreImage({ network, condition: low, conditionPath: '/data/LOL/test/low/x.png', nfe: c.nfe, mode, noise: replay(c.noise).noise });
      expect(maxAbsDiff(image.data, c.output_u8)).toBe(0);
    });
  }

  it('diffuirRestoreImage equalises only LOL paths and is deterministic for a seed', async () => {
    const a = await diffuirRestoreImage({ network, condition: low, conditionPath: '/x/LOL/1.png', seed: 1 });
    const b = await diffuirRestoreImage({ network, condition: low, conditionPath: '/x/LOL/1.png', seed: 1 });
    const c = await diffuirRestoreImage({ network, condition: low, conditionPath: '/x/LSRW/1.png', seed: 1 });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(maxAbsDiff(a.data, c.data)).toBeGreaterThan(0);
    expect([a.width, a.height, a.channels]).toEqual([width, height, 3]);
  });

  it('rejects files that are not U-Net checkpoints with a one-line error', () => {
    expect(() => loadRddmNetwork(fileURLToPath(new URL('../fixtures/rddm/official.json', import.meta.url)))).toThrow(/cannot read checkpoint|manifest/);
  });
});

describe('diffuirRestoreFiles', () => {
  it('restores files into PNGs of the input size, deterministically per seed, with progress on stderr', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { writeImage, readImage } = await import('../../src/image/index.js');
    const { diffuirRestoreFiles } = await import('../../src/rddm/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'rddm-'));
    const [height, width] = ref.shape_hwc;
    const input = join(dir, 'LOL-low.png');
    await writeImage(input, { width, height, channels: 3, data: Uint8Array.from(ref.low_rgb_u8) });
    let err = '';
    const io = { err: (s: string) => (err += s), errIsTTY: false };
    const a = await diffuirRestoreFiles({ network, inputs: [{ name: 'x.jpg', path: input }], outputDir: join(dir, 'a'), seed: 3, io });
    const b = await diffuirRestoreFiles({ network, inputs: [{ name: 'x.jpg', path: input }], outputDir: join(dir, 'b'), seed: 3 });
    expect(a.outputs.map((o) => o.name)).toEqual(['x.png']);
    const ia = await readImage(a.outputs[0].output);
    const ib = await readImage(b.outputs[0].output);
    expect([ia.width, ia.height, ia.channels]).toEqual([width, height, 3]);
    expect(Array.from(ia.data)).toEqual(Array.from(ib.data));
    expect(err).toMatch(/DiffUIR restore/);
    await expect(diffuirRestoreFiles({ inputs: [], outputDir: dir })).rejects.toThrow(/checkpoint path or a loaded network/);
  });
});
