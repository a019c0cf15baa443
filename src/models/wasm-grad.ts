/**
 * Conv2DBackpropFilter for the wasm backend, which does not ship it (tfjs-backend-wasm 4.22): since
 * revision 2 of the gradient kernels a direct SIMD kernel (./kernels/convgrad.c). Revision 1, kept so
 * older runs repeat bit for bit: the filter gradient of y = conv(x, w; stride s, padding p) is itself a convolution:
 *   ∂L/∂w[i, j, c, o] = Σ_{b,y,x} x_pad[b, s·y + i, s·x + j, c] · dy[b, y, x, o]
 * i.e. a 'valid' convolution of x_pad with channels and batch swapped ([C, H, W, B]) by dy used
 * as the filter ([H', W', B, O]) with dilation s, cropped to the kernel size. Built from the wasm
 * backend's own Transpose, PadV2, Conv2D and Slice kernels. 1×1 kernels use one matrix product
 * instead (pointwiseFilterGrad; im2col + products for larger kernels measured slower here: the
 * wasm StridedSlice and Concat kernels cost more than the convolution saves).
 */
import { RdbmError } from '../errors.js';
import { tf } from '../tf/index.js';
import { batchedProductKernel, type FilterGradient, filterGradientKernel, swapAxesKernel } from './kernels/index.js';

type Info = tf.TensorInfo;
/**
 * The wasm backend's members the shims use to read inputs and write outputs on its heap. Inputs are read
 * through typedArrayFromHeap views taken after makeOutput (which may grow, and so move, the heap): readSync
 * copies into a fresh array, which cost more than the product itself for the attention's 32 MB operands.
 */
interface HeapBackend {
  readSync(id: object): Float32Array;
  makeOutput(shape: number[], dtype: string): Info;
  typedArrayFromHeap(t: Info): Float32Array;
}

type KernelCall = (name: string, inputs: Record<string, Info>, attrs: Record<string, unknown>) => Info;

/**
 * Revisions of the wasm backend's gradient kernels. They agree within float rounding but sum in different
 * orders, so a run's weights are bit-identical only under the revision it was trained with: a zoo entry
 * records it (in its backend description) and `zoo verify` retrains under it.
 *   1: the filter gradient of 1×1 convolutions by one matrix product, of larger kernels by a convolution
 *      whose filter is the output gradient (filterGradByConv);
 *   2: every filter gradient by the direct SIMD kernel (./kernels/convgrad.c): 1.2–2× faster at the U-Net's shapes.
 */
export const GRADIENT_KERNEL_REVISIONS = [1, 2] as const;
export type GradientKernelRevision = (typeof GRADIENT_KERNEL_REVISIONS)[number];
export const LATEST_GRADIENT_KERNELS: GradientKernelRevision = 2;

let revision: GradientKernelRevision = LATEST_GRADIENT_KERNELS;

/** Selects the gradient kernels later training steps use (the latest unless repeating an older run). */
export function useGradientKernels(r: GradientKernelRevision): void {
  if (!GRADIENT_KERNEL_REVISIONS.includes(r)) throw new Error(`unknown gradient kernel revision ${String(r)}`);
  revision = r;
}

export function gradientKernels(): GradientKernelRevision {
  return revision;
}

/** How a run's backend description names the revision it trained under (wasm only: other backends have their own gradients). */
export function describeGradientKernels(r: GradientKernelRevision = revision): string {
  return `gradient kernels r${r}`;
}

/** The revision a backend description names; descriptions written before revisions were recorded mean 1. */
export function gradientKernelsOf(backend: string): GradientKernelRevision {
  const m = /gradient kernels r(\d+)/.exec(backend);
  const r = m ? Number(m[1]) : 1;
  if (!(GRADIENT_KERNEL_REVISIONS as readonly number[]).includes(r)) throw new RdbmError(`unknown gradient kernel revision r${r} in ${JSON.stringify(backend)} (this toolkit has r${GRADIENT_KERNEL_REVISIONS.join(', r')})`);
  return r as GradientKernelRevision;
}

