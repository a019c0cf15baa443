import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { unetConfig } from '../../src/models/config.js';
import { MODEL_PRESETS } from '../../src/models/presets.js';
import { parameterSpecs } from '../../src/models/spec.js';
import { toOurLayout } from '../../src/models/torch/state-dict.js';
import { makeVariables, unetFromParams } from '../../src/models/unet.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { CLAIMS, limit } from '../helpers/claims.js';
import { FIXTURES, maxAbsDiff } from './helpers.js';

const fx = JSON.parse(readFileSync(join(FIXTURES, 'unet_T_formula_io.json'), 'utf8')) as {
  config: { dim: number; dimMults: number[] };
  shape: [number, number, number, number];
  t: number[];
  names: string[];
  xt: number[];
  mu: number[];
  out: number[];
};

beforeAll(async () => {
  await initBackend('wasm');
});

/** The fixture's weight formula (see scripts/reference/models_fixtures.py), in PyTorch layout, computed in float64 then rounded. */
function formula(name: string, torchShape: readonly number[]): Float32Array {
  const k = fx.names.indexOf(name);
  const n = torchShape.reduce((a, b) => a * b, 1);
  const norm = name.includes('.norm.') || name.endsWith('.g');
  const isWeight = name.endsWith('weight') || name.endsWith('.g');
  const fanIn = torchShape.length > 1 ? n / torchShape[0] : 16;
  return Float32Array.from({ length: n }, (_, i) => {
    const wave = Math.sin(1.3 * i + 0.7 * k);
    return norm ? (isWeight ? 1 + 0.1 * wave : 0.1 * wave) : wave / Math.sqrt(fanIn);
  });
}

test('preset T (depth 4, mults 1-2-3-6, 21×27 → reflect-padded to 32×32) matches the official U-Net in PyTorch', async () => {
  const config = unetConfig(fx.config);
  expect(config).toEqual(MODEL_PRESETS.T.config);
  const specs = parameterSpecs(config);
  expect([...specs.map((s) => s.name)].sort()).toEqual([...fx.names].sort());
  const net = unetFromParams(config, makeVariables(config, (s) => toOurLayout(s, { kind: 'tensor', dtype: 'Float', shape: s.torchShape, data: formula(s.name, s.torchShape) }), false));
  const out = net.apply(tf.tensor4d(fx.xt, fx.shape), tf.tensor4d(fx.mu, fx.shape), fx.t);
  const err = maxAbsDiff(await out.data(), fx.out);
  const scale = Math.max(...fx.out.map(Math.abs));
  console.log(`preset T: max abs error vs PyTorch ${err.toExponential(2)} (outputs up to ${scale.toFixed(2)})`);
  expect(err).toBeLessThan(limit(CLAIMS.unetOutput));
  net.dispose();
});
