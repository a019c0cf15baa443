/**
 * The conditional U-Net (official `Unet.forward`, DiffUIR src/model.py) in TensorFlow.js, NHWC.
 * Parameters live in a name → tf.Variable map keyed by the PyTorch state-dict names.
 */
import { RdbmError } from '../errors.js';
import { tf } from '../tf/index.js';
import { createRng } from '../util/random.js';
import { type UNetConfig, inputChannels, unetConfig } from './config.js';
import * as nativeOps from './native-ops.js';
import { attention, conv2d, gelu, linear, linearAttention, type Params, preNormResidual, resnetBlock, silu, sinusoidalEmbedding, upsampleNearest2x } from './ops.js';
import { type ParamSpec, parameterSpecs } from './spec.js';
import { registerWasmShims } from './wasm-grad.js';

export interface UNet {
  readonly config: UNetConfig;
  /** trainable parameters by PyTorch state-dict key, in our layout (conv HWIO, linear [in, out]) */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  readonly paramCount: number;
  /**
   * ε̂ or x̂₀ for x_t and μ (NHWC, same shape, [−1, 1]) and one time input per batch item (a single
   * number applies to all): a non-negative integer step t (RDBM, time `step`, the default) or any
   * finite real τ (time `real`: DiffUIR embeds τ = ᾱ_t·T). Any H×W works (reflect padding, then crop).
   * Caller disposes the result.
   */
  apply(xt: tf.Tensor4D, mu: tf.Tensor4D, t: readonly number[] | number): tf.Tensor4D;
  /** frees the variables */
  dispose(): void;
}

let instances = 0;

/** Runs one block of the forward pass; `tf.tidy` frees the block's intermediates as soon as it returns. */
export type BlockScope = (block: () => tf.Tensor4D) => tf.Tensor4D;

const unscoped: BlockScope = (block) => block();

/**
 * The forward pass over any parameter lookup (variables or plain tensors). `scope` wraps every block: inference
 * passes `tf.tidy`, so a call holds the block outputs (the skips) and one block's intermediates instead of every
 * intermediate of the pass (about 3× less memory, e.g. RDBM-T 28 → 9 MB per 32-px window, so more windows fit one call); the values are the same.
 */
