import { beforeAll, describe, expect, it } from 'vitest';
import { type PriorPredictor } from '../../src/bridge/prior.js';
import { sampleBridge, sampleBridgeTrajectory } from '../../src/bridge/sampler.js';
import { bridgeSchedule } from '../../src/bridge/schedule.js';
import { timePairsFrom } from '../../src/bridge/timesteps.js';
import { generativeTransition } from '../../src/bridge/transition.js';
import { alphaBarAt, vpSchedule } from '../../src/bridge/vp.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { createRng, normalArray } from '../../src/util/random.js';

const bridge = bridgeSchedule({ schedule: 'cosine', timesteps: 100, lambda: 10 / 255 });
const generative = vpSchedule({ schedule: 'cosine', timesteps: 100 });

/** seeded N(0, I) noise source */
const noiseFrom = (seed: string) => {
  const rng = createRng(seed);
  return (shape: number[]) => tf.tensor(normalArray(rng, shape.reduce((a, b) => a * b, 1)), shape);
};

beforeAll(async () => {
  await initBackend();
});

describe('sampleBridge with a generative prior = DDIM on the VP process from an SDEdit start (prior.ts)', () => {
  it('matches an independent DDIM loop for a nonlinear stand-in predictor (clipped), to 1e-5', async () => {
    // a deliberately nonlinear x₀-predictor that depends on s
    const predictX0: PriorPredictor = (xs, s) => tf.tidy(() => tf.mul(1.3, tf.tanh(tf.add(tf.mul(1.1 + 0.01 * s, xs), tf.mul(0.2, tf.sin(tf.mul(4, xs)))))) as tf.Tensor4D);
    const shape: [number, number, number, number] = [2, 6, 5, 3];
    const mu = tf.tensor4d(normalArray(createRng('mu'), 180).map((v) => Math.tanh(v)), shape);
    const start = 80;
    const nfe = 7;
    const out = await sampleBridge({ mu, schedule: bridge, nfe, prior: { predictX0, schedule: generative, start }, noise: noiseFrom('z') });

    // independent: x_s0 = √ᾱ μ + √(1−ᾱ) z; x̂ = clip(f(x_s, s)); x_s' = √ᾱ' x̂ + √(1−ᾱ') (x_s − √ᾱ x̂)/√(1−ᾱ)
    const tr = generativeTransition({ bridge, generative });
    const z = noiseFrom('z')(shape);
    const pairs = timePairsFrom(start, nfe);
    const a0 = alphaBarAt(generative, tr.at(start).s);
    let y = tf.add(tf.mul(Math.sqrt(a0), mu), tf.mul(Math.sqrt(1 - a0), z)) as tf.Tensor4D;
    let ddim: tf.Tensor4D | undefined;
    for (const [t, tNext] of pairs) {
      const s = tr.at(t).s;
      const a = alphaBarAt(generative, s);
      const x0 = tf.clipByValue(await predictX0(y, s), -1, 1);
      if (tNext < 0) {
        ddim = x0 as tf.Tensor4D;
        break;
      }
      const an = alphaBarAt(generative, tr.at(tNext).s);
      const eps = tf.div(tf.sub(y, tf.mul(Math.sqrt(a), x0)), Math.sqrt(1 - a));
      y = tf.add(tf.mul(Math.sqrt(an), x0), tf.mul(Math.sqrt(1 - an), eps)) as tf.Tensor4D;
    }
    const diff = tf.max(tf.abs(tf.sub(out, ddim!))).dataSync()[0];
    expect(diff).toBeLessThan(1e-5);
    // and the prior actually moved the state: the output is not μ
    expect(tf.max(tf.abs(tf.sub(out, mu))).dataSync()[0]).toBeGreaterThan(0.1);
  });

  it('keeps NFE + 1 states, the first being μ + Σ_{t₀} z', async () => {
    const mu = tf.fill([1, 4, 4, 3], 0.2) as tf.Tensor4D;
    const predictX0: PriorPredictor = (xs) => tf.mul(0.5, xs) as tf.Tensor4D;
    const traj = await sampleBridgeTrajectory({ mu, schedule: bridge, nfe: 4, prior: { predictX0, schedule: generative, start: 60 }, noise: noiseFrom('z2') });
    expect(traj.states.length).toBe(5);
    expect(traj.times[0][0]).toBe(60);
    const expected = tf.add(mu, tf.mul(bridge.Sigma[60], noiseFrom('z2')([1, 4, 4, 3])));
    expect(tf.max(tf.abs(tf.sub(traj.states[0], expected))).dataSync()[0]).toBeLessThan(1e-6);
  });

  it('refuses a start with no generative match, a prior with predict, π ≠ 1 and a missing noise source', async () => {
    const mu = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    const predictX0: PriorPredictor = (xs) => tf.clone(xs);
    const linear100 = vpSchedule({ schedule: 'linear', timesteps: 100 });
    const noise = noiseFrom('z3');
    await expect(sampleBridge({ mu, schedule: bridge, nfe: 2, prior: { predictX0, schedule: linear100, start: 90 }, noise })).rejects.toThrow(/bridge step t = 90 .* no generative step s matches/);
    await expect(sampleBridge({ mu, schedule: bridge, nfe: 2, prior: { predictX0, schedule: generative, start: 99 }, noise })).rejects.toThrow(/invalid prior.start: 99 \(expected an integer in \[0, 98\]\)/);
    await expect(sampleBridge({ mu, schedule: bridge, nfe: 2, prior: { predictX0, schedule: generative }, noise, predict: () => mu })).rejects.toThrow(/either predict .* or prior/);
    await expect(sampleBridge({ mu, schedule: bridge, nfe: 2, prior: { predictX0, schedule: generative }, noise, pi: 'residual' })).rejects.toThrow(/invalid pi: residual with a prior/);
    await expect(sampleBridge({ mu, schedule: bridge, nfe: 2, prior: { predictX0, schedule: generative } })).rejects.toThrow(/a prior needs a noise\(shape\) function/);
    await expect(sampleBridge({ mu, schedule: bridge, nfe: 2, parameterization: 'eps', prior: { predictX0, schedule: generative }, noise })).rejects.toThrow(/invalid parameterization: eps with a prior/);
    await expect(sampleBridge({ mu, schedule: bridge, nfe: 2, parameterization: 'x0' })).rejects.toThrow(/predict must be a function/);
  });
});

