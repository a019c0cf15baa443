import { describe, expect, it } from 'vitest';
import { paperScheduleCurves, planReport, scheduleCurvePoints, scheduleCurvesPlot } from '../../../src/reports/index.js';
import { RDDM_CURVE_PRESETS, rddmScheduleCurves } from '../../../src/rddm/index.js';
import { drawn } from './drawn.js';

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const values = (spec: unknown) => (spec as { data: { values: Array<{ label?: string; curve?: string; series?: string }> } }).data.values;

describe('the lineage plot of the report', () => {
  it('puts every RDDM_CURVE_PRESETS entry beside the paper schedules (T = 100), and compiles', async () => {
    const bridge = planReport([]).sections.find((s) => s.id === 'bridge')!;
    expect(bridge.plots.map((p) => p.id)).toEqual(['bridge-curves', 'lineage-curves']);
    const spec = bridge.plots[1].spec;
    const text = JSON.stringify(spec);
    for (const c of [...paperScheduleCurves(), ...rddmScheduleCurves()]) expect(text).toContain(JSON.stringify(c.label));
    expect(rddmScheduleCurves()).toHaveLength(Object.keys(RDDM_CURVE_PRESETS).length);
    // 6 paper curves (3 schedules, 2 more λ, the official λ) and the 4 RDDM ones, each drawn at all T = 100
    // steps for Θ and Σ; the RNR factor (θ̄, λ of the bridge) only for the bridges, without its 0 at t = T−1
    const curves = [...paperScheduleCurves(100), ...rddmScheduleCurves(100)];
    expect(curves).toHaveLength(6 + 4);
    expect(new Set(values(spec).map((v) => v.series)).size).toBe(10);
    const points = scheduleCurvePoints(curves);
    expect(points.filter((p) => p.quantity !== 'RNR')).toHaveLength(10 * 2 * 100);
    expect(points.filter((p) => p.quantity === 'RNR')).toHaveLength(6 * 99);
    expect(await drawn(spec)).toEqual({ line: points.length });
    // snapshot at T = 5 (small fixture): same curves, same spec shape
    await expect(json(scheduleCurvesPlot([...paperScheduleCurves(5), ...rddmScheduleCurves(5)]))).toMatchFileSnapshot('../../fixtures/reports/specs/lineage-curves.vl.json');
  });
});

describe('the report\'s two schedule plots', () => {
  it('have titles of their own (lineage-curves repeated bridge-curves\' title)', () => {
    const [bridge, lineage] = planReport([]).sections.find((s) => s.id === 'bridge')!.plots.map((p) => (p.spec as { title: { text: string } }).title.text);
    expect(lineage).not.toBe(bridge);
    expect(lineage).toContain('lineage');
  });
});
