/**
 * The batched matrix product kernel (src/models/kernels/bmm.c) and the wasm BatchMatMul it serves:
 * every element is the float32 sum over k in ascending order (bit-identical to a sequential loop),
 * an item's product does not depend on the batch around it, operands of one item broadcast, and the
 * backend routes rank-3 products through it while 2-D and transposed products keep tfjs's kernel.
 * The filter-gradient kernel (convgrad.c) likewise: each element the float32 sum over images, rows and
 * columns in ascending order, whatever the chunking, tiling, strides, padding and channel tails.
 * The transpose kernel (also bmm.c) moves every value to its place; tf.transpose on wasm equals the cpu backend's.
 * (That the embedded modules are what bmm.c and convgrad.c build to is checked with ssim.c in test/metrics/kernels.test.ts.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type FilterGradGeometry, batchedProductKernel, filterGradientKernel, swapAxesKernel } from '../../src/models/kernels/index.js';
import { registerWasmShims, swapGroups } from '../../src/models/wasm-grad.js';
import { initBackend, tf } from '../../src/tf/index.js';

function random(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** C = A · B per item with each element summed sequentially in float32 (Math.fround after every operation) */
function sequential(a: Float32Array, b: Float32Array, batch: number, m: number, k: number, n: number): Float32Array {
  const out = new Float32Array(batch * m * n);
  const sa = a.length === m * k ? 0 : m * k;
  const sb = b.length === k * n ? 0 : k * n;
  for (let i = 0; i < batch; i++) {
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < n; c++) {
        let s = 0;
        for (let p = 0; p < k; p++) s = Math.fround(s + Math.fround(a[i * sa + r * k + p] * b[i * sb + p * n + c]));
        out[i * m * n + r * n + c] = s;
      }
    }
  }
  return out;
}

const kernel = batchedProductKernel()!;

describe('batched product kernel (WebAssembly SIMD)', () => {
  it('loads in Node', () => {
    expect(kernel).toBeTypeOf('function');
  });

  // shapes with row tails (m % 4 = 1, 2, 3), 8-, 4- and 1-column tails, k = 1, and the attention's shapes
  const shapes: [number, number, number, number][] = [
    [3, 7, 5, 13],
    [2, 4, 1, 8],
    [5, 1, 9, 3],
    [4, 32, 400, 32],
    [3, 400, 128, 8],
    [2, 33, 17, 12],
    [2, 10, 6, 9],
    [9, 64, 1000, 64], // staged 3 items at a time (2 MB per piece)
  ];
  it.each(shapes)('batch %i of [%i, %i] · [%i]: bit-identical to the sequential float32 sum', (batch, m, k, n) => {
    const a = random(batch * m * k, 1);
    const b = random(batch * k * n, 2);
    const out = new Float32Array(batch * m * n);
    kernel(a, b, out, batch, m, k, n);
    expect(Buffer.from(out.buffer).equals(Buffer.from(sequential(a, b, batch, m, k, n).buffer))).toBe(true);
  });

  it('an item gives the same bits alone as inside a batch; an operand of one item is broadcast', () => {
    const [batch, m, k, n] = [4, 21, 19, 11];
    const a = random(batch * m * k, 3);
    const b = random(batch * k * n, 4);
    const all = new Float32Array(batch * m * n);
    kernel(a, b, all, batch, m, k, n);
    const one = new Float32Array(m * n);
    kernel(a.subarray(2 * m * k, 3 * m * k), b.subarray(2 * k * n, 3 * k * n), one, 1, m, k, n);
    expect(Buffer.from(one.buffer).equals(Buffer.from(all.buffer, 2 * m * n * 4, m * n * 4))).toBe(true);
    const shared = b.subarray(0, k * n);
    const broadcast = new Float32Array(batch * m * n);
    kernel(a, shared, broadcast, batch, m, k, n);
    expect(Buffer.from(broadcast.buffer).equals(Buffer.from(sequential(a, shared, batch, m, k, n).buffer))).toBe(true);
  });

  it('a shared operand goes with every piece when the items are staged a few at a time', () => {
    const [batch, m, k, n] = [7, 300, 700, 40]; // pieces of two items, the last of one
    const a = random(batch * m * k, 12);
    const b = random(k * n, 13);
    const out = new Float32Array(batch * m * n);
    kernel(a, b, out, batch, m, k, n);
    expect(Buffer.from(out.buffer).equals(Buffer.from(sequential(a, b, batch, m, k, n).buffer))).toBe(true);
  });
});

