/**
 * A generative prior inside the residual bridge: this toolkit's first-principles derivation of the
 * IRBridge idea (Wang et al., "IRBridge: Solving Image Restoration Bridge with Pre-trained Generative
 * Diffusion Models", ICML 2025, arXiv 2505.24406). It is NOT the authors' code or equation: only their
 * abstract was found ("a transition equation that bridges two diffusion processes with the same endpoint
 * distribution"); everything below is derived here and checked by test/bridge/transition.test.ts and
 * test/bridge/prior.test.ts.
 *
 * Both processes have the clean image x₀ at one end:
 *   generative VP:      x_s = √ᾱ_s x₀ + √(1 − ᾱ_s) ε                       (vp.ts)
 *   bridge with π = 1:  x_t = μ + Θ_t (x₀ − μ) + Σ_t ε = Θ_t x₀ + (1 − Θ_t) μ + Σ_t ε   (schedule.ts)
 * μ is known at sampling time, so u_t = x_t − (1 − Θ_t) μ = Θ_t x₀ + Σ_t ε. Given x₀, u_t ~ N(Θ_t x₀, Σ_t²)
 * and x_s ~ N(√ᾱ_s x₀, 1 − ᾱ_s); the two coincide after a scale a iff aΘ_t = √ᾱ_s and aΣ_t = √(1 − ᾱ_s), i.e.
 *   SNR match   ᾱ_s / (1 − ᾱ_s) = Θ_t² / Σ_t²,     scale   a_t = √ᾱ_s / Θ_t  (= √(1 − ᾱ_s) / Σ_t),
 * and then x_s = a_t (x_t − (1 − Θ_t) μ) has exactly the generative marginal given x₀: an x₀-predictor of
 * the VP process evaluated at (x_s, s) estimates x₀ from the bridge state.
 *
 * Ends of the schedule. The toolkit's discretisation (inclusive cumsum c_t) has Σ_0 > 0: step 0 is slightly
 * noisy and maps to a small s > 0. The clean end is c = 0, reached by the sampler as t_next = −1: there
 * Θ = 1, Σ = 0, SNR = ∞, and `at(-1)` returns s = 0, scale 1 (ᾱ(0) = 1: the clean image itself). At
 * t = T − 1, Θ = Σ = 0 (the bridge sits exactly at μ): SNR 0, below every VP schedule's lowest SNR
 * ᾱ_S/(1 − ᾱ_S) > 0, so it is refused, as is every t whose SNR is below that floor (with a short
 * `linear` VP schedule, ᾱ_S is far from 0 and many noisy bridge steps are refused).
 *
 * π = x₀ − μ (RDBM's residual) and |x₀ − μ|: u_t = Θ_t x₀ + Σ_t (x₀ − μ) ⊙ ε has per-pixel noise std
 * Σ_t |x₀ − μ|, which depends on the unknown x₀. There is no single s per t (each pixel would need its own,
 * unknown SNR Θ_t²/(Σ_t²(x₀ − μ)²), infinite wherever x₀ = μ), and the likelihood of u_t given x₀ is no
 * longer the VP likelihood (its variance depends on x₀), so the generative posterior is not the bridge's.
 * The transition does not hold; it is restricted to π = 1. π = 0 (flow matching) has Σ ≡ 0: every step
 * maps to s = 0 where the prior can only return its input, so it is refused as degenerate.
 */
import { RdbmError } from '../errors.js';
import { number } from '../util/validate.js';
import { type PiVariant, checkPi } from './pi.js';
import type { BridgeSchedule } from './schedule.js';
import { type VpSchedule, timeAtAlphaBar } from './vp.js';

export interface TransitionPoint {
  /** bridge step t (−1 = the clean end c = 0) */
  readonly t: number;
  /** generative time s ∈ [0, S] with the same SNR */
  readonly s: number;
  /** a_t = √ᾱ_s / Θ_t: x_s = a_t (x_t − (1 − Θ_t) μ) */
  readonly scale: number;
  /** Θ_t² / Σ_t² (∞ at the clean end) */
  readonly snr: number;
}

