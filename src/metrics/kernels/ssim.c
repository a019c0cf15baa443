/*
 * WebAssembly SIMD kernels for the hot loops of folder runs: the 11-tap Gaussian SSIM (BasicSR,
 * scikit-image Gaussian, MATLAB SSIM_index), scikit-image's default uniform-window SSIM (the rdbm
 * convention), BasicSR's Y channel and the plane MSE.
 *
 * Every floating-point value is computed with the same float64 operations, in the same order, as
 * the TypeScript kernels in ../ssim.ts (ssimSeparable11, ssimUniformSample), ../luma.ts (basicsrY)
 * and ../psnr.ts (msePlane): f64x2 lanes hold two neighbouring output pixels, each lane doing exactly
 * the scalar arithmetic, and sums add the terms in pixel order. Integer window sums are exact in
 * any order. No fast-math, and wasm has no fused multiply-add, so the results are bit-identical to
 * the TypeScript kernels (test/metrics/kernels.test.ts asserts equality).
 *
 * Built by scripts/build-wasm.sh (clang --target=wasm32 -msimd128) into ssim.wasm.ts.
 * Memory is owned by the caller: no allocator, no libc.
 */
#include <stdint.h>
#include <wasm_simd128.h>

typedef v128_t f64x2;

#define ADD wasm_f64x2_add
#define SUB wasm_f64x2_sub
#define MUL wasm_f64x2_mul
#define SPLAT wasm_f64x2_splat

/* two float32 values at p, widened to float64 lanes */
static inline f64x2 load2f(const float *p) {
  return wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(p));
}

/* g0·(p0 + p10) + g1·(p1 + p9) + … + g4·(p4 + p6), added left to right; sq: of the squares */
static inline f64x2 sym5(const f64x2 *p, const f64x2 *g) {
  f64x2 s = MUL(g[0], ADD(p[0], p[10]));
  for (int k = 1; k < 5; k++) s = ADD(s, MUL(g[k], ADD(p[k], p[10 - k])));
  return s;
}
static inline f64x2 sym5sq(const f64x2 *p, const f64x2 *g) {
  f64x2 s = MUL(g[0], ADD(MUL(p[0], p[0]), MUL(p[10], p[10])));
  for (int k = 1; k < 5; k++) s = ADD(s, MUL(g[k], ADD(MUL(p[k], p[k]), MUL(p[10 - k], p[10 - k]))));
  return s;
}
static inline double sym5_1(const double *p, const double *g) {
  double s = g[0] * (p[0] + p[10]);
  for (int k = 1; k < 5; k++) s += g[k] * (p[k] + p[10 - k]);
  return s;
}
static inline double sym5sq_1(const double *p, const double *g) {
  double s = g[0] * (p[0] * p[0] + p[10] * p[10]);
  for (int k = 1; k < 5; k++) s += g[k] * (p[k] * p[k] + p[10 - k] * p[10 - k]);
  return s;
}

/*
 * Vertical 11-tap pass of u = x + y, v = x − y, u², v² for one output row whose window starts at
 * A + r0, B + r0 (ssim.ts verticalRow11). Products are left-associative as in the TypeScript:
 * g5·u5·u5 = (g5·u5)·u5.
 */
static void vertical_row(const float *A, const float *B, int W, int r0, const double *g, double *fu, double *fv,
                         double *fuu, double *fvv) {
  f64x2 gs[6];
  for (int k = 0; k < 6; k++) gs[k] = SPLAT(g[k]);
  const float *a = A + r0;
  const float *b = B + r0;
  int j = 0;
  for (; j + 2 <= W; j += 2) {
    f64x2 u[11], v[11];
    for (int k = 0; k < 11; k++) {
      const f64x2 x = load2f(a + k * W + j);
      const f64x2 y = load2f(b + k * W + j);
      u[k] = ADD(x, y);
      v[k] = SUB(x, y);
    }
    wasm_v128_store(fu + j, ADD(sym5(u, gs), MUL(gs[5], u[5])));
    wasm_v128_store(fv + j, ADD(sym5(v, gs), MUL(gs[5], v[5])));
    wasm_v128_store(fuu + j, ADD(sym5sq(u, gs), MUL(MUL(gs[5], u[5]), u[5])));
    wasm_v128_store(fvv + j, ADD(sym5sq(v, gs), MUL(MUL(gs[5], v[5]), v[5])));
  }
  for (; j < W; j++) {
    double u[11], v[11];
    for (int k = 0; k < 11; k++) {
      const double x = a[k * W + j], y = b[k * W + j];
      u[k] = x + y;
      v[k] = x - y;
    }
    fu[j] = sym5_1(u, g) + g[5] * u[5];
    fv[j] = sym5_1(v, g) + g[5] * v[5];
    fuu[j] = sym5sq_1(u, g) + g[5] * u[5] * u[5];
    fvv[j] = sym5sq_1(v, g) + g[5] * v[5] * v[5];
  }
}

