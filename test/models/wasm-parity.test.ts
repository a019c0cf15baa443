import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { loadCheckpoint } from '../../src/models/checkpoint.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { CLAIMS, limit } from '../helpers/claims.js';
import { FIXTURES, ioFixture, maxAbsDiff } from './helpers.js';

beforeAll(async () => {
  await initBackend('wasm');
});

test('wasm backend: same PyTorch parity (explicit padding of the 4×4 stride-2 downsample, mirrorPad)', async () => {
  const fx = ioFixture('unet_d8_m12_io.json');
  const model = await loadCheckpoint(join(FIXTURES, 'unet_d8_m12_state.pt'));
  const out = model.apply(tf.tensor4d(fx.xt, fx.shape), tf.tensor4d(fx.mu, fx.shape), fx.t);
  const err = maxAbsDiff(await out.data(), fx.out);
  console.log(`wasm: max abs error vs PyTorch ${err.toExponential(2)}`);
  expect(tf.getBackend()).toBe('wasm');
  expect(err).toBeLessThan(limit(CLAIMS.unetOutput));
});
