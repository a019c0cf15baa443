/**
 * MATLAB imresize (bicubic, antialiased) against DiffUIR/BasicSR's Python port of MATLAB's
 * algorithm and against Octave's imresize (fixtures from scripts/reference/metrics_fixtures.py).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../src/image/io.js';
import { imresizeContributions, cubicKernel, imresizeMatlab } from '../../src/metrics/resize.js';
import { scorePair } from '../../src/metrics/score.js';

const DIR = join(import.meta.dirname, '../fixtures/metrics');
interface ResizeRecord { id: string; from: string; to: [number, number]; octave: string; matlabPort?: string; matlabPortAmbiguous?: number }
interface Value { convention: string; cropBorder: number; resizeGt?: boolean; psnr: number; ssim: number }
const fixture = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8')) as {
  imresize: ResizeRecord[];
  pairs: { id: string; gt: string; pred: string; values: Value[] }[];
};

function diff(a: Uint8Array, b: Uint8Array): { max: number; count: number } {
  let max = 0;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d) count++;
    max = Math.max(max, d);
  }
  return { max, count };
}

describe('cubic kernel and contributions', () => {
  it('is Keys a = -0.5 and interpolates at integer offsets', () => {
    expect([0, 1, 2, 0.5, 1.5].map(cubicKernel)).toEqual([1, 0, 0, 0.5625, -0.0625]);
  });
  it('normalises each row of weights and pads symmetrically', () => {
    const c = imresizeContributions(10, 7, 0.7);
    for (let i = 0; i < 7; i++) {
      let s = 0;
      for (let k = 0; k < c.taps; k++) s += c.weights[i * c.taps + k];
      expect(s).toBeCloseTo(1, 14);
    }
    expect(Math.min(...c.indices)).toBe(0);
    expect(Math.max(...c.indices)).toBe(9);
  });
});

describe('imresizeMatlab', () => {
  for (const r of fixture.imresize) {
    it(`${r.id}: matches MATLAB's algorithm (DiffUIR port) and Octave where Octave agrees`, async () => {
      const gt = await readImage(join(DIR, r.from));
      const ours = imresizeMatlab(gt, r.to[0], r.to[1]);
      expect([ours.width, ours.height]).toEqual(r.to);
      const octave = await readImage(join(DIR, r.octave));
      const vsOctave = diff(ours.data, octave.data);
      if (r.matlabPort) {
        // the port computes in float32: only samples within 1e-3 of a .5 rounding tie may differ
        const port = await readImage(join(DIR, r.matlabPort));
        const vsPort = diff(ours.data, port.data);
        expect(vsPort.max).toBeLessThanOrEqual(1);
        expect(vsPort.count).toBeLessThanOrEqual(r.matlabPortAmbiguous!);
        // Octave does not normalise antialiased weights: known differences when shrinking
        expect(vsOctave.max).toBeLessThanOrEqual(4);
      } else {
        // upscaling: no antialiasing, Keys weights sum to 1, Octave (single precision) agrees to 1 level at ties
        expect(vsOctave.max).toBeLessThanOrEqual(1);
        expect(vsOctave.count / ours.data.length).toBeLessThan(1e-3);
      }
    });
  }
  it('scores matlab-y with resizeGt within tolerance of Octave when upscaling', async () => {
    const pair = fixture.pairs.find((p) => p.id === 'resize-up')!;
    const gt = await readImage(join(DIR, pair.gt));
    const pred = await readImage(join(DIR, pair.pred));
    for (const v of pair.values) {
      const s = scorePair(gt, pred, 'matlab-y', { cropBorder: v.cropBorder, resizeGt: true });
      expect(Math.abs(s.psnr - v.psnr)).toBeLessThan(1e-4);
      expect(Math.abs(s.ssim - v.ssim)).toBeLessThan(5e-6);
    }
  });
  it('returns the image itself when the size already matches', async () => {
    const gt = await readImage(join(DIR, fixture.imresize[0].from));
    expect(imresizeMatlab(gt, gt.width, gt.height)).toBe(gt);
  });
});
