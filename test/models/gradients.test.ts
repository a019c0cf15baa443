import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ensureGradients } from '../../src/models/gradients.js';
import { flattenTensors, readTorchSave } from '../../src/models/torch/pt.js';
import { inferUNetConfig, selectUNetTensors, toOurLayout } from '../../src/models/torch/state-dict.js';
import { parameterSpecs } from '../../src/models/spec.js';
import { lookup, makeVariables, unetForward } from '../../src/models/unet.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { CLAIMS, limit } from '../helpers/claims.js';
import { FIXTURES, ioFixture } from './helpers.js';

interface GradFixture {
  loss: number;
  grads: Record<string, { shape: number[]; values: number[] }>;
}

const fx = ioFixture('unet_d8_m12_io.json');
const golden = JSON.parse(readFileSync(join(FIXTURES, 'unet_d8_m12_grads.json'), 'utf8')) as GradFixture;

async function gradients(backend: 'cpu' | 'wasm') {
  await initBackend(backend);
  await ensureGradients();
  const { tensors } = selectUNetTensors(flattenTensors(readTorchSave(readFileSync(join(FIXTURES, 'unet_d8_m12_state.pt')))), 'fixture');
  const config = inferUNetConfig(tensors);
  const specs = new Map(parameterSpecs(config).map((s) => [s.name, s]));
  const variables = makeVariables(config, (s) => toOurLayout(s, tensors.get(s.name)!), true);
  const xt = tf.tensor4d(fx.xt, fx.shape);
  const mu = tf.tensor4d(fx.mu, fx.shape);
  const { value, grads } = tf.variableGrads(() => tf.mean(tf.abs(tf.sub(unetForward(config, lookup(variables), [xt, mu], fx.t), mu))) as tf.Scalar, [...variables.values()]);
  const loss = (await value.data())[0];
  const errors: Record<string, number> = {};
  for (const [name, g] of Object.entries(golden.grads)) {
    const spec = specs.get(name)!;
    const ours = await grads[variables.get(name)!.name].data();
    // golden values are in PyTorch layout: bring them to ours
    const expected = toOurLayout(spec, { kind: 'tensor', dtype: 'Float', shape: g.shape, data: Float32Array.from(g.values) });
    const scale = Math.max(...expected.map(Math.abs));
    let err = 0;
    for (let i = 0; i < expected.length; i++) err = Math.max(err, Math.abs(ours[i] - expected[i]));
    errors[name] = err / scale;
  }
  variables.forEach((v) => v.dispose());
  return { loss, errors };
}

describe('gradients of the L1 loss match PyTorch autograd (unet_d8_m12_grads.json)', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    test(backend, async () => {
      const { loss, errors } = await gradients(backend);
      expect(Math.abs(loss - golden.loss)).toBeLessThan(1e-6); // float32 sums: measured 0 (cpu), 4.8e-7 (wasm)
      const worst = Math.max(...Object.values(errors));
      console.log(`${backend}: loss ${loss} (PyTorch ${golden.loss}); worst gradient error relative to the tensor's max |g|: ${worst.toExponential(2)}`);
      for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThan(limit(CLAIMS.unetGradient));
    });
  }
});
