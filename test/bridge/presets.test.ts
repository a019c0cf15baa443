import { describe, expect, it } from 'vitest';
import { BRIDGE_PRESETS, LIMIT_G2, bridgePreset, thetaForVp, vpCoefficients, vpFromVe } from '../../src/bridge/presets.js';
import { bridgeSchedule } from '../../src/bridge/schedule.js';
import { RdbmError } from '../../src/errors.js';

const T = 100;

describe('bridge-family presets', () => {
  it('registers the family by name and rejects unknown names with the list', () => {
    expect(Object.keys(BRIDGE_PRESETS)).toEqual(['rdbm', 'rdbm-official', 'ou-bridge', 'flow-matching', 'brownian-bridge', 've-bridge', 'vp-bridge']);
    expect(() => bridgePreset('ddpm')).toThrow(RdbmError);
    expect(() => bridgePreset('ddpm')).toThrow(/expected one of rdbm, rdbm-official/);
  });

  it('rdbm is (cosine, λ = 10/255, π = x₀ − μ); flow matching has π = 0; OU bridge π = 1', () => {
    expect(BRIDGE_PRESETS.rdbm.pi).toBe('residual');
    expect(BRIDGE_PRESETS.rdbm.schedule(T).lambda).toBeCloseTo(10 / 255, 15);
    expect(BRIDGE_PRESETS['flow-matching'].pi).toBe('zero');
    expect(BRIDGE_PRESETS['ou-bridge'].pi).toBe('one');
    expect(BRIDGE_PRESETS['rdbm-official'].schedule(T).lambda).toBe(1e-4);
  });

  it('OU bridge equals GOUB: mean e^{−θ̄_t}(1−e^{−2θ̄_{t:T}})/(1−e^{−2θ̄_T}), variance λ_G²(1−e^{−2θ̄_t})(1−e^{−2θ̄_{t:T}})/(1−e^{−2θ̄_T})', () => {
    const s = BRIDGE_PRESETS['ou-bridge'].schedule(T);
    const C = s.thetaTotal;
    for (let t = 0; t < T; t++) {
      const a = s.thetaCumsum[t];
      const b = C - a;
      const mean = (Math.exp(-a) * (1 - Math.exp(-2 * b))) / (1 - Math.exp(-2 * C));
      const variance = (s.lambda * (1 - Math.exp(-2 * a)) * (1 - Math.exp(-2 * b))) / (1 - Math.exp(-2 * C));
      expect(s.Theta[t]).toBeCloseTo(mean, 12);
      expect(s.Sigma2[t]).toBeCloseTo(variance, 12);
    }
  });

  it('θ → 0 with λθ fixed gives the Brownian bridge: Θ_t → 1 − (t+1)/T, Σ_t² → 2g² (t+1)(T−t−1)/T', () => {
    const s = BRIDGE_PRESETS['brownian-bridge'].schedule(T);
    for (let t = 0; t < T; t++) {
      const u = (t + 1) / T;
      expect(Math.abs(s.Theta[t] - (1 - u))).toBeLessThan(1e-9);
      expect(Math.abs(s.Sigma2[t] - (2 * LIMIT_G2 * (t + 1) * (T - t - 1)) / T)).toBeLessThan(1e-9);
    }
  });

  it('the limit converges as θ shrinks (error ∝ θ²)', () => {
    const errAt = (eps: number) => {
      const s = bridgeSchedule({ schedule: new Float64Array(T).fill(eps), lambda: LIMIT_G2 / eps });
      let m = 0;
      for (let t = 0; t < T; t++) m = Math.max(m, Math.abs(s.Theta[t] - (1 - (t + 1) / T)));
      return m;
    };
    const e1 = errAt(1e-2);
    const e2 = errAt(1e-3);
    expect(e1).toBeGreaterThan(1e-6);
    expect(e1 / e2).toBeGreaterThan(90);
    expect(e1 / e2).toBeLessThan(110);
  });

  it('VE bridge: mean weight 1 − σ_t²/σ_T², variance σ_t²(1 − σ_t²/σ_T²) with σ_t² = 2λ c_t', () => {
    const s = BRIDGE_PRESETS['ve-bridge'].schedule(T);
    const sig2T = 2 * s.lambda * s.thetaTotal;
    for (let t = 0; t < T; t++) {
      const sig2 = 2 * s.lambda * s.thetaCumsum[t];
      expect(Math.abs(s.Theta[t] - (1 - sig2 / sig2T))).toBeLessThan(1e-9);
      expect(Math.abs(s.Sigma2[t] - sig2 * (1 - sig2 / sig2T))).toBeLessThan(1e-9);
    }
  });

  it('VP bridge: the generalized bridge in VE coordinates reproduces DDBM’s VP coefficients', () => {
    // a VP schedule α_t from a linear β (DDPM), decreasing SNR
    const alpha = new Float64Array(T);
    let prod = 1;
    for (let t = 0; t < T; t++) {
      prod *= 1 - (1e-4 + ((0.02 - 1e-4) * t) / (T - 1));
      alpha[t] = Math.sqrt(prod);
    }
    const lambda = 1e6;
    const s = bridgeSchedule({ schedule: thetaForVp(alpha, lambda), lambda });
    const ours = vpCoefficients(s, alpha);
    const ddbm = vpFromVe(alpha);
    for (let t = 0; t < T; t++) {
      expect(Math.abs(ours.a[t] - ddbm.a[t])).toBeLessThan(1e-6);
      expect(Math.abs(ours.b[t] - ddbm.b[t])).toBeLessThan(1e-6);
      expect(Math.abs(ours.c[t] - ddbm.c[t])).toBeLessThan(1e-6);
    }
  });
});
