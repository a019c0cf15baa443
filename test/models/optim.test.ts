/**
 * Adam and the EMA run on the host in float32 operation by operation: their weights must be
 * bit-identical to the same formulas written as backend ops (the trainer's earlier form, which the
 * checkpoint zoo's recorded hashes come from), including steps with gradients at rounding-noise size.
 */
import { createHash } from 'node:crypto';
import { beforeAll, expect, test } from 'vitest';
import { createUNet } from '../../src/models/unet.js';
import { ADAM, adamStep, createAdamState, emaDecayAt, emaUpdate } from '../../src/models/optim.js';
import { initBackend, tf } from '../../src/tf/index.js';

beforeAll(async () => {
  await initBackend('wasm');
});

function referenceAdam(variables: ReadonlyMap<string, tf.Variable>, grads: Record<string, tf.Tensor>, m: Map<string, tf.Variable>, v: Map<string, tf.Variable>, lr: number, step: number): void {
  const { beta1, beta2, eps } = ADAM;
  const bc1 = 1 - beta1 ** step;
  const bc2 = Math.sqrt(1 - beta2 ** step);
  tf.tidy(() => {
    for (const [name, w] of variables) {
      const g = grads[w.name];
      const mt = tf.add(tf.mul(m.get(name)!, beta1), tf.mul(g, 1 - beta1));
      const vt = tf.add(tf.mul(v.get(name)!, beta2), tf.mul(tf.square(g), 1 - beta2));
      m.get(name)!.assign(mt);
      v.get(name)!.assign(vt);
      w.assign(tf.sub(w, tf.mul(tf.div(mt, tf.add(tf.div(tf.sqrt(vt), bc2), eps)), lr / bc1)));
    }
  });
}

function referenceEma(ema: ReadonlyMap<string, tf.Variable>, variables: ReadonlyMap<string, tf.Variable>, decay: number): void {
  tf.tidy(() => {
    for (const [name, w] of variables) ema.get(name)!.assign(decay === 0 ? w : tf.add(tf.mul(ema.get(name)!, decay), tf.mul(w, 1 - decay)));
  });
}

async function digest(maps: ReadonlyMap<string, tf.Tensor>[]): Promise<string> {
  const h = createHash('sha256');
  for (const map of maps) for (const t of map.values()) h.update(Buffer.from(((await t.data()) as Float32Array).buffer));
  return h.digest('hex');
}

test('host Adam + EMA give the bits of the same formulas as backend ops (120 steps, EMA warm-up included)', async () => {
  const run = async (host: boolean) => {
    const net = createUNet({ dim: 8, dimMults: [1, 2] }, { seed: 4 });
    const adam = createAdamState(net.variables);
    const ema = createAdamState(net.variables).m;
    for (let step = 1; step <= 120; step++) {
      // every 7th step: gradients at rounding-noise size (GroupNorm-fed biases see such steps)
      const grads = Object.fromEntries([...net.variables.values()].map((w, i) => [w.name, tf.randomNormal(w.shape, 0, step % 7 === 0 ? 1e-9 : 0.1, 'float32', step * 1000 + i)]));
      if (host) adamStep(net.variables, grads, adam, 1e-3, step);
      else referenceAdam(net.variables, grads, adam.m, adam.v, 1e-3, step);
      const decay = emaDecayAt(step - 1, 0.995);
      if (host) emaUpdate(ema, net.variables, decay);
      else referenceEma(ema, net.variables, decay);
      tf.dispose(Object.values(grads));
    }
    const d = await digest([net.variables, ema, adam.m, adam.v]);
    net.dispose();
    tf.dispose([...ema.values(), ...adam.m.values(), ...adam.v.values()]);
    return d;
  };
  expect(await run(true)).toBe(await run(false));
}, 120_000);
