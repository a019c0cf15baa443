/**
 * The generative transition of a bridge (our derivation of the IRBridge idea, bridge/transition.ts)
 * as curves: for each bridge × VP prior, the matched generative time s(t)/S and the scale
 * a_t = √ᾱ_s / Θ_t at every bridge step the prior's SNR range reaches. Legends sit below the panels
 * with their labels whole (on the right they were cut at vega's default 160 px).
 */
import type { TopLevelSpec } from 'vega-lite';
import { type BridgeSchedule, type VpSchedule, alphaBarAt, generativeTransition } from '../../bridge/index.js';
import { topLevel } from './common.js';

export interface LabelledBridge {
  readonly label: string;
  readonly schedule: BridgeSchedule;
}

export interface LabelledPrior {
  readonly label: string;
  readonly schedule: VpSchedule;
}

export interface TransitionCurvePoint {
  /** bridge step; −1 is the clean end (s = 0) */
  readonly t: number;
  readonly bridge: string;
  readonly prior: string;
  /** s / S */
  readonly sOverS: number;
  readonly scale: number;
  readonly alphaBar: number;
}

export interface TransitionCoverage {
  readonly bridge: string;
  readonly prior: string;
  /** the noisiest bridge step with a matched generative state */
  readonly noisiestMatched: number;
  /** bridge steps below the prior's SNR floor */
  readonly refused: number;
  readonly snrMin: number;
}

/** Every (bridge, prior) pair's matched steps t = −1 … T−1, and how far each pair reaches. */
export function transitionCurves(bridges: readonly LabelledBridge[], priors: readonly LabelledPrior[]): { points: TransitionCurvePoint[]; coverage: TransitionCoverage[] } {
  const points: TransitionCurvePoint[] = [];
  const coverage: TransitionCoverage[] = [];
  for (const b of bridges) {
    for (const p of priors) {
      const tr = generativeTransition({ bridge: b.schedule, generative: p.schedule });
      const T = b.schedule.timesteps;
      for (let t = -1; t < T; t++) {
        const m = tr.tryAt(t);
        if (m) points.push({ t, bridge: b.label, prior: p.label, sOverS: m.s / p.schedule.timesteps, scale: m.scale, alphaBar: alphaBarAt(p.schedule, m.s) });
      }
      coverage.push({ bridge: b.label, prior: p.label, noisiestMatched: tr.noisiestMatched, refused: T - 1 - tr.noisiestMatched, snrMin: tr.snrMin });
    }
  }
  return { points, coverage };
}

function panel(field: 'sOverS' | 'scale', title: string, log: boolean, bridges: readonly string[], priors: readonly string[]) {
  return {
    width: 300,
    height: 220,
    mark: { type: 'line', clip: true },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'bridge step t' },
      y: { field, type: 'quantitative', title, ...(log ? { scale: { type: 'log' } } : {}) },
      color: { field: 'bridge', type: 'nominal', title: 'bridge', sort: bridges, legend: { orient: 'bottom', direction: 'vertical', labelLimit: 0 } },
      strokeDash: { field: 'prior', type: 'nominal', title: 'generative prior', sort: priors, legend: { orient: 'bottom', direction: 'vertical', labelLimit: 0 } },
    },
  };
}

/** s(t)/S and scale(t) (log) side by side; lines stop where a step is refused. */
export function transitionPlot(points: readonly TransitionCurvePoint[], options: { title?: string } = {}): TopLevelSpec {
  const bridges = [...new Set(points.map((p) => p.bridge))];
  const priors = [...new Set(points.map((p) => p.prior))];
  return topLevel(options.title ?? 'Generative transition t → (s, scale) (our derivation of the IRBridge idea)', 't = −1 is the clean end (s = 0); a line stops where the prior cannot reach the bridge\'s noise level', {
    data: { values: points },
    hconcat: [panel('sOverS', 's(t) / S', false, bridges, priors), panel('scale', 'scale(t) = √ᾱ_s / Θ_t (log)', true, bridges, priors)],
  });
}
