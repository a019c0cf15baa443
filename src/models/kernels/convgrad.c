// The filter gradient of a 2-D convolution (NHWC, any kernel size, stride and padding) for the wasm
// backend, which has no Conv2DBackpropFilter:
//   g[i, j, c, o] = Σ_{n, y, x} x[n, s·y + i − pt, s·x + j − pl, c] · dy[n, y, x, o]
// (taps that fall in the padding contribute nothing). R input channels × 8 output channels of g are held
// in SIMD registers while one image's output pixels stream past, so each element of g is the same sum,
// ascending over n, then y, then x, add after multiply, for every tiling and channel count. The row count R
// is a compile-time constant per variant so the accumulators stay in registers (as in bmm.c).
#include <wasm_simd128.h>

typedef unsigned long size_t;

struct geometry {
  int h, w, c;      // input x: [n, h, w, c]
  int ho, wo, o;    // dy: [n, ho, wo, o]
  int sh, sw;       // strides
  int r0, r1;       // the chunk: output rows r0 ≤ r < r1 of all images (r = image · ho + y)
  int y0, y1, x0, x1; // the output rows y0 ≤ y < y1 and columns x0 ≤ x < x1 whose tap (i, j) is inside x
  int ti, tj;       // the tap's offsets i − pt, j − pl
};

// x at output row r (image b, row y) and column x0 of tap (i, j), or 0 when that row's tap is in the padding
static inline const float *x_at(const float *x, const struct geometry *q, int r) {
  const int b = r / q->ho, y = r - b * q->ho;
  if (y < q->y0 || y >= q->y1) return 0;
  return x + (((size_t)b * q->h + (size_t)(q->sh * y + q->ti)) * q->w + (size_t)(q->sw * q->x0 + q->tj)) * q->c;
}
static inline const float *dy_at(const float *dy, const struct geometry *q, int r) {
  return dy + ((size_t)r * q->wo + q->x0) * q->o;
}

#define TILE(R)                                                                                          \
  static void tile##R(const float *x, const float *dy, float *g, const struct geometry *q) {            \
    const size_t xstep = (size_t)q->sw * q->c;                                                          \
    int oo = 0;                                                                                          \
    for (; oo + 8 <= q->o; oo += 8) {                                                                    \
      v128_t lo[R], hi[R];                                                                               \
      for (int r = 0; r < R; r++) {                                                                      \
        lo[r] = wasm_v128_load(g + (size_t)r * q->o + oo);                                               \
        hi[r] = wasm_v128_load(g + (size_t)r * q->o + oo + 4);                                           \
      }                                                                                                  \
      for (int row = q->r0; row < q->r1; row++) {                                                        \
        const float *xp = x_at(x, q, row), *dp = dy_at(dy, q, row) + oo;                                 \
        if (!xp) continue;                                                                               \
        for (int xx = q->x0; xx < q->x1; xx++, xp += xstep, dp += q->o) {                                \
          const v128_t d0 = wasm_v128_load(dp), d1 = wasm_v128_load(dp + 4);                             \
          for (int r = 0; r < R; r++) {                                                                  \
            const v128_t a = wasm_v128_load32_splat(xp + r);                                             \
            lo[r] = wasm_f32x4_add(lo[r], wasm_f32x4_mul(a, d0));                                        \
            hi[r] = wasm_f32x4_add(hi[r], wasm_f32x4_mul(a, d1));                                        \
          }                                                                                              \
        }                                                                                                \
      }                                                                                                  \
      for (int r = 0; r < R; r++) {                                                                      \
        wasm_v128_store(g + (size_t)r * q->o + oo, lo[r]);                                               \
        wasm_v128_store(g + (size_t)r * q->o + oo + 4, hi[r]);                                           \
      }                                                                                                  \
    }                                                                                                    \
    for (; oo + 4 <= q->o; oo += 4) {                                                                    \
      v128_t acc[R];                                                                                     \
      for (int r = 0; r < R; r++) acc[r] = wasm_v128_load(g + (size_t)r * q->o + oo);                    \
      for (int row = q->r0; row < q->r1; row++) {                                                        \
        const float *xp = x_at(x, q, row), *dp = dy_at(dy, q, row) + oo;                                 \
        if (!xp) continue;                                                                               \
        for (int xx = q->x0; xx < q->x1; xx++, xp += xstep, dp += q->o) {                                \
          const v128_t d0 = wasm_v128_load(dp);                                                          \
          for (int r = 0; r < R; r++) acc[r] = wasm_f32x4_add(acc[r], wasm_f32x4_mul(wasm_v128_load32_splat(xp + r), d0)); \
        }                                                                                                \
      }                                                                                                  \
      for (int r = 0; r < R; r++) wasm_v128_store(g + (size_t)r * q->o + oo, acc[r]);                    \
    }                                                                                                    \
    for (; oo < q->o; oo++) {                                                                            \
      for (int r = 0; r < R; r++) {                                                                      \
        float s = g[(size_t)r * q->o + oo];                                                              \
        for (int row = q->r0; row < q->r1; row++) {                                                      \
          const float *xp = x_at(x, q, row), *dp = dy_at(dy, q, row) + oo;                               \
          if (!xp) continue;                                                                             \
          for (int xx = q->x0; xx < q->x1; xx++, xp += xstep, dp += q->o) s += xp[r] * dp[0];            \
        }                                                                                                \
        g[(size_t)r * q->o + oo] = s;                                                                    \
      }                                                                                                  \
    }                                                                                                    \
  }

