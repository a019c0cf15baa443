import { describe, expect, it } from 'vitest';
import { equivalenceBound, percentileInterval, percentileP, percentileTest, quantileSorted } from '../../src/stats/index.js';
import { createRng } from '../../src/util/random.js';

describe('percentile interval, inverted p and equivalence bound of one sorted distribution', () => {
  it('quantiles interpolate linearly between order statistics (numpy `linear`)', () => {
    const s = [-1, 1, 2, 3, 4];
    // h = 4q: Q(0.05) = −1 + 0.2·2, Q(0.95) = 3 + 0.8·1
    expect(quantileSorted(s, 0.05)).toBeCloseTo(-0.6, 14);
    expect(quantileSorted(s, 0.95)).toBeCloseTo(3.8, 14);
    expect(percentileInterval(s, 0.9).low).toBeCloseTo(quantileSorted(s, 0.05), 14);
    expect(percentileInterval(s, 0.9).high).toBeCloseTo(quantileSorted(s, 0.95), 14);
    expect(equivalenceBound(s, 0.05)).toBeCloseTo(3.8, 14);
  });

  it('p is the smallest α at which the interval excludes 0', () => {
    // Q(q) = 0 at h = 4q = 0.5: q₀ = q₁ = 0.125, p = 0.25
    const s = [-1, 1, 2, 3, 4];
    expect(percentileP(s)).toBeCloseTo(0.25, 14);
    expect(percentileInterval(s, 1 - 0.25).low).toBeCloseTo(0, 14);
    expect(percentileInterval(s, 1 - 0.26).low).toBeGreaterThan(0);
    expect(percentileInterval(s, 1 - 0.24).low).toBeLessThan(0);
    // symmetric about 0: p = 1; every value on one side: p = 1/R (the resolution); a flat stretch at 0: p = 1
    expect(percentileP([-1, 1])).toBe(1);
    expect(percentileP([1, 2, 3])).toBe(1 / 3);
    expect(percentileP([-3, -2, -1])).toBe(1 / 3);
    expect(percentileP([0, 0, 0, 0])).toBe(1);
    expect(percentileP([-1, 0, 0, 1])).toBe(1);
    expect(percentileP([0, 1, 2, 3])).toBe(1 / 4);
  });

  it('excludes 0 at level α ⇔ p < α, for α from 0.01 to 0.5 on 2000 random continuous distributions', () => {
    const rng = createRng(4);
    const both = [0, 0];
    for (let k = 0; k < 2000; k++) {
      const n = 2 + rng.int(60);
      const shift = 2 * rng.normal();
      const s = Float64Array.from({ length: n }, () => shift + rng.normal()).sort();
      const p = percentileP(s);
      for (const alpha of [0.01, 0.05, 0.1, 0.2, 0.5]) {
        if (alpha <= 1 / n) continue;
        const { low, high } = percentileInterval(s, 1 - alpha);
        const excludes = low > 0 || high < 0;
        expect(excludes).toBe(p < alpha);
        both[excludes ? 1 : 0]++;
      }
    }
    expect(Math.min(...both)).toBeGreaterThan(1000);
  });

  it('percentileTest keeps it exact where ties put 0 on a quantile (rounding of α/2), moving p by < 1e-12', () => {
    const rng = createRng(4);
    let moved = 0;
    const both = [0, 0];
    for (let k = 0; k < 2000; k++) {
      const n = 2 + rng.int(60);
      const shift = 2 * rng.normal();
      // on a grid of 0.25, so ties and exact zeros occur
      const s = Float64Array.from({ length: n }, () => Math.round(4 * (shift + rng.normal())) / 4).sort();
      // α as a reader writes it, compared with the stored p
      for (const [confidence, alpha] of [[0.99, 0.01], [0.95, 0.05], [0.9, 0.1], [0.8, 0.2], [0.5, 0.5]]) {
        if (alpha <= 1 / n) continue;
        const t = percentileTest(s, confidence);
        const excludes = t.low > 0 || t.high < 0;
        expect(excludes).toBe(t.p < alpha);
        expect(t.equivalence === null).toBe(excludes);
        expect(Math.abs(t.p - percentileP(s))).toBeLessThan(1e-12);
        if (t.p !== percentileP(s)) moved++;
        both[excludes ? 1 : 0]++;
      }
    }
    // the rounding cases occur here (the closed form alone fails on them), and both outcomes are common
    expect(moved).toBeGreaterThan(5);
    expect(Math.min(...both)).toBeGreaterThan(1000);
  });
});