/**
 * Analytic check. Data: each pixel x₀ ~ N(m, v); degraded μ = a·x₀ + b + σ·n (a gain, an offset, noise);
 * start noise z. All of x₀, n, z independent N-draws per pixel, over several seeds.
 * The exact generative x₀-predictor of N(m, v) under the VP process is the linear posterior mean
 *   x̂₀(x_s, s) = m + k_s (x_s − √ᾱ_s m),   k_s = √ᾱ_s v / (ᾱ_s v + 1 − ᾱ_s).
 * By prior.ts the sampler is DDIM from x_{s₀} = √ᾱ₀ μ + √(1 − ᾱ₀) z. With d = x_s − √ᾱ_s m, one DDIM step
 * s → s' multiplies d by
 *   g(s, s') = √ᾱ_s' k_s + √(1 − ᾱ_s')(1 − √ᾱ_s k_s)/√(1 − ᾱ_s) = (√(ᾱ_s ᾱ_s') v + √((1 − ᾱ_s)(1 − ᾱ_s'))) / (ᾱ_s v + 1 − ᾱ_s),
 * and the last evaluation returns m + k_last d. So the output is m + G d₀ with G = k_last Π g and
 *   d₀ = √ᾱ₀ (μ − m) + √(1 − ᾱ₀) z,   μ − m = a(x₀ − m) + (a − 1) m + b + σ n:
 *   E[out] = m + G √ᾱ₀ ((a − 1) m + b)
 *   Var[out] = G² (ᾱ₀ (a² v + σ²) + 1 − ᾱ₀)
 *   Cov[out, x₀] = G √ᾱ₀ a v.
 * (Clipping is off so the predictor stays exactly linear.)
 */
