/**
 * The kernels behind every SSIM convention but image-ssim: WebAssembly SIMD (./ssim.c) when the
 * runtime has it, the TypeScript kernels otherwise. Both give bit-identical results (test/metrics/kernels.test.ts), so the choice changes
 * speed only. `RDBM_METRICS_KERNELS=js` forces the TypeScript kernels.
 */
import type { Image8 } from '../../image/types.js';
import { basicsrY, BASICSR_Y_TERMS } from '../luma.js';
import { scratchF32, type MetricPlane } from '../plane.js';
import { msePlane } from '../psnr.js';
import { ssimConstants, ssimSeparable, ssimUniformSample } from '../ssim.js';
import { instantiateEmbedded } from '../../util/wasm.js';
import { WASM_BASE64 } from './ssim.wasm.js';

export interface PlaneKernels {
  readonly name: 'wasm-simd' | 'js';
  /**
   * Two `width × height` planes in the kernels' memory, reused between calls: valid until the next
   * `planePair` call, so callers fill and use them within one synchronous computation.
   */
  planePair(width: number, height: number): readonly [MetricPlane, MetricPlane];
  /** BasicSR's float32 Y of an 8-bit image (luma.ts basicsrY) into `into` (same size). */
  basicsrY(image: Image8, into: MetricPlane): void;
  /** mean((a − b)²), summed in pixel order */
  mse(a: MetricPlane, b: MetricPlane): number;
  /** ssimSeparable with an 11-tap symmetric kernel */
  ssimGauss11(a: MetricPlane, b: MetricPlane, kernel: Float64Array, c1: number, c2: number): number;
  /** ssimUniformSample: scikit-image's default SSIM per channel of two 8-bit images */
  ssimUniform(a: Image8, b: Image8, win: number): number[];
}

const plane = (width: number, height: number, data: Float32Array): MetricPlane => ({ width, height, data });

export const metricsJsKernels: PlaneKernels = Object.freeze({
  name: 'js' as const,
  planePair: (width: number, height: number) => {
    const n = width * height;
    return [plane(width, height, scratchF32('kernels-a', n)), plane(width, height, scratchF32('kernels-b', n))] as const;
  },
  basicsrY: (image: Image8, into: MetricPlane) => void basicsrY(image, into.data),
  mse: msePlane,
  ssimGauss11: ssimSeparable,
  ssimUniform: ssimUniformSample,
});

interface Exports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  readonly __heap_base: { readonly value: number };
  ssim_gauss11(a: number, b: number, width: number, height: number, kernel: number, c1: number, c2: number, rows: number): number;
  ssim_uniform(x: number, y: number, width: number, height: number, channels: number, win: number, c1: number, c2: number, cols: number, hs: number, terms: number, means: number): void;
  basicsr_y(rgb: number, n: number, terms: number, out: number): void;
  mse_plane(a: number, b: number, n: number): number;
}

const align16 = (n: number): number => (n + 15) & ~15;

/**
 * The WebAssembly kernels over one linear memory laid out for the largest image seen (grown, never
 * shrunk, so memory stays flat across a folder run):
 *   [taps: 16 f64][Y tables: 768 f64][means: 4 f64][rows: 4·W f64][plane a, plane b: f32]
 *   [image a, image b: 3 u8 per pixel][column sums, window sums: 4·3·W i32][terms: 3·W f64]
 */