/* 11-tap horizontal filter of f at j (two lanes: j, j + 1) */
static inline f64x2 hfilter(const double *f, int j, f64x2 g0, f64x2 g1, f64x2 g2, f64x2 g3, f64x2 g4, f64x2 g5) {
  const double *p = f + j;
  f64x2 s = MUL(g0, ADD(wasm_v128_load(p), wasm_v128_load(p + 10)));
  s = ADD(s, MUL(g1, ADD(wasm_v128_load(p + 1), wasm_v128_load(p + 9))));
  s = ADD(s, MUL(g2, ADD(wasm_v128_load(p + 2), wasm_v128_load(p + 8))));
  s = ADD(s, MUL(g3, ADD(wasm_v128_load(p + 3), wasm_v128_load(p + 7))));
  s = ADD(s, MUL(g4, ADD(wasm_v128_load(p + 4), wasm_v128_load(p + 6))));
  return ADD(s, MUL(g5, wasm_v128_load(p + 5)));
}

static inline double hfilter1(const double *f, int j, const double *g) {
  return sym5_1(f + j, g) + g[5] * f[j + 5];
}

/* Horizontal pass and the SSIM map summed over one output row (ssim.ts horizontalRow11). */
static double horizontal_row(const double *fu, const double *fv, const double *fuu, const double *fvv, int outW,
                             const double *g, double c1, double c2) {
  const f64x2 g0 = SPLAT(g[0]), g1 = SPLAT(g[1]), g2 = SPLAT(g[2]), g3 = SPLAT(g[3]), g4 = SPLAT(g[4]), g5 = SPLAT(g[5]);
  const f64x2 half = SPLAT(0.5), vc1 = SPLAT(c1), vc2 = SPLAT(c2);
  double rowSum = 0;
  int j = 0;
  for (; j + 2 <= outW; j += 2) {
    const f64x2 mu = hfilter(fu, j, g0, g1, g2, g3, g4, g5);
    const f64x2 mv = hfilter(fv, j, g0, g1, g2, g3, g4, g5);
    const f64x2 euu = hfilter(fuu, j, g0, g1, g2, g3, g4, g5);
    const f64x2 evv = hfilter(fvv, j, g0, g1, g2, g3, g4, g5);
    const f64x2 mu2 = MUL(mu, mu);
    const f64x2 mv2 = MUL(mv, mv);
    const f64x2 varU = SUB(euu, mu2);
    const f64x2 varV = SUB(evv, mv2);
    const f64x2 num = MUL(ADD(MUL(half, SUB(mu2, mv2)), vc1), ADD(MUL(half, SUB(varU, varV)), vc2));
    const f64x2 den = MUL(ADD(MUL(half, ADD(mu2, mv2)), vc1), ADD(MUL(half, ADD(varU, varV)), vc2));
    const f64x2 term = wasm_f64x2_div(num, den);
    // in pixel order, as the scalar loop adds them
    rowSum += wasm_f64x2_extract_lane(term, 0);
    rowSum += wasm_f64x2_extract_lane(term, 1);
  }
  for (; j < outW; j++) {
    const double mu = hfilter1(fu, j, g), mv = hfilter1(fv, j, g), euu = hfilter1(fuu, j, g), evv = hfilter1(fvv, j, g);
    const double mu2 = mu * mu, mv2 = mv * mv;
    const double varU = euu - mu2, varV = evv - mv2;
    rowSum += ((0.5 * (mu2 - mv2) + c1) * (0.5 * (varU - varV) + c2)) / ((0.5 * (mu2 + mv2) + c1) * (0.5 * (varU + varV) + c2));
  }
  return rowSum;
}