describe('wasm BatchMatMul', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    registerWasmShims();
  });

  it('rank-3 products are the kernel’s bits (batch 1 too); 2-D and transposed products match within float tolerance', async () => {
    const [batch, m, k, n] = [3, 37, 29, 10];
    const a = random(batch * m * k, 5);
    const b = random(batch * k * n, 6);
    const expected = sequential(a, b, batch, m, k, n);
    const ta = tf.tensor3d(a, [batch, m, k]);
    const tb = tf.tensor3d(b, [batch, k, n]);
    const got = (await tf.matMul(ta, tb).data()) as Float32Array;
    expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(expected.buffer))).toBe(true);
    const first = (await tf.matMul(tf.slice(ta, [1, 0, 0], [1, m, k]), tf.slice(tb, [1, 0, 0], [1, k, n])).data()) as Float32Array;
    expect(Array.from(first)).toEqual(Array.from(expected.subarray(m * n, 2 * m * n)));
    // 2-D (tfjs's XNNPACK path) and transposed operands (tfjs's loop): not the kernel, same products
    const plain = await tf.matMul(tf.tensor2d(a.subarray(0, m * k), [m, k]), tf.tensor2d(b.subarray(0, k * n), [k, n])).data();
    const transposed = await tf.matMul(tf.transpose(ta, [0, 2, 1]), tb, true, false).data();
    for (let i = 0; i < m * n; i++) expect(Math.abs(plain[i] - expected[i])).toBeLessThan(1e-5);
    for (let i = 0; i < expected.length; i++) expect(Math.abs(transposed[i] - expected[i])).toBeLessThan(1e-5);
    tf.dispose([ta, tb]);
  });


  it('outer dimensions broadcast as tf.matMul’s do ([2, 3] · [1, 3]): each item the kernel’s bits with the shared operand', async () => {
    const [m, k, n] = [5, 7, 9];
    const a = random(2 * 3 * m * k, 7);
    const w = random(3 * k * n, 8);
    const got = (await tf.matMul(tf.tensor4d(a, [2, 3, m, k]), tf.tensor4d(w, [1, 3, k, n])).data()) as Float32Array;
    for (let i = 0; i < 6; i++) {
      const h = i % 3;
      const expected = sequential(a.subarray(i * m * k, (i + 1) * m * k), w.subarray(h * k * n, (h + 1) * k * n), 1, m, k, n);
      expect(Buffer.from(got.buffer, got.byteOffset + i * m * n * 4, m * n * 4).equals(Buffer.from(expected.buffer))).toBe(true);
    }
  });
});

/** [outer, rows, cols] → [outer, cols, rows] element by element */
function plainTranspose(x: Float32Array, outer: number, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let o = 0; o < outer; o++) for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[(o * cols + c) * rows + r] = x[(o * rows + r) * cols + c];
  return out;
}

describe('transpose kernel (WebAssembly SIMD) and the wasm Transpose it serves', () => {
  const swap = swapAxesKernel()!;
  // 4×4 blocks, 16×16 tiles, and row / column tails of every remainder
  it.each([
    [1, 4, 4],
    [2, 16, 16],
    [3, 37, 70],
    [2, 130, 65],
    [1, 1, 9],
    [2, 7, 3],
    [5, 300, 1000], // staged one item at a time
  ])('outer %i, [%i, %i] → swapped: every value in its place', (outer, rows, cols) => {
    const x = random(outer * rows * cols, 9);
    const out = new Float32Array(x.length);
    swap(x, out, outer, rows, cols);
    expect(Buffer.from(out.buffer).equals(Buffer.from(plainTranspose(x, outer, rows, cols).buffer))).toBe(true);
  });

  it('a permutation is a swap of two adjacent groups of axes, or not', () => {
    expect(swapGroups([16, 4096, 128], [0, 2, 1])).toEqual({ outer: 16, rows: 4096, cols: 128, inner: 1 });
    expect(swapGroups([10, 1024, 4, 32], [0, 2, 1, 3])).toEqual({ outer: 10, rows: 1024, cols: 4, inner: 32 });
    expect(swapGroups([5, 6], [1, 0])).toEqual({ outer: 1, rows: 5, cols: 6, inner: 1 });
    expect(swapGroups([2, 3, 4, 5], [1, 2, 0, 3])).toEqual({ outer: 1, rows: 2, cols: 12, inner: 5 });
    expect(swapGroups([2, 3, 4], [2, 0, 1])).toEqual({ outer: 1, rows: 6, cols: 4, inner: 1 });
    expect(swapGroups([2, 3, 4, 5], [3, 1, 2, 0])).toBeUndefined();
    expect(swapGroups([2, 3, 4], [0, 1, 2])).toBeUndefined();
    expect(swapGroups([2, 3, 4, 5], [0, 3, 1, 2])).toEqual({ outer: 2, rows: 12, cols: 5, inner: 1 });
  });

  it('tf.transpose on wasm gives the cpu backend’s values through the kernel and through tfjs’s own', async () => {
    const cases: [number[], number[]][] = [
      [[3, 100, 70], [0, 2, 1]], // the kernel
      [[2, 64, 4, 80], [0, 3, 1, 2]], // the kernel: rows 256, cols 80
      [[3, 5, 2], [0, 2, 1]], // the kernel, all tails
      [[2, 70, 4, 32], [0, 2, 1, 3]], // inner 32: tfjs's
      [[4, 5, 6, 7], [3, 1, 2, 0]], // not a swap: tfjs's
    ];
    const values = cases.map(([shape]) => random(shape.reduce((a, b) => a * b, 1), 11));
    await initBackend('cpu');
    const expected = cases.map(([shape, perm], i) => tf.transpose(tf.tensor(values[i], shape), perm).dataSync().slice());
    await initBackend('wasm');
    registerWasmShims();
    cases.forEach(([shape, perm], i) => {
      const got = tf.transpose(tf.tensor(values[i], shape), perm).dataSync() as Float32Array;
      expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(expected[i].buffer))).toBe(true);
    });
  });
});

