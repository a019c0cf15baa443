import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chiSquareDraw, quantileSorted, satterthwaiteDf, studentFactor } from '../../src/stats/index.js';
import { createRng } from '../../src/util/random.js';

const NUMPY = new URL('../fixtures/stats/two-level-numpy.json', import.meta.url);

describe('Welch–Satterthwaite df and the Student factor', () => {
  it('satterthwaiteDf: one component keeps its df; equal components add theirs; zero variances drop out', () => {
    expect(satterthwaiteDf([{ variance: 0.3, df: 4 }])).toBeCloseTo(4, 12);
    expect(satterthwaiteDf([{ variance: 0.3, df: 4 }, { variance: 0.3, df: 4 }])).toBeCloseTo(8, 12);
    expect(satterthwaiteDf([{ variance: 0.3, df: 4 }, { variance: 0, df: 1 }])).toBeCloseTo(4, 12);
    // (1 + 0.1)² / (1/2 + 0.01/79)
    expect(satterthwaiteDf([{ variance: 1, df: 2 }, { variance: 0.1, df: 79 }])).toBeCloseTo(1.21 / (0.5 + 0.01 / 79), 12);
    expect(satterthwaiteDf([{ variance: 0, df: 3 }])).toBe(Number.POSITIVE_INFINITY);
  });

  it('χ² draws have mean ν and variance 2ν (also for ν < 2, the shape < 1 path)', () => {
    for (const df of [0.8, 2.5, 9]) {
      const rng = createRng(df * 10);
      const n = 100000;
      const x = Array.from({ length: n }, () => chiSquareDraw(rng, df));
      const m = x.reduce((a, b) => a + b, 0) / n;
      const v = x.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1);
      // standard errors: √(2ν/n) for the mean, ~√(8ν(ν+6)/n)… for the variance; 4 s.e. and 5 %
      expect(Math.abs(m - df)).toBeLessThan(4 * Math.sqrt((2 * df) / n));
      expect(Math.abs(v - 2 * df) / (2 * df)).toBeLessThan(0.05);
    }
  });

  it('Z·κ follows Student t_ν: its 75 % and 97.5 % quantiles match scipy’s t.ppf', () => {
    const golden = JSON.parse(readFileSync(NUMPY, 'utf8')) as { student: { df: number; q975: number; q75: number }[] };
    expect(golden.student.length).toBe(4);
    for (const { df, q975, q75 } of golden.student) {
      const rng = createRng(`t-${df}`);
      const n = 200000;
      const t = Float64Array.from({ length: n }, () => rng.normal() * studentFactor(rng, df)).sort();
      // Monte Carlo error of these quantiles at n = 200000 is below 1 % (2.5 % quantile of t_2.5 included)
      expect(Math.abs(quantileSorted(t, 0.975) - q975) / q975).toBeLessThan(0.015);
      expect(Math.abs(quantileSorted(t, 0.75) - q75) / q75).toBeLessThan(0.015);
    }
    expect(studentFactor(createRng(1), Number.POSITIVE_INFINITY)).toBe(1);
  });
});
