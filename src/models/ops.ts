/**
 * The U-Net's building blocks as pure functions over a parameter lookup, NHWC. Each mirrors
 * one module of the official PyTorch code (DiffUIR src/model.py) and its numerics
 * (eps = 1e-5, biased variances, exact-erf GELU).
 */
import { tf } from '../tf/index.js';

/** Parameter lookup by PyTorch state-dict key (throws on a missing key: a bug, not a user error). */
export type Params = (name: string) => tf.Tensor;

const EPS = 1e-5;

/** nn.Conv2d; `pad` as PyTorch's symmetric zero padding. */
export function conv2d(p: Params, name: string, x: tf.Tensor4D, stride = 1, pad = 0, bias = true): tf.Tensor4D {
  const w = p(`${name}.weight`) as tf.Tensor4D;
  const k = w.shape[0];
  const padding = pad === 0 ? 'valid' : stride === 1 && 2 * pad === k - 1 ? 'same' : ([[0, 0], [pad, pad], [pad, pad], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]]);
  const y = tf.conv2d(x, w, stride, padding);
  return bias ? tf.add(y, p(`${name}.bias`)) : y;
}

/** WeightStandardizedConv2d (arXiv 1903.10520): per output channel, w ← (w − mean) / √(var + eps). */
export function wsConv2d(p: Params, name: string, x: tf.Tensor4D): tf.Tensor4D {
  const w = p(`${name}.weight`) as tf.Tensor4D; // HWIO: standardise over H, W, I
  const { mean, variance } = tf.moments(w, [0, 1, 2], true);
  const wn = tf.mul(tf.sub(w, mean), tf.rsqrt(tf.add(variance, EPS))) as tf.Tensor4D;
  return tf.add(tf.conv2d(x, wn, 1, 'same'), p(`${name}.bias`));
}

/** nn.GroupNorm(groups, C) over NHWC. */
export function groupNorm(p: Params, name: string, x: tf.Tensor4D, groups: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const xr = tf.reshape(x, [b, h * w, groups, c / groups]);
  const { mean, variance } = tf.moments(xr, [1, 3], true);
  const y = tf.reshape(tf.mul(tf.sub(xr, mean), tf.rsqrt(tf.add(variance, EPS))), [b, h, w, c]);
  return tf.add(tf.mul(y, p(`${name}.weight`)), p(`${name}.bias`));
}

/** The official channel LayerNorm: (x − mean_c) / √(var_c + eps) · g, no bias. */
export function channelLayerNorm(p: Params, name: string, x: tf.Tensor4D): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, EPS))), p(`${name}.g`));
}

export const silu = <T extends tf.Tensor>(x: T): T => tf.mul(x, tf.sigmoid(x));

/** nn.GELU() (exact): x · Φ(x). */
export const gelu = <T extends tf.Tensor>(x: T): T => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));

/** nn.Linear on [B, in]. */
export function linear(p: Params, name: string, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(x, p(`${name}.weight`) as tf.Tensor2D), p(`${name}.bias`));
}

/** SinusoidalPosEmb(dim): [sin(t·f), cos(t·f)], f_i = exp(−i·ln(10000)/(dim/2 − 1)). */
export function sinusoidalEmbedding(t: readonly number[], dim: number): tf.Tensor2D {
  const half = Math.floor(dim / 2);
  const scale = Math.log(10000) / (half - 1);
  const freqs = tf.exp(tf.mul(tf.range(0, half, 1, 'float32'), -scale));
  const args = tf.mul(tf.tensor2d([...t], [t.length, 1], 'float32'), tf.reshape(freqs, [1, half]));
  return tf.concat([tf.sin(args), tf.cos(args)], 1) as tf.Tensor2D;
}

/** Block: WS-conv 3×3 → GroupNorm → optional x·(scale+1)+shift → SiLU. */
function block(p: Params, name: string, x: tf.Tensor4D, groups: number, scaleShift?: [tf.Tensor, tf.Tensor]): tf.Tensor4D {
  let y = groupNorm(p, `${name}.norm`, wsConv2d(p, `${name}.proj`, x), groups);
  if (scaleShift) y = tf.add(tf.mul(y, tf.add(scaleShift[0], 1)), scaleShift[1]);
  return silu(y);
}

