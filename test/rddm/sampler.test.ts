import { beforeAll, describe, expect, it } from 'vitest';
import { diffuirSchedule, diffuirTimeCondition, rddmQSample, rddmSchedule, sampleRddm, sampleRddmAncestral, sampleRddmTrajectory, type SampleRddmOptions } from '../../src/rddm/index.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { CLAIMS, limit } from '../helpers/claims.js';
import { MODE_OF, maxAbsDiff, official, randomConvNet, replay, type RddmSampleRef } from './fixture.js';

const toUnit = (x: tf.Tensor) => Array.from(tf.tidy(() => tf.div(tf.add(x, 1), 2)).dataSync());

beforeAll(async () => {
  await initBackend();
});

function optionsFor(ref: RddmSampleRef, noise: (shape: number[]) => tf.Tensor): SampleRddmOptions {
  const mode = MODE_OF[ref.objective];
  const generation = ref.family === 'rddm-generation';
  const photo = () => tf.tidy(() => tf.sub(tf.mul(tf.tensor4d(official.mu01_nhwc, official.shape_nhwc), 2), 1)) as tf.Tensor4D;
  // the ancestral cases use the first crop only
  const mu = generation ? (tf.zeros(ref.shape_nhwc!) as tf.Tensor4D) : ref.family === 'rddm-ancestral' ? (tf.tidy(() => tf.slice(photo(), [0, 0, 0, 0], [1, -1, -1, -1])) as tf.Tensor4D) : photo();
  if (ref.family === 'diffuir') {
    const schedule = diffuirSchedule({ deltaEnd: ref.delta_end });
    return { mu, schedule, nfe: ref.nfe, mode, eta: ref.eta, noise, variant: 'diffuir', predict: randomConvNet((t) => diffuirTimeCondition(schedule, t, mode)) };
  }
  const schedule = rddmSchedule({ timesteps: ref.T, sumScale: ref.sum_scale });
  return { mu, schedule, nfe: ref.nfe, mode, eta: ref.eta, noise, predict: randomConvNet() };
}

describe('sampleRddm against the official ddim_sample (RDDM experiment 2, DiffUIR src/model.py), [0, 1] outputs within the README\'s 5.1e-6 (× margin)', () => {
  const worst: Record<string, number> = {};
  for (const ref of official.samples) {
    const label = `${ref.family} ${MODE_OF[ref.objective]} NFE=${ref.nfe} η=${ref.eta}${ref.delta_end ? ` δ_end=${ref.delta_end}` : ''}`;
    it(label, async () => {
      const rec = replay(ref.noise);
      const options = optionsFor(ref, rec.noise);
      // the steps the network is called at (DiffUIR: its time condition ᾱ_t·T, float32)
      const seen: number[] = [];
      const predict = options.predict;
      const tau = ref.family === 'diffuir' ? (t: number) => diffuirTimeCondition(options.schedule, t, options.mode) : (t: number) => t;
      const spied = { ...options, predict: (x: tf.Tensor4D, m: tf.Tensor4D, t: number) => (seen.push(tau(t)), predict(x, m, t)) };
      let err = 0;
      if (ref.family === 'rddm-ancestral') {
        const out = await sampleRddmAncestral(spied);
        err = maxAbsDiff(toUnit(out), ref.output01);
        out.dispose();
      } else if (ref.trajectory01) {
        const traj = await sampleRddmTrajectory(spied);
        expect(traj.states.length).toBe(ref.trajectory01.length);
        traj.states.forEach((s, i) => {
          const e = maxAbsDiff(toUnit(s), ref.trajectory01![i]);
          err = Math.max(err, e);
          expect(e, `state ${i}`).toBeLessThan(limit(CLAIMS.rddmSampler));
        });
        traj.states.forEach((s) => s.dispose());
      } else {
        const out = await sampleRddm(spied);
        err = maxAbsDiff(toUnit(out), ref.output01);
        out.dispose();
      }
      expect(seen).toEqual(ref.times);
      expect(rec.used(), 'noise draws').toBe(ref.noise.length);
      expect(err).toBeLessThan(limit(CLAIMS.rddmSampler));
      worst[ref.family] = Math.max(worst[ref.family] ?? 0, err);
      options.mu.dispose();
    });
  }
  it('reports the worst error per family', () => {
    console.log(`rddm sampler parity (max abs error on [0,1] outputs): ${Object.entries(worst).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', ')}`);
    expect(Object.keys(worst).length).toBe(4);
  });
});

describe('rddmQSample against the official q_sample', () => {
  const shape = official.shape_nhwc;
  const x0 = () => tf.tensor4d(official.q_sample.x0, shape);
  const eps = () => tf.tensor4d(official.q_sample.noise, shape);
  const mu = () => tf.tidy(() => tf.sub(tf.mul(tf.tensor4d(official.mu01_nhwc, shape), 2), 1));
  for (const [family, schedule] of [['rddm', rddmSchedule({ timesteps: 1000, sumScale: 0.01 })], ['diffuir', diffuirSchedule()]] as const) {
    for (const ref of official.q_sample[family]) {
      it(`${family} t=${ref.t}`, () => {
        const xt = rddmQSample({ x0: x0(), mu: mu(), noise: eps(), t: ref.t, schedule });
        expect(maxAbsDiff(xt.dataSync(), ref.xt)).toBeLessThan(1e-5);
      });
    }
  }
});