export function unetForward(config: UNetConfig, p: Params, inputs: tf.Tensor4D | readonly tf.Tensor4D[], t: readonly number[], scope: BlockScope = unscoped): tf.Tensor4D {
  registerWasmShims();
  // the native backend has its own block implementations (./native-ops.ts: fewer, larger ops); wasm and cpu keep ./ops.ts
  const native = tf.getBackend() === 'tensorflow';
  const o = native ? nativeOps : { conv2d, resnetBlock, linearAttention, attention, preNormResidual, upsampleNearest2x };
  const parts = Array.isArray(inputs) ? (inputs as tf.Tensor4D[]) : [inputs as tf.Tensor4D];
  const groups = config.resnetBlockGroups;
  const heads = config.attnHeads;
  const [, H, W] = parts[0].shape;
  const s = 2 ** config.dimMults.length;
  const padH = (s - (H % s)) % s;
  const padW = (s - (W % s)) % s;
  if (padH >= H || padW >= W) {
    throw new RdbmError(`image too small: ${H}×${W} (expected at least ${s / 2 + 1} pixels a side for reflect padding to a multiple of ${s})`);
  }
  const padded = padH || padW ? parts.map((u) => tf.mirrorPad(u, [[0, 0], [0, padH], [0, padW], [0, 0]], 'reflect')) : parts;
  let x = scope(() => o.conv2d(p, 'init_conv', padded, 1, 3));
  const r = x;
  const tEmb = linear(p, 'time_mlp.3', gelu(linear(p, 'time_mlp.1', sinusoidalEmbedding(t, config.dim))));
  const depth = config.dimMults.length;
  // native: every ResnetBlock's time projection (SiLU → Linear) as one product, split per block
  const tAll = native ? timeProjections(p, resnetBlockNames(depth), tEmb) : undefined;
  const res = (name: string, z: tf.Tensor4D | tf.Tensor4D[]) => (tAll ? nativeOps.resnetBlock(p, name, z, tAll.get(name)!, groups) : resnetBlock(p, name, z, tEmb, groups));
  const skips: tf.Tensor4D[] = [];
  for (let i = 0; i < depth; i++) {
    x = block(scope, x, (z) => res(`downs.${i}.0`, z));
    skips.push(x);
    x = block(scope, x, (z) => res(`downs.${i}.1`, z));
    x = block(scope, x, (z) => o.preNormResidual(p, `downs.${i}.2`, z, (pp, n, v) => o.linearAttention(pp, n, v, heads)));
    skips.push(x);
    x = block(scope, x, (z) => (i === depth - 1 ? o.conv2d(p, `downs.${i}.3`, z, 1, 1) : o.conv2d(p, `downs.${i}.3`, z, 2, 1)));
  }
  x = block(scope, x, (z) => res('mid_block1', z));
  x = block(scope, x, (z) => o.preNormResidual(p, 'mid_attn', z, (pp, n, v) => o.attention(pp, n, v, heads)));
  x = block(scope, x, (z) => res('mid_block2', z));
  for (let i = 0; i < depth; i++) {
    x = block(scope, x, (z) => res(`ups.${i}.0`, [z, skips.pop()!]));
    x = block(scope, x, (z) => res(`ups.${i}.1`, [z, skips.pop()!]));
    x = block(scope, x, (z) => o.preNormResidual(p, `ups.${i}.2`, z, (pp, n, v) => o.linearAttention(pp, n, v, heads)));
    x = block(scope, x, (z) => (i === depth - 1 ? o.conv2d(p, `ups.${i}.3`, z, 1, 1) : o.conv2d(p, `ups.${i}.3.1`, o.upsampleNearest2x(z), 1, 1)));
  }
  x = block(scope, x, (z) => res('final_res_block', [z, r]));
  x = block(scope, x, (z) => o.conv2d(p, 'final_conv', z));
  return padH || padW ? tf.slice(x, [0, 0, 0, 0], [-1, H, W, -1]) : x;
}

/** The U-Net's ResnetBlocks in forward order. */
function resnetBlockNames(depth: number): string[] {
  const range = [...Array(depth).keys()];
  return [...range.flatMap((i) => [`downs.${i}.0`, `downs.${i}.1`]), 'mid_block1', 'mid_block2', ...range.flatMap((i) => [`ups.${i}.0`, `ups.${i}.1`]), 'final_res_block'];
}

/** SiLU(t_emb) · [W_1 | W_2 | …] + [b_1 | b_2 | …] for the blocks' `mlp.1` layers at once, split back per block ([B, 2·C_k] each). */
function timeProjections(p: Params, names: readonly string[], tEmb: tf.Tensor2D): Map<string, tf.Tensor2D> {
  const widths = names.map((n) => p(`${n}.mlp.1.bias`).shape[0]);
  const w = tf.concat(names.map((n) => p(`${n}.mlp.1.weight`)), 1) as tf.Tensor2D;
  const b = tf.concat(names.map((n) => p(`${n}.mlp.1.bias`)), 0);
  const all = tf.add(tf.matMul(silu(tEmb), w), b);
  const split = tf.split(all, widths, 1) as tf.Tensor2D[];
  return new Map(names.map((n, i) => [n, split[i]]));
}

