import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkpointInfo, loadCheckpoint } from '../../src/models/checkpoint.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { FIXTURES } from './helpers.js';

/** RDDM's two-U-Net trainer file (unet0: residual, unet1: noise), written by scripts/reference/rddm_checkpoint.py. */
const TWO_UNETS = join(FIXTURES, '..', 'rddm', 'rddm_d8_m1_trainer.pt');

beforeAll(async () => {
  await initBackend('cpu');
});

describe('loadCheckpoint options', () => {
  test("time 'real' accepts finite real t (DiffUIR's τ = ᾱ_t·T) and equals the step network at integer t", async () => {
    const step = await loadCheckpoint(join(FIXTURES, 'unet_d8_m1_trainer.pt'));
    const real = await loadCheckpoint(join(FIXTURES, 'unet_d8_m1_trainer.pt'), undefined, { time: 'real' });
    const x = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    const mu = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 4) as tf.Tensor4D;
    const a = step.apply(x, mu, [3, 7]);
    const b = real.apply(x, mu, [3, 7]);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const c = real.apply(x, mu, [2.6, 7.25]);
    expect(c.shape).toEqual([2, 8, 8, 3]);
    expect(Array.from(c.dataSync()).every(Number.isFinite)).toBe(true);
    // a real τ between two steps gives a different output from either step (the embedding is not rounded)
    expect(Array.from(c.dataSync())).not.toEqual(Array.from(a.dataSync()));
    expect(() => real.apply(x, mu, [Number.NaN, 1])).toThrow(/^invalid t: NaN \(expected a finite time input\)/);
    expect(() => real.apply(x, mu, [1, Number.POSITIVE_INFINITY])).toThrow(/finite/);
    expect(() => step.apply(x, mu, [2.6, 7.25])).toThrow(/non-negative integer/);
    tf.dispose([x, mu, a, b, c]);
    step.dispose();
    real.dispose();
  });

  test('a two-U-Net file (RDDM unet0 + unet1) is refused listing the prefixes, unless a prefix is chosen', async () => {
    await expect(loadCheckpoint(TWO_UNETS)).rejects.toThrow(/^checkpoint .*rddm_d8_m1_trainer\.pt holds 2 U-Nets \(prefixes: ema\.ema_model\.model\.unet0\., ema\.ema_model\.model\.unet1\.\); choose one with the prefix option/);
    expect(() => checkpointInfo(TWO_UNETS)).toThrow(/holds 2 U-Nets/);
    const unet1 = await loadCheckpoint(TWO_UNETS, undefined, { prefix: 'unet1.' });
    expect(unet1.prefix).toBe('ema.ema_model.model.unet1.');
    unet1.dispose();
    const whole = await loadCheckpoint(TWO_UNETS, undefined, { prefix: 'model.unet0.' });
    expect(whole.prefix).toBe('ema.ema_model.model.unet0.');
    whole.dispose();
    expect(checkpointInfo(TWO_UNETS, { prefix: 'unet0' }).prefix).toBe('ema.ema_model.model.unet0.');
    await expect(loadCheckpoint(TWO_UNETS, undefined, { prefix: 'unet2.' })).rejects.toThrow(/has no unet2\. U-Net \(U-Net prefixes found: .*model\.unet0\., .*unet1\./);
  });

  test('a one-U-Net trainer file still loads its EMA copy without a prefix', async () => {
    const m = await loadCheckpoint(join(FIXTURES, 'unet_d8_m1_trainer.pt'));
    expect(m.prefix).toBe('ema.ema_model.model.unet0.');
    m.dispose();
  });
});
