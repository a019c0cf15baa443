/**
 * The interactive bridge explorer: one Vega-Lite spec whose params, bound to a slider and selects
 * (θ schedule, λ, π variant, step t), move through grids computed beforehand by the bridge module —
 * Θ_t, Σ_t and the RNR factor per (schedule, λ, t), and per pixel x₀, μ, ε, π for every variant and
 * the pixel part of R (paper §3.3). Only the paper's forward marginal
 *   x_t = μ + Θ_t (x₀ − μ) + Σ_t · π ⊙ ε
 * and R = (pixel part) · (RNR factor of t) are evaluated in the viewer, so a reader moves through the
 * forward trajectory and the RNR map without re-running a cell (JupyterLab, VS Code); the PNG beside
 * the spec shows the initial setting.
 */
import type { TopLevelSpec } from 'vega-lite';
import { PI_VARIANTS, type PiVariant, type ThetaScheduleName, bridgeSchedule, residualToNoiseRatio, rnrCurve } from '../../bridge/index.js';
import { diffusionCoefficientScalar } from '../../bridge/pi.js';
import { RdbmError } from '../../errors.js';
import { topLevel } from './common.js';

export interface ExplorerLambda {
  /** shown in the select, e.g. `10/255` */
  readonly label: string;
  readonly value: number;
}

export interface BridgeExplorerOptions {
  /** clean image x₀, HWC (3 channels), values in [−1, 1] */
  readonly x0: ArrayLike<number>;
  /** degraded image μ, same layout */
  readonly mu: ArrayLike<number>;
  /** ε, same layout (passed in: no hidden randomness) */
  readonly noise: ArrayLike<number>;
  readonly width: number;
  readonly height: number;
  /** T */
  readonly timesteps: number;
  readonly schedules: readonly ThetaScheduleName[];
  readonly lambdas: readonly ExplorerLambda[];
  /** the setting shown first (and in the PNG) */
  readonly initial?: { readonly schedule?: ThetaScheduleName; readonly lambda?: string; readonly pi?: PiVariant; readonly t?: number };
  /** screen pixels per image pixel (default 3) */
  readonly zoom?: number;
  readonly title?: string;
}

/** Signal names of the bound params (the test sets them). */
export const EXPLORER_PARAMS = Object.freeze({ schedule: 'thetaSchedule', lambda: 'lambdaLabel', pi: 'piVariant', t: 'step' });

const CHANNELS = ['r', 'g', 'b'] as const;
// 5 significant digits keep the spec small; far below what a colour can show
const round = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(5)) : null);

export interface ExplorerCurveRow {
  readonly key: string;
  readonly schedule: string;
  readonly lambda: string;
  readonly t: number;
  readonly Theta: number;
  readonly Sigma: number;
  /** RNR factor sinh(θ̄_{t:T}) / (2λ sinh(θ̄_{0:t}) sinh(θ̄_{0:T})); null where infinite */
  readonly k: number | null;
}

/** The (schedule, λ, t) grid: Θ_t, Σ_t and the RNR factor from bridgeSchedule and rnrCurve. */
export function explorerCurves(options: Pick<BridgeExplorerOptions, 'timesteps' | 'schedules' | 'lambdas'>): ExplorerCurveRow[] {
  const rows: ExplorerCurveRow[] = [];
  for (const name of options.schedules) {
    for (const { label, value } of options.lambdas) {
      const schedule = bridgeSchedule({ schedule: name, timesteps: options.timesteps, lambda: value });
      const k = rnrCurve(schedule);
      for (let t = 0; t < schedule.timesteps; t++) {
        rows.push({ key: `${name}|${label}|${t}`, schedule: name, lambda: label, t, Theta: schedule.Theta[t], Sigma: schedule.Sigma[t], k: round(k[t]) });
      }
    }
  }
  return rows;
}

/**
 * Per pixel: x₀, μ, ε and π of every variant per channel (diffusionCoefficientScalar), and the
 * channel mean of R / (RNR factor) per variant (residualToNoiseRatio, so its limits apply: 1 where
 * π = x₀ − μ, +∞ → null for π = 0).
 */
