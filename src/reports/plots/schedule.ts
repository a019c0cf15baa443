/**
 * Bridge coefficient curves per schedule and λ: Θ_t (weight of x₀ − μ in the mean), Σ_t (noise
 * std) and the pixel-independent residual-to-noise factor sinh(θ̄_{t:T}) / (2λ sinh(θ̄_{0:t}) sinh(θ̄_{0:T}))
 * (paper §3.3; with π = x₀ − μ it is R itself), each against t/(T−1).
 */
import type { TopLevelSpec } from 'vega-lite';
import { type BridgeSchedule, rnrCurve } from '../../bridge/index.js';
import { topLevel } from './common.js';

export interface ScheduleCurve {
  /** legend label, e.g. `cosine, λ = 10/255` */
  readonly label: string;
  readonly schedule: BridgeSchedule;
}

export interface CurvePoint {
  readonly series: string;
  readonly t: number;
  readonly quantity: 'Θ' | 'Σ' | 'RNR';
  readonly value: number;
}

export function scheduleCurvePoints(curves: readonly ScheduleCurve[]): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (const { label, schedule } of curves) {
    const T = schedule.timesteps;
    const rnr = rnrCurve(schedule);
    for (let t = 0; t < T; t++) {
      const x = t / (T - 1);
      points.push({ series: label, t: x, quantity: 'Θ', value: schedule.Theta[t] });
      points.push({ series: label, t: x, quantity: 'Σ', value: schedule.Sigma[t] });
      // R = 0 at t = T−1 (bridge reached μ): left out of the log-scale panel
      if (rnr[t] > 0 && Number.isFinite(rnr[t])) points.push({ series: label, t: x, quantity: 'RNR', value: rnr[t] });
    }
  }
  return points;
}

const PANELS = [
  { quantity: 'Θ', title: 'Θ_t (mean weight of x₀ − μ)', scale: { type: 'linear' } },
  { quantity: 'Σ', title: 'Σ_t (noise std)', scale: { type: 'linear' } },
  { quantity: 'RNR', title: 'residual-to-noise factor (log)', scale: { type: 'log' } },
] as const;

export function scheduleCurvesPlot(curves: readonly ScheduleCurve[], options: { title?: string; legendTitle?: string } = {}): TopLevelSpec {
  const values = scheduleCurvePoints(curves);
  const T = curves.map((c) => c.schedule.timesteps);
  return topLevel(options.title ?? 'Bridge coefficients per schedule and λ', `T = ${[...new Set(T)].join(', ')}; t normalised to t/(T−1)`, {
    data: { values },
    hconcat: PANELS.map((panel) => ({
      width: 220,
      height: 180,
      transform: [{ filter: { field: 'quantity', equal: panel.quantity } }],
      mark: { type: 'line', tooltip: true },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 't / (T−1)' },
        y: { field: 'value', type: 'quantitative', title: panel.title, scale: panel.scale },
        // below the panels in two columns, labels and title whole (on the right, at 320 px, `RDDM (sum_scale 0.01) (noisy endpoint)` was cut)
        color: { field: 'series', type: 'nominal', title: options.legendTitle ?? 'schedule, λ', sort: curves.map((c) => c.label), legend: { orient: 'bottom', columns: 2, labelLimit: 0, titleLimit: 0 } },
      },
    })),
    resolve: { scale: { y: 'independent' } },
  });
}
