import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boxDownsample, quantizeUnitImage, unitFloatImage } from '../../src/data/pixels.js';
import { lineKernel } from '../../src/data/filters.js';
import { DEGRADATIONS, DEGRADATION_NAMES, type HazeParams, type LowLightParams, type MotionBlurParams, type RainParams, type SnowParams } from '../../src/data/degradations/index.js';
import type { Degradation } from '../../src/data/degradations/index.js';
import { createRng } from '../../src/util/random.js';

/** Golden values from scripts/reference/experiments_degradations.py (numpy + OpenCV filter2D). */
const golden = JSON.parse(readFileSync(new URL('../fixtures/experiments/degradations.json', import.meta.url), 'utf8'));
const image8 = { width: 20, height: 16, channels: 3 as const, data: Uint8Array.from(golden.image.data as number[]) };
const clean = unitFloatImage(image8);
const f32 = (a: number[]) => Float32Array.from(a);

function params(name: string): unknown {
  const p = golden.cases[name].params;
  switch (name) {
    case 'rain':
      return { ...p, drops: f32(p.drops) } satisfies RainParams;
    case 'low-light':
      return { ...p, noise: f32(p.noise) } satisfies LowLightParams;
    case 'snow':
      return { veil: p.veil, layers: p.layers.map((l: { sigma: number; flakes: number[] }) => ({ sigma: l.sigma, flakes: f32(l.flakes) })) } satisfies SnowParams;
    case 'haze':
      return p as HazeParams;
    default:
      return { ...p, noise: f32(p.noise) } satisfies MotionBlurParams;
  }
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('degradation models against the numpy/OpenCV reference', () => {
  for (const name of DEGRADATION_NAMES) {
    it(`${name} matches within float32 precision`, () => {
      const d = DEGRADATIONS[name] as Degradation<unknown>;
      const out = d.apply(clean, params(name));
      const expected = golden.cases[name].output as number[];
      expect(maxAbs(out.data, expected)).toBeLessThan(2e-6);
      // the 8-bit files agree too (ties of floor(v·255 + 0.5) may flip by one level in float32)
      const q = quantizeUnitImage(out).data;
      const qRef = expected.map((v) => Math.floor(Math.min(1, Math.max(0, v)) * 255 + 0.5));
      expect(maxAbs(q, qRef)).toBeLessThanOrEqual(1);
      expect(q.filter((v, i) => v !== qRef[i]).length).toBeLessThanOrEqual(2);
      // the degradation actually changes the image
      expect(maxAbs(out.data, clean.data)).toBeGreaterThan(0.05);
    });
  }

  it('line kernels match the reference rasterisation', () => {
    const rain = golden.cases.rain.params;
    expect(Array.from(lineKernel(rain.length, rain.angle, false).data)).toEqual(golden.cases.rain.kernel);
    const blur = golden.cases['motion-blur'].params;
    expect(maxAbs(lineKernel(blur.length, blur.angle, true).data, golden.cases['motion-blur'].kernel)).toBeLessThan(1e-15);
  });

  it('box downsampling matches floor(block mean + 0.5)', () => {
    const { width, height, factor, input, output } = golden.downsample;
    const out = boxDownsample({ width, height, channels: 3, data: Uint8Array.from(input) }, factor);
    expect([out.width, out.height]).toEqual([width / factor, height / factor]);
    expect(Array.from(out.data)).toEqual(output);
  });
});

describe('sampling', () => {
  it('draws the same parameters from the same seed and different ones from another', () => {
    for (const name of DEGRADATION_NAMES) {
      const d = DEGRADATIONS[name] as Degradation<unknown>;
      const a = d.apply(clean, d.sample(createRng('s1'), 20, 16, 3));
      const b = d.apply(clean, d.sample(createRng('s1'), 20, 16, 3));
      const c = d.apply(clean, d.sample(createRng('s2'), 20, 16, 3));
      expect(Array.from(a.data)).toEqual(Array.from(b.data));
      expect(maxAbs(a.data, c.data)).toBeGreaterThan(0);
    }
  });

  it('keeps every output in [0, 1]', () => {
    for (const name of DEGRADATION_NAMES) {
      const d = DEGRADATIONS[name] as Degradation<unknown>;
      const out = d.apply(clean, d.sample(createRng(7), 20, 16, 3));
      expect(Math.min(...out.data)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...out.data)).toBeLessThanOrEqual(1);
    }
  });

  it('registers the five tasks in the RDBM/DGSolver folder names', () => {
    expect(DEGRADATION_NAMES.map((n) => DEGRADATIONS[n].task)).toEqual(['Deraining', 'Enlighening', 'Desnowing', 'Dehazing', 'Deblur']);
  });
});
