/**
 * The U-Net's building blocks as pure functions over a parameter lookup, NHWC. Each mirrors
 * one module of the official PyTorch code (DiffUIR src/model.py) and its numerics
 * (eps = 1e-5, biased variances, exact-erf GELU).
 */
import { tf } from '../tf/index.js';

/**
 * a · b for 2-D tensors, with a gradient that transposes explicitly (da = dy · bᵀ, db = aᵀ · dy as
 * plain products of transposed copies): the wasm backend's products with transposed operands,
 * which tf.matMul's own gradient uses, are an order of magnitude slower than transposing first.
 */
export const mm = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(dy as tf.Tensor2D, tf.transpose(saved[1]) as tf.Tensor2D), tf.matMul(tf.transpose(saved[0]) as tf.Tensor2D, dy as tf.Tensor2D)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/**
 * Batched a · b for tensors [..., i, k] · [..., k, j] of equal rank (3 or 4), outer dimensions equal or
 * broadcast from 1, with the same explicit-transpose gradient as `mm` (one kernel call for every item and
 * head instead of one small product each: at RDBM-T's widths the per-op cost, not the arithmetic,
 * dominates a training step).
 */
export const bmm = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  const swap = (t: tf.Tensor) => tf.transpose(t, [...t.shape.slice(0, -2).map((_, i) => i), t.rank - 1, t.rank - 2]);
  return {
    value: tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D),
    // an operand broadcast over outer dimensions gets the sum of the items' gradients over them
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [a0, b0] = saved;
      const da = tf.matMul(dy as tf.Tensor3D, swap(b0) as tf.Tensor3D);
      const db = tf.matMul(swap(a0) as tf.Tensor3D, dy as tf.Tensor3D);
      return [sumTo(da, a0.shape), sumTo(db, b0.shape)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as <T extends tf.Tensor3D | tf.Tensor4D>(a: T, b: T) => T;

/** g summed (keeping dimensions) over the outer axes where `shape` is 1 and g is not. */
function sumTo(g: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const axes = shape.slice(0, -2).flatMap((d, i) => (d === 1 && g.shape[i] !== 1 ? [i] : []));
  return axes.length ? tf.sum(g, axes, true) : g;
}

/** Parameter lookup by PyTorch state-dict key (throws on a missing key: a bug, not a user error). */
export type Params = (name: string) => tf.Tensor;

const EPS = 1e-5;

/**
 * An input given as parts whose channels are conceptually concatenated (x_t ‖ μ, skip ‖ x):
 * a convolution of the concatenation is the sum of the parts' convolutions with the matching
 * input-channel slices of the weight, which avoids copying the wasm backend's slow channel concat.
 */
export type Parts = tf.Tensor4D | readonly tf.Tensor4D[];

const asParts = (x: Parts): readonly tf.Tensor4D[] => (Array.isArray(x) ? x : [x as tf.Tensor4D]);

function convParts(x: Parts, w: tf.Tensor4D, bias: tf.Tensor | undefined, stride: number, padding: 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]]): tf.Tensor4D {
  const parts = asParts(x);
  const [kh, kw, , cout] = w.shape;
  let offset = 0;
  const outs = parts.map((part, i) => {
    const ci = part.shape[3];
    const wi = parts.length === 1 ? w : (tf.slice(w, [0, 0, offset, 0], [kh, kw, ci, cout]) as tf.Tensor4D);
    offset += ci;
    return tf.fused.conv2d({ x: part, filter: wi, strides: stride, pad: padding, ...(i === 0 && bias ? { bias } : {}) });
  });
  return outs.length === 1 ? outs[0] : (tf.addN(outs) as tf.Tensor4D);
}

