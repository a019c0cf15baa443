import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { unetConfig } from '../../src/models/config.js';
import { MODEL_PRESETS, modelPreset } from '../../src/models/presets.js';
import { countMacs, countParams, parameterSpecs } from '../../src/models/spec.js';
import { FIXTURES } from './helpers.js';

const counts = JSON.parse(readFileSync(join(FIXTURES, 'param_counts.json'), 'utf8')) as { counts: Record<string, { dim: number; dimMults: number[]; params: number }> };

describe('parameter counts (golden: official Unet in PyTorch, param_counts.json)', () => {
  test.each(Object.entries(counts.counts))('%s', (name, c) => {
    const preset = modelPreset(name);
    expect(preset.config.dim).toBe(c.dim);
    expect(preset.config.dimMults).toEqual(c.dimMults);
    if (name !== 'tiny') expect(countParams(preset.config)).toBe(c.params);
  });
  test('DiffUIR published sizes: 0.89M, 3.27M, 12.41M, 36.26M', () => {
    expect(['diffuir-0.89M', 'diffuir-3.27M', 'diffuir-12.41M', 'diffuir-36.26M'].map((n) => (countParams(MODEL_PRESETS[n].config) / 1e6).toFixed(2))).toEqual(['0.89', '3.27', '12.41', '36.26']);
  });
  test('RDBM presets: T ≈ 0.45M, B ≈ 3.65M / 23.97G, L ≈ 7.73M / 32.93G (conv+linear MACs at 256²)', () => {
    expect(countParams(MODEL_PRESETS.T.config)).toBe(447067);
    expect(countParams(MODEL_PRESETS.B.config)).toBe(3638235);
    expect(countParams(MODEL_PRESETS.L.config)).toBe(7700707);
    const s = countParams(MODEL_PRESETS.S.config);
    expect(s).toBeGreaterThan(447067);
    expect(s).toBeLessThan(3638235);
    expect(countMacs(MODEL_PRESETS.B.config, 256, 256).convAndLinear / 1e9).toBeCloseTo(23.82, 2);
    expect(countMacs(MODEL_PRESETS.L.config, 256, 256).convAndLinear / 1e9).toBeCloseTo(32.90, 2);
  });
});

describe('config and names', () => {
  test('state-dict names follow the official module tree', () => {
    const names = parameterSpecs(unetConfig({ dim: 8, dimMults: [1, 2] })).map((s) => s.name);
    expect(names).toContain('downs.0.2.fn.fn.to_qkv.weight');
    expect(names).toContain('downs.0.2.fn.norm.g');
    expect(names).toContain('ups.0.3.1.weight');
    expect(names).toContain('ups.1.3.weight');
    expect(names).toContain('mid_attn.fn.fn.to_out.weight');
    expect(names).toContain('final_res_block.res_conv.weight');
    expect(names).toContain('time_mlp.3.bias');
    expect(names).not.toContain('downs.0.0.res_conv.weight');
  });
  test('MACs grow with the padded resolution', () => {
    const c = MODEL_PRESETS.T.config;
    expect(countMacs(c, 250, 250).total).toBe(countMacs(c, 256, 256).total);
    expect(countMacs(c, 512, 512).convAndLinear).toBeGreaterThan(3.9 * countMacs(c, 256, 256).convAndLinear);
  });
  test('bad configs and unknown presets throw one-line errors', () => {
    expect(() => unetConfig({ dim: 12, dimMults: [1, 2] })).toThrow(/divisible by resnetBlockGroups 8/);
    expect(() => unetConfig({ dim: 8, dimMults: [] })).toThrow(/dimMults/);
    expect(() => unetConfig({ dim: 8, dimMults: [1], foo: 1 } as never)).toThrow(/unknown field "foo"/);
    expect(() => modelPreset('XL')).toThrow(/unknown model preset: "XL" \(expected one of T, S, B, L/);
    expect(Object.isFrozen(MODEL_PRESETS.B.config.dimMults)).toBe(true);
  });
});
