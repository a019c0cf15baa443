/** The shared suite every registered convention must pass, plus registry and luma checks. */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../src/image/io.js';
import type { Image8 } from '../../src/image/types.js';
import { CONVENTIONS, CONVENTION_IDS, getConvention } from '../../src/metrics/conventions.js';
import { matlabLuma } from '../../src/metrics/luma.js';
import { scorePair } from '../../src/metrics/score.js';

const PAIRS = join(import.meta.dirname, '../fixtures/metrics/pairs');
const reference = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/metrics/reference.json'), 'utf8')) as {
  octaveLuma: { exceptions: [number, number, number, number][] };
};

describe('registry', () => {
  it('registers every id explicitly', () => {
    expect(Object.keys(CONVENTIONS)).toEqual([...CONVENTION_IDS]);
    for (const id of CONVENTION_IDS) expect(getConvention(id).id).toBe(id);
  });
  it('unknown ids throw listing the known ones', () => {
    expect(() => getConvention('psnr')).toThrow('unknown convention "psnr" (expected one of rdbm, basicsr-y, basicsr-rgb, skimage-gaussian, matlab-y, image-ssim)');
  });
  it('only image-ssim is a preview; only matlab-y resizes', () => {
    expect(CONVENTION_IDS.filter((id) => CONVENTIONS[id].preview)).toEqual(['image-ssim']);
    expect(CONVENTION_IDS.filter((id) => CONVENTIONS[id].resizesGt)).toEqual(['matlab-y']);
  });
});

describe('every convention', async () => {
  const gt = await readImage(join(PAIRS, 'occluded.gt.png'));
  const pred = await readImage(join(PAIRS, 'occluded.pred.png'));
  const grey = await readImage(join(PAIRS, 'grey-blur.gt.png'));
  for (const id of CONVENTION_IDS) {
    const c = CONVENTIONS[id];
    describe(id, () => {
      it('states description and reference', () => {
        expect(c.description.length).toBeGreaterThan(20);
        expect(c.reference.length).toBeGreaterThan(10);
      });
      it('identical images: SSIM 1, PSNR +inf (rdbm: 100), flagged identical', () => {
        for (const img of [gt, grey]) {
          const s = scorePair(img, img, id);
          expect(s.ssim).toBeCloseTo(1, 12);
          expect(s.psnr).toBe(id === 'rdbm' ? 100 : Infinity);
          expect(s.identical).toBe(true);
        }
      });
      it('is symmetric and bounded', () => {
        const ab = scorePair(gt, pred, id);
        const ba = scorePair(pred, gt, id);
        expect(ba.psnr).toBeCloseTo(ab.psnr, 9);
        expect(ba.ssim).toBeCloseTo(ab.ssim, 9);
        expect(ab.ssim).toBeLessThan(1);
        expect(ab.ssim).toBeGreaterThan(0);
        expect(ab.psnr).toBeGreaterThan(10);
        expect(ab.identical).toBe(false);
      });
      it(`needs ${c.minSize}×${c.minSize} and says so`, () => {
        const small = (w: number, h: number): Image8 => ({ width: w, height: h, channels: 3, data: gt.data.subarray(0, w * h * 3) });
        expect(() => scorePair(small(c.minSize, c.minSize), small(c.minSize, c.minSize), id)).not.toThrow();
        expect(() => scorePair(small(c.minSize - 1, c.minSize + 5), small(c.minSize - 1, c.minSize + 5), id)).toThrow(
          new RegExp(`smaller than the SSIM window of ${id} \\(needs at least ${c.minSize}×${c.minSize}\\)`),
        );
      });
    });
  }
  it('image-ssim is the package itself', () => {
    const pkg = createRequire(import.meta.url)('image-ssim') as { compare(a: unknown, b: unknown): { ssim: number } };
    expect(scorePair(gt, pred, 'image-ssim').ssim).toBe(pkg.compare(gt, pred).ssim);
  });
  it('rejects grey against RGB naming both', () => {
    expect(() => scorePair(grey, gt, 'rdbm', {}, { gt: 'g.png', pred: 'p.png' })).toThrow('channel mismatch: g.png is grey but p.png is RGB');
  });
});

describe('MATLAB/Octave uint8 luma', () => {
  it('reproduces the Octave exceptions at exact ties', () => {
    for (const [r, g, b, y] of reference.octaveLuma.exceptions) expect(matlabLuma(r, g, b)).toBe(y);
  });
  it('is round-half-up of the exact BT.601 value elsewhere', () => {
    for (let i = 0; i < 20000; i++) {
      const r = (i * 37) % 256;
      const g = (i * 101) % 256;
      const b = (i * 211) % 256;
      const exact = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255;
      const y = matlabLuma(r, g, b);
      expect(Math.abs(y - exact)).toBeLessThanOrEqual(0.5 + 1e-9);
    }
  });
});