export function explorerPixels(options: Pick<BridgeExplorerOptions, 'x0' | 'mu' | 'noise' | 'width' | 'height'>): Record<string, number | null>[] {
  const { x0, mu, noise, width, height } = options;
  const n = width * height * 3;
  if (x0.length !== n || mu.length !== n || noise.length !== n) {
    throw new RdbmError(`bridgeExplorerPlot: x0, mu and noise must each hold ${width}×${height}×3 = ${n} values (got ${x0.length}, ${mu.length}, ${noise.length})`);
  }
  // any schedule with a finite, non-zero factor at t = 0 recovers the pixel part exactly: R / k
  const unit = bridgeSchedule({ schedule: 'linear', timesteps: 2, lambda: 1 });
  const k0 = rnrCurve(unit)[0];
  const ratios = Object.fromEntries(PI_VARIANTS.map((pi) => [pi, residualToNoiseRatio({ x0, mu, schedule: unit, pi, t: 0 })]));
  const pixels: Record<string, number | null>[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      const row: Record<string, number | null> = { x, y };
      CHANNELS.forEach((c, i) => {
        row[`x0_${c}`] = round(x0[o + i]);
        row[`mu_${c}`] = round(mu[o + i]);
        row[`eps_${c}`] = round(noise[o + i]);
        for (const pi of PI_VARIANTS) row[`pi_${pi}_${c}`] = round(diffusionCoefficientScalar(pi, x0[o + i], mu[o + i]));
      });
      for (const pi of PI_VARIANTS) row[`ratio_${pi}`] = round((ratios[pi][o] + ratios[pi][o + 1] + ratios[pi][o + 2]) / 3 / k0);
      pixels.push(row);
    }
  }
  return pixels;
}

/** Inline CSV (header + rows): a third of the size of the same rows as JSON objects; null → empty. */
function csv(table: readonly object[]): string {
  const rows = table as readonly Record<string, unknown>[];
  const columns = Object.keys(rows[0] ?? {});
  return [columns.join(','), ...rows.map((r) => columns.map((c) => (r[c] === null ? '' : String(r[c]))).join(','))].join('\n');
}

/** The `data` of a view over a CSV dataset, numbers parsed (empty → null). */
function csvData(name: string, rows: readonly object[], strings: readonly string[] = []): Record<string, unknown> {
  const parse = Object.fromEntries(Object.keys(rows[0] ?? {}).filter((c) => !strings.includes(c)).map((c) => [c, 'number']));
  return { name, format: { type: 'csv', parse } };
}

const rgb = (prefix: string) => `'rgb(' + ${CHANNELS.map((c) => `round(clamp((datum.${prefix}_${c} + 1) / 2, 0, 1) * 255)`).join(" + ',' + ")} + ')'`;