/** nn.Conv2d; `pad` as PyTorch's symmetric zero padding. */
export function conv2d(p: Params, name: string, x: Parts, stride = 1, pad = 0, bias = true): tf.Tensor4D {
  const w = p(`${name}.weight`) as tf.Tensor4D;
  const k = w.shape[0];
  const same = stride === 1 && 2 * pad === k - 1;
  if (pad !== 0 && !same && tf.getBackend() === 'tensorflow') {
    // TF's conv kernels take only 'valid' and 'same' padding (tfjs-node refuses EXPLICIT): zero-pad, then 'valid'
    const padded = asParts(x).map((u) => tf.pad(u, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) as tf.Tensor4D);
    return convParts(padded, w, bias ? p(`${name}.bias`) : undefined, stride, 'valid');
  }
  const padding = pad === 0 ? 'valid' : same ? 'same' : ([[0, 0], [pad, pad], [pad, pad], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]]);
  return convParts(x, w, bias ? p(`${name}.bias`) : undefined, stride, padding);
}

/** WeightStandardizedConv2d (arXiv 1903.10520): per output channel, w ← (w − mean) / √(var + eps); 3×3, padding 1. */
export function wsConv2d(p: Params, name: string, x: Parts): tf.Tensor4D {
  const w = p(`${name}.weight`) as tf.Tensor4D; // HWIO: standardise over H, W, I
  const { mean, variance } = tf.moments(w, [0, 1, 2], true);
  const wn = tf.mul(tf.sub(w, mean), tf.rsqrt(tf.add(variance, EPS))) as tf.Tensor4D;
  return convParts(x, wn, p(`${name}.bias`), 1, 'same');
}

/**
 * Per-channel mean over H, W of a [1, H, W, C] tensor, as a global average pool; its gradient, dy / N
 * at every pixel, is a nearest-neighbour resize of the 1×1 map (the wasm AvgPoolGrad kernel is slow
 * for a whole-image window).
 */
