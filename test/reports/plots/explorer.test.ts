/**
 * The bridge explorer spec, evaluated by Vega itself with its params set as a reader's slider and
 * selects would: x_t must equal qSample and log₁₀ R must equal residualToNoiseRatio at that setting.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { qSample } from '../../../src/bridge/marginal.js';
import { PI_VARIANTS } from '../../../src/bridge/pi.js';
import { residualToNoiseRatio } from '../../../src/bridge/rnr.js';
import { bridgeSchedule } from '../../../src/bridge/schedule.js';
import { RdbmError } from '../../../src/errors.js';
import { EXPLORER_PARAMS, bridgeExplorerPlot, explorerCurves } from '../../../src/reports/plots/explorer.js';
import { compileVegaLite } from '../../../src/reports/render.js';
import { initBackend, tf } from '../../../src/tf/index.js';

const W = 5, H = 4, n = W * H * 3, T = 12;
// deterministic pair with a few pixels where x₀ = μ (π = x₀ − μ is 0 there: R's limit applies)
const x0 = Array.from({ length: n }, (_, i) => Math.round(Math.sin(i * 1.7) * 8000) / 10000);
const mu = x0.map((v, i) => (i % 7 === 0 ? v : Math.round(Math.cos(i * 0.9) * 6000) / 10000));
const noise = Array.from({ length: n }, (_, i) => Math.round(Math.sin(i * 1.3 + 1) * 10000) / 10000);
const lambdas = [{ label: '10/255', value: 10 / 255 }, { label: '100/255', value: 100 / 255 }];
const options = { x0, mu, noise, width: W, height: H, timesteps: T, schedules: ['cosine', 'linear', 'sigmoid'] as const, lambdas };

async function evaluate(setting: { schedule: string; lambda: string; pi: string; t: number }) {
  const vega = await import('vega');
  const compiled = await compileVegaLite(bridgeExplorerPlot(options));
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  view.signal(EXPLORER_PARAMS.schedule, setting.schedule).signal(EXPLORER_PARAMS.lambda, setting.lambda)
    .signal(EXPLORER_PARAMS.pi, setting.pi).signal(EXPLORER_PARAMS.t, setting.t);
  await view.runAsync();
  const rows = (field: string) => {
    for (const d of compiled.data ?? []) {
      const values = view.data(d.name) as Record<string, number>[];
      if (values.length === W * H && field in values[0]) return [...values].sort((a, b) => a.y - b.y || a.x - b.x);
    }
    throw new Error(`no dataset with ${field}`);
  };
  const out = { xt: rows('xt_r'), logR: rows('logR') };
  view.finalize();
  return out;
}

describe('bridgeExplorerPlot', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('holds the (schedule, λ, t) grid of bridgeSchedule', () => {
    const rows = explorerCurves(options);
    expect(rows.length).toBe(3 * 2 * T);
    const s = bridgeSchedule({ schedule: 'sigmoid', timesteps: T, lambda: 100 / 255 });
    const row = rows.find((r) => r.key === 'sigmoid|100/255|5')!;
    expect(row.Theta).toBe(s.Theta[5]);
    expect(row.Sigma).toBe(s.Sigma[5]);
  });

  for (const [schedule, lambda, t] of [['cosine', '10/255', 3], ['sigmoid', '100/255', 8], ['linear', '100/255', 0]] as const) {
    it(`x_t and log₁₀ R in the viewer equal qSample and residualToNoiseRatio (${schedule}, λ = ${lambda}, t = ${t})`, async () => {
      const s = bridgeSchedule({ schedule, timesteps: T, lambda: lambdas.find((l) => l.label === lambda)!.value });
      for (const pi of PI_VARIANTS) {
        const { xt, logR } = await evaluate({ schedule, lambda, pi, t });
        const shape = [1, H, W, 3];
        const ref = qSample({ x0: tf.tensor(x0, shape), mu: tf.tensor(mu, shape), noise: tf.tensor(noise, shape), t, pi, schedule: s });
        const want = Array.from(await ref.data());
        ref.dispose();
        const got = xt.flatMap((p) => [p.xt_r, p.xt_g, p.xt_b]);
        // the spec stores x₀, μ, ε, π with 5 significant digits; qSample runs in float32
        for (let i = 0; i < n; i++) expect(Math.abs(got[i] - want[i]), `${pi} value ${i}`).toBeLessThan(2e-4);
        const R = residualToNoiseRatio({ x0, mu, schedule: s, pi, t });
        for (let p = 0; p < W * H; p++) {
          const mean = (R[3 * p] + R[3 * p + 1] + R[3 * p + 2]) / 3;
          const expected = Math.min(3, Math.max(-3, Math.log10(mean)));
          expect(Math.abs(logR[p].logR - expected), `${pi} pixel ${p}`).toBeLessThan(1e-3);
        }
      }
    }, 60_000);
  }

  it('refuses images of the wrong size in one line', () => {
    expect(() => bridgeExplorerPlot({ ...options, width: W + 1 })).toThrow(RdbmError);
    expect(() => bridgeExplorerPlot({ ...options, width: W + 1 })).toThrow(/6×4×3 = 72 values \(got 60, 60, 60\)/);
  });
});
