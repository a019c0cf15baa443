/**
 * The WebAssembly SIMD kernels (src/metrics/kernels/ssim.c) against the TypeScript kernels they
 * replace: bit-identical values, not merely close ones, so the reference parity checked in
 * parity.test.ts holds for both. And the embedded module is what its C source builds to.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../src/image/io.js';
import type { Image8 } from '../../src/image/types.js';
import { metricsJsKernels, loadWasmKernels, planeKernels, WASM_MAX_PIXELS } from '../../src/metrics/kernels/index.js';
import { basicsrY } from '../../src/metrics/luma.js';
import type { MetricPlane } from '../../src/metrics/plane.js';
import { ssimGaussianKernel, ssimConstants, ssimUniformSample } from '../../src/metrics/ssim.js';
import { requireTool } from '../helpers/requirements.js';

const ROOT = join(import.meta.dirname, '../..');
const PAIRS = join(ROOT, 'test/fixtures/metrics/pairs');
const G11 = ssimGaussianKernel(11, 1.5);
const { c1, c2 } = ssimConstants(255);
const wasm = loadWasmKernels()!;

/** deterministic pseudo-random 8-bit RGB image */
function pattern(width: number, height: number, seed: number, channels: 1 | 3 = 3): Image8 {
  const data = new Uint8Array(width * height * channels);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  return { width, height, channels, data };
}

const copy = (p: MetricPlane): MetricPlane => ({ width: p.width, height: p.height, data: Float32Array.from(p.data) });

/** both kernels on one pair: Y, MSE and SSIM must agree exactly */
function compare(gt: Image8, pred: Image8): { ssim: number; mse: number } {
  const ya = basicsrY(gt);
  const yb = basicsrY(pred);
  const [a, b] = wasm.planePair(gt.width, gt.height);
  wasm.basicsrY(gt, a);
  wasm.basicsrY(pred, b);
  expect(a.data).toEqual(ya.data);
  expect(b.data).toEqual(yb.data);
  const mse = wasm.mse(a, b);
  expect(mse).toBe(metricsJsKernels.mse(ya, yb));
  const ssim = wasm.ssimGauss11(a, b, G11, c1, c2);
  expect(ssim).toBe(metricsJsKernels.ssimGauss11(ya, yb, G11, c1, c2));
  return { ssim, mse };
}

describe('WebAssembly SIMD plane kernels', () => {
  it('load here and are the default', () => {
    expect(wasm.name).toBe('wasm-simd');
    expect(planeKernels().name).toBe(process.env.RDBM_METRICS_KERNELS === 'js' ? 'js' : 'wasm-simd');
    // beyond what wasm32 memory holds, the TypeScript kernels take over
    expect(planeKernels(WASM_MAX_PIXELS + 1).name).toBe('js');
  });

  it('match the TypeScript kernels bit for bit on every real-photo fixture pair', async () => {
    const names = readdirSync(PAIRS).filter((f) => f.endsWith('.gt.png'));
    expect(names.length).toBeGreaterThan(5);
    let compared = 0;
    for (const name of names) {
      const gt = await readImage(join(PAIRS, name));
      const pred = await readImage(join(PAIRS, name.replace('.gt.', '.pred.')));
      if (gt.channels !== 3 || gt.width !== pred.width || gt.height !== pred.height) continue;
      compare(gt, pred);
      expect(wasm.ssimUniform(gt, pred, 7)).toEqual(ssimUniformSample(gt, pred, 7));
      compared++;
    }
    expect(compared).toBeGreaterThan(5);
  });

  it('match on every width parity and the smallest sizes (SIMD tails)', () => {
    for (const [w, h] of [[11, 11], [12, 11], [13, 14], [14, 13], [31, 17], [64, 12]] as const) {
      const r = compare(pattern(w, h, w * 100 + h), pattern(w, h, w * 100 + h + 1));
      expect(r.ssim).toBeGreaterThan(-1);
      expect(r.ssim).toBeLessThan(1);
    }
  });

  it('uniform-window SSIM matches for grey and RGB, odd windows and the smallest sizes', async () => {
    const grey = await readImage(join(PAIRS, 'grey-blur.gt.png'));
    const greyPred = await readImage(join(PAIRS, 'grey-blur.pred.png'));
    expect(grey.channels).toBe(1);
    expect(wasm.ssimUniform(grey, greyPred, 7)).toEqual(ssimUniformSample(grey, greyPred, 7));
    for (const channels of [1, 3] as const) {
      for (const [w, h, win] of [[7, 7, 7], [8, 9, 7], [13, 10, 3], [30, 21, 9], [5, 5, 5]] as const) {
        const a = pattern(w, h, w + h, channels);
        const b = pattern(w, h, w + h + 7, channels);
        const got = wasm.ssimUniform(a, b, win);
        expect(got).toHaveLength(channels);
        expect(got).toEqual(ssimUniformSample(a, b, win));
      }
    }
  });

  it('score planes that live outside their memory (copied in), and grow for larger images', () => {
    const small = [basicsrY(pattern(40, 30, 1)), basicsrY(pattern(40, 30, 2))] as const;
    const big = [basicsrY(pattern(300, 200, 3)), basicsrY(pattern(300, 200, 4))] as const;
    for (const [a, b] of [small, big, small]) {
      expect(wasm.ssimGauss11(copy(a), copy(b), G11, c1, c2)).toBe(metricsJsKernels.ssimGauss11(a, b, G11, c1, c2));
      expect(wasm.mse(copy(a), copy(b))).toBe(metricsJsKernels.mse(a, b));
    }
  });

  it('refuse a plane view made stale by a larger planePair', () => {
    const k = loadWasmKernels()!;
    const [a, b] = k.planePair(20, 20);
    k.planePair(2000, 2000); // grows memory: the first views are detached
    expect(() => k.ssimGauss11(a, b, G11, c1, c2)).toThrow(/stale/);
  });

  it('are embedded exactly as scripts/build-wasm.sh builds ssim.c (and src/models/kernels/bmm.c, convgrad.c: --check covers every kernel; needs the clang that built it, and lld)', (ctx) => {
    const clang = spawnSync('clang', ['--version'], { encoding: 'utf8' });
    // the generated module names the clang that built it; another clang version emits other bytes
    const builtBy = /\((.*)\); do not edit/.exec(readFileSync(join(ROOT, 'src/metrics/kernels/ssim.wasm.ts'), 'utf8').split('\n')[0])?.[1];
    expect(builtBy).toMatch(/clang version/);
    requireTool(ctx, clang.status === 0 ? undefined : 'clang not found (apt-get install clang)', 'checking the embedded WebAssembly against ssim.c');
    requireTool(ctx, spawnSync('wasm-ld', ['--version']).status === 0 ? undefined : 'wasm-ld not found (apt-get install lld)', 'checking the embedded WebAssembly against ssim.c');
    const found = clang.stdout.split('\n')[0];
    if (found !== builtBy) {
      // not a missing tool: another clang emits other bytes, so only the clang that built it can check them
      const note = `checking the embedded WebAssembly against ssim.c: it was built by ${builtBy}, this machine has ${found}`;
      console.warn(`skipped ${note}`);
      ctx.skip(note);
      return;
    }
    const r = spawnSync(join(ROOT, 'scripts/build-wasm.sh'), ['--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
