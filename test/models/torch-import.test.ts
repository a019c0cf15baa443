import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadCheckpoint } from '../../src/models/checkpoint.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { CLAIMS, limit } from '../helpers/claims.js';
import { FIXTURES, ioFixture, maxAbsDiff } from './helpers.js';

beforeAll(async () => {
  await initBackend('cpu');
});

async function parity(file: string, io: string): Promise<number> {
  const fx = ioFixture(io);
  const model = await loadCheckpoint(join(FIXTURES, file));
  expect(model.config.dim).toBe(fx.config.dim);
  expect(model.config.dimMults).toEqual(fx.config.dimMults);
  const xt = tf.tensor4d(fx.xt, fx.shape);
  const mu = tf.tensor4d(fx.mu, fx.shape);
  const out = model.apply(xt, mu, fx.t);
  const err = maxAbsDiff(await out.data(), fx.out);
  tf.dispose([xt, mu, out]);
  model.dispose();
  return err;
}

describe('PyTorch import (fixtures from scripts/reference/models_fixtures.py, official U-Net, torch 1.13)', () => {
  test('plain state dict dim 8 mults 1-2: output within the README\'s 3.1e-6 (× margin) of PyTorch', async () => {
    const err = await parity('unet_d8_m12_state.pt', 'unet_d8_m12_io.json');
    console.log(`max abs error vs PyTorch (state dict, 13×18, t=[3,71]): ${err.toExponential(2)}`);
    expect(err).toBeLessThan(limit(CLAIMS.unetOutput));
  });
  test('trainer dict: prefers ema_model. weights over model. and online_model.', async () => {
    const err = await parity('unet_d8_m1_trainer.pt', 'unet_d8_m1_io.json');
    console.log(`max abs error vs PyTorch (trainer dict, EMA): ${err.toExponential(2)}`);
    expect(err).toBeLessThan(limit(CLAIMS.unetOutput));
    const m = await loadCheckpoint(join(FIXTURES, 'unet_d8_m1_trainer.pt'));
    expect(m.step).toBe(7);
    expect(m.format).toBe('torch');
    m.dispose();
  });
  test('module. prefix (DataParallel)', async () => {
    expect(await parity('unet_d8_m1_module.pt', 'unet_d8_m1_io.json')).toBeLessThan(limit(CLAIMS.unetOutput));
  });
});
