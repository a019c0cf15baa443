import { describe, expect, it } from 'vitest';
import { ddpmAlphasCumprod, diffuirSchedule, rddmCoefficients, rddmSchedule, type RddmCoefficientScheduleName } from '../../src/rddm/index.js';
import { maxAbsDiff, maxRelDiff, official } from './fixture.js';

const NAME = (source: string, schedule: string) => (source === 'rddm-exp2' && schedule !== 'average' ? `${schedule}-v1` : schedule) as RddmCoefficientScheduleName;

describe('rddmCoefficients against the official gen_coefficients', () => {
  for (const ref of official.gen_coefficients) {
    it(`${ref.source} ${ref.schedule} T=${ref.T} ratio=${ref.ratio} sum_scale=${ref.sum_scale}`, () => {
      const ours = rddmCoefficients({ schedule: NAME(ref.source, ref.schedule), ratio: ref.ratio, sumScale: ref.sum_scale }, ref.T);
      // the later generation computes in float32: relative 1e-6; experiment 2 is float64
      const tol = ref.source === 'rddm-exp2' ? 1e-15 : 2e-6 * Math.max(...ref.values);
      expect(maxAbsDiff(ours, ref.values)).toBeLessThanOrEqual(tol);
      expect(ours.reduce((a, b) => a + b, 0)).toBeCloseTo(ref.sum_scale, 12);
    });
  }
});

describe('rddmSchedule: the registered buffers of RDDM ResidualDiffusion (experiment 2)', () => {
  for (const [T, sumScale] of [[1000, 0.01], [10, 0.01], [10, 1.0]] as const) {
    it(`T=${T} sum_scale=${sumScale}: ᾱ, β̄², β̄, 1 − ᾱ (with the 1e-6 endpoint) within float32 rounding`, () => {
      const ref = official.buffers[`rddm T=${T} sum_scale=${sumScale === 1 ? '1.0' : sumScale}`];
      const s = rddmSchedule({ timesteps: T, sumScale });
      expect(maxAbsDiff(s.alphaBar, ref.alphas_cumsum)).toBeLessThan(1e-7);
      expect(maxAbsDiff(s.beta2Bar, ref.betas2_cumsum)).toBeLessThan(1e-7);
      expect(maxAbsDiff(s.betaBar, ref.betas_cumsum)).toBeLessThan(1e-7);
      expect(maxAbsDiff(s.oneMinusAlphaBar, ref.one_minus_alphas_cumsum)).toBeLessThan(1e-7);
      expect(s.alphaBar[T - 1]).toBe(1);
      expect(s.betaBar[T - 1]).toBeCloseTo(Math.sqrt(sumScale), 12);
    });
  }
});

describe('diffuirSchedule: the buffers of DiffUIR ResidualDiffusion after init()', () => {
  const ref = official.buffers['diffuir delta_end=0.0018'];
  const s = diffuirSchedule();
  it('ᾱ = 1 − √ā, β̄² = 1 − ā (linear β, float32) reproduce the official buffers bit for bit or within 1 ulp', () => {
    expect(maxRelDiff(s.alphaBar, ref.alphas_cumsum)).toBeLessThan(2.4e-7);
    expect(maxRelDiff(s.beta2Bar, ref.betas2_cumsum)).toBeLessThan(2.4e-7);
    expect(maxRelDiff(s.betaBar, ref.betas_cumsum)).toBeLessThan(2.4e-7);
  });
  it('δ̄ = cumsum(linspace(1e-6, 1.8e-3, 1000)) clipped to 1', () => {
    expect(maxRelDiff(s.deltaBar, ref.delta_cumsum)).toBeLessThan(2.4e-7);
    expect(s.deltaBar[999]).toBeCloseTo(0.9005, 4);
  });
  it('ddpmAlphasCumprod decreases from 1 − 1e-4', () => {
    const a = ddpmAlphasCumprod(1000);
    expect(a[0]).toBeCloseTo(0.9999, 7);
    expect(a[999]).toBeGreaterThan(0);
    expect(a[999]).toBeLessThan(1e-4);
  });
});
