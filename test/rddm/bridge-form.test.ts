import { describe, expect, it } from 'vitest';
import { BRIDGE_PRESETS } from '../../src/bridge/index.js';
import { RDDM_CURVE_PRESETS, diffuirSchedule, rddmBridgeSchedule, rddmCurvePreset, rddmResidualToNoise, rddmSchedule } from '../../src/rddm/index.js';

describe('RDDM in generalized-bridge form (Θ = 1 − ᾱ, Σ = β̄, π = 1, noisy endpoint)', () => {
  it('Θ runs from 1 − α_0 to 0 and Σ ends at √sum_scale (bridges end at Σ = 0)', () => {
    const b = rddmBridgeSchedule(rddmSchedule({ timesteps: 1000, sumScale: 0.01 }));
    expect(b.Theta[999]).toBe(0);
    expect(b.Sigma[999]).toBeCloseTo(0.1, 12);
    expect(b.Theta[0]).toBeCloseTo(1 - 2 / 1001, 12);
    expect(Number.isNaN(b.lambda)).toBe(true);
    const bridge = BRIDGE_PRESETS.rdbm.schedule(100);
    expect(bridge.Sigma[99]).toBe(0);
  });
  it('has the BridgeSchedule fields a plot reads, with the same lengths as a bridge preset of the same T', () => {
    for (const preset of Object.values(RDDM_CURVE_PRESETS)) {
      const s = preset.schedule(100);
      const bridge = BRIDGE_PRESETS.rdbm.schedule(100);
      for (const key of ['theta', 'thetaCumsum', 'Theta', 'Sigma', 'Sigma2'] as const) expect(s[key].length, `${preset.id} ${key}`).toBe(bridge[key].length);
      expect(s.timesteps).toBe(100);
      expect(preset.pi).toBe('one');
      expect(preset.endpoint).toBe('noisy');
      // Θ is non-increasing and Σ non-decreasing for every member
      for (let t = 1; t < 100; t++) {
        expect(s.Theta[t]).toBeLessThanOrEqual(s.Theta[t - 1] + 1e-12);
        expect(s.Sigma[t]).toBeGreaterThanOrEqual(s.Sigma[t - 1] - 1e-12);
      }
    }
  });
  it('DiffUIR: Θ = √ā and Σ = √(1 − ā) — the DDPM marginal in residual form', () => {
    const s = diffuirSchedule();
    const b = rddmBridgeSchedule(s);
    for (const t of [0, 500, 999]) expect(b.Theta[t] ** 2 + b.Sigma2[t]).toBeCloseTo(1, 6);
  });
  it('residual-to-noise Θ²/Σ² falls to 0 at the end', () => {
    const r = rddmResidualToNoise(rddmSchedule({ timesteps: 50 }));
    expect(r[49]).toBe(0);
    expect(r[0]).toBeGreaterThan(r[25]);
  });
  it('unknown preset names list the known ones', () => {
    // which sum_scale is which (issue 11): 0.01 = the class default for conditional models (and DiffUIR),
    // 1 = what RDDM's own restoration (exp. 2) and generation scripts pass; Σ_{T−1} = √sum_scale
    expect(rddmSchedule({ timesteps: 10 }).sumScale).toBe(0.01);
    expect(RDDM_CURVE_PRESETS.rddm.rddm(10).sumScale).toBe(0.01);
    expect(RDDM_CURVE_PRESETS.rddm.note).toContain('ResidualDiffusion class default');
    expect(RDDM_CURVE_PRESETS['rddm-generation'].rddm(10).sumScale).toBe(1);
    expect(RDDM_CURVE_PRESETS['rddm-generation'].note).toContain("RDDM's own scripts pass for restoration (exp. 2, deraining)");
    expect(RDDM_CURVE_PRESETS.diffuir.rddm(10).sumScale).toBe(0.01);
    expect(() => rddmCurvePreset('rdbm')).toThrow(/rddm, rddm-generation, rddm-ddim, diffuir/);
  });
});

describe('RDDM rows in the reports schedule plot', () => {
  it('scheduleCurvePoints takes RDDM presets next to bridge presets: Θ and Σ rows, no RNR rows (no λ)', async () => {
    const { scheduleCurvePoints } = await import('../../src/reports/plots/schedule.js');
    const { rddmScheduleCurves } = await import('../../src/rddm/index.js');
    const rows = rddmScheduleCurves(100);
    expect(rows.map((r) => r.label)).toEqual(['RDDM (sum_scale 0.01) (noisy endpoint)', 'RDDM (sum_scale 1) (noisy endpoint)', 'RDDM from DDIM (linear β) (noisy endpoint)', 'DiffUIR (noisy endpoint)']);
    const points = scheduleCurvePoints([
      { label: 'RDBM (paper)', schedule: BRIDGE_PRESETS.rdbm.schedule(100) },
      { label: 'RDDM', schedule: RDDM_CURVE_PRESETS.rddm.schedule(100) },
      { label: 'DiffUIR', schedule: RDDM_CURVE_PRESETS.diffuir.schedule(100) },
      ...rows,
    ]);
    const count = (series: string, quantity: string) => points.filter((p) => p.series === series && p.quantity === quantity).length;
    expect(count('RDDM', 'Θ')).toBe(100);
    expect(count('DiffUIR', 'Σ')).toBe(100);
    expect(count('RDDM', 'RNR')).toBe(0);
    expect(count('RDBM (paper)', 'RNR')).toBeGreaterThan(90);
    expect(points.every((p) => Number.isFinite(p.value))).toBe(true);
  });
});