TILE(1)
TILE(2)
TILE(3)
TILE(4)

// first output index v with s·v + t ≥ 0, and one past the last with s·v + t < size (clamped to [0, count])
static int first_inside(int s, int t, int count) {
  int v = t >= 0 ? 0 : (-t + s - 1) / s;
  return v > count ? count : v;
}
static int end_inside(int s, int t, int size, int count) {
  if (size - 1 - t < 0) return 0;
  int v = (size - 1 - t) / s + 1;
  return v > count ? count : v;
}

// The bytes of x and dy one chunk of output rows may touch, kept within a share of the 32 KB L1 data cache
// so every tile of g streams the chunk from L1 (a whole feature map per tile streamed from L2 ran at half
// the speed). The chunking changes only when g is loaded and stored, not the order of any sum.
#define CHUNK_BYTES 24576

__attribute__((export_name("conv_filter_grad"))) void conv_filter_grad(const float *x, const float *dy, float *g, int n, int h, int w, int c, int ho, int wo, int o, int kh, int kw, int sh, int sw, int pt, int pl) {
  const size_t total = (size_t)kh * kw * c * o;
  for (size_t e = 0; e < total; e++) g[e] = 0.0f;
  const size_t row_bytes = 4 * ((size_t)wo * o + (size_t)sh * w * c);
  int chunk = (int)(CHUNK_BYTES / (row_bytes ? row_bytes : 1));
  if (chunk < 1) chunk = 1;
  struct geometry q = { h, w, c, ho, wo, o, sh, sw, 0, 0, 0, 0, 0, 0, 0, 0 };
  const int rows = n * ho;
  for (q.r0 = 0; q.r0 < rows; q.r0 = q.r1) {
    q.r1 = q.r0 + chunk < rows ? q.r0 + chunk : rows;
    for (int i = 0; i < kh; i++) {
      q.ti = i - pt;
      q.y0 = first_inside(sh, q.ti, ho);
      q.y1 = end_inside(sh, q.ti, h, ho);
      if (q.y0 >= q.y1) continue;
      for (int j = 0; j < kw; j++) {
        q.tj = j - pl;
        q.x0 = first_inside(sw, q.tj, wo);
        q.x1 = end_inside(sw, q.tj, w, wo);
        if (q.x0 >= q.x1) continue;
        float *gij = g + ((size_t)i * kw + j) * c * o;
        int r = 0;
        for (; r + 4 <= c; r += 4) tile4(x + r, dy, gij + (size_t)r * o, &q);
        if (c - r == 3) tile3(x + r, dy, gij + (size_t)r * o, &q);
        else if (c - r == 2) tile2(x + r, dy, gij + (size_t)r * o, &q);
        else if (c - r == 1) tile1(x + r, dy, gij + (size_t)r * o, &q);
      }
    }
  }
}
