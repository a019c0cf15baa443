// Batched float32 matrix products C_b = A_b · B_b (row-major, [m, k] · [k, n]) for the wasm backend,
// whose own BatchMatMul runs more than one item through a scalar loop. R rows × 8 columns of C are
// accumulated in SIMD registers over k in ascending order (each C element is the same ordered sum,
// add after multiply, for every tiling and row count), then stored. The row count R is a compile-time
// constant in each variant so the accumulators stay in registers (a runtime row loop spilled them to
// memory and ran at a tenth of the speed). strideA / strideB are 0 for an operand broadcast over the batch.
// Also the batched transpose of [outer, rows, cols] to [outer, cols, rows], which tfjs's own Transpose runs slowly.
#include <wasm_simd128.h>

typedef unsigned long size_t;

#define TILE(R)                                                                                    \
  static void tile##R(const float *a, const float *b, float *c, int k, int n, int lda) {          \
    int j = 0;                                                                                     \
    for (; j + 8 <= n; j += 8) {                                                                   \
      v128_t lo[R], hi[R];                                                                         \
      for (int r = 0; r < R; r++) lo[r] = hi[r] = wasm_f32x4_splat(0.0f);                          \
      for (int p = 0; p < k; p++) {                                                                \
        const v128_t b0 = wasm_v128_load(b + (size_t)p * n + j);                                   \
        const v128_t b1 = wasm_v128_load(b + (size_t)p * n + j + 4);                               \
        for (int r = 0; r < R; r++) {                                                              \
          const v128_t av = wasm_f32x4_splat(a[(size_t)r * lda + p]);                              \
          lo[r] = wasm_f32x4_add(lo[r], wasm_f32x4_mul(av, b0));                                   \
          hi[r] = wasm_f32x4_add(hi[r], wasm_f32x4_mul(av, b1));                                   \
        }                                                                                          \
      }                                                                                            \
      for (int r = 0; r < R; r++) {                                                                \
        wasm_v128_store(c + (size_t)r * n + j, lo[r]);                                             \
        wasm_v128_store(c + (size_t)r * n + j + 4, hi[r]);                                         \
      }                                                                                            \
    }                                                                                              \
    for (; j + 4 <= n; j += 4) {                                                                   \
      v128_t acc[R];                                                                               \
      for (int r = 0; r < R; r++) acc[r] = wasm_f32x4_splat(0.0f);                                 \
      for (int p = 0; p < k; p++) {                                                                \
        const v128_t b0 = wasm_v128_load(b + (size_t)p * n + j);                                   \
        for (int r = 0; r < R; r++) acc[r] = wasm_f32x4_add(acc[r], wasm_f32x4_mul(wasm_f32x4_splat(a[(size_t)r * lda + p]), b0)); \
      }                                                                                            \
      for (int r = 0; r < R; r++) wasm_v128_store(c + (size_t)r * n + j, acc[r]);                  \
    }                                                                                              \
    for (; j < n; j++) {                                                                           \
      for (int r = 0; r < R; r++) {                                                                \
        float s = 0.0f;                                                                            \
        for (int p = 0; p < k; p++) s += a[(size_t)r * lda + p] * b[(size_t)p * n + j];            \
        c[(size_t)r * n + j] = s;                                                                  \
      }                                                                                            \
    }                                                                                              \
  }

TILE(1)
TILE(2)
TILE(3)
TILE(4)

__attribute__((export_name("bmm"))) void bmm(const float *a, const float *b, float *c, int batch, int m, int k, int n, int stride_a, int stride_b) {
  for (int i = 0; i < batch; i++) {
    const float *ai = a + (size_t)i * stride_a;
    const float *bi = b + (size_t)i * stride_b;
    float *ci = c + (size_t)i * m * n;
    int r = 0;
    for (; r + 4 <= m; r += 4) tile4(ai + (size_t)r * k, bi, ci + (size_t)r * n, k, n, k);
    const float *ar = ai + (size_t)r * k;
    float *cr = ci + (size_t)r * n;
    if (m - r == 3) tile3(ar, bi, cr, k, n, k);
    else if (m - r == 2) tile2(ar, bi, cr, k, n, k);
    else if (m - r == 1) tile1(ar, bi, cr, k, n, k);
  }
}

// dst[o, c, r] = src[o, r, c]: 4×4 blocks through SIMD shuffles, 16 × 16 floats at a time so each
// destination row segment is one 64-byte line.
__attribute__((export_name("transpose"))) void transpose(const float *src, float *dst, int outer, int rows, int cols) {
  for (int o = 0; o < outer; o++) {
    const float *s = src + (size_t)o * rows * cols;
    float *d = dst + (size_t)o * rows * cols;
    for (int r0 = 0; r0 < rows; r0 += 16) {
      const int r1 = r0 + 16 < rows ? r0 + 16 : rows;
      for (int c0 = 0; c0 < cols; c0 += 16) {
        const int c1 = c0 + 16 < cols ? c0 + 16 : cols;
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
          int c = c0;
          for (; c + 4 <= c1; c += 4) {
            const v128_t x0 = wasm_v128_load(s + (size_t)r * cols + c);
            const v128_t x1 = wasm_v128_load(s + (size_t)(r + 1) * cols + c);
            const v128_t x2 = wasm_v128_load(s + (size_t)(r + 2) * cols + c);
            const v128_t x3 = wasm_v128_load(s + (size_t)(r + 3) * cols + c);
            const v128_t t0 = wasm_i32x4_shuffle(x0, x1, 0, 4, 1, 5);
            const v128_t t1 = wasm_i32x4_shuffle(x2, x3, 0, 4, 1, 5);
            const v128_t t2 = wasm_i32x4_shuffle(x0, x1, 2, 6, 3, 7);
            const v128_t t3 = wasm_i32x4_shuffle(x2, x3, 2, 6, 3, 7);
            wasm_v128_store(d + (size_t)c * rows + r, wasm_i64x2_shuffle(t0, t1, 0, 2));
            wasm_v128_store(d + (size_t)(c + 1) * rows + r, wasm_i64x2_shuffle(t0, t1, 1, 3));
            wasm_v128_store(d + (size_t)(c + 2) * rows + r, wasm_i64x2_shuffle(t2, t3, 0, 2));
            wasm_v128_store(d + (size_t)(c + 3) * rows + r, wasm_i64x2_shuffle(t2, t3, 1, 3));
          }
          for (; c < c1; c++)
            for (int q = 0; q < 4; q++) d[(size_t)c * rows + r + q] = s[(size_t)(r + q) * cols + c];
        }
        for (; r < r1; r++)
          for (int c = c0; c < c1; c++) d[(size_t)c * rows + r] = s[(size_t)r * cols + c];
      }
    }
  }
}
