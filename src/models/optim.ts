/**
 * Adam (PyTorch's torch.optim.Adam update, written out so its state can be checkpointed and
 * restored exactly) and the EMA of the official trainer (ema_pytorch EMA(beta=0.995,
 * update_every=1) with its defaults update_after_step=100, inv_gamma=1, power=2/3).
 */
import { tf } from '../tf/index.js';

export interface AdamState {
  readonly m: Map<string, tf.Variable>;
  readonly v: Map<string, tf.Variable>;
}

export const ADAM = Object.freeze({ beta1: 0.9, beta2: 0.999, eps: 1e-8 });

export function createAdamState(variables: ReadonlyMap<string, tf.Variable>, init?: (kind: 'm' | 'v', name: string) => Float32Array | undefined): AdamState {
  const make = (kind: 'm' | 'v') =>
    new Map(
      [...variables].map(([name, w]) => {
        const values = init?.(kind, name);
        const initial = values ? tf.tensor(values, w.shape) : tf.zerosLike(w);
        const v = tf.variable(initial, false);
        initial.dispose();
        return [name, v] as const;
      }),
    );
  return { m: make('m'), v: make('v') };
}

const f32 = Math.fround;

/**
 * One Adam step (step counts from 1): m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
 * w ← w − (lr / (1−β₁^step)) · m / (√v / √(1−β₂^step) + eps).
 * Computed on the host, one pass per variable, in float32 operation by operation (each +, ×, ÷, √ rounded
 * to float32 as the backend's kernels round it, constants as the backend receives them), so the weights
 * are bit-identical to the same formula as backend ops, for a fraction of the per-op cost (a dozen
 * kernel calls per variable otherwise). With `gradClip` > 0 the gradients are first clipped as torch's clip_grad_norm_
 * does in place (gradClipFactor over the variables in order, each gradient × the factor in float32); every gradient is
 * read from the backend once. At a factor of 1 the gradients are used as they are.
 */
export function adamStep(variables: ReadonlyMap<string, tf.Variable>, grads: Record<string, tf.Tensor>, state: AdamState, lr: number, step: number, gradClip = 0): void {
  const { beta1, beta2, eps } = ADAM;
  const b1 = f32(beta1);
  const c1 = f32(1 - beta1);
  const b2 = f32(beta2);
  const c2 = f32(1 - beta2);
  const bc2 = f32(Math.sqrt(1 - beta2 ** step));
  const e = f32(eps);
  const rate = f32(lr / (1 - beta1 ** step));
  const stepped = [...variables].filter(([, w]) => grads[w.name]);
  const host = stepped.map(([, w]) => grads[w.name].dataSync() as Float32Array);
  const scale = gradClip > 0 ? gradClipFactor(host, gradClip).factor : 1;
  for (const [k, [name, w]] of stepped.entries()) {
    const mv = state.m.get(name)!;
    const vv = state.v.get(name)!;
    const g = host[k];
    const m = Float32Array.from(mv.dataSync() as Float32Array);
    const v = Float32Array.from(vv.dataSync() as Float32Array);
    const x = Float32Array.from(w.dataSync() as Float32Array);
    for (let i = 0; i < x.length; i++) {
      const gi = scale === 1 ? g[i] : f32(g[i] * scale);
      const mi = f32(f32(m[i] * b1) + f32(gi * c1));
      const vi = f32(f32(v[i] * b2) + f32(f32(gi * gi) * c2));
      m[i] = mi;
      v[i] = vi;
      x[i] = f32(x[i] - f32(f32(mi / f32(f32(f32(Math.sqrt(vi)) / bc2) + e)) * rate));
    }
    assignHost(mv, m);
    assignHost(vv, v);
    assignHost(w, x);
  }
}

/**
 * The gradient clipping of the official trainers (DiffUIR's and RDDM's Trainer: accelerator.clip_grad_norm_(…, 1.0)
 * before every Adam step), as torch.nn.utils.clip_grad_norm_: the total norm is the L2 norm of the per-tensor L2
 * norms, and every gradient is multiplied in float32 by min(1, maxNorm / (norm + 1e-6)). The sums run in float64
 * on the host in tensor order, so the factor is the same for any worker count; a factor of 1 leaves the bits alone.
 */
export function gradClipFactor(grads: readonly Float32Array[], maxNorm: number): { norm: number; factor: number } {
  let total = 0;
  for (const g of grads) {
    let s = 0;
    for (let i = 0; i < g.length; i++) s += g[i] * g[i];
    const n = f32(Math.sqrt(s));
    total += n * n;
  }
  const norm = f32(Math.sqrt(total));
  return { norm, factor: Math.min(1, f32(maxNorm / f32(norm + 1e-6))) };
}

/** variable ← host values (same shape) */
function assignHost(variable: tf.Variable, values: Float32Array): void {
  const t = tf.tensor(values, variable.shape, 'float32');
  variable.assign(t);
  t.dispose();
}

/** ema_pytorch's decay for its `updates`-th update (0-based): 0 (copy) up to step 100, then min(β, 1 − (1 + e)^(−2/3)). */
export function emaDecayAt(updates: number, beta: number, updateAfterStep = 100): number {
  if (updates <= updateAfterStep) return 0;
  const epoch = updates - updateAfterStep;
  return Math.min(beta, Math.max(0, 1 - (1 + epoch) ** (-2 / 3)));
}

/** ema ← decay·ema + (1 − decay)·w (decay 0 copies), on the host in float32 as adamStep. */
export function emaUpdate(ema: ReadonlyMap<string, tf.Variable>, variables: ReadonlyMap<string, tf.Variable>, decay: number): void {
  const d = f32(decay);
  const c = f32(1 - decay);
  for (const [name, w] of variables) {
    const ev = ema.get(name)!;
    const x = w.dataSync() as Float32Array;
    if (decay === 0) {
      assignHost(ev, Float32Array.from(x));
      continue;
    }
    const e = Float32Array.from(ev.dataSync() as Float32Array);
    for (let i = 0; i < e.length; i++) e[i] = f32(f32(e[i] * d) + f32(x[i] * c));
    assignHost(ev, e);
  }
}
