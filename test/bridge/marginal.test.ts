import { beforeAll, describe, expect, it } from 'vitest';
import { qSample } from '../../src/bridge/marginal.js';
import { PI_VARIANTS } from '../../src/bridge/pi.js';
import { residualToNoiseRatio, rnrCurve } from '../../src/bridge/rnr.js';
import { bridgeSchedule } from '../../src/bridge/schedule.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { maxAbsDiff, official } from './fixture.js';

beforeAll(async () => {
  await initBackend();
});

const shape = official.shape_nhwc;

describe('qSample', () => {
  for (const version of official.versions) {
    it(`${version.label}: π = 1 matches the official q_sample within 1e-5`, () => {
      const schedule = bridgeSchedule({ schedule: 'cosine', timesteps: 100, lambda: version.lambda });
      const x0 = tf.tensor4d(version.q_inputs.x0, shape);
      const noise = tf.tensor4d(version.q_inputs.noise, shape);
      const mu = tf.tidy(() => tf.sub(tf.mul(tf.tensor4d(official.mu01_nhwc, shape), 2), 1));
      for (const ref of version.q_sample) {
        const xt = qSample({ x0, mu, t: ref.t, noise, schedule });
        expect(maxAbsDiff(xt.dataSync(), ref.xt)).toBeLessThan(1e-5);
      }
    });
  }

  const v = official.versions[0];
  const schedule = bridgeSchedule({ schedule: 'cosine', timesteps: 100, lambda: official.numpy.lambda });
  const x0 = tf.tensor4d(v.q_inputs.x0, shape);
  const noise = tf.tensor4d(v.q_inputs.noise, shape);
  const mu = tf.tidy(() => tf.sub(tf.mul(tf.tensor4d(official.mu01_nhwc, shape), 2), 1));
  for (const pi of PI_VARIANTS) {
    it(`π = ${pi} matches the numpy float64 closed form within 1e-5`, () => {
      for (const t of [0, 50, 98]) {
        const xt = qSample({ x0, mu, t, noise, pi, schedule });
        expect(maxAbsDiff(xt.dataSync(), official.numpy.marginal[`${pi}@${t}`])).toBeLessThan(1e-5);
      }
    });
  }
  it('π = 0 is deterministic and t = T−1 returns μ for every π', () => {
    const a = qSample({ x0, mu, t: 30, noise, pi: 'zero', schedule });
    const b = qSample({ x0, mu, t: 30, noise: tf.mul(noise, 5), pi: 'zero', schedule });
    expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBe(0);
    for (const pi of PI_VARIANTS) {
      expect(maxAbsDiff(qSample({ x0, mu, t: 99, noise, pi, schedule }).dataSync(), mu.dataSync())).toBeLessThan(1e-7);
    }
  });
  it('the empirical mean and variance over many ε match μ + Θ_t(x₀−μ) and Σ_t² π²', () => {
    const n = 20000;
    const x0v = 0.6;
    const muv = -0.2;
    const t = 40;
    const eps = tf.randomNormal([n], 0, 1, 'float32', 3);
    const xt = qSample({ x0: tf.fill([n], x0v), mu: tf.fill([n], muv), t, noise: eps, pi: 'residual', schedule });
    const { mean, variance } = tf.moments(xt);
    const pi = x0v - muv;
    expect(mean.dataSync()[0]).toBeCloseTo(muv + schedule.Theta[t] * (x0v - muv), 3);
    expect(variance.dataSync()[0] / (schedule.Sigma2[t] * pi * pi)).toBeCloseTo(1, 1);
  });
});

describe('residual-to-noise ratio', () => {
  const v = official.versions[0];
  const schedule = bridgeSchedule({ schedule: 'cosine', timesteps: 100, lambda: official.numpy.lambda });
  const mu = official.mu01_nhwc.map((m) => m * 2 - 1);
  for (const pi of PI_VARIANTS) {
    it(`π = ${pi}: R(i,j,t) matches numpy (relative 1e-7; numpy uses the Θ²/Σ² form)`, () => {
      for (const t of [0, 50, 98]) {
        const r = residualToNoiseRatio({ x0: v.q_inputs.x0, mu, schedule, pi, t });
        const ref = official.numpy.rnr[`${pi}@${t}`];
        ref.forEach((expected, i) => {
          if (expected === null) expect(r[i]).toBe(Infinity);
          else expect(Math.abs(r[i] - expected) / Math.max(1e-300, Math.abs(expected))).toBeLessThan(1e-7);
        });
      }
    });
  }
  it('with π = x₀ − μ it no longer depends on the pixel', () => {
    const r = residualToNoiseRatio({ x0: v.q_inputs.x0, mu, schedule, pi: 'residual', t: 20 });
    expect(new Set(Array.from(r)).size).toBe(1);
    expect(r[0]).toBeCloseTo(rnrCurve(schedule)[20], 12);
  });
});
