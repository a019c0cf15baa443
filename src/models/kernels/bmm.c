// Batched float32 matrix products C_b = A_b · B_b (row-major, [m, k] · [k, n]) for the wasm backend,
// whose own BatchMatMul runs more than one item through a scalar loop. 4 rows × 8 columns of C are
// accumulated in SIMD registers over k in ascending order (each C element is the same ordered sum
// for every tiling), then stored. strideA / strideB are 0 for an operand broadcast over the batch.
#include <wasm_simd128.h>

typedef unsigned long size_t;

static void tile_rows(const float *a, const float *b, float *c, int rows, int k, int n, int lda) {
  int j = 0;
  for (; j + 8 <= n; j += 8) {
    v128_t acc[4][2];
    for (int r = 0; r < 4; r++) acc[r][0] = acc[r][1] = wasm_f32x4_splat(0.0f);
    for (int p = 0; p < k; p++) {
      const v128_t b0 = wasm_v128_load(b + (size_t)p * n + j);
      const v128_t b1 = wasm_v128_load(b + (size_t)p * n + j + 4);
      for (int r = 0; r < rows; r++) {
        const v128_t av = wasm_f32x4_splat(a[(size_t)r * lda + p]);
        acc[r][0] = wasm_f32x4_add(acc[r][0], wasm_f32x4_mul(av, b0));
        acc[r][1] = wasm_f32x4_add(acc[r][1], wasm_f32x4_mul(av, b1));
      }
    }
    for (int r = 0; r < rows; r++) {
      wasm_v128_store(c + (size_t)r * n + j, acc[r][0]);
      wasm_v128_store(c + (size_t)r * n + j + 4, acc[r][1]);
    }
  }
  for (; j + 4 <= n; j += 4) {
    v128_t acc[4];
    for (int r = 0; r < 4; r++) acc[r] = wasm_f32x4_splat(0.0f);
    for (int p = 0; p < k; p++) {
      const v128_t b0 = wasm_v128_load(b + (size_t)p * n + j);
      for (int r = 0; r < rows; r++) acc[r] = wasm_f32x4_add(acc[r], wasm_f32x4_mul(wasm_f32x4_splat(a[(size_t)r * lda + p]), b0));
    }
    for (int r = 0; r < rows; r++) wasm_v128_store(c + (size_t)r * n + j, acc[r]);
  }
  for (; j < n; j++) {
    for (int r = 0; r < rows; r++) {
      float s = 0.0f;
      for (int p = 0; p < k; p++) s += a[(size_t)r * lda + p] * b[(size_t)p * n + j];
      c[(size_t)r * n + j] = s;
    }
  }
}

__attribute__((export_name("bmm"))) void bmm(const float *a, const float *b, float *c, int batch, int m, int k, int n, int stride_a, int stride_b) {
  for (int i = 0; i < batch; i++) {
    const float *ai = a + (size_t)i * stride_a;
    const float *bi = b + (size_t)i * stride_b;
    float *ci = c + (size_t)i * m * n;
    for (int r = 0; r < m; r += 4) tile_rows(ai + (size_t)r * k, bi, ci + (size_t)r * n, m - r < 4 ? m - r : 4, k, n, k);
  }
}
