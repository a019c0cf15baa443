import { beforeAll, describe, expect, it } from 'vitest';
import { bridgeSchedule } from '../../src/bridge/schedule.js';
import { sampleBridge, sampleBridgeTrajectory, type Predictor } from '../../src/bridge/sampler.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { CLAIMS, limit } from '../helpers/claims.js';
import { createRng } from '../../src/util/random.js';
import { maxAbsDiff, official } from './fixture.js';

/** The stand-in predictor of scripts/reference/bridge_parity.py: A·tanh(1.3 x_t − 0.7 μ + 0.5 sin(3μ) + 0.01 t − 0.1). */
function standIn(amplitude: number): Predictor {
  return (xt, mu, t) =>
    tf.tidy(() => tf.mul(amplitude, tf.tanh(tf.add(tf.sub(tf.mul(1.3, xt), tf.mul(0.7, mu)), tf.add(tf.mul(0.5, tf.sin(tf.mul(3, mu))), 0.01 * t - 0.1)))) as tf.Tensor4D);
}

const mu01 = () => tf.tensor4d(official.mu01_nhwc, official.shape_nhwc);
const toUnit = (x: tf.Tensor) => Array.from(tf.tidy(() => tf.div(tf.add(x, 1), 2)).dataSync());

beforeAll(async () => {
  await initBackend();
});

describe('sampleBridge against the official ddim_sample (PyTorch), outputs in [0, 1] within the README\'s 3.8e-6 (× margin)', () => {
  let worst = 0;
  for (const version of official.versions) {
    for (const ref of version.samples) {
      it(`${version.label} λ=${version.lambda.toPrecision(4)} ${ref.parameterization} NFE=${ref.nfe}`, async () => {
        const schedule = bridgeSchedule({ schedule: 'cosine', timesteps: 100, lambda: version.lambda });
        const mu = tf.tidy(() => tf.sub(tf.mul(mu01(), 2), 1)) as tf.Tensor4D;
        const options = {
          mu,
          schedule,
          nfe: ref.nfe,
          parameterization: ref.parameterization,
          predict: standIn(ref.parameterization === 'x0' ? 1.2 : 0.8),
        };
        if (ref.trajectory01) {
          const traj = await sampleBridgeTrajectory(options);
          expect(traj.states.length).toBe(ref.trajectory01.length);
          traj.states.forEach((s, i) => {
            const err = maxAbsDiff(toUnit(s), ref.trajectory01![i]);
            worst = Math.max(worst, err);
            expect(err, `state ${i}`).toBeLessThan(limit(CLAIMS.bridgeSampler));
          });
          traj.states.forEach((s) => s.dispose());
        } else {
          const out = await sampleBridge(options);
          const err = maxAbsDiff(toUnit(out), ref.output01);
          worst = Math.max(worst, err);
          expect(err).toBeLessThan(limit(CLAIMS.bridgeSampler));
          out.dispose();
        }
        mu.dispose();
      });
    }
  }
  it('reports the worst error seen', () => {
    console.log(`sampler parity: worst max-abs error on [0,1] outputs = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(limit(CLAIMS.bridgeSampler));
  });
});

describe('sampleBridge behaviour', () => {
  const schedule = bridgeSchedule({ schedule: 'cosine', timesteps: 100, lambda: 10 / 255 });
  it('an oracle x0 predictor recovers x₀ exactly (any NFE), since the last step returns x̂₀', async () => {
    const x0 = tf.tensor4d([0.5, -0.25, 0.1, 0.9], [1, 2, 2, 1]);
    const mu = tf.tensor4d([0.1, 0.2, 0.3, 0.4], [1, 2, 2, 1]);
    for (const nfe of [1, 3, 10]) {
      const out = await sampleBridge({ mu, schedule, nfe, parameterization: 'x0', predict: () => tf.clone(x0) as tf.Tensor4D });
      expect(maxAbsDiff(out.dataSync(), x0.dataSync())).toBeLessThan(1e-6);
    }
  });
  it('does not leak tensors', async () => {
    const mu = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    await sampleBridge({ mu, schedule, nfe: 2, parameterization: 'x0', predict: standIn(1) }).then((o) => o.dispose());
    const before = tf.memory().numTensors;
    const out = await sampleBridge({ mu, schedule, nfe: 10, parameterization: 'eps', predict: standIn(0.5) });
    expect(tf.memory().numTensors).toBe(before + 1);
    out.dispose();
  });
  it('the stochastic variant is deterministic for a seeded noise source and equals the deterministic one at η = 0', async () => {
    const mu = tf.tidy(() => tf.sub(tf.mul(mu01(), 2), 1)) as tf.Tensor4D;
    const noise = (seed: number) => {
      const rng = createRng(seed);
      return (shape: number[]) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
    };
    const base = { mu, schedule, nfe: 10, parameterization: 'x0' as const, predict: standIn(1.2) };
    const det = await sampleBridge(base);
    const eta0 = await sampleBridge({ ...base, eta: 0, noise: noise(1) });
    const a = await sampleBridge({ ...base, eta: 0.5, noise: noise(1) });
    const b = await sampleBridge({ ...base, eta: 0.5, noise: noise(1) });
    const c = await sampleBridge({ ...base, eta: 0.5, noise: noise(2) });
    expect(maxAbsDiff(det.dataSync(), eta0.dataSync())).toBe(0);
    expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBe(0);
    // the final step returns x̂₀, so noise enters through earlier states only
    expect(maxAbsDiff(a.dataSync(), c.dataSync())).toBeGreaterThan(1e-6);
  });
  it('with the x0 sampler λ cancels: the same predictor gives the same output for λ = 1e-4 and 10/255', async () => {
    const mu = tf.tidy(() => tf.sub(tf.mul(mu01(), 2), 1)) as tf.Tensor4D;
    const run = (lambda: number) =>
      sampleBridge({ mu, schedule: bridgeSchedule({ schedule: 'cosine', timesteps: 100, lambda }), nfe: 10, parameterization: 'x0', predict: standIn(1.2) });
    const a = await run(1e-4);
    const b = await run(10 / 255);
    expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBeLessThan(1e-6);
  });
});
