/**
 * RDDM and DiffUIR in the generalized-bridge form of src/bridge, so their Θ/Σ curves plot next to RDBM's:
 *
 *   x_t = μ + Θ_t (x₀ − μ) + Σ_t π ⊙ ε   with Θ_t = 1 − ᾱ_t, Σ_t = β̄_t, π = 1.
 *
 * Differences from the bridge family (why these are "bridge-like", not members):
 * - noisy endpoint: at t = T−1, Θ = 0 but Σ = β̄_{T−1} = √sum_scale (0.1 with sum_scale 0.01, the ResidualDiffusion
 *   class default for conditional models and DiffUIR's setting; 1 with sum_scale 1, what RDDM's own restoration
 *   (exp. 2) and generation scripts pass), so sampling starts from μ + √sum_scale · z, not from μ (bridges: Σ_{T−1} = 0);
 * - Θ and Σ are set independently by two coefficient schedules (α_t, β_t²), not tied by one θ_t and λ;
 *   there is no λ, and the bridge's sinh-based residual-to-noise curve does not apply (lambda is NaN here;
 *   RDDM's ratio is simply Θ_t²/Σ_t² per unit residual²);
 * - DiffUIR also shrinks μ: x_t = (1 − δ̄_t) μ + Θ_t (x₀ − μ) + Σ_t ε (δ̄_{T−1} ≈ 0.90 at delta_end = 1.8e-3), and its
 *   Θ never reaches 0 (Θ_{T−1} = √ā_{T−1} ≈ 0.0064 for linear β at T = 1000); its Σ_{T−1} ≈ 1 while sampling starts
 *   from noise of std √sum_scale = 0.1, i.e. the start state is not the forward marginal at T−1.
 */
import type { BridgeSchedule } from '../bridge/schedule.js';
import { registry } from '../util/registry.js';
import { type RddmSchedule, ddpmAlphasCumprod, rddmSchedule, rddmScheduleFromAlphasCumprod } from './schedule.js';

/**
 * A BridgeSchedule-shaped view: Theta = 1 − ᾱ, Sigma = β̄, Sigma2 = β̄², theta = α_t (per-step residual weight),
 * thetaCumsum = ᾱ, thetaTotal = ᾱ_{T−1}; lambda = NaN (no λ: bridge RNR formulas give NaN and plots drop them).
 */
export function rddmBridgeSchedule(schedule: RddmSchedule): BridgeSchedule {
  const T = schedule.timesteps;
  return Object.freeze({
    name: schedule.name,
    timesteps: T,
    lambda: Number.NaN,
    theta: Float64Array.from(schedule.alpha),
    thetaCumsum: Float64Array.from(schedule.alphaBar),
    thetaTotal: schedule.alphaBar[T - 1],
    Theta: schedule.alphaBar.map((a) => 1 - a),
    Sigma2: Float64Array.from(schedule.beta2Bar),
    Sigma: Float64Array.from(schedule.betaBar),
  });
}

/** Per-step RDDM signal-to-noise of the residual, Θ_t² / Σ_t² (∞ where Σ_t = 0), the analogue of the bridge RNR for π = 1 and |x₀ − μ| = 1. */
export function rddmResidualToNoise(schedule: RddmSchedule): Float64Array {
  return schedule.alphaBar.map((a, t) => ((1 - a) ** 2 === 0 ? 0 : (1 - a) ** 2 / schedule.beta2Bar[t]));
}

export interface RddmCurvePreset {
  readonly id: string;
  readonly title: string;
  /** always `one`: RDDM's noise is not modulated by the residual */
  readonly pi: 'one';
  /** the endpoint is μ + √sum_scale · z (noisy), unlike the bridges' μ */
  readonly endpoint: 'noisy';
  readonly note: string;
  /** the RDDM schedule for T steps */
  rddm(timesteps: number): RddmSchedule;
  /** the same as a BridgeSchedule-shaped record (for plots of Θ/Σ next to BRIDGE_PRESETS) */
  schedule(timesteps: number): BridgeSchedule;
}

function preset(id: string, title: string, note: string, build: (T: number) => RddmSchedule): RddmCurvePreset {
  return Object.freeze({
    id,
    title,
    pi: 'one' as const,
    endpoint: 'noisy' as const,
    note,
    rddm: build,
    schedule: (T: number) => rddmBridgeSchedule(build(T)),
  });
}

/** RDDM / DiffUIR members for the bridge-family plots (official settings; T is the plot's choice). */
const presets = registry('RDDM preset', {
  rddm: preset('rddm', 'RDDM (sum_scale 0.01)', 'α decreased, β² increased (RDDM exp. 2 schedules), sum_scale 0.01, the ResidualDiffusion class default for conditional models (DiffUIR passes it too): Σ_{T−1} = 0.1', (T) =>
    rddmSchedule({ timesteps: T, sumScale: 0.01, name: 'rddm' }),
  ),
  'rddm-generation': preset('rddm-generation', 'RDDM (sum_scale 1)', 'α decreased, β² increased, sum_scale 1, what RDDM\'s own scripts pass for restoration (exp. 2, deraining) and generation: Σ_{T−1} = 1', (T) =>
    rddmSchedule({ timesteps: T, sumScale: 1, name: 'rddm-generation' }),
  ),
  'rddm-ddim': preset('rddm-ddim', 'RDDM from DDIM (linear β)', 'ᾱ = 1 − √ā, β̄² = 1 − ā, DDPM linear β 1e-4…0.02', (T) =>
    rddmScheduleFromAlphasCumprod({ alphasCumprod: ddpmAlphasCumprod(T), sumScale: 1, name: 'rddm-ddim' }),
  ),
  diffuir: preset('diffuir', 'DiffUIR', 'ᾱ = 1 − √ā, β̄² = 1 − ā (linear β), δ_end 1.8e-3 (μ weight 1 − δ̄_t), start noise √0.01', (T) =>
    rddmScheduleFromAlphasCumprod({ alphasCumprod: ddpmAlphasCumprod(T), sumScale: 0.01, deltaEnd: 1.8e-3, name: 'diffuir' }),
  ),
} satisfies Record<string, RddmCurvePreset>);

export const RDDM_CURVE_PRESETS = presets.entries;
export const RDDM_CURVE_PRESET_IDS = presets.names;
/** The preset called `id`; unknown ids throw listing the known ones. */
export const rddmCurvePreset = presets.get;

/** The RDDM-lineage rows for a Θ/Σ plot ({label, schedule} as src/reports' ScheduleCurve), T steps each. */
export function rddmScheduleCurves(timesteps = 100): Array<{ label: string; schedule: BridgeSchedule }> {
  return Object.values(RDDM_CURVE_PRESETS).map((p) => ({ label: `${p.title} (noisy endpoint)`, schedule: p.schedule(timesteps) }));
}