function conv2dBackpropFilter(args: { inputs: Record<string, Info>; backend: unknown; attrs?: Record<string, unknown> }): Info {
  const direct = revision >= 2 ? filterGradientKernel() : null;
  if (direct) return filterGradDirect(direct, args);
  const { x, dy } = args.inputs;
  const attrs = args.attrs as { strides: number | [number, number]; pad: unknown; filterShape: [number, number, number, number] };
  const [kh, kw, cin, cout] = attrs.filterShape;
  const s = attrs.strides;
  const unitStride = s === 1 || (Array.isArray(s) && s[0] === 1 && s[1] === 1);
  const pointwise = kh === 1 && kw === 1 && unitStride && attrs.pad === 'valid';
  return pointwise ? pointwiseFilterGrad(args.backend, x, dy, cin, cout) : filterGradByConv(args);
}

/** The filter gradient by the SIMD kernel (./kernels/convgrad.c), straight from x and dy: no transposes, pads or feature-map-sized filter. */
function filterGradDirect(kernel: FilterGradient, args: { inputs: Record<string, Info>; backend: unknown; attrs?: Record<string, unknown> }): Info {
  const { x, dy } = args.inputs;
  const attrs = args.attrs as { strides: number | [number, number]; pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number] };
  if (attrs.dataFormat !== 'NHWC') throw new Error('Conv2DBackpropFilter (wasm shim): only NHWC');
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const backend = args.backend as HeapBackend;
  const [kh, kw, c, o] = attrs.filterShape;
  const out = backend.makeOutput([kh, kw, c, o], 'float32');
  const [n, h, w] = x.shape;
  kernel(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(dy), backend.typedArrayFromHeap(out), {
    n, h, w, c, ho: dy.shape[1], wo: dy.shape[2], o, kh, kw, sh: info.strideHeight, sw: info.strideWidth, pt: info.padInfo.top, pl: info.padInfo.left,
  });
  return out;
}

/**
 * 1×1 convolutions, stride 1 (the attention projections, res_conv): ∂L/∂w = X₂ᵀ · dY₂ with X₂ = x as
 * [N, C] and dY₂ = dy as [N, O], one product of the explicitly transposed smaller operand by the other
 * (XNNPACK runs the equivalent 'valid' convolution by a feature-map-sized kernel several times slower).
 */
function pointwiseFilterGrad(be: unknown, x: Info, dy: Info, cin: number, cout: number): Info {
  const backend = be as { disposeData(id: object): void };
  const call: KernelCall = (name, inputs, a) => tf.getKernel(name, 'wasm')!.kernelFunc({ inputs, backend: backend as never, attrs: a as never }) as Info;
  const n = x.shape.slice(0, 3).reduce((a, b) => a * b, 1);
  const temps: Info[] = [];
  const keep = (t: Info) => (temps.push(t), t);
  const x3 = keep(call('Reshape', { x }, { shape: [1, n, cin] }));
  const dy3 = keep(call('Reshape', { x: dy }, { shape: [1, n, cout] }));
  let g: Info;
  if (cin <= cout) {
    g = call('BatchMatMul', { a: keep(call('Transpose', { x: x3 }, { perm: [0, 2, 1] })), b: dy3 }, { transposeA: false, transposeB: false }); // [1, C, O]
  } else {
    const gT = keep(call('BatchMatMul', { a: keep(call('Transpose', { x: dy3 }, { perm: [0, 2, 1] })), b: x3 }, { transposeA: false, transposeB: false })); // [1, O, C]
    g = call('Transpose', { x: gT }, { perm: [0, 2, 1] });
  }
  const out = call('Reshape', { x: g }, { shape: [1, 1, cin, cout] });
  backend.disposeData(g.dataId);
  for (const t of temps) backend.disposeData(t.dataId);
  return out;
}

