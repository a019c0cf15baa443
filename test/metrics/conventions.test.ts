/** The shared suite every registered convention must pass, plus registry and luma checks. */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../src/image/io.js';
import type { Image8 } from '../../src/image/types.js';
import { CONVENTIONS, CONVENTION_IDS, type ConventionId, getConvention } from '../../src/metrics/conventions.js';
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
    expect(() => getConvention('psnr')).toThrow('unknown convention: "psnr" (expected one of rdbm, basicsr-y, basicsr-rgb, skimage-gaussian, matlab-y, image-ssim)');
  });
  it('only image-ssim is a preview; only matlab-y resizes', () => {
    expect(CONVENTION_IDS.filter((id) => CONVENTIONS[id].preview)).toEqual(['image-ssim']);
    expect(CONVENTION_IDS.filter((id) => CONVENTIONS[id].resizesGt)).toEqual(['matlab-y']);
  });
});

/** What each convention's description and reference must say (metrics-conventions.md). */
const STATED: Record<ConventionId, { colour: RegExp; window: string; reference: string }> = {
  rdbm: { colour: /^RGB; PSNR in float32/, window: '7×7 uniform window', reference: 'DGSolver code/test.py' },
  'basicsr-y': { colour: /^Y = 16 \+ \(65\.481 R/, window: 'SSIM 11×11 Gaussian σ 1.5', reference: 'basicsr/metrics/psnr_ssim.py' },
  'basicsr-rgb': { colour: /^RGB; PSNR float64 peak 255/, window: 'SSIM 11×11 Gaussian σ 1.5', reference: 'basicsr/metrics/psnr_ssim.py' },
  'skimage-gaussian': { colour: /^RGB; PSNR float64 peak 255/, window: 'truncate 3.5 → 11 taps', reference: 'structural_similarity(channel_axis=2, gaussian_weights=True, sigma=1.5' },
  'matlab-y': { colour: /^Y of MATLAB rgb2ycbcr on uint8/, window: 'fspecial gaussian 11/1.5', reference: 'DiffUIR eval/SOTS.m' },
  'image-ssim': { colour: /^PREVIEW ONLY, never for paper tables/, window: 'non-overlapping 8×8 blocks', reference: 'npm image-ssim' },
};

describe('every convention', async () => {
  const gt = await readImage(join(PAIRS, 'occluded.gt.png'));
  const pred = await readImage(join(PAIRS, 'occluded.pred.png'));
  const grey = await readImage(join(PAIRS, 'grey-blur.gt.png'));
  for (const id of CONVENTION_IDS) {
    const c = CONVENTIONS[id];
    describe(id, () => {
      it('states its colour space, SSIM window (the one minSize is derived from) and reference', () => {
        const stated = STATED[id];
        expect(c.description).toMatch(stated.colour);
        expect(c.description).toContain(stated.window);
        expect(stated.window).toContain(String(c.minSize));
        expect(c.reference).toContain(stated.reference);
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
        expect(scorePair(small(c.minSize, c.minSize), small(c.minSize, c.minSize), id)).toMatchObject({ ssim: 1, identical: true });
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
