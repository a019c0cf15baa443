/**
 * The π variants of the generalized bridge (paper §3), x_t = μ + Θ_t (x₀ − μ) + Σ_t · π ⊙ ε: the one
 * list every layer imports. Free of TensorFlow.js, so configs can validate π without loading it.
 */
import { keyword } from '../util/validate.js';

export const PI_VARIANTS = ['zero', 'one', 'residual', 'abs-residual'] as const;
/** zero: flow matching · one: Brownian/OU bridges (GOUB) · residual: π = x₀ − μ (RDBM) · abs-residual: π = |x₀ − μ| */
export type PiVariant = (typeof PI_VARIANTS)[number];

/** π as the paper's tables write it (the ablation's row labels). */
export const PI_LABELS: Readonly<Record<PiVariant, string>> = Object.freeze({
  zero: '0',
  one: '1',
  residual: 'x₀ − μ',
  'abs-residual': '|x₀ − μ|',
});

export const PI_DESCRIPTIONS: Readonly<Record<PiVariant, string>> = Object.freeze({
  zero: 'π = 0: flow matching, a deterministic path',
  one: 'π = 1: existing bridges (Brownian / OU bridge, e.g. GOUB)',
  residual: 'π = x₀ − μ: RDBM residual modulation (the paper\'s choice)',
  'abs-residual': 'π = |x₀ − μ|: the ablation variant',
});

export function checkPi(pi: unknown): PiVariant {
  return keyword('pi', pi, PI_VARIANTS);
}