export function bridgeExplorerPlot(options: BridgeExplorerOptions): TopLevelSpec {
  const { schedules, lambdas, timesteps: T, width, height } = options;
  if (schedules.length === 0 || lambdas.length === 0) throw new RdbmError('bridgeExplorerPlot: give at least one θ schedule and one λ');
  const zoom = options.zoom ?? 3;
  const P = EXPLORER_PARAMS;
  const initial = options.initial ?? {};
  const curves = explorerCurves(options);
  const pixels = explorerPixels(options);
  const curveData = csvData('curves', curves, ['key', 'schedule', 'lambda']);
  const pixelData = csvData('pixels', pixels);
  const params = [
    { name: P.schedule, value: initial.schedule ?? schedules[0], bind: { input: 'select', options: schedules, name: 'θ schedule ' } },
    { name: P.lambda, value: initial.lambda ?? lambdas[0].label, bind: { input: 'select', options: lambdas.map((l) => l.label), name: 'λ ' } },
    { name: P.pi, value: initial.pi ?? 'residual', bind: { input: 'select', options: PI_VARIANTS, name: 'π ' } },
    { name: P.t, value: initial.t ?? Math.floor(T / 2), bind: { input: 'range', min: 0, max: T - 1, step: 1, name: 'step t ' } },
  ];
  const selected = `datum.schedule === ${P.schedule} && datum.lambda === ${P.lambda}`;
  const curveX = { field: 't', type: 'quantitative', title: 't' };
  const now = { transform: [{ filter: `datum.t === ${P.t}` }], mark: { type: 'rule', color: 'black', strokeDash: [4, 3] }, encoding: { x: curveX } };
  const picture = (title: string, color: Record<string, unknown>, transform: unknown[] = []) => ({
    title, width: width * zoom, height: height * zoom, data: pixelData, transform,
    mark: { type: 'rect' },
    encoding: { x: { field: 'x', type: 'ordinal', axis: null }, y: { field: 'y', type: 'ordinal', axis: null }, color },
  });
  const field = (name: string) => `datum['${name}_' + ${P.pi} + '_`;
  const atT = [
    { calculate: `${P.schedule} + '|' + ${P.lambda} + '|' + ${P.t}`, as: 'key' },
    { lookup: 'key', from: { data: curveData, key: 'key', fields: ['Theta', 'Sigma', 'k'] } },
  ];
  const trajectory = [
    ...atT,
    // the paper's forward marginal, x_t = μ + Θ_t (x₀ − μ) + Σ_t · π ⊙ ε, per channel
    ...CHANNELS.map((c) => ({ calculate: `datum.mu_${c} + datum.Theta * (datum.x0_${c} - datum.mu_${c}) + datum.Sigma * ${field('pi')}${c}'] * datum.eps_${c}`, as: `xt_${c}` })),
    { calculate: rgb('xt'), as: 'xt_rgb' },
  ];
  const rnr = [
    ...atT,
    // R = (pixel part) · k_t; null pixel part = +∞ (π = 0: no noise); shown clipped to 10^±3
    { calculate: `datum['ratio_' + ${P.pi}] === null ? 3 : clamp(log(datum['ratio_' + ${P.pi}] * datum.k) / LN10, -3, 3)`, as: 'logR' },
  ];
  return topLevel(options.title ?? 'Bridge explorer', 'move the sliders and selects below the plot (JupyterLab, VS Code); the image shows the initial setting', {
    params,
    datasets: { curves: csv(curves), pixels: csv(pixels) },
    resolve: { scale: { color: 'independent' } },
    vconcat: [
      {
        hconcat: [
          {
            title: 'Θ_t and Σ_t', width: 260, height: 160, data: curveData,
            layer: [
              { transform: [{ filter: selected }, { fold: ['Theta', 'Sigma'], as: ['quantity', 'value'] }, { calculate: "datum.quantity === 'Theta' ? 'Θ_t' : 'Σ_t'", as: 'quantity' }], mark: 'line',
                encoding: { x: curveX, y: { field: 'value', type: 'quantitative', title: null }, color: { field: 'quantity', type: 'nominal', title: null } } },
              { ...now, transform: [{ filter: selected }, ...now.transform] },
            ],
          },
          {
            title: 'RNR factor (log scale)', width: 260, height: 160, data: curveData,
            layer: [
              { transform: [{ filter: `${selected} && datum.k > 0` }], mark: 'line', encoding: { x: curveX, y: { field: 'k', type: 'quantitative', scale: { type: 'log' }, title: null } } },
              { ...now, transform: [{ filter: selected }, ...now.transform] },
            ],
          },
        ],
      },
      {
        hconcat: [
          picture('x₀ (clean)', { field: 'x0_rgb', type: 'nominal', scale: null, legend: null }, [{ calculate: rgb('x0'), as: 'x0_rgb' }]),
          picture('μ (degraded)', { field: 'mu_rgb', type: 'nominal', scale: null, legend: null }, [{ calculate: rgb('mu'), as: 'mu_rgb' }]),
          picture('x_t at step t', { field: 'xt_rgb', type: 'nominal', scale: null, legend: null }, trajectory),
          picture('log₁₀ R at step t', { field: 'logR', type: 'quantitative', scale: { domain: [-3, 3], scheme: 'viridis' }, title: 'log₁₀ R' }, rnr),
        ],
        // the pictures' colours are the pixels themselves (scale null) except the R map
        resolve: { scale: { color: 'independent' } },
      },
    ],
  });
}
