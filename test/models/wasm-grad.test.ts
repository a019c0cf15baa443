import { expect, test } from 'vitest';
import { ensureGradients } from '../../src/models/gradients.js';
import { GRADIENT_KERNEL_REVISIONS, gradientKernelsOf, useGradientKernels } from '../../src/models/wasm-grad.js';
import { initBackend, tf } from '../../src/tf/index.js';

/** ∂/∂w Σ conv(x, w)² on one backend, for the conv shapes the U-Net uses. */
async function filterGrads(backend: 'cpu' | 'wasm') {
  await initBackend(backend);
  await ensureGradients();
  const x = tf.tensor4d(Array.from({ length: 2 * 9 * 10 * 3 }, (_, i) => Math.sin(i)), [2, 9, 10, 3]);
  const out: Record<string, Float32Array> = {};
  const cases: [number, number, 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]]][] = [
    [3, 1, 'same'],
    [7, 1, 'same'],
    [4, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]],
    [1, 1, 'valid'],
  ];
  for (const [k, s, pad] of cases) {
    const w = tf.variable(tf.tensor4d(Array.from({ length: k * k * 3 * 5 }, (_, i) => Math.cos(i)), [k, k, 3, 5]));
    const xv = tf.variable(x);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.conv2d(xv, w, s, pad))) as tf.Scalar, [w, xv]);
    out[`filter ${k}x${k}/${s}`] = (await grads[w.name].data()) as Float32Array;
    out[`input ${k}x${k}/${s}`] = (await grads[xv.name].data()) as Float32Array;
    w.dispose();
    xv.dispose();
  }
  return out;
}

test.each(GRADIENT_KERNEL_REVISIONS)('wasm Conv2DBackpropFilter / Conv2DBackpropInput shims (gradient kernels r%i) equal the CPU kernels (3×3, 7×7 same; 4×4 stride 2 pad 1 on odd sizes; 1×1)', async (revision) => {
  const cpu = await filterGrads('cpu');
  useGradientKernels(revision);
  try {
    const wasm = await filterGrads('wasm');
    for (const key of Object.keys(cpu)) {
      let err = 0;
      cpu[key].forEach((v, i) => (err = Math.max(err, Math.abs(v - wasm[key][i]) / (1 + Math.abs(v)))));
      expect(err, key).toBeLessThan(1e-4);
    }
  } finally {
    useGradientKernels(2);
  }
});

test('the gradient kernel revision a backend description names; descriptions from before revisions were recorded mean r1', () => {
  expect(gradientKernelsOf('wasm (@tensorflow/tfjs-backend-wasm@4.22.0)')).toBe(1);
  expect(gradientKernelsOf('wasm (@tensorflow/tfjs-backend-wasm@4.22.0), gradient kernels r2')).toBe(2);
  expect(() => gradientKernelsOf('wasm (x), gradient kernels r9')).toThrow('unknown gradient kernel revision r9 in "wasm (x), gradient kernels r9" (this toolkit has r1, r2)');
});

test('tf.clone on wasm shares the data (the engine clones every tensor saved for the backward pass) and outlives its source', async () => {
  await initBackend('wasm');
  await ensureGradients();
  const a = tf.tensor1d([1, 2, 3]);
  const buffers = () => tf.backend().numDataIds();
  const before = buffers();
  const b = tf.clone(a);
  expect(buffers()).toBe(before);
  a.dispose();
  expect(Array.from(await b.data())).toEqual([1, 2, 3]);
  b.dispose();
});
