import { describe, expect, it } from 'vitest';
import { compileVegaLite, paperScheduleCurves, planReport, scheduleCurvesPlot } from '../../../src/reports/index.js';
import { RDDM_CURVE_PRESETS, rddmScheduleCurves } from '../../../src/rddm/index.js';

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
    expect(values(spec).length).toBeGreaterThan(0);
    await expect(compileVegaLite(spec)).resolves.toBeTruthy();
    expect(spec).toEqual(scheduleCurvesPlot([...paperScheduleCurves(100), ...rddmScheduleCurves(100)]));
    // snapshot at T = 5 (small fixture): same curves, same spec shape
    await expect(json(scheduleCurvesPlot([...paperScheduleCurves(5), ...rddmScheduleCurves(5)]))).toMatchFileSnapshot('../../fixtures/reports/specs/lineage-curves.vl.json');
  });
});