export interface GenerativeTransition {
  readonly bridge: BridgeSchedule;
  readonly generative: VpSchedule;
  /** the lowest SNR the generative schedule reaches, ᾱ_S / (1 − ᾱ_S) */
  readonly snrMin: number;
  /** the match for bridge step t ∈ [−1, T−1]; throws RdbmError when its SNR is outside the generative range */
  at(t: number): TransitionPoint;
  /** the match, or undefined when refused */
  tryAt(t: number): TransitionPoint | undefined;
  /** the noisiest bridge step that has a match (largest t) */
  readonly noisiestMatched: number;
}

/** Θ_t, Σ_t with the clean end t = −1 (c = 0: Θ = 1, Σ = 0). */
function bridgeAt(bridge: BridgeSchedule, t: number): { Theta: number; Sigma: number } {
  number('bridge step t', t, { integer: true, min: -1, max: bridge.timesteps - 1 });
  return t === -1 ? { Theta: 1, Sigma: 0 } : { Theta: bridge.Theta[t], Sigma: bridge.Sigma[t] };
}

/**
 * The mapping t → (s, scale) from a bridge schedule to a generative VP schedule (see the file comment).
 * `pi` is the bridge's diffusion coefficient (default `one`); only `one` admits the transition.
 */
export function generativeTransition(options: { readonly bridge: BridgeSchedule; readonly generative: VpSchedule; readonly pi?: PiVariant }): GenerativeTransition {
  const { bridge, generative } = options;
  if (!bridge?.Theta || !generative?.alphaBar) throw new RdbmError('generativeTransition: expected { bridge: bridgeSchedule(...), generative: vpSchedule(...) }');
  const pi = checkPi(options.pi ?? 'one');
  if (pi === 'residual' || pi === 'abs-residual') {
    throw new RdbmError(`generativeTransition: invalid pi: ${pi} (expected one: with π = ${pi === 'residual' ? 'x₀ − μ' : '|x₀ − μ|'} the bridge noise depends on the unknown x₀, so no single generative step s matches a bridge step)`);
  }
  if (pi === 'zero') throw new RdbmError('generativeTransition: invalid pi: zero (expected one: flow matching has Σ ≡ 0, every step maps to the clean end and the prior cannot act)');
  const S = generative.timesteps;
  const aS = generative.alphaBar[S];
  const snrMin = aS / (1 - aS);
  const match = (t: number): TransitionPoint | string => {
    const { Theta, Sigma } = bridgeAt(bridge, t);
    if (Sigma === 0 && Theta > 0) return { t, s: 0, scale: 1 / Theta, snr: Infinity };
    const snr = Sigma === 0 ? 0 : (Theta * Theta) / (Sigma * Sigma);
    const why = `bridge step t = ${t} has SNR Θ²/Σ² = ${snr.toPrecision(4)}, below the lowest SNR ${snrMin.toPrecision(4)} of the generative ${generative.name} schedule (s = ${S}), so no generative step s matches it (start the prior at a smaller t, or use a generative schedule that reaches more noise)`;
    if (snr < snrMin) return why;
    const s = timeAtAlphaBar(generative, snr / (1 + snr));
    if (s === undefined) return why;
    const alphaBar = snr / (1 + snr);
    return { t, s, scale: Math.sqrt(alphaBar) / Theta, snr };
  };
  let noisiestMatched = -1;
  for (let t = bridge.timesteps - 1; t >= 0; t--) {
    if (typeof match(t) !== 'string') {
      noisiestMatched = t;
      break;
    }
  }
  return Object.freeze({
    bridge,
    generative,
    snrMin,
    noisiestMatched,
    at(t: number) {
      const m = match(t);
      if (typeof m === 'string') throw new RdbmError(`generativeTransition: ${m}`);
      return m;
    },
    tryAt(t: number) {
      const m = match(t);
      return typeof m === 'string' ? undefined : m;
    },
  });
}
