import { describe, expect, it } from 'vitest';
import { bridgeSchedule } from '../../src/bridge/schedule.js';
import { generativeTransition } from '../../src/bridge/transition.js';
import { alphaBarAt, timeAtAlphaBar, vpSchedule, vpSnr } from '../../src/bridge/vp.js';
import { RdbmError } from '../../src/errors.js';
import { ddpmAlphasCumprod } from '../../src/rddm/schedule.js';

const bridge = bridgeSchedule({ schedule: 'cosine', timesteps: 100, lambda: 10 / 255 });
const cosineAbar = (u: number) => Math.cos(((u + 0.008) / 1.008) * (Math.PI / 2)) ** 2;

describe('vpSchedule: ᾱ over the β registry', () => {
  it('cosine knots are improved-DDPM ā(k/S)/ā(0) while β is below its 0.999 cap', () => {
    const vp = vpSchedule({ schedule: 'cosine', timesteps: 100 });
    expect(vp.alphaBar[0]).toBe(1);
    for (let k = 1; k < 100; k++) expect(vp.alphaBar[k] / (cosineAbar(k / 100) / cosineAbar(0))).toBeCloseTo(1, 9);
  });
  it('linear knots are DDPM ā_{k−1} (rddm ddpmAlphasCumprod, torch float32) to float32 rounding', () => {
    const vp = vpSchedule({ schedule: 'linear', timesteps: 1000 });
    const torch = ddpmAlphasCumprod(1000);
    let worst = 0;
    for (let k = 1; k <= 1000; k++) worst = Math.max(worst, Math.abs(vp.alphaBar[k] / torch[k - 1] - 1));
    expect(worst).toBeLessThan(2e-5);
  });
  it('timeAtAlphaBar inverts alphaBarAt on and between knots', () => {
    const vp = vpSchedule({ schedule: 'linear', timesteps: 100 });
    for (const s of [0, 0.25, 1, 7.5, 50, 99.9, 100]) expect(timeAtAlphaBar(vp, alphaBarAt(vp, s))).toBeCloseTo(s, 9);
    expect(timeAtAlphaBar(vp, vp.alphaBar[100] / 2)).toBeUndefined();
  });
});

describe('generativeTransition t → (s, scale)', () => {
  for (const name of ['cosine', 'linear'] as const) {
    for (const S of [100, 1000]) {
      it(`${name} VP (S = ${S}): every matched step has SNR(s) = Θ²/Σ², scale·Θ = √ᾱ_s and scale·Σ = √(1 − ᾱ_s) to 1e-9`, () => {
        const vp = vpSchedule({ schedule: name, timesteps: S });
        const tr = generativeTransition({ bridge, generative: vp });
        let matched = 0;
        for (let t = 0; t < 100; t++) {
          const p = tr.tryAt(t);
          if (!p) {
            expect(t).toBeGreaterThan(tr.noisiestMatched);
            continue;
          }
          matched++;
          const a = alphaBarAt(vp, p.s);
          expect(vpSnr(vp, p.s) / (bridge.Theta[t] ** 2 / bridge.Sigma2[t])).toBeCloseTo(1, 9);
          expect(p.scale * bridge.Theta[t]).toBeCloseTo(Math.sqrt(a), 9);
          expect(p.scale * bridge.Sigma[t]).toBeCloseTo(Math.sqrt(1 - a), 9);
        }
        expect(matched).toBe(tr.noisiestMatched + 1);
        // s increases with t (noisier bridge step → noisier generative step)
        for (let t = 1; t <= tr.noisiestMatched; t++) expect(tr.at(t).s).toBeGreaterThan(tr.at(t - 1).s);
      });
    }
  }

  it('the clean end t = −1 (c = 0: Θ = 1, Σ = 0) maps to s = 0, scale 1, infinite SNR', () => {
    const tr = generativeTransition({ bridge, generative: vpSchedule({ schedule: 'cosine', timesteps: 100 }) });
    expect(tr.at(-1)).toEqual({ t: -1, s: 0, scale: 1, snr: Infinity });
  });

  it('t = 0 (Σ_0 > 0 in this discretisation) maps to a small s just above the clean end', () => {
    const tr = generativeTransition({ bridge, generative: vpSchedule({ schedule: 'cosine', timesteps: 100 }) });
    const p = tr.at(0);
    expect(p.s).toBeGreaterThan(0);
    expect(p.s).toBeLessThan(0.1);
    expect(p.scale).toBeCloseTo(Math.sqrt(p.snr / (1 + p.snr)) / bridge.Theta[0], 12);
  });

  it('the noisiest step t = T−1 (Θ = Σ = 0, SNR 0) is refused; T−2 matches the cosine VP near s = S', () => {
    const tr = generativeTransition({ bridge, generative: vpSchedule({ schedule: 'cosine', timesteps: 100 }) });
    expect(() => tr.at(99)).toThrow(/bridge step t = 99 has SNR Θ²\/Σ² = 0\.000, below the lowest SNR .* no generative step s matches/);
    expect(() => tr.at(99)).toThrow(RdbmError);
    expect(tr.noisiestMatched).toBe(98);
    expect(tr.at(98).s).toBeGreaterThan(99);
  });

  it('a short linear VP (S = 100, ᾱ_S ≈ 0.37) refuses every bridge step noisier than its floor', () => {
    const vp = vpSchedule({ schedule: 'linear', timesteps: 100 });
    const tr = generativeTransition({ bridge, generative: vp });
    expect(tr.snrMin).toBeCloseTo(vp.alphaBar[100] / (1 - vp.alphaBar[100]), 12);
    expect(tr.noisiestMatched).toBe(74);
    expect(bridge.Theta[74] ** 2 / bridge.Sigma2[74]).toBeGreaterThanOrEqual(tr.snrMin);
    expect(bridge.Theta[75] ** 2 / bridge.Sigma2[75]).toBeLessThan(tr.snrMin);
    expect(tr.tryAt(75)).toBeUndefined();
    expect(() => tr.at(75)).toThrow(/bridge step t = 75 .* below the lowest SNR/);
  });

  it('refuses π = x₀ − μ, |x₀ − μ| and 0 with the reason, and bad steps', () => {
    const generative = vpSchedule({ schedule: 'cosine', timesteps: 100 });
    expect(() => generativeTransition({ bridge, generative, pi: 'residual' })).toThrow(/invalid pi: residual \(expected one: .* depends on the unknown x₀/);
    expect(() => generativeTransition({ bridge, generative, pi: 'abs-residual' })).toThrow(/invalid pi: abs-residual/);
    expect(() => generativeTransition({ bridge, generative, pi: 'zero' })).toThrow(/invalid pi: zero .* Σ ≡ 0/);
    const tr = generativeTransition({ bridge, generative });
    expect(() => tr.at(100)).toThrow(/invalid bridge step t: 100 \(expected an integer in \[-1, 99\]\)/);
    expect(() => tr.at(1.5)).toThrow(RdbmError);
  });
});
