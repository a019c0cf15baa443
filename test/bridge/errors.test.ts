import { beforeAll, describe, expect, it } from 'vitest';
import { qSample } from '../../src/bridge/marginal.js';
import { bridgeSchedule } from '../../src/bridge/schedule.js';
import { sampleBridge } from '../../src/bridge/sampler.js';
import { RdbmError } from '../../src/errors.js';
import { initBackend, tf } from '../../src/tf/index.js';

beforeAll(async () => {
  await initBackend();
});

const schedule = bridgeSchedule({ schedule: 'cosine', timesteps: 10, lambda: 0.01 });
const mu = () => tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
const predict = (x: tf.Tensor4D) => tf.clone(x);

function expectError(fn: () => unknown, pattern: RegExp) {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RdbmError);
  expect((error as Error).message).toMatch(pattern);
  expect((error as Error).message).not.toContain('\n');
}

async function expectRejection(p: Promise<unknown>, pattern: RegExp) {
  await expect(p).rejects.toBeInstanceOf(RdbmError);
  await expect(p).rejects.toThrow(pattern);
}

describe('bad input gives one-line typed errors naming the value and what is allowed', () => {
  it('unknown schedule', () => expectError(() => bridgeSchedule({ schedule: 'cosin', timesteps: 10, lambda: 1 }), /invalid schedule: "cosin" \(expected one of cosine, linear, sigmoid/));
  it('T < 2', () => expectError(() => bridgeSchedule({ schedule: 'cosine', timesteps: 1, lambda: 1 }), /invalid timesteps: 1 \(expected an integer >= 2\)/));
  it('non-integer T', () => expectError(() => bridgeSchedule({ schedule: 'cosine', timesteps: 2.5, lambda: 1 }), /invalid timesteps: 2.5/));
  it('λ ≤ 0', () => expectError(() => bridgeSchedule({ schedule: 'cosine', timesteps: 10, lambda: 0 }), /invalid lambda: 0 \(expected a finite number > 0\)/));
  it('λ not a number', () => expectError(() => bridgeSchedule({ schedule: 'cosine', timesteps: 10, lambda: NaN }), /invalid lambda: NaN/));
  it('a bad θ array', () => expectError(() => bridgeSchedule({ schedule: [0.1, -1], lambda: 1 }), /invalid schedule θ\[1\]: -1 \(expected a finite number > 0\)/));
  it('NFE < 1', () => expectRejection(sampleBridge({ mu: mu(), schedule, nfe: 0, parameterization: 'x0', predict }), /invalid nfe: 0 \(expected an integer in \[1, 10\]/));
  it('NFE > T', () => expectRejection(sampleBridge({ mu: mu(), schedule, nfe: 11, parameterization: 'x0', predict }), /invalid nfe: 11 \(expected an integer in \[1, 10\]/));
  it('NFE = 1 with eps', () => expectRejection(sampleBridge({ mu: mu(), schedule, nfe: 1, parameterization: 'eps', predict }), /invalid nfe: 1 with parameterization eps \(it divides by Θ_\{T-1\} = 0/));
  it('NFE = 1 with pi-eps', () => expectRejection(sampleBridge({ mu: mu(), schedule, nfe: 1, parameterization: 'pi-eps', predict }), /parameterization pi-eps/));
  it('unknown parameterization', () => expectRejection(sampleBridge({ mu: mu(), schedule, nfe: 2, parameterization: 'v' as 'x0', predict }), /invalid parameterization: "v" \(expected one of x0, eps, pi-eps\)/));
  it('a predictor returning the wrong shape', () =>
    expectRejection(sampleBridge({ mu: mu(), schedule, nfe: 2, parameterization: 'x0', predict: () => tf.zeros([1, 2, 2, 1]) as tf.Tensor4D }), /predict: the prediction has shape \[1, 2, 2, 1\] but x_t has shape \[1, 2, 2, 3\]/));
  it('mu not NHWC', () => expectRejection(sampleBridge({ mu: tf.zeros([2, 2, 3]) as unknown as tf.Tensor4D, schedule, nfe: 2, parameterization: 'x0', predict }), /mu has shape \[2, 2, 3\] \(expected a rank-4 NHWC tensor/));
  it('mismatched qSample shapes', () =>
    expectError(() => qSample({ x0: tf.zeros([1, 2, 2, 3]), mu: tf.zeros([1, 2, 3, 3]), t: 1, noise: tf.zeros([1, 2, 2, 3]), schedule }), /qSample: mu has shape \[1, 2, 3, 3\] but x0 has shape \[1, 2, 2, 3\]/));
  it('t out of range', () =>
    expectError(() => qSample({ x0: tf.zeros([1, 1, 1, 1]), mu: tf.zeros([1, 1, 1, 1]), t: 10, noise: tf.zeros([1, 1, 1, 1]), schedule }), /invalid t: 10 \(expected an integer in \[0, 9\]\)/));
  it('unknown π', () =>
    expectError(() => qSample({ x0: tf.zeros([1, 1, 1, 1]), mu: tf.zeros([1, 1, 1, 1]), t: 1, noise: tf.zeros([1, 1, 1, 1]), schedule, pi: 'two' as 'one' }), /invalid pi: "two" \(expected one of zero, one, residual, abs-residual\)/));
});
