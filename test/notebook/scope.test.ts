import { beforeAll, expect, it } from 'vitest';
import { tensorScope } from '../../src/notebook/index.js';
import { initBackend, tf } from '../../src/tf/index.js';

beforeAll(async () => {
  await initBackend('cpu');
});

it('disposes every tensor made inside async work but the one returned, also when the work throws', async () => {
  const before = tf.memory().numTensors;
  const kept = await tensorScope(async () => {
    const a = tf.ones([4]);
    await new Promise((r) => setTimeout(r, 1));
    const b = tf.add(a, 1); // a and b leak without the scope
    return tf.mul(b, 2);
  });
  expect(tf.memory().numTensors).toBe(before + 1);
  expect(Array.from(await kept.data())).toEqual([4, 4, 4, 4]);
  kept.dispose();
  await expect(tensorScope(async () => {
    tf.zeros([2]);
    throw new Error('boom');
  })).rejects.toThrow('boom');
  expect(tf.memory().numTensors).toBe(before);
});
