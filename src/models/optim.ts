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
        return [name, tf.variable(values ? tf.tensor(values, w.shape) : tf.zerosLike(w), false)] as const;
      }),
    );
  return { m: make('m'), v: make('v') };
}

/**
 * One Adam step (step counts from 1): m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
 * w ← w − (lr / (1−β₁^step)) · m / (√v / √(1−β₂^step) + eps).
 */
export function adamStep(variables: ReadonlyMap<string, tf.Variable>, grads: Record<string, tf.Tensor>, state: AdamState, lr: number, step: number): void {
  const { beta1, beta2, eps } = ADAM;
  const bc1 = 1 - beta1 ** step;
  const bc2 = Math.sqrt(1 - beta2 ** step);
  tf.tidy(() => {
    for (const [name, w] of variables) {
      const g = grads[w.name];
      if (!g) continue;
      const m = tf.add(tf.mul(state.m.get(name)!, beta1), tf.mul(g, 1 - beta1));
      const v = tf.add(tf.mul(state.v.get(name)!, beta2), tf.mul(tf.square(g), 1 - beta2));
      state.m.get(name)!.assign(m);
      state.v.get(name)!.assign(v);
      w.assign(tf.sub(w, tf.mul(tf.div(m, tf.add(tf.div(tf.sqrt(v), bc2), eps)), lr / bc1)));
    }
  });
}

/** ema_pytorch's decay for its `updates`-th update (0-based): 0 (copy) up to step 100, then min(β, 1 − (1 + e)^(−2/3)). */
export function emaDecayAt(updates: number, beta: number, updateAfterStep = 100): number {
  if (updates <= updateAfterStep) return 0;
  const epoch = updates - updateAfterStep;
  return Math.min(beta, Math.max(0, 1 - (1 + epoch) ** (-2 / 3)));
}

/** ema ← decay·ema + (1 − decay)·w (decay 0 copies). */
export function emaUpdate(ema: ReadonlyMap<string, tf.Variable>, variables: ReadonlyMap<string, tf.Variable>, decay: number): void {
  tf.tidy(() => {
    for (const [name, w] of variables) {
      const e = ema.get(name)!;
      e.assign(decay === 0 ? w : tf.add(tf.mul(e, decay), tf.mul(w, 1 - decay)));
    }
  });
}
