/**
 * The batched matrix product kernel (./bmm.c, WebAssembly SIMD) behind the wasm backend's
 * BatchMatMul for several items (models/wasm-grad.ts). Its memory grows to the largest product seen
 * and is reused; operands are copied in and the product copied out, because the kernel lives in its
 * own module beside the TensorFlow.js backend's.
 */
import { instantiateEmbedded } from '../../util/wasm.js';
import { WASM_BASE64 } from './bmm.wasm.js';

interface Exports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  readonly __heap_base: { readonly value: number };
  bmm(a: number, b: number, c: number, batch: number, m: number, k: number, n: number, strideA: number, strideB: number): void;
}

/**
 * C = A · B for `batch` items of [m, k] · [k, n] into `out`. Item i takes A's item i and B's item i,
 * an operand of one item is broadcast, or `items` names the operands' items for each output item
 * (broadcast over some outer dimensions, e.g. [b, h] · [1, h]).
 */
export type BatchedProduct = (a: Float32Array, b: Float32Array, out: Float32Array, batch: number, m: number, k: number, n: number, items?: { readonly a: ArrayLike<number>; readonly b: ArrayLike<number> }) => void;

let cached: BatchedProduct | null | undefined;

/** The SIMD kernel, or null when the runtime has no WebAssembly SIMD. */
export function batchedProductKernel(): BatchedProduct | null {
  if (cached !== undefined) return cached;
  const exports = instantiateEmbedded<Exports>(WASM_BASE64);
  if (!exports) return (cached = null);
  const { memory } = exports;
  const base = (exports.__heap_base.value + 15) & ~15;
  cached = (a, b, out, batch, m, k, n, items) => {
    const oa = base;
    const ob = oa + ((4 * a.length + 15) & ~15);
    const oc = ob + ((4 * b.length + 15) & ~15);
    const end = oc + 4 * batch * m * n;
    if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
    new Float32Array(memory.buffer, oa, a.length).set(a);
    new Float32Array(memory.buffer, ob, b.length).set(b);
    if (items) {
      for (let i = 0; i < batch; i++) exports.bmm(oa + 4 * items.a[i] * m * k, ob + 4 * items.b[i] * k * n, oc + 4 * i * m * n, 1, m, k, n, 0, 0);
    } else {
      exports.bmm(oa, ob, oc, batch, m, k, n, a.length === m * k ? 0 : m * k, b.length === k * n ? 0 : k * n);
    }
    out.set(new Float32Array(memory.buffer, oc, batch * m * n));
  };
  return cached;
}
