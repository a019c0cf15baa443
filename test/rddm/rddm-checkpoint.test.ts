import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRddmNetwork, rddmPairPredictor, rddmSchedule, sampleRddm, type RddmNetwork } from '../../src/rddm/index.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { maxAbsDiff, replay } from './fixture.js';

/** test/fixtures/rddm/rddm_checkpoint.json and rddm_d8_m1_trainer.pt, written by scripts/reference/rddm_checkpoint.py (official RDDM experiment 2). */
const ref: { mu01_nhwc: number[]; shape_nhwc: [number, number, number, number]; cases: Array<{ nfe: number; noise: number[][]; output01: number[] }> } = JSON.parse(
  readFileSync(fileURLToPath(new URL('../fixtures/rddm/rddm_checkpoint.json', import.meta.url)), 'utf8'),
);
const CHECKPOINT = fileURLToPath(new URL('../fixtures/rddm/rddm_d8_m1_trainer.pt', import.meta.url));

let res: RddmNetwork;
let noise: RddmNetwork;
beforeAll(async () => {
  await initBackend();
  res = loadRddmNetwork(CHECKPOINT, { unet: 'unet0' });
  noise = loadRddmNetwork(CHECKPOINT, { unet: 'unet1' });
});
afterAll(() => [res, noise].forEach((n) => n?.dispose()));

describe('an RDDM deraining checkpoint (two U-Nets, SM-Res-N, sum_scale 1) through the official sampler', () => {
  it('picks the EMA copies of unet0 and unet1', () => {
    expect(res.prefix).toBe('ema.ema_model.model.unet0.');
    expect(noise.prefix).toBe('ema.ema_model.model.unet1.');
  });
  for (const c of ref.cases) {
    it(`NFE ${c.nfe}: output within 1e-4 of the official ResidualDiffusion.sample`, async () => {
      const mu = tf.tidy(() => tf.sub(tf.mul(tf.tensor4d(ref.mu01_nhwc, ref.shape_nhwc), 2), 1)) as tf.Tensor4D;
      const out = await sampleRddm({ mu, schedule: rddmSchedule({ timesteps: 1000, sumScale: 1 }), nfe: c.nfe, mode: 'res-noise', predict: rddmPairPredictor(res, noise), noise: replay(c.noise).noise });
      const err = maxAbsDiff(Array.from(tf.tidy(() => tf.div(tf.add(out, 1), 2)).dataSync()), c.output01);
      console.log(`RDDM checkpoint parity (NFE ${c.nfe}): max abs error ${err.toExponential(2)} on [0,1]`);
      expect(err).toBeLessThan(1e-4);
      [mu, out].forEach((x) => x.dispose());
    });
  }
  it('a missing U-Net index is a one-line error', () => {
    expect(() => loadRddmNetwork(CHECKPOINT, { unet: 'unet2' })).toThrow(/has no unet2/);
  });
});