export const channelMean = tf.customGrad(((x: tf.Tensor4D, save: tf.GradSaveFunc) => {
  save([]);
  const [, h, w] = x.shape;
  return {
    value: tf.avgPool(x, [h, w], 1, 'valid'),
    gradFunc: (dy: tf.Tensor4D) => [tf.image.resizeNearestNeighbor(tf.div(dy, h * w) as tf.Tensor4D, [h, w])],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor4D) => tf.Tensor4D;

/**
 * nn.GroupNorm(groups, C) over NHWC, optionally followed by the ResnetBlock's x·(scale+1)+shift.
 * Channel means of x and x² by a global average pool over H, W (XNNPACK; a [1, N]·[N, C] product
 * would repack x as a weight matrix on every call), group mean μ_g and variance E[x²] − μ_g² over the
 * group's channels by one product with the group-averaging matrix, for the whole batch at once (a
 * fixed number of kernel calls per norm, whatever the batch: per-op overhead dominates small models).
 * Then x·a + b with the per-item, per-channel a = γ(s+1)/√(σ²+eps) and b = β(s+1) + shift − μ·a (the
 * same arithmetic for one item as for many, so a batch restores exactly as its items one at a time).
 */
export function groupNorm(p: Params, name: string, x: tf.Tensor4D, groups: number, scaleShift?: [tf.Tensor, tf.Tensor]): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  // averaging over each channel's group as one product with A[i, j] = 1/(C/G) when i, j share a group
  const cg = c / groups;
  const avg = tf.tensor2d(Float32Array.from({ length: c * c }, (_, k) => (Math.floor(k / c / cg) === Math.floor((k % c) / cg) ? 1 / cg : 0)), [c, c]);
  // per item ([1, C] · A through bmm, so an item's statistics do not depend on its batch)
  const groupMean = (perChannel: tf.Tensor) => tf.reshape(bmm(tf.reshape(perChannel, [b, 1, c]) as tf.Tensor3D, tf.reshape(avg, [1, c, c]) as tf.Tensor3D), [b, c]);
  const mean = groupMean(channelMean(x));
  const meanSq = groupMean(channelMean(tf.square(x) as tf.Tensor4D));
  const variance = tf.relu(tf.sub(meanSq, tf.square(mean)));
  let scale: tf.Tensor = p(`${name}.weight`);
  let offset: tf.Tensor = p(`${name}.bias`);
  if (scaleShift) {
    const s1 = tf.add(tf.reshape(scaleShift[0], [b, c]), 1);
    scale = tf.mul(scale, s1);
    offset = tf.add(tf.mul(offset, s1), tf.reshape(scaleShift[1], [b, c]));
  }
  const a = tf.mul(scale, tf.rsqrt(tf.add(variance, EPS)));
  const shift = tf.sub(offset, tf.mul(mean, a));
  return tf.add(tf.mul(x, tf.reshape(a, [b, 1, 1, c])), tf.reshape(shift, [b, 1, 1, c])) as tf.Tensor4D;
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
  return tf.add(mm(x, p(`${name}.weight`) as tf.Tensor2D), p(`${name}.bias`));
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
function block(p: Params, name: string, x: Parts, groups: number, scaleShift?: [tf.Tensor, tf.Tensor]): tf.Tensor4D {
  return silu(groupNorm(p, `${name}.norm`, wsConv2d(p, `${name}.proj`, x), groups, scaleShift));
}

/** ResnetBlock: block1 (time scale/shift from mlp = SiLU → Linear) → block2, plus res_conv(x). */
export function resnetBlock(p: Params, name: string, x: Parts, tEmb: tf.Tensor2D, groups: number): tf.Tensor4D {
  const cout = p(`${name}.block1.proj.bias`).shape[0];
  const ss = tf.reshape(linear(p, `${name}.mlp.1`, silu(tEmb)), [tEmb.shape[0], 1, 1, 2 * cout]);
  const [scale, shift] = tf.split(ss, 2, 3);
  const h = block(p, `${name}.block2`, block(p, `${name}.block1`, x, groups, [scale, shift]), groups);
  const res = hasParam(p, `${name}.res_conv.weight`) ? conv2d(p, `${name}.res_conv`, x) : asParts(x)[0];
  return tf.add(h, res);
}

/** True when the lookup knows `name` (lookups built by unet.ts expose `has`). */
export function hasParam(p: Params, name: string): boolean {
  return (p as Params & { has?: (n: string) => boolean }).has?.(name) ?? false;
}

/** The 1×1 to_qkv projection part i (0 q, 1 k, 2 v) of every head: [B, N, hidden], channel = head·dh + c (official 'b (h c) x y'). */
function qkvPart(p: Params, name: string, x: tf.Tensor4D, i: number): tf.Tensor3D {
  const w = p(`${name}.to_qkv.weight`) as tf.Tensor4D;
  const [b, h, wd, c] = x.shape;
  const hidden = w.shape[3] / 3;
  return tf.reshape(tf.conv2d(x, tf.slice(w, [0, 0, 0, i * hidden], [1, 1, c, hidden]) as tf.Tensor4D, 1, 'valid'), [b, h * wd, hidden]) as tf.Tensor3D;
}

/** [B, N, heads·dh] → [B·heads, N, dh] (one matrix per item and head). */
const splitHeads = (t: tf.Tensor3D, heads: number): tf.Tensor3D => {
  const [b, n, hidden] = t.shape;
  return tf.reshape(tf.transpose(tf.reshape(t, [b, n, heads, hidden / heads]), [0, 2, 1, 3]), [b * heads, n, hidden / heads]) as tf.Tensor3D;
};

/**
 * LinearAttention (official: q softmaxed over its dh features and scaled by dh^−½, k softmaxed over
 * the N positions, v / N; context_h = k_h v_hᵀ; out = context_hᵀ q_h; to_out = 1×1 conv, LayerNorm).
 * Computed as y = q · M + b with M_h = context_h · Wo_h · dh^−½ / N stacked over heads, which folds
 * the output conv into a small [hidden, C] matrix per item; every product runs for all items and
 * heads in one batched kernel call.
 */
export function linearAttention(p: Params, name: string, x: tf.Tensor4D, heads: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const n = h * w;
  const q3 = qkvPart(p, name, x, 0);
  const hidden = q3.shape[2];
  const dh = hidden / heads;
  const q = tf.reshape(tf.softmax(tf.reshape(q3, [b * n * heads, dh])), [b, n, hidden]) as tf.Tensor3D;
  const kT = tf.reshape(tf.softmax(tf.transpose(qkvPart(p, name, x, 1), [0, 2, 1])), [b * heads, dh, n]) as tf.Tensor3D; // softmax over positions
  const v = splitHeads(qkvPart(p, name, x, 2), heads);
  const context = bmm(kT, v); // [B·heads, dh, dh]: Σ_n k[d, n] v[n, e]
  const wo = tf.reshape(p(`${name}.to_out.0.weight`), [1, heads, dh, c]) as tf.Tensor4D; // shared by the items: broadcast, not tiled
  const m = tf.reshape(bmm(tf.reshape(context, [b, heads, dh, dh]) as tf.Tensor4D, wo), [b, hidden, c]);
  const y = tf.add(bmm(q, tf.mul(m, dh ** -0.5 / n) as tf.Tensor3D), p(`${name}.to_out.0.bias`));
  return channelLayerNorm(p, `${name}.to_out.1`, tf.reshape(y, [b, h, w, c]) as tf.Tensor4D);
}

/** Attention (full, middle of the U-Net): per head softmax(q kᵀ · dh^−½) v, then the 1×1 conv to_out; all items and heads batched. */
export function attention(p: Params, name: string, x: tf.Tensor4D, heads: number): tf.Tensor4D {
  const [b, h, w] = x.shape;
  const n = h * w;
  const q = splitHeads(qkvPart(p, name, x, 0), heads);
  const hidden = q.shape[2] * heads;
  const dh = hidden / heads;
  const kT = tf.transpose(splitHeads(qkvPart(p, name, x, 1), heads), [0, 2, 1]) as tf.Tensor3D;
  const v = splitHeads(qkvPart(p, name, x, 2), heads);
  const attn = tf.softmax(bmm(tf.mul(q, dh ** -0.5) as tf.Tensor3D, kT)) as tf.Tensor3D;
  const out = tf.reshape(tf.transpose(tf.reshape(bmm(attn, v), [b, heads, n, dh]), [0, 2, 1, 3]), [b, h, w, hidden]) as tf.Tensor4D;
  return conv2d(p, `${name}.to_out`, out);
}

/** Residual(PreNorm(dim, fn)): x + fn(LayerNorm(x)). */
export function preNormResidual(p: Params, name: string, x: tf.Tensor4D, fn: (p: Params, name: string, x: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
  return tf.add(fn(p, `${name}.fn.fn`, channelLayerNorm(p, `${name}.fn.norm`, x)), x);
}

/**
 * nn.Upsample(scale_factor=2, mode='nearest'): each pixel repeated 2×2 (resizeNearestNeighbor with
 * align_corners = half_pixel_centers = false picks source ⌊i/2⌋, as PyTorch). Its gradient, the sum
 * of dy over each 2×2 block, is written as 4·avgPool: the CPU backend's ResizeNearestNeighborGrad
 * disagrees with PyTorch (test/models/gradients.test.ts) and tiling is slow on wasm.
 */
export const upsampleNearest2x = tf.customGrad(((x: tf.Tensor4D, save: tf.GradSaveFunc) => {
  save([]);
  return {
    value: tf.image.resizeNearestNeighbor(x, [2 * x.shape[1], 2 * x.shape[2]]),
    gradFunc: (dy: tf.Tensor4D) => [tf.mul(tf.avgPool(dy, 2, 2, 'valid'), 4)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor4D) => tf.Tensor4D;
