import { describe, expect, it } from 'vitest';
import { bridgeSchedule } from '../../src/bridge/schedule.js';
import { THETA_SCHEDULES } from '../../src/bridge/schedules.js';
import { maxAbsDiff, official } from './fixture.js';

describe('bridgeSchedule against the official code (PyTorch)', () => {
  for (const version of official.versions) {
    for (const [T, ref] of Object.entries(version.coefficients)) {
      it(`${version.label} (λ = ${version.lambda.toPrecision(6)}), T = ${T}: θ, c_t, Θ, Σ², Σ within 1e-5`, () => {
        const s = bridgeSchedule({ schedule: 'cosine', timesteps: Number(T), lambda: version.lambda });
        expect(maxAbsDiff(s.theta, ref.thetas)).toBeLessThan(1e-5);
        expect(maxAbsDiff(s.thetaCumsum, ref.thetas_cumsum_0_to_t)).toBeLessThan(1e-5);
        expect(maxAbsDiff(s.Theta, ref.Theta)).toBeLessThan(1e-5);
        expect(maxAbsDiff(s.Sigma2, ref.Sigma2)).toBeLessThan(1e-5);
        expect(maxAbsDiff(s.Sigma, ref.Sigma)).toBeLessThan(1e-5);
      });
    }
  }

  it('recovers the two λ values of the official history', () => {
    expect(official.versions.map((v) => v.label)).toEqual(['ddc8ef9', '5edee8e']);
    expect(official.versions[0].lambda).toBeCloseTo(1e-4, 9);
    expect(official.versions[1].lambda).toBeCloseTo(10 / 255, 8);
  });

  it('ends exactly at μ: Θ_{T−1} = Σ_{T−1} = 0, and Θ is decreasing from near 1', () => {
    const s = bridgeSchedule({ schedule: 'cosine', timesteps: 100, lambda: 10 / 255 });
    expect(s.Theta[99]).toBe(0);
    expect(s.Sigma[99]).toBe(0);
    for (let t = 1; t < 100; t++) expect(s.Theta[t]).toBeLessThan(s.Theta[t - 1]);
    expect(s.Theta[0]).toBeGreaterThan(0.999);
  });
});

describe('θ schedules', () => {
  it('linear runs from θ_start = 1e-4 to θ_end = 0.02', () => {
    const th = THETA_SCHEDULES.linear.build(5);
    expect(Array.from(th)).toEqual([1e-4, 1e-4 + 0.0199 / 4, 1e-4 + 0.0199 / 2, 1e-4 + (3 * 0.0199) / 4, 0.02]);
  });
  it('sigmoid is the logistic curve between the same end points', () => {
    const th = THETA_SCHEDULES.sigmoid.build(3);
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    expect(th[0]).toBeCloseTo(1e-4 + 0.0199 * sig(-6), 15);
    expect(th[1]).toBeCloseTo(1e-4 + 0.0199 * 0.5, 15);
    expect(th[2]).toBeCloseTo(1e-4 + 0.0199 * sig(6), 15);
  });
  it('accepts a user θ array and infers T from it', () => {
    const s = bridgeSchedule({ schedule: [0.1, 0.2, 0.3], lambda: 1 });
    expect(s.timesteps).toBe(3);
    expect(s.name).toBe('custom');
    expect(s.Theta[0]).toBeCloseTo(Math.sinh(0.5) / Math.sinh(0.6), 15);
    expect(s.Sigma2[1]).toBeCloseTo((2 * Math.sinh(0.3) * Math.sinh(0.3)) / Math.sinh(0.6), 15);
  });
  it('works for any T ≥ 2', () => {
    for (const T of [2, 3, 17, 1000]) {
      for (const name of ['cosine', 'linear', 'sigmoid']) {
        const s = bridgeSchedule({ schedule: name, timesteps: T, lambda: 0.01 });
        expect(s.Theta.length).toBe(T);
        expect(s.Theta[T - 1]).toBe(0);
        expect(s.Sigma.every(Number.isFinite)).toBe(true);
      }
    }
  });
});