/*
 * Mean SSIM of two W×H float32 planes with the separable 11-tap window g (g[0..5]; symmetric) over
 * the windows fully inside the image. `rows` is scratch for 4·W doubles.
 */
__attribute__((export_name("ssim_gauss11"))) double ssim_gauss11(const float *A, const float *B, int W, int H,
                                                                 const double *g, double c1, double c2, double *rows) {
  const int outW = W - 10;
  const int outH = H - 10;
  double *fu = rows, *fv = rows + W, *fuu = rows + 2 * W, *fvv = rows + 3 * W;
  double total = 0;
  for (int i = 0; i < outH; i++) {
    vertical_row(A, B, W, i * W, g, fu, fv, fuu, fvv);
    total += horizontal_row(fu, fv, fuu, fvv, outW, g, c1, c2);
  }
  return total / ((double)outW * (double)outH);
}

/*
 * BasicSR Y of n RGB pixels (luma.ts basicsrY): Y64 = B·24.966 + G·128.553 + R·65.481 + 16 from the
 * caller's tables (terms[0..255] blue, [256..511] green, [512..767] red, each float32(v/255)·coef),
 * then float32(float32(Y64·(1/255))·255).
 */
__attribute__((export_name("basicsr_y"))) void basicsr_y(const uint8_t *rgb, int n, const double *terms, float *out) {
  const double inv255 = 1.0 / 255.0;
  for (int i = 0, j = 0; i < n; i++, j += 3) {
    const double y64 = terms[rgb[j + 2]] + terms[256 + rgb[j + 1]] + terms[512 + rgb[j]] + 16.0;
    out[i] = (float)((double)(float)(y64 * inv255) * 255.0);
  }
}

/* mean((a − b)²) of two float32 planes, summed in order (psnr.ts msePlane) */
__attribute__((export_name("mse_plane"))) double mse_plane(const float *a, const float *b, int n) {
  double sum = 0;
  for (int i = 0; i < n; i++) {
    const double d = (double)a[i] - (double)b[i];
    sum += d * d;
  }
  return sum / n;
}

/*
 * Column sums of u = x + y, v = x − y, u², v² over one image row (rowLen = W·C interleaved values):
 * adds the row at `add` and, when remove ≥ 0, removes the row at `remove` (ssim.ts slideColumns).
 * Exact integers (|sums| < 2^31 for windows up to 8000 rows of 8-bit values).
 */
static void slide_columns(const uint8_t *X, const uint8_t *Y, int remove, int add, int rowLen, int32_t *su, int32_t *sv,
                          int32_t *suu, int32_t *svv) {
  const uint8_t *x1 = X + add, *y1 = Y + add;
  if (remove < 0) {
    for (int e = 0; e < rowLen; e++) {
      const int32_t u = (int32_t)x1[e] + y1[e], v = (int32_t)x1[e] - y1[e];
      su[e] += u;
      sv[e] += v;
      suu[e] += u * u;
      svv[e] += v * v;
    }
    return;
  }
  const uint8_t *x0 = X + remove, *y0 = Y + remove;
  for (int e = 0; e < rowLen; e++) {
    const int32_t u0 = (int32_t)x0[e] + y0[e], v0 = (int32_t)x0[e] - y0[e];
    const int32_t u1 = (int32_t)x1[e] + y1[e], v1 = (int32_t)x1[e] - y1[e];
    su[e] += u1 - u0;
    sv[e] += v1 - v0;
    suu[e] += u1 * u1 - u0 * u0;
    svv[e] += v1 * v1 - v0 * v0;
  }
}

/* window sums along the row: h[e] = Σ_k s[e + k·C], k < win, for e < n = outW·C */
static void window_sums(const int32_t *s, int n, int C, int win, int32_t *h) {
  for (int e = 0; e < n; e++) h[e] = s[e];
  for (int k = 1; k < win; k++) {
    const int32_t *p = s + k * C;
    for (int e = 0; e < n; e++) h[e] += p[e];
  }
}

