/**
 * The small-sample pieces of the two-level bootstrap (two-level.ts): Welch–Satterthwaite degrees of
 * freedom of a sum of independent variance estimates, and the Student factor √(ν / χ²_ν) that turns a
 * normal-shaped deviation with estimated variance into a t_ν-shaped one. Seeded: draws come from the
 * caller's Rng.
 */
import type { Rng } from '../util/random.js';

/** One independent variance estimate V_k (of a mean) with its degrees of freedom. */
export interface VarianceComponent {
  readonly variance: number;
  readonly df: number;
}

/**
 * Welch–Satterthwaite: ν = (Σ V_k)² / Σ (V_k² / df_k), the df of the χ² that best matches Σ V_k
 * (Satterthwaite 1946). Components with V_k = 0 carry no uncertainty and are left out; ∞ when none is left.
 */
export function satterthwaiteDf(components: readonly VarianceComponent[]): number {
  let total = 0;
  let denominator = 0;
  for (const c of components) {
    if (!(c.variance > 0)) continue;
    total += c.variance;
    denominator += (c.variance * c.variance) / c.df;
  }
  return denominator > 0 ? (total * total) / denominator : Number.POSITIVE_INFINITY;
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 through Gamma(shape + 1)·U^(1/shape). */
export function gammaDraw(rng: Rng, shape: number): number {
  if (shape < 1) {
    const u = 1 - rng.uniform(); // (0, 1]
    return gammaDraw(rng, shape + 1) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = 1 - rng.uniform();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** χ²_ν = 2·Gamma(ν/2). */
export function chiSquareDraw(rng: Rng, df: number): number {
  return 2 * gammaDraw(rng, df / 2);
}

/**
 * The Student factor κ = √(ν / χ²_ν): Z·κ is t_ν for Z ~ N(0, 1) independent of κ. 1 for ν = ∞ (no draw).
 */
export function studentFactor(rng: Rng, df: number): number {
  return Number.isFinite(df) ? Math.sqrt(df / chiSquareDraw(rng, df)) : 1;
}