function wasmKernels(exports: Exports): PlaneKernels {
  const { memory } = exports;
  const taps = align16(exports.__heap_base.value);
  const terms = taps + 16 * 8;
  const means = terms + 768 * 8;
  const rows = means + 4 * 8;
  let width = 0;
  let height = 0;
  let at = { planeA: 0, planeB: 0, imageA: 0, imageB: 0, cols: 0, hs: 0, rowTerms: 0 };
  let pair: readonly [MetricPlane, MetricPlane] | undefined;
  new Float64Array(memory.buffer, terms, 768).set(BASICSR_Y_TERMS);

  const layout = (w: number, h: number): readonly [MetricPlane, MetricPlane] => {
    const n = w * h;
    const planeA = align16(rows + 4 * w * 8);
    const planeB = align16(planeA + 4 * n);
    const imageA = align16(planeB + 4 * n);
    const imageB = align16(imageA + 3 * n);
    const cols = align16(imageB + 3 * n);
    const hs = align16(cols + 4 * 3 * w * 4);
    const rowTerms = align16(hs + 4 * 3 * w * 4);
    const end = rowTerms + 3 * w * 8;
    if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
    width = w;
    height = h;
    at = { planeA, planeB, imageA, imageB, cols, hs, rowTerms };
    pair = [plane(w, h, new Float32Array(memory.buffer, planeA, n)), plane(w, h, new Float32Array(memory.buffer, planeB, n))];
    return pair;
  };

  /** byte offset of `p` inside memory, or -1 when it lives elsewhere (or in a detached view) */
  const offsetOf = (p: MetricPlane): number => (p.data.buffer === memory.buffer ? p.data.byteOffset : -1);

  const planePair = (w: number, h: number): readonly [MetricPlane, MetricPlane] =>
    pair && w === width && h === height && pair[0].data.buffer === memory.buffer ? pair : layout(w, h);

  /** offsets of two planes in memory, copying them into the plane slots when they live elsewhere */
  const resident = (a: MetricPlane, b: MetricPlane): [number, number] => {
    for (const p of [a, b]) if (p.data.length !== p.width * p.height) throw new Error('plane kernels: a plane view is stale (used after a larger planePair call)');
    const oa = offsetOf(a);
    const ob = offsetOf(b);
    if (oa >= 0 && ob >= 0 && a.width <= width) return [oa, ob];
    const [pa, pb] = planePair(a.width, a.height);
    pa.data.set(a.data);
    pb.data.set(b.data);
    return [at.planeA, at.planeB];
  };

  return Object.freeze({
    name: 'wasm-simd' as const,
    planePair,
    basicsrY(image: Image8, into: MetricPlane): void {
      const o = offsetOf(into);
      const n = image.width * image.height;
      // in place only into a plane slot of the current layout (its staging area fits the image)
      if (image.channels !== 3 || (o !== at.planeA && o !== at.planeB) || n !== width * height || into.data.length !== n) {
        basicsrY(image, into.data);
        return;
      }
      new Uint8Array(memory.buffer, at.imageA, 3 * n).set(image.data.subarray(0, 3 * n));
      exports.basicsr_y(at.imageA, n, terms, o);
    },
    mse(a: MetricPlane, b: MetricPlane): number {
      const [oa, ob] = resident(a, b);
      return exports.mse_plane(oa, ob, a.width * a.height);
    },
    ssimGauss11(a: MetricPlane, b: MetricPlane, kernel: Float64Array, c1: number, c2: number): number {
      if (kernel.length !== 11) return ssimSeparable(a, b, kernel, c1, c2);
      const [oa, ob] = resident(a, b);
      new Float64Array(memory.buffer, taps, 11).set(kernel);
      return exports.ssim_gauss11(oa, ob, a.width, a.height, taps, c1, c2, rows);
    },
    ssimUniform(a: Image8, b: Image8, win: number): number[] {
      const { width: w, height: h, channels: c } = a;
      planePair(w, h);
      const len = w * h * c;
      new Uint8Array(memory.buffer, at.imageA, len).set(a.data.subarray(0, len));
      new Uint8Array(memory.buffer, at.imageB, len).set(b.data.subarray(0, len));
      const { c1, c2 } = ssimConstants(255);
      exports.ssim_uniform(at.imageA, at.imageB, w, h, c, win, c1, c2, at.cols, at.hs, at.rowTerms, means);
      return Array.from(new Float64Array(memory.buffer, means, c));
    },
  });
}

let selected: PlaneKernels | undefined;

/** The WebAssembly kernels, or undefined where WebAssembly SIMD is unavailable. */
export function loadWasmKernels(): PlaneKernels | undefined {
  const exports = instantiateEmbedded<Exports>(WASM_BASE64);
  return exports ? wasmKernels(exports) : undefined;
}

/**
 * Largest image (pixels) handed to the WebAssembly kernels: their layout takes ~14 bytes per pixel
 * and wasm32 memory ends at 4 GiB, so larger images (≥ 134 MP) use the TypeScript kernels.
 */
export const WASM_MAX_PIXELS = 2 ** 27;

/**
 * The kernels this thread uses for an image of `pixels` pixels: WebAssembly SIMD unless
 * unavailable, the image is larger than WASM_MAX_PIXELS, or RDBM_METRICS_KERNELS=js.
 */
export function planeKernels(pixels = 0): PlaneKernels {
  selected ??= (process.env.RDBM_METRICS_KERNELS === 'js' ? undefined : loadWasmKernels()) ?? metricsJsKernels;
  return pixels > WASM_MAX_PIXELS ? metricsJsKernels : selected;
}