function filterGradByConv(args: { inputs: Record<string, Info>; backend: unknown; attrs?: Record<string, unknown> }): Info {
  const { x, dy } = args.inputs;
  const attrs = args.attrs as { strides: number | [number, number]; pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number] };
  if (attrs.dataFormat !== 'NHWC') throw new Error('Conv2DBackpropFilter (wasm shim): only NHWC');
  const backend = args.backend as { disposeData(id: object): void };
  const call: KernelCall = (name, inputs, a) => {
    const k = tf.getKernel(name, 'wasm');
    if (!k) throw new Error(`wasm kernel ${name} missing`);
    return k.kernelFunc({ inputs, backend: backend as never, attrs: a as never }) as Info;
  };
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const [kh, kw, cin, cout] = attrs.filterShape;
  const { top, bottom, left, right } = info.padInfo;
  const temps: Info[] = [];
  const keep = (t: Info) => (temps.push(t), t);
  const xp = top || bottom || left || right ? keep(call('PadV2', { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 })) : x;
  const xT = keep(call('Transpose', { x: xp }, { perm: [3, 1, 2, 0] }));
  const dyT = keep(call('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }));
  const g = keep(call('Conv2D', { x: xT, filter: dyT }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth] }));
  const cropped = g.shape[1] === kh && g.shape[2] === kw ? g : keep(call('Slice', { x: g }, { begin: [0, 0, 0, 0], size: [cin, kh, kw, cout] }));
  const out = call('Transpose', { x: cropped }, { perm: [1, 2, 0, 3] });
  for (const t of temps) backend.disposeData(t.dataId);
  return out;
}

/**
 * Conv2DBackpropInput for the wasm backend (its own kernel is a direct loop, several times slower than
 * its XNNPACK Conv2D). The input gradient of y = conv(x, w; stride s, pads p) is a 'valid' convolution
 * of dy, with s − 1 zeros inserted between its pixels and padded by k − 1 − p (plus whatever reaches
 * the input size), by the filter rotated 180° with input and output channels swapped. Stride 1 and 2
 * (all the U-Net uses); anything else falls back to the original kernel.
 */
function makeBackpropInput(original: tf.KernelFunc) {
  return (args: { inputs: Record<string, Info>; backend: unknown; attrs?: Record<string, unknown> }): Info => {
    const { dy, filter } = args.inputs;
    const attrs = args.attrs as { strides: number | [number, number]; pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: [number, number, number, number] };
    const [kh, kw, cin, cout] = filter.shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, [kh, kw, cin, cout], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
    const s = info.strideHeight;
    if (attrs.dataFormat !== 'NHWC' || s !== info.strideWidth || (s !== 1 && s !== 2)) return original(args as never) as Info;
    const backend = args.backend as { disposeData(id: object): void };
    const call: KernelCall = (name, inputs, a) => tf.getKernel(name, 'wasm')!.kernelFunc({ inputs, backend: backend as never, attrs: a as never }) as Info;
    const temps: Info[] = [];
    const keep = (t: Info) => (temps.push(t), t);
    const [b, hIn, wIn] = attrs.inputShape;
    const [, hDy, wDy] = dy.shape;
    let g: Info = dy;
    if (s === 2) {
      // zeros between pixels: width, then height (each a rank-4 pad of a new unit axis)
      const w1 = keep(call('Reshape', { x: g }, { shape: [b * hDy, wDy, 1, cout] }));
      const w2 = keep(call('PadV2', { x: w1 }, { paddings: [[0, 0], [0, 0], [0, 1], [0, 0]], constantValue: 0 }));
      const h1 = keep(call('Reshape', { x: w2 }, { shape: [b, hDy, 1, 2 * wDy * cout] }));
      const h2 = keep(call('PadV2', { x: h1 }, { paddings: [[0, 0], [0, 0], [0, 1], [0, 0]], constantValue: 0 }));
      g = keep(call('Reshape', { x: h2 }, { shape: [b, 2 * hDy, 2 * wDy, cout] })); // a trailing zero row/col: cut off below when it reaches past the input
    }
    // the border of k − 1 − p zeros (plus whatever reaches the input size) as the convolution's own explicit
    // padding: XNNPACK reads the same zeros through its indirection buffer as from a padded copy of g
    // (bit-identical, one pass over g fewer); only the extra zero row/col of the s = 2 construction is cut off
    const { top, left } = info.padInfo;
    const padTop = kh - 1 - top;
    const padLeft = kw - 1 - left;
    const padBottom = hIn + kh - 1 - padTop - g.shape[1];
    const padRight = wIn + kw - 1 - padLeft - g.shape[2];
    const cropped = padBottom >= 0 && padRight >= 0 ? g : keep(call('Slice', { x: g }, { begin: [0, 0, 0, 0], size: [b, g.shape[1] + Math.min(0, padBottom), g.shape[2] + Math.min(0, padRight), cout] }));
    const swapped = keep(rotateSwap(args.backend as HeapBackend, filter, kh, kw, cin, cout));
    const pad = [[0, 0], [padTop, Math.max(0, padBottom)], [padLeft, Math.max(0, padRight)], [0, 0]];
    const out = call('Conv2D', { x: cropped, filter: swapped }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] });
    for (const t of temps) backend.disposeData(t.dataId);
    return out;
  };
}

