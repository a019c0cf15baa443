import { beforeAll, describe, expect, it } from 'vitest';
import { RdbmError } from '../../src/errors.js';
import { rddmCoefficients, rddmQSample, rddmSchedule, rddmScheduleFromAlphasCumprod, sampleRddm } from '../../src/rddm/index.js';
import { initBackend, tf } from '../../src/tf/index.js';

beforeAll(async () => {
  await initBackend();
});

const mu = () => tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
const noise = (shape: number[]) => tf.randomNormal(shape, 0, 1, 'float32', 1);

describe('rddm input errors are one-line RdbmErrors naming the value and what was expected', () => {
  it('coefficients', () => {
    expect(() => rddmCoefficients({ schedule: 'cosine' as never }, 10)).toThrow(/invalid coefficient schedule: "?cosine"?.*increased, decreased, average, normal/);
    expect(() => rddmCoefficients({ schedule: 'average', ratio: 2 }, 10)).toThrow(/ratio applies to increased and decreased only/);
    expect(() => rddmCoefficients({ schedule: 'increased' }, 1)).toThrow(RdbmError);
    expect(() => rddmCoefficients({ schedule: 'increased', sumScale: 2 }, 10)).toThrow(/sumScale/);
  });
  it('schedules', () => {
    expect(() => rddmSchedule({ timesteps: 10, beta2: { schedule: 'increased', sumScale: 0.5 } })).toThrow(/beta2.sumScale/);
    expect(() => rddmScheduleFromAlphasCumprod({ alphasCumprod: [1, 0] })).toThrow(/alphasCumprod\[1\]: 0/);
  });
  it('sampler', async () => {
    const schedule = rddmSchedule({ timesteps: 10 });
    const predict = (x: tf.Tensor4D) => ({ residual: tf.zerosLike(x) as tf.Tensor4D });
    await expect(sampleRddm({ mu: mu(), schedule, nfe: 2, mode: 'x0' as never, predict, noise })).rejects.toThrow(/invalid mode/);
    await expect(sampleRddm({ mu: mu(), schedule, nfe: 11, mode: 'res', predict, noise })).rejects.toThrow(/invalid nfe: 11/);
    await expect(sampleRddm({ mu: mu(), schedule, nfe: 2, mode: 'noise', predict, noise })).rejects.toThrow(/needs the network's noise head/);
    await expect(sampleRddm({ mu: mu(), schedule, nfe: 2, mode: 'res', predict, noise: undefined as never })).rejects.toThrow(/noise\(shape\) is required/);
    await expect(sampleRddm({ mu: mu(), schedule, nfe: 2, mode: 'res', predict, noise, eta: -1 })).rejects.toThrow(/invalid eta/);
    await expect(sampleRddm({ mu: mu(), schedule, nfe: 5, mode: 'res', predict, noise, eta: () => 1e6 })).rejects.toThrow(/exceeds β̄²_next/);
  });
  it('marginal', () => {
    const schedule = rddmSchedule({ timesteps: 10 });
    expect(() => rddmQSample({ x0: mu(), mu: mu(), noise: tf.zeros([1, 2, 2, 1]), t: 3, schedule })).toThrow(/noise has shape/);
    expect(() => rddmQSample({ x0: mu(), mu: mu(), noise: mu(), t: 10, schedule })).toThrow(/invalid t: 10/);
  });
  it('does not leak tensors', async () => {
    const schedule = rddmSchedule({ timesteps: 10 });
    const m = mu();
    const predict = (x: tf.Tensor4D) => ({ residual: tf.onesLike(x) as tf.Tensor4D, noise: tf.zerosLike(x) as tf.Tensor4D });
    (await sampleRddm({ mu: m, schedule, nfe: 3, mode: 'res-noise', predict, noise, eta: 0.5 })).dispose();
    const before = tf.memory().numTensors;
    const out = await sampleRddm({ mu: m, schedule, nfe: 5, mode: 'res', predict, noise, eta: 0.5 });
    expect(tf.memory().numTensors).toBe(before + 1);
    out.dispose();
  });
});
