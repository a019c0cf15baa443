/**
 * The WebAssembly SIMD kernels behind the wasm backend's shims (models/wasm-grad.ts): the batched matrix
 * product (./bmm.c) for BatchMatMul of several items, the transpose of the last two axes (also
 * ./bmm.c) for Transpose, and the convolution filter gradient (./convgrad.c)
 * for Conv2DBackpropFilter. Each module's memory grows to the largest call seen and is reused; operands
 * are copied in and the result copied out, because the kernels live in their own modules beside the
 * TensorFlow.js backend's.
 */
import { instantiateEmbedded } from '../../util/wasm.js';
import { WASM_BASE64 } from './bmm.wasm.js';
import { WASM_BASE64 as CONVGRAD_BASE64 } from './convgrad.wasm.js';

interface KernelModule {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  readonly __heap_base: { readonly value: number };
}

/**
 * Lays the inputs and then an output of `outLength` floats out in a kernel module's memory from its heap
 * base, each 16-byte aligned (growing the memory when needed), and copies the inputs in: their offsets and the output's.
 */
function stage(module: KernelModule, inputs: readonly Float32Array[], outLength: number): number[] {
  const offsets: number[] = [];
  let at = (module.__heap_base.value + 15) & ~15;
  for (const length of [...inputs.map((a) => a.length), outLength]) {
    offsets.push(at);
    at += (4 * length + 15) & ~15;
  }
  const { memory } = module;
  if (at > memory.buffer.byteLength) memory.grow(Math.ceil((at - memory.buffer.byteLength) / 65536));
  inputs.forEach((a, i) => new Float32Array(memory.buffer, offsets[i], a.length).set(a));
  return offsets;
}

interface Exports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  readonly __heap_base: { readonly value: number };
  bmm(a: number, b: number, c: number, batch: number, m: number, k: number, n: number, strideA: number, strideB: number): void;
  transpose(src: number, dst: number, outer: number, rows: number, cols: number): void;
}

/** Floats staged per kernel call (2 MB, within L2): larger operands go through in pieces of whole items. */
const STAGE_FLOATS = 1 << 19;

/** make() on the first call and its result after: a kernel, or null when the runtime has no WebAssembly SIMD. */
function once<T>(make: () => T | null): () => T | null {
  let value: T | null | undefined;
  return () => (value === undefined ? (value = make()) : value);
}

const productModule = once(() => instantiateEmbedded<Exports>(WASM_BASE64) ?? null);

/**
 * C = A · B for `batch` items of [m, k] · [k, n] into `out`. Item i takes A's item i and B's item i,
 * an operand of one item is broadcast, or `items` names the operands' items for each output item
 * (broadcast over some outer dimensions, e.g. [b, h] · [1, h]).
 */
export type BatchedProduct = (a: Float32Array, b: Float32Array, out: Float32Array, batch: number, m: number, k: number, n: number, items?: { readonly a: ArrayLike<number>; readonly b: ArrayLike<number> }) => void;

/** The SIMD kernel, or null when the runtime has no WebAssembly SIMD. */
export const batchedProductKernel = once((): BatchedProduct | null => {
  const exports = productModule();
  if (!exports) return null;
  const { memory } = exports;
  return (a, b, out, batch, m, k, n, items) => {
    if (items) {
      const [oa, ob, oc] = stage(exports, [a, b], batch * m * n);
      for (let i = 0; i < batch; i++) exports.bmm(oa + 4 * items.a[i] * m * k, ob + 4 * items.b[i] * k * n, oc + 4 * i * m * n, 1, m, k, n, 0, 0);
      out.set(new Float32Array(memory.buffer, oc, batch * m * n));
      return;
    }
    // a few items at a time, so the kernel reads operands the staging copy has just brought into cache
    const sharedA = a.length === m * k;
    const sharedB = b.length === k * n;
    const per = Math.max(1, Math.floor(STAGE_FLOATS / ((sharedA ? 0 : m * k) + (sharedB ? 0 : k * n) + m * n)));
    for (let i = 0; i < batch; i += per) {
      const count = Math.min(per, batch - i);
      const [oa, ob, oc] = stage(exports, [sharedA ? a : a.subarray(i * m * k, (i + count) * m * k), sharedB ? b : b.subarray(i * k * n, (i + count) * k * n)], count * m * n);
      exports.bmm(oa, ob, oc, count, m, k, n, sharedA ? 0 : m * k, sharedB ? 0 : k * n);
      out.set(new Float32Array(memory.buffer, oc, count * m * n), i * m * n);
    }
  };
});

/** dst = src with its last two axes swapped, [outer, rows, cols] → [outer, cols, rows]. */
export type SwapAxes = (src: Float32Array, out: Float32Array, outer: number, rows: number, cols: number) => void;

/** The SIMD transpose (./bmm.c), or null when the runtime has no WebAssembly SIMD. */
export const swapAxesKernel = once((): SwapAxes | null => {
  const exports = productModule();
  if (!exports) return null;
  const { memory } = exports;
  return (src, out, outer, rows, cols) => {
    const size = rows * cols;
    const per = Math.max(1, Math.floor(STAGE_FLOATS / (2 * size)));
    for (let i = 0; i < outer; i += per) {
      const count = Math.min(per, outer - i);
      const [os, od] = stage(exports, [src.subarray(i * size, (i + count) * size)], count * size);
      exports.transpose(os, od, count, rows, cols);
      out.set(new Float32Array(memory.buffer, od, count * size), i * size);
    }
  };
});

interface ConvGradExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  readonly __heap_base: { readonly value: number };
  conv_filter_grad(x: number, dy: number, g: number, n: number, h: number, w: number, c: number, ho: number, wo: number, o: number, kh: number, kw: number, sh: number, sw: number, pt: number, pl: number): void;
}

/** Geometry of a convolution's filter gradient: x [n, h, w, c], dy [n, ho, wo, o], filter [kh, kw, c, o], strides, top/left padding. */
export interface FilterGradGeometry {
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly ho: number;
  readonly wo: number;
  readonly o: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly pt: number;
  readonly pl: number;
}

/** g = ∂L/∂w of a convolution from its input x and output gradient dy, into `out` ([kh, kw, c, o]). */
export type FilterGradient = (x: Float32Array, dy: Float32Array, out: Float32Array, q: FilterGradGeometry) => void;

/** The SIMD filter-gradient kernel (./convgrad.c), or null when the runtime has no WebAssembly SIMD. */
export const filterGradientKernel = once((): FilterGradient | null => {
  const exports = instantiateEmbedded<ConvGradExports>(CONVGRAD_BASE64);
  if (!exports) return null;
  const { memory } = exports;
  return (x, dy, out, q) => {
    const [ox, od, og] = stage(exports, [x, dy], out.length);
    exports.conv_filter_grad(ox, od, og, q.n, q.h, q.w, q.c, q.ho, q.wo, q.o, q.kh, q.kw, q.sh, q.sw, q.pt, q.pl);
    out.set(new Float32Array(memory.buffer, og, out.length));
  };
});