/**
 * The filter w [kh, kw, cin, cout] rotated 180° with its channels swapped, [kh, kw, cout, cin], in one pass
 * (the wasm backend's Reverse kernel took 5–7 ms for a 3×3×96×96 filter, more than the convolution).
 * Only moves values, so the gradient is bit-identical to Reverse + Transpose.
 */
function rotateSwap(backend: HeapBackend, filter: Info, kh: number, kw: number, cin: number, cout: number): Info {
  const w = backend.readSync(filter.dataId); // a copy: safe across the heap growth makeOutput may cause
  const out = backend.makeOutput([kh, kw, cout, cin], 'float32');
  const r = backend.typedArrayFromHeap(out);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const src = ((kh - 1 - i) * kw + (kw - 1 - j)) * cin * cout;
      const dst = (i * kw + j) * cout * cin;
      for (let c = 0; c < cin; c++) for (let o = 0; o < cout; o++) r[dst + o * cin + c] = w[src + c * cout + o];
    }
  }
  return out;
}

/**
 * BatchMatMul for the wasm backend: its kernel runs one item through XNNPACK but several items through
 * a scalar loop, several times slower at the attention's sizes (every item's operands are activations,
 * so XNNPACK's per-item weight packing would not pay either). Non-transposed products of several items
 * of rank 3 or more run through our SIMD kernel (./kernels/bmm.c: each element the same ascending sum
 * over k), one item too, so an item's product does not depend on its batch. Outer dimensions broadcast
 * as tf.matMul's do ([b, h] · [1, h]: per-head weights shared by the items, without tiling them);
 * 2-D products (weights), transposed operands and operands of unequal rank keep the original kernel.
 */
function makeBatchMatMul(original: tf.KernelFunc) {
  return (args: { inputs: Record<string, Info>; backend: unknown; attrs?: Record<string, unknown> }): Info => {
    const { a, b } = args.inputs;
    const attrs = args.attrs as { transposeA: boolean; transposeB: boolean };
    const kernel = batchedProductKernel();
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    const outer = broadcastOuter(outerA, outerB);
    if (!kernel || !outer || attrs.transposeA || attrs.transposeB || a.shape.length < 3 || b.shape.length < 3 || a.dtype !== 'float32' || b.dtype !== 'float32') {
      return original(args as never) as Info;
    }
    const [m, k] = a.shape.slice(-2);
    const n = b.shape[b.shape.length - 1];
    const count = (dims: readonly number[]) => dims.reduce((x, y) => x * y, 1);
    const batch = count(outer);
    const simple = [outerA, outerB].every((d) => count(d) === 1 || count(d) === batch);
    const backend = args.backend as HeapBackend;
    const out = backend.makeOutput([...outer, m, n], 'float32');
    const items = simple ? undefined : { a: itemIndices(outer, outerA), b: itemIndices(outer, outerB) };
    kernel(backend.typedArrayFromHeap(a), backend.typedArrayFromHeap(b), backend.typedArrayFromHeap(out), batch, m, k, n, items);
    return out;
  };
}

/** The outer (batch) shape of a product of operands with these outer shapes (equal rank, each dimension equal or 1), else undefined. */
function broadcastOuter(a: readonly number[], b: readonly number[]): number[] | undefined {
  if (a.length !== b.length) return undefined;
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && a[i] !== 1 && b[i] !== 1) return undefined;
    out.push(Math.max(a[i], b[i]));
  }
  return out;
}

/** For each item of the outer shape `outer` (row-major), the index of the item of an operand of outer shape `own` it reads. */
function itemIndices(outer: readonly number[], own: readonly number[]): Int32Array {
  const total = outer.reduce((x, y) => x * y, 1);
  const out = new Int32Array(total);
  for (let i = 0; i < total; i++) {
    let rest = i;
    let index = 0;
    let stride = 1;
    for (let d = outer.length - 1; d >= 0; d--) {
      const coordinate = rest % outer[d];
      rest = (rest - coordinate) / outer[d];
      if (own[d] !== 1) index += coordinate * stride;
      stride *= own[d];
    }
    out[i] = index;
  }
  return out;
}

