/**
 * README.md quotes only figures the suite holds: each accuracy claim in test/helpers/claims.ts, which
 * the parity tests assert at figure × CLAIM_MARGIN, appears in README.md word for word, and the
 * figures that follow from the code or the fixtures are recomputed here. (Speed ratios are printed by
 * `npm run bench`; results/README.md is generated from the runs it reports.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS } from '../src/models/presets.js';
import { countMacs, countParams } from '../src/models/spec.js';
import { CLAIMS, CLAIM_MARGIN } from './helpers/claims.js';

const squash = (s: string) => s.replace(/\s+/g, ' ');
const readme = squash(readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8'));

describe('README.md accuracy figures', () => {
  it.each(Object.entries(CLAIMS))('%s is quoted as the tests hold it', (_, claim) => {
    expect(readme).toContain(squash(claim.quote));
    expect(claim.quote).toContain(claim.figure.toExponential());
  });
  it('states the margin the tests allow', () => {
    expect(CLAIM_MARGIN).toBe(1.5);
    expect(readme).toContain('the tests fail above 1.5× it');
  });
});

describe('README.md figures computed from the code and the fixtures', () => {
  it('preset sizes and thop MACs at 256² (Models)', () => {
    const m = (name: string) => (countParams(MODEL_PRESETS[name].config) / 1e6);
    const g = (name: string) => (countMacs(MODEL_PRESETS[name].config, 256, 256).convAndLinear / 1e9).toFixed(1);
    expect(readme).toContain(`T ${m('T').toFixed(3)}M, S ${m('S').toFixed(2)}M, B ${m('B').toFixed(2)}M / ${g('B')} GMACs at 256²`);
    expect(readme).toContain(`L ${m('L').toFixed(2)}M / ${g('L')}G`);
  });
  it('how far conventions differ on the same pair (Metrics), from the reference values of the fixture photographs', () => {
    const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'metrics', 'reference.json'), 'utf8')) as {
      pairs: { values: { convention: string; cropBorder: number; resizeGt?: boolean; psnr: number | null }[] }[];
    };
    const yVsRgb: number[] = [];
    const basicsrVsMatlab: number[] = [];
    for (const pair of fixture.pairs) {
      const psnr = new Map(pair.values.filter((v) => v.cropBorder === 0 && !v.resizeGt && v.psnr !== null).map((v) => [v.convention, v.psnr!]));
      const [y, rgb, matlab] = [psnr.get('basicsr-y'), psnr.get('basicsr-rgb'), psnr.get('matlab-y')];
      if (y === undefined || rgb === undefined || matlab === undefined || y === rgb) continue; // grey pairs: Y = RGB
      yVsRgb.push(Math.abs(y - rgb));
      basicsrVsMatlab.push(Math.abs(y - matlab));
    }
    expect(yVsRgb.length).toBeGreaterThanOrEqual(6);
    expect(readme).toContain(`Y-channel and RGB PSNR by ${Math.min(...yVsRgb).toFixed(2)}–${Math.max(...yVsRgb).toFixed(2)} dB`);
    expect(readme).toContain(`BasicSR's and MATLAB's Y by up to ${Math.max(...basicsrVsMatlab).toFixed(2)} dB`);
  });
});

describe('README.md on RDDM', () => {
  it("says which sum_scale is the class default and which RDDM's restoration scripts pass", () => {
    expect(readme).toContain("`sum_scale = 0.01` (`rddmSchedule`'s default, preset `rddm`) is the `ResidualDiffusion` class default for conditional models");
    expect(readme).toContain('RDDM\'s own restoration scripts (experiment 2, deraining) pass `sum_scale = 1` (preset `rddm-generation`)');
    expect(readme).not.toContain("RDDM's restoration default");
  });
});