/*
 * scikit-image structural_similarity defaults on each channel of two interleaved 8-bit images:
 * win × win uniform window, sample covariance, the map cropped by (win − 1)/2 (ssim.ts
 * ssimUniformSample). Writes the mean SSIM of each channel to means[0..C). Scratch: cols and hs
 * 4·W·C int32 each, terms W·C doubles.
 */
__attribute__((export_name("ssim_uniform"))) void ssim_uniform(const uint8_t *X, const uint8_t *Y, int W, int H, int C,
                                                               int win, double c1, double c2, int32_t *cols, int32_t *hs,
                                                               double *terms, double *means) {
  const int rowLen = W * C;
  int32_t *su = cols, *sv = cols + rowLen, *suu = cols + 2 * rowLen, *svv = cols + 3 * rowLen;
  int32_t *hu = hs, *hv = hs + rowLen, *huu = hs + 2 * rowLen, *hvv = hs + 3 * rowLen;
  for (int e = 0; e < 4 * rowLen; e++) cols[e] = 0;
  for (int r = 0; r < win; r++) slide_columns(X, Y, -1, r * rowLen, rowLen, su, sv, suu, svv);
  const int np = win * win;
  const double inv = 1.0 / np;
  const double halfCov = (0.5 * np) / (np - 1);
  const int outW = W - win + 1, outH = H - win + 1;
  const int n = outW * C;
  const f64x2 vinv = SPLAT(inv), vhalf = SPLAT(0.5), vcov = SPLAT(halfCov), vc1 = SPLAT(c1), vc2 = SPLAT(c2);
  double sums[4] = {0, 0, 0, 0};
  for (int i = 0; i < outH; i++) {
    if (i > 0) slide_columns(X, Y, (i - 1) * rowLen, (i + win - 1) * rowLen, rowLen, su, sv, suu, svv);
    window_sums(su, n, C, win, hu);
    window_sums(sv, n, C, win, hv);
    window_sums(suu, n, C, win, huu);
    window_sums(svv, n, C, win, hvv);
    int e = 0;
    for (; e + 2 <= n; e += 2) {
      const f64x2 mu = MUL(wasm_f64x2_convert_low_i32x4(wasm_v128_load64_zero(hu + e)), vinv);
      const f64x2 mv = MUL(wasm_f64x2_convert_low_i32x4(wasm_v128_load64_zero(hv + e)), vinv);
      const f64x2 mu2 = MUL(mu, mu), mv2 = MUL(mv, mv);
      const f64x2 varU = SUB(MUL(wasm_f64x2_convert_low_i32x4(wasm_v128_load64_zero(huu + e)), vinv), mu2);
      const f64x2 varV = SUB(MUL(wasm_f64x2_convert_low_i32x4(wasm_v128_load64_zero(hvv + e)), vinv), mv2);
      const f64x2 num = MUL(ADD(MUL(vhalf, SUB(mu2, mv2)), vc1), ADD(MUL(vcov, SUB(varU, varV)), vc2));
      const f64x2 den = MUL(ADD(MUL(vhalf, ADD(mu2, mv2)), vc1), ADD(MUL(vcov, ADD(varU, varV)), vc2));
      wasm_v128_store(terms + e, wasm_f64x2_div(num, den));
    }
    for (; e < n; e++) {
      const double mu = hu[e] * inv, mv = hv[e] * inv;
      const double mu2 = mu * mu, mv2 = mv * mv;
      const double varU = huu[e] * inv - mu2, varV = hvv[e] * inv - mv2;
      terms[e] = ((0.5 * (mu2 - mv2) + c1) * (halfCov * (varU - varV) + c2)) / ((0.5 * (mu2 + mv2) + c1) * (halfCov * (varU + varV) + c2));
    }
    // each channel's row sum in pixel order, then added to the channel total (as uniformRow does)
    for (int ch = 0; ch < C; ch++) {
      double rowSum = 0;
      for (int p = ch; p < n; p += C) rowSum += terms[p];
      sums[ch] += rowSum;
    }
  }
  for (int ch = 0; ch < C; ch++) means[ch] = sums[ch] / ((double)outW * (double)outH);
}