let registered = false;

/**
 * Registers the wasm shims (gradients, Identity, BatchMatMul, Transpose) once the wasm backend's package is loaded;
 * until then it does nothing, so the first call after loading it registers them (a process that loaded
 * the cpu backend first, as the tests do, still gets them). Called by ensureGradients and unetForward.
 */
export function registerWasmShims(): void {
  if (registered) return;
  const identity = tf.getKernel('Identity', 'wasm');
  const backpropInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  const matMul = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!identity || !backpropInput || !matMul || !transpose) return; // the wasm package is not loaded yet
  registered = true;
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc });
  }
  const swap = (name: string, make: (original: tf.KernelFunc) => unknown, original: tf.KernelConfig) => {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: make(original.kernelFunc) as tf.KernelFunc });
  };
  swap('Conv2DBackpropInput', makeBackpropInput, backpropInput);
  swap('Identity', makeIdentity, identity);
  swap('BatchMatMul', makeBatchMatMul, matMul);
  swap('Transpose', makeTranspose, transpose);
}

/**
 * The permutation as a swap of two adjacent groups of axes, [outer…, rows…, cols…, inner…] →
 * [outer…, cols…, rows…, inner…] (every transpose the U-Net runs is one, e.g. [0, 2, 1] and [0, 2, 1, 3]),
 * with each group's size; undefined for any other permutation.
 */
export function swapGroups(shape: readonly number[], perm: readonly number[]): { outer: number; rows: number; cols: number; inner: number } | undefined {
  const rank = perm.length;
  let p = 0;
  while (p < rank && perm[p] === p) p++;
  let r = rank;
  while (r > p && perm[r - 1] === r - 1) r--;
  if (p === r) return undefined; // the identity: nothing to swap
  // perm[p..r) must be q, q+1, …, r−1, then p, …, q−1 for some p < q < r
  const q = perm[p];
  for (let i = 0; i < r - q; i++) if (perm[p + i] !== q + i) return undefined;
  for (let i = 0; i < q - p; i++) if (perm[p + (r - q) + i] !== p + i) return undefined;
  const size = (from: number, to: number) => shape.slice(from, to).reduce((x, y) => x * y, 1);
  return { outer: size(0, p), rows: size(p, q), cols: size(q, r), inner: size(r, rank) };
}

/**
 * Transpose of float32 tensors that swap two groups of axes with nothing inner (every one the U-Net's
 * attention runs) by the SIMD kernel: the linear attention's [16, 4096, 128] took tfjs 4.22's wasm Transpose
 * 63 ms and the kernel 17; at narrow shapes ([40, 1024, 32], [8, 4096, 32]) the kernel is as fast or up to
 * 1.6× faster. Swaps with an inner block keep tfjs's kernel. Only moves values, so bit-identical.
 */
function makeTranspose(original: tf.KernelFunc) {
  return (args: { inputs: Record<string, Info>; backend: unknown; attrs?: Record<string, unknown> }): Info => {
    const { x } = args.inputs;
    const { perm } = args.attrs as { perm: number[] };
    const kernel = x.dtype === 'float32' ? swapAxesKernel() : null;
    const q = kernel ? swapGroups(x.shape, perm) : undefined;
    if (!kernel || !q || q.inner !== 1) return original(args as never) as Info;
    const backend = args.backend as HeapBackend;
    const out = backend.makeOutput(perm.map((axis) => x.shape[axis]), 'float32');
    kernel(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out), q.outer, q.rows, q.cols);
    return out;
  };
}

/**
 * Identity (tf.clone) sharing the input's data, as the cpu backend's does, instead of copying it: the engine
 * clones every tensor it saves for the backward pass (3195 copies per RDBM-B training step). Tensor data is
 * immutable, so a shared buffer is indistinguishable from a copy; strings keep the original kernel.
 */
function makeIdentity(original: tf.KernelFunc) {
  return (args: { inputs: Record<string, Info>; backend: unknown; attrs?: Record<string, unknown> }): Info => {
    const { x } = args.inputs;
    if (x.dtype === 'string') return original(args as never) as Info;
    (args.backend as { incRef(id: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