/** ResnetBlock: block1 (time scale/shift from mlp = SiLU → Linear) → block2, plus res_conv(x). */
export function resnetBlock(p: Params, name: string, x: tf.Tensor4D, tEmb: tf.Tensor2D, groups: number): tf.Tensor4D {
  const cout = p(`${name}.block1.proj.bias`).shape[0];
  const ss = tf.reshape(linear(p, `${name}.mlp.1`, silu(tEmb)), [tEmb.shape[0], 1, 1, 2 * cout]);
  const [scale, shift] = tf.split(ss, 2, 3);
  const h = block(p, `${name}.block2`, block(p, `${name}.block1`, x, groups, [scale, shift]), groups);
  const res = hasParam(p, `${name}.res_conv.weight`) ? conv2d(p, `${name}.res_conv`, x) : x;
  return tf.add(h, res);
}

/** True when the lookup knows `name` (lookups built by unet.ts expose `has`). */
export function hasParam(p: Params, name: string): boolean {
  return (p as Params & { has?: (n: string) => boolean }).has?.(name) ?? false;
}

/**
 * q, k, v of shape [B·heads, N, dh] (channel index = head·dh + c), from the 1×1 qkv projection.
 * Three projections with slices of the (small) weight instead of one split of the (large) output:
 * same result, and SplitV along channels is slow on the CPU backend.
 */
function qkv(p: Params, name: string, x: tf.Tensor4D, heads: number): [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D] {
  const [b, h, w] = x.shape;
  const weight = p(`${name}.to_qkv.weight`) as tf.Tensor4D;
  const hidden = weight.shape[3] / 3;
  const dh = hidden / heads;
  return [0, 1, 2].map((i) => {
    const u = tf.conv2d(x, tf.slice(weight, [0, 0, 0, i * hidden], [-1, -1, -1, hidden]), 1, 'valid');
    return tf.reshape(tf.transpose(tf.reshape(u, [b, h * w, heads, dh]), [0, 2, 1, 3]), [b * heads, h * w, dh]);
  }) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
}

function mergeHeads(o: tf.Tensor3D, b: number, h: number, w: number, heads: number): tf.Tensor4D {
  const dh = o.shape[2];
  return tf.reshape(tf.transpose(tf.reshape(o, [b, heads, h * w, dh]), [0, 2, 1, 3]), [b, h, w, heads * dh]);
}

/** LinearAttention: softmax q over features, k over positions; context = k vᵀ; out → 1×1 conv → LayerNorm. */
export function linearAttention(p: Params, name: string, x: tf.Tensor4D, heads: number): tf.Tensor4D {
  const [b, h, w] = x.shape;
  const [q0, k0, v0] = qkv(p, name, x, heads);
  const dh = q0.shape[2];
  const q = tf.mul(tf.softmax(q0, -1), dh ** -0.5);
  const k = tf.softmax(tf.transpose(k0, [0, 2, 1]), -1); // [B·h, dh, N], softmax over N
  const v = tf.div(v0, h * w);
  const context = tf.matMul(k, v); // [B·h, d, e] = Σ_n k[d,n] v[n,e]
  const out = tf.matMul(q, context); // [B·h, N, e] = Σ_d q[n,d] context[d,e]
  const y = conv2d(p, `${name}.to_out.0`, mergeHeads(out as tf.Tensor3D, b, h, w, heads));
  return channelLayerNorm(p, `${name}.to_out.1`, y);
}

/** Attention (full, middle of the U-Net): softmax(q kᵀ · dh^−½) v → 1×1 conv. */
export function attention(p: Params, name: string, x: tf.Tensor4D, heads: number): tf.Tensor4D {
  const [b, h, w] = x.shape;
  const [q0, k, v] = qkv(p, name, x, heads);
  const q = tf.mul(q0, q0.shape[2] ** -0.5);
  const attn = tf.softmax(tf.matMul(q, k, false, true), -1);
  return conv2d(p, `${name}.to_out`, mergeHeads(tf.matMul(attn, v) as tf.Tensor3D, b, h, w, heads));
}

/** Residual(PreNorm(dim, fn)): x + fn(LayerNorm(x)). */
export function preNormResidual(p: Params, name: string, x: tf.Tensor4D, fn: (p: Params, name: string, x: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
  return tf.add(fn(p, `${name}.fn.fn`, channelLayerNorm(p, `${name}.fn.norm`, x)), x);
}

/** nn.Upsample(scale_factor=2, mode='nearest'): each pixel repeated 2×2. */
export function upsampleNearest2x(x: tf.Tensor4D): tf.Tensor4D {
  // half_pixel_centers = false, align_corners = false: source index floor(i / 2), as PyTorch's 'nearest'
  return tf.image.resizeNearestNeighbor(x, [2 * x.shape[1], 2 * x.shape[2]]);
}