/** g[i, j, c, o] summed sequentially in float32 over (n, y, x) ascending, taps in the padding skipped */
function sequentialFilterGrad(x: Float32Array, dy: Float32Array, q: FilterGradGeometry): Float32Array {
  const g = new Float32Array(q.kh * q.kw * q.c * q.o);
  for (let i = 0; i < q.kh; i++)
    for (let j = 0; j < q.kw; j++)
      for (let c = 0; c < q.c; c++)
        for (let o = 0; o < q.o; o++) {
          let s = 0;
          for (let n = 0; n < q.n; n++)
            for (let y = 0; y < q.ho; y++)
              for (let xx = 0; xx < q.wo; xx++) {
                const iy = q.sh * y + i - q.pt;
                const ix = q.sw * xx + j - q.pl;
                if (iy < 0 || iy >= q.h || ix < 0 || ix >= q.w) continue;
                s = Math.fround(s + Math.fround(x[((n * q.h + iy) * q.w + ix) * q.c + c] * dy[((n * q.ho + y) * q.wo + xx) * q.o + o]));
              }
          g[((i * q.kw + j) * q.c + c) * q.o + o] = s;
        }
  return g;
}

describe('filter-gradient kernel (WebAssembly SIMD)', () => {
  const grad = filterGradientKernel()!;
  it('loads in Node', () => expect(grad).toBeTypeOf('function'));

  // [n, h, w, c, o, k, stride, pad]: 3×3 same; channel tails c % 4 = 1, 2, 3 and o % 8 ≥ 4, < 4; stride 2 on odd
  // sizes; 7×7 (init_conv); 4×4 stride 2 pad 1 (the U-Net's downsampling); 1×1; rows wider than one chunk
  const cases: [number, number, number, number, number, number, number, number][] = [
    [2, 5, 6, 4, 8, 3, 1, 1],
    [3, 7, 5, 5, 13, 3, 1, 1],
    [2, 9, 7, 6, 7, 3, 2, 1],
    [1, 6, 6, 7, 3, 3, 2, 0],
    [2, 11, 10, 3, 9, 7, 1, 3],
    [2, 9, 8, 6, 12, 4, 2, 1],
    [3, 8, 8, 9, 20, 1, 1, 0],
    [2, 12, 40, 24, 16, 3, 1, 1],
  ];
  it.each(cases)('n %i, %i×%i, %i → %i channels, %i×%i taps stride %i pad %i: bit-identical to the sequential float32 sum', (n, h, w, c, o, k, s, p) => {
    const ho = Math.floor((h + 2 * p - k) / s) + 1;
    const wo = Math.floor((w + 2 * p - k) / s) + 1;
    const q = { n, h, w, c, ho, wo, o, kh: k, kw: k, sh: s, sw: s, pt: p, pl: p };
    const x = random(n * h * w * c, 11);
    const dy = random(n * ho * wo * o, 12);
    const out = new Float32Array(k * k * c * o).fill(NaN); // the kernel clears g itself
    grad(x, dy, out, q);
    expect(Buffer.from(out.buffer).equals(Buffer.from(sequentialFilterGrad(x, dy, q).buffer))).toBe(true);
  });
});
