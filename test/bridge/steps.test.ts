/** The one sampler loop (src/bridge/steps.ts) that the bridge, RDDM, ancestral RDDM and DDIM samplers run on. */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSteps } from '../../src/bridge/steps.js';
import { initBackend, tf } from '../../src/tf/index.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('runSteps', () => {
  it('visits the pairs in order, hands each step the model\'s answer, and leaves only the output (or the kept states)', async () => {
    const mu = tf.ones([1, 2, 2, 1]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const seen: string[] = [];
    const loop = (keep: boolean) =>
      runSteps<tf.Tensor4D>(
        {
          protect: [mu],
          pairs: [[9, 5], [5, 1], [1, -1]],
          start: tf.clone(mu),
          predict: (x, t) => tf.mul(x, t) as tf.Tensor4D,
          // x_next = x + prediction; the last step hands the prediction itself on (as an unclipped x̂₀ would be)
          step: (x, p, t, tNext) => (tNext < 0 ? p : (tf.add(x, p) as tf.Tensor4D)),
          tensors: (p) => [p, mu],
          onStep: ({ index, t, tNext }) => void seen.push(`${index}:${t}→${tNext}`),
        },
        keep,
      );
    const { output, states, times } = await loop(false);
    // 1 → 1 + 9 = 10 → 10 + 50 = 60 → 60 · 1 = 60
    expect(Array.from(await output.data())).toEqual([60, 60, 60, 60]);
    expect(states).toEqual([]);
    expect(times).toEqual([[9, 5], [5, 1], [1, -1]]);
    expect(seen).toEqual(['0:9→5', '1:5→1', '2:1→-1']);
    expect(mu.isDisposed).toBe(false);
    output.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const kept = await loop(true);
    expect(kept.states).toHaveLength(4);
    expect(kept.states.at(-1)).toBe(kept.output);
    expect(await Promise.all(kept.states.map(async (s) => (await s.data())[0]))).toEqual([1, 10, 60, 60]);
    tf.dispose(kept.states);
    expect(tf.memory().numTensors).toBe(before);
    mu.dispose();
  });

  it('releases the model\'s answer when a step throws', async () => {
    const before = tf.memory().numTensors;
    const start = tf.zeros([1, 1, 1, 1]) as tf.Tensor4D;
    await expect(
      runSteps<tf.Tensor4D>({ pairs: [[1, 0]], start, predict: (x) => tf.clone(x), step: () => { throw new Error('bad step'); }, tensors: (p) => [p] }, false),
    ).rejects.toThrow('bad step');
    start.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is the only sampler loop: no sampler in bridge/ or rddm/ calls its model in a loop of its own', () => {
    const SRC = join(import.meta.dirname, '..', '..', 'src');
    const files = ['bridge', 'rddm'].flatMap((d) => readdirSync(join(SRC, d)).filter((f) => f.endsWith('.ts')).map((f) => join(SRC, d, f)));
    const own = (f: string) => relative(SRC, f) !== join('bridge', 'steps.ts');
    const loops = files.filter((f) => own(f) && /for \([^)]*\)\s*\{[^}]*await [^;]*predict!?\(/s.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f));
    expect(loops).toEqual([]);
    const users = files.filter((f) => readFileSync(f, 'utf8').includes('runSteps(') || readFileSync(f, 'utf8').includes('runSteps<')).map((f) => relative(SRC, f)).sort();
    expect(users).toEqual(['bridge/sampler.ts', 'bridge/steps.ts', 'rddm/ancestral.ts', 'rddm/ddim.ts', 'rddm/sampler.ts']);
  });
});