describe('analytic check: Gaussian data, exact linear-posterior-mean prior', () => {
  const m = 0.1;
  const v = 0.09;
  const gain = 0.6;
  const offset = -0.2;
  const sigma = 0.1;
  const start = 70;
  const nfe = 5;
  const seeds = 8;
  const shape: [number, number, number, number] = [16, 32, 32, 1];

  const k = (abar: number) => (Math.sqrt(abar) * v) / (abar * v + 1 - abar);
  const predictX0: PriorPredictor = (xs, s) => {
    const abar = alphaBarAt(generative, s);
    return tf.tidy(() => tf.add(m, tf.mul(k(abar), tf.sub(xs, Math.sqrt(abar) * m)))) as tf.Tensor4D;
  };

  function closedForm() {
    const tr = generativeTransition({ bridge, generative });
    const pairs = timePairsFrom(start, nfe);
    const abar = (t: number) => alphaBarAt(generative, tr.at(t).s);
    let G = 1;
    for (const [t, tNext] of pairs) {
      const a = abar(t);
      if (tNext < 0) G *= k(a);
      else {
        const an = abar(tNext);
        G *= (Math.sqrt(a * an) * v + Math.sqrt((1 - a) * (1 - an))) / (a * v + 1 - a);
      }
    }
    const a0 = abar(start);
    return {
      mean: m + G * Math.sqrt(a0) * ((gain - 1) * m + offset),
      variance: G * G * (a0 * (gain * gain * v + sigma * sigma) + 1 - a0),
      covariance: G * Math.sqrt(a0) * gain * v,
    };
  }

  it(`output mean, variance and covariance with x₀ match the closed form within 4 standard errors (${seeds} seeds × ${16 * 32 * 32} pixels)`, async () => {
    const outs: number[] = [];
    const clean: number[] = [];
    for (let seed = 0; seed < seeds; seed++) {
      const rng = createRng(`gaussian:${seed}`);
      const size = shape.reduce((a, b) => a * b, 1);
      const x0 = normalArray(rng.fork('x0'), size).map((e) => m + Math.sqrt(v) * e);
      const n = normalArray(rng.fork('n'), size);
      const mu = tf.tensor4d(x0.map((x, i) => gain * x + offset + sigma * n[i]), shape);
      const out = await sampleBridge({ mu, schedule: bridge, nfe, clip: false, prior: { predictX0, schedule: generative, start }, noise: noiseFrom(`z:${seed}`) });
      outs.push(...out.dataSync());
      clean.push(...x0);
      tf.dispose([mu, out]);
    }
    const N = outs.length;
    const mean = outs.reduce((a, b) => a + b, 0) / N;
    const cleanMean = clean.reduce((a, b) => a + b, 0) / N;
    const variance = outs.reduce((a, b) => a + (b - mean) ** 2, 0) / (N - 1);
    const covariance = outs.reduce((a, b, i) => a + (b - mean) * (clean[i] - cleanMean), 0) / (N - 1);
    const expected = closedForm();
    const seMean = Math.sqrt(expected.variance / N);
    const seVar = expected.variance * Math.sqrt(2 / (N - 1));
    const seCov = Math.sqrt((expected.variance * v + expected.covariance ** 2) / N);
    console.log(`analytic prior check: mean ${mean.toFixed(5)} vs ${expected.mean.toFixed(5)} (SE ${seMean.toExponential(1)}), variance ${variance.toFixed(5)} vs ${expected.variance.toFixed(5)} (SE ${seVar.toExponential(1)}), covariance ${covariance.toFixed(5)} vs ${expected.covariance.toFixed(5)}`);
    expect(Math.abs(mean - expected.mean)).toBeLessThan(4 * seMean);
    expect(Math.abs(variance - expected.variance)).toBeLessThan(4 * seVar);
    expect(Math.abs(covariance - expected.covariance)).toBeLessThan(4 * seCov);
    // the closed form is not trivially the prior: the output mean moved off m towards the degraded mean
    expect(Math.abs(expected.mean - m)).toBeGreaterThan(20 * seMean);
  });
});