/** One block on x inside the scope (block outputs stay alive until the caller's own tidy ends). */
function block(scope: BlockScope, x: tf.Tensor4D, f: (x: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
  return scope(() => f(x));
}

/** A lookup over a map, with `has` for optional tensors (res_conv). */
export function lookup(map: ReadonlyMap<string, tf.Tensor>): Params {
  const p = ((name: string) => {
    const v = map.get(name);
    if (!v) throw new Error(`U-Net parameter ${name} is missing`);
    return v;
  }) as Params & { has(n: string): boolean };
  p.has = (n: string) => map.has(n);
  return p;
}

/**
 * What the time input of `apply` means: `step`, RDBM's integer step t ∈ {0, …, T−1} (non-integers are
 * refused: they would silently interpolate the sinusoidal embedding); `real`, any finite τ (the U-Net's
 * embedding takes reals; DiffUIR conditions on τ = ᾱ_t·T or β̄_t·T).
 */
export type TimeInput = 'step' | 'real';

/** Checks x_t, μ and t against the config; returns t as one value per item. */
export function checkInputs(config: UNetConfig, xt: tf.Tensor, mu: tf.Tensor, t: readonly number[] | number, time: TimeInput = 'step'): number[] {
  if (xt.rank !== 4) throw new RdbmError(`invalid x_t: rank ${xt.rank} (expected an NHWC batch of rank 4)`);
  if (xt.shape[3] !== config.channels) {
    throw new RdbmError(`wrong channel count: x_t has ${xt.shape[3]} channels (expected ${config.channels} for this model)`);
  }
  if (mu.rank !== 4 || mu.shape.some((d, i) => d !== xt.shape[i])) {
    throw new RdbmError(`wrong μ shape: [${mu.shape.join(', ')}] (expected the shape of x_t [${xt.shape.join(', ')}])`);
  }
  const steps = typeof t === 'number' ? Array(xt.shape[0]).fill(t) : [...t];
  if (steps.length !== xt.shape[0]) throw new RdbmError(`invalid t: ${steps.length} steps for a batch of ${xt.shape[0]} (expected one per item)`);
  if (time === 'real') {
    for (const s of steps) if (typeof s !== 'number' || !Number.isFinite(s)) throw new RdbmError(`invalid t: ${s} (expected a finite time input)`);
  } else {
    for (const s of steps) if (!Number.isInteger(s) || s < 0) throw new RdbmError(`invalid t: ${s} (expected a non-negative integer step)`);
  }
  return steps;
}

/** Wraps a parameter map (variables or tensors, our layout) as a callable network; `time` says what `apply` accepts as t. */
export function unetFromParams(config: UNetConfig, variables: ReadonlyMap<string, tf.Variable>, time: TimeInput = 'step'): UNet {
  const p = lookup(variables);
  const paramCount = [...variables.values()].reduce((n, v) => n + v.size, 0);
  return {
    config,
    variables,
    paramCount,
    apply(xt, mu, t) {
      const steps = checkInputs(config, xt, mu, t, time);
      return tf.tidy(() => unetForward(config, p, config.condition ? [xt, mu] : xt, steps, tf.tidy));
    },
    dispose() {
      for (const v of variables.values()) v.dispose();
    },
  };
}

/** PyTorch's default initialisation (kaiming_uniform a=√5: U(±1/√fan_in) for weights and biases; norms 1 and 0). */
export function initialValues(spec: ParamSpec, rng: ReturnType<typeof createRng>): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  if (spec.kind === 'norm-weight' || spec.kind === 'layernorm-g') out.fill(1);
  else if (spec.kind !== 'norm-bias') {
    const bound = 1 / Math.sqrt(spec.fanIn);
    for (let i = 0; i < n; i++) out[i] = (2 * rng.uniform() - 1) * bound;
  }
  return out;
}

/** Variables from named Float32Arrays in our layout (names unique per instance for TF.js's registry). */
export function makeVariables(config: UNetConfig, values: (spec: ParamSpec) => Float32Array, trainable = true): Map<string, tf.Variable> {
  const id = ++instances;
  const map = new Map<string, tf.Variable>();
  for (const spec of parameterSpecs(config)) {
    // tf.variable copies its initial value: the tensor it was made from is freed at once (else one stray tensor per weight)
    const initial = tf.tensor(values(spec), [...spec.shape], 'float32');
    map.set(spec.name, tf.variable(initial, trainable, `unet${id}/${spec.name}`));
    initial.dispose();
  }
  return map;
}

/** A freshly initialised U-Net; `seed` makes the initial weights reproducible. */
export function createUNet(config: Partial<UNetConfig> & Pick<UNetConfig, 'dim' | 'dimMults'>, options: { seed?: number } = {}): UNet {
  const c = unetConfig(config);
  const rng = createRng(options.seed ?? 0);
  const variables = makeVariables(c, (spec) => initialValues(spec, rng.fork(spec.name)));
  return unetFromParams(c, variables);
}

export { inputChannels };
