/**
 * The U-Net's blocks for the native TensorFlow backend: the same functions as ./ops.ts (same parameters,
 * same math within float rounding), written for a backend whose cost is the number of ops, not their kind.
 * tfjs-node runs every op eagerly at ~35 µs of dispatch each, and TF.js's automatic gradients of a norm
 * expand into dozens of small ops (broadcast sums, casts, reshapes). So here:
 * - the normalisations (weight standardisation, GroupNorm with the time scale/shift and SiLU, the channel
 *   LayerNorm) carry hand-written gradients of a few whole-tensor ops each (the standard normalisation
 *   backward: dx = r·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) over the normalised axes);
 * - channel parts (x_t ‖ μ, skip ‖ x) are concatenated once instead of convolved part by part;
 * - products use TF's BatchMatMulV2 with its transpose flags and broadcasting, and q, k, v come from one
 *   1×1 projection split three ways.
 * Gradients are checked against TF.js's automatic ones in test/models/native-ops.test.ts.
 */
import { tf } from '../tf/index.js';
import { type Params, hasParam, upsampleNearest2x } from './ops.js';

const EPS = 1e-5;

type Parts = tf.Tensor4D | readonly tf.Tensor4D[];
const joined = (x: Parts): tf.Tensor4D => (Array.isArray(x) ? (x.length === 1 ? x[0] : (tf.concat(x as tf.Tensor4D[], 3) as tf.Tensor4D)) : (x as tf.Tensor4D));

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
/** tf.customGrad with plain typing: f returns the value, the tensors to save and the gradient function. */
function custom<A extends tf.Tensor[]>(f: (...args: A) => { value: tf.Tensor; save: tf.Tensor[]; grad: Grad }): (...args: A) => tf.Tensor {
  return tf.customGrad(((...args: unknown[]) => {
    const saveFn = args.pop() as tf.GradSaveFunc;
    const { value, save, grad } = f(...(args as A));
    saveFn(save);
    return { value, gradFunc: grad };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...args: A) => tf.Tensor;
}

/**
 * x̂ = (x − mean) · r over `axes` (keepDims), r = 1/√(var + eps) with the biased variance; returns x̂ and r.
 * Its backward, for the gradient g of x̂: r · (g − mean(g) − x̂ · mean(g · x̂)).
 */
function normalise(x: tf.Tensor, axes: number[]): { xhat: tf.Tensor; r: tf.Tensor } {
  const mean = tf.mean(x, axes, true);
  const d = tf.sub(x, mean);
  const r = tf.rsqrt(tf.add(tf.mean(tf.square(d), axes, true), EPS));
  return { xhat: tf.mul(d, r), r };
}
function normaliseGrad(g: tf.Tensor, xhat: tf.Tensor, r: tf.Tensor, axes: number[]): tf.Tensor {
  return tf.mul(r, tf.sub(tf.sub(g, tf.mean(g, axes, true)), tf.mul(xhat, tf.mean(tf.mul(g, xhat), axes, true))));
}

/** Weight standardisation of an HWIO filter over H, W, I (per output channel). */
const standardise = custom((w: tf.Tensor) => {
  const { xhat, r } = normalise(w, [0, 1, 2]);
  return { value: xhat, save: [xhat, r], grad: (dy, [xhat, r]) => [normaliseGrad(dy, xhat, r, [0, 1, 2])] };
});

/** Convolution of the concatenated parts; `pad` as PyTorch's symmetric zero padding ('same' for odd kernels at stride 1). */
function convolve(x: Parts, w: tf.Tensor4D, bias: tf.Tensor | undefined, stride: number, pad: number): tf.Tensor4D {
  const k = w.shape[0];
  let input = joined(x);
  let padding: 'valid' | 'same' = 'valid';
  if (pad !== 0) {
    if (stride === 1 && 2 * pad === k - 1) padding = 'same';
    else input = tf.pad(input, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) as tf.Tensor4D; // TF takes no explicit padding
  }
  return tf.fused.conv2d({ x: input, filter: w, strides: stride, pad: padding, ...(bias ? { bias } : {}) });
}

/** nn.Conv2d. */
export function conv2d(p: Params, name: string, x: Parts, stride = 1, pad = 0, bias = true): tf.Tensor4D {
  return convolve(x, p(`${name}.weight`) as tf.Tensor4D, bias ? p(`${name}.bias`) : undefined, stride, pad);
}

/** WeightStandardizedConv2d, 3×3, padding 1. */
export function wsConv2d(p: Params, name: string, x: Parts): tf.Tensor4D {
  return convolve(x, standardise(p(`${name}.weight`)) as tf.Tensor4D, p(`${name}.bias`), 1, 1);
}

/**
 * SiLU(GroupNorm(x)·(s + 1) + shift) with GroupNorm's affine γ, β folded in: y = x̂·a + b with
 * a = γ(s + 1), b = β(s + 1) + shift per item and channel; x̂ normalised per item over each group's H, W and channels.
 * Inputs: x [B, H, W, C], γ, β [C], s1 = s + 1 and shift [B, C].
 */
const groupNormSilu = (groups: number) =>
  custom((x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, s1: tf.Tensor, shift: tf.Tensor) => {
    const [b, h, w, c] = x.shape;
    const grouped = [b, h * w, groups, c / groups];
    const { xhat: xg, r } = normalise(tf.reshape(x, grouped), [1, 3]);
    const xhat = tf.reshape(xg, x.shape);
    const a = tf.reshape(tf.mul(gamma, s1), [b, 1, 1, c]);
    const y = tf.add(tf.mul(xhat, a), tf.reshape(tf.add(tf.mul(beta, s1), shift), [b, 1, 1, c]));
    const sig = tf.sigmoid(y);
    return {
      value: tf.mul(y, sig),
      save: [xhat, r, a, y, sig, gamma, beta, s1],
      grad: (dz, [xhat, r, a, y, sig, gamma, beta, s1]) => {
        // d SiLU(y)/dy = σ(y)·(1 + y·(1 − σ(y)))
        const dy = tf.mul(dz, tf.mul(sig, tf.add(1, tf.mul(y, tf.sub(1, sig)))));
        const db = tf.reshape(tf.sum(dy, [1, 2]), [b, c]); // ∂/∂b
        const da = tf.reshape(tf.sum(tf.mul(dy, xhat), [1, 2]), [b, c]); // ∂/∂a
        const dxhat = tf.reshape(tf.mul(dy, a), grouped);
        const dx = tf.reshape(normaliseGrad(dxhat, tf.reshape(xhat, grouped), r, [1, 3]), x.shape);
        return [dx, tf.sum(tf.mul(da, s1), 0), tf.sum(tf.mul(db, s1), 0), tf.add(tf.mul(da, gamma), tf.mul(db, beta)), db];
      },
    };
  });

const groupNormSiluBy = new Map<number, ReturnType<typeof groupNormSilu>>();

/** Block: WS-conv 3×3 → GroupNorm → x·(scale+1)+shift → SiLU (scale = shift = 0 without a time embedding). */
function block(p: Params, name: string, x: Parts, groups: number, s1: tf.Tensor, shift: tf.Tensor): tf.Tensor4D {
  let f = groupNormSiluBy.get(groups);
  if (!f) groupNormSiluBy.set(groups, (f = groupNormSilu(groups)));
  return f(wsConv2d(p, `${name}.proj`, x), p(`${name}.norm.weight`), p(`${name}.norm.bias`), s1, shift) as tf.Tensor4D;
}

/**
 * ResnetBlock: block1 with the time embedding's scale/shift (mlp = SiLU → Linear) → block2, plus res_conv(x).
 * `tScaleShift` is this block's [B, 2·C] slice of every block's time projection, computed once per forward.
 */
export function resnetBlock(p: Params, name: string, x: Parts, tScaleShift: tf.Tensor2D, groups: number): tf.Tensor4D {
  const [b, twoC] = tScaleShift.shape;
  const [scale, shift] = tf.split(tScaleShift, 2, 1);
  const h1 = block(p, `${name}.block1`, x, groups, tf.add(scale, 1), shift);
  const h = block(p, `${name}.block2`, h1, groups, tf.ones([b, twoC / 2]), tf.zeros([b, twoC / 2]));
  const res = hasParam(p, `${name}.res_conv.weight`) ? conv2d(p, `${name}.res_conv`, x) : (Array.isArray(x) ? x[0] : (x as tf.Tensor4D));
  return tf.add(h, res);
}

/** The official channel LayerNorm: (x − mean_c) / √(var_c + eps) · g, no bias. */
export const channelLayerNorm = (p: Params, name: string, x: tf.Tensor4D): tf.Tensor4D => layerNorm(x, p(`${name}.g`)) as tf.Tensor4D;
const layerNorm = custom((x: tf.Tensor, g: tf.Tensor) => {
  const { xhat, r } = normalise(x, [3]);
  return {
    value: tf.mul(xhat, g),
    save: [xhat, r, g],
    grad: (dy, [xhat, r, g]) => [normaliseGrad(tf.mul(dy, g), xhat, r, [3]), tf.sum(tf.mul(dy, xhat), [0, 1, 2])],
  };
});

/** q, k, v of every head as [B, N, heads, dh] from one 1×1 projection (official channel order 'b (h c) x y'). */
function qkv(p: Params, name: string, x: tf.Tensor4D, heads: number): tf.Tensor4D[] {
  const [b, h, w, c] = x.shape;
  const wq = p(`${name}.to_qkv.weight`) as tf.Tensor4D;
  const hidden = wq.shape[3] / 3;
  const proj = tf.matMul(tf.reshape(x, [b * h * w, c]) as tf.Tensor2D, tf.reshape(wq, [c, 3 * hidden]) as tf.Tensor2D);
  return tf.split(proj, 3, 1).map((t) => tf.reshape(t, [b, h * w, heads, hidden / heads]) as tf.Tensor4D);
}

/**
 * LinearAttention (official: q softmaxed over its dh features and scaled by dh^−½, k softmaxed over the N
 * positions, v / N; context_h = k_h v_hᵀ; out = context_hᵀ q_h; to_out = 1×1 conv, LayerNorm), with the
 * output projection folded into M_h = context_h · Wo_h as in ./ops.ts. k and v are projected straight into
 * the [B, heads, dh, N] layout (Wᵀ · xᵀ, transposing the narrow input instead of the wide k and v), so the
 * softmax over positions runs on the last axis and no wide tensor is transposed.
 */
export function linearAttention(p: Params, name: string, x: tf.Tensor4D, heads: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const n = h * w;
  const wqkv = tf.reshape(p(`${name}.to_qkv.weight`), [c, -1]) as tf.Tensor2D;
  const hidden = wqkv.shape[1] / 3;
  const dh = hidden / heads;
  const [wq, wkv] = tf.split(wqkv, [hidden, 2 * hidden], 1) as [tf.Tensor2D, tf.Tensor2D];
  const x3 = tf.reshape(x, [b, n, c]) as tf.Tensor3D;
  const q = tf.reshape(tf.softmax(tf.reshape(tf.matMul(tf.reshape(x3, [b * n, c]) as tf.Tensor2D, wq), [b * n * heads, dh])), [b, n, hidden]) as tf.Tensor3D;
  const wkvT = tf.broadcastTo(tf.reshape(tf.transpose(wkv), [1, 2 * hidden, c]), [b, 2 * hidden, c]) as tf.Tensor3D;
  const kvT = tf.matMul(wkvT, tf.transpose(x3, [0, 2, 1]) as tf.Tensor3D); // [B, 2·hidden, N]
  const [kT, vT] = tf.split(kvT, 2, 1).map((t) => tf.reshape(t, [b, heads, dh, n]) as tf.Tensor4D) as [tf.Tensor4D, tf.Tensor4D];
  const context = tf.matMul(tf.softmax(kT) as tf.Tensor4D, vT, false, true); // [B, heads, dh, dh]: Σ_n k[d, n] v[e, n]
  // the per-head output weights shared by the items (broadcastTo: its gradient is one sum over the items)
  const wo = tf.broadcastTo(tf.reshape(p(`${name}.to_out.0.weight`), [1, heads, dh, c]), [b, heads, dh, c]) as tf.Tensor4D;
  const m = tf.reshape(tf.matMul(context, wo), [b, hidden, c]);
  const y = tf.add(tf.matMul(q, tf.mul(m, dh ** -0.5 / n) as tf.Tensor3D), p(`${name}.to_out.0.bias`));
  return channelLayerNorm(p, `${name}.to_out.1`, tf.reshape(y, [b, h, w, c]) as tf.Tensor4D);
}

/** Attention (full, middle of the U-Net): per head softmax(q kᵀ · dh^−½) v, then the 1×1 conv to_out. */
export function attention(p: Params, name: string, x: tf.Tensor4D, heads: number): tf.Tensor4D {
  const [b, h, w] = x.shape;
  const n = h * w;
  const [q4, k4, v4] = qkv(p, name, x, heads).map((t) => tf.transpose(t, [0, 2, 1, 3]) as tf.Tensor4D) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D]; // [B, heads, N, dh]
  const dh = q4.shape[3];
  const attn = tf.softmax(tf.matMul(tf.mul(q4, dh ** -0.5) as tf.Tensor4D, k4, false, true));
  const out = tf.reshape(tf.transpose(tf.matMul(attn as tf.Tensor4D, v4), [0, 2, 1, 3]), [b, h, w, heads * dh]) as tf.Tensor4D;
  return conv2d(p, `${name}.to_out`, out);
}

/** Residual(PreNorm(dim, fn)): x + fn(LayerNorm(x)). */
export function preNormResidual(p: Params, name: string, x: tf.Tensor4D, fn: (p: Params, name: string, x: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
  return tf.add(fn(p, `${name}.fn.fn`, channelLayerNorm(p, `${name}.fn.norm`, x)), x);
}

export { upsampleNearest2x };
