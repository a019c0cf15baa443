/**
 * The native TensorFlow backend (`npm run native`) against the wasm backend and PyTorch: the U-Net forward,
 * its gradients, a 20-step training loss curve, the bridge sampler and restored images. Both backends live in
 * this process; unetForward picks ./native-ops.ts on `tensorflow` and ./ops.ts on wasm, so this also checks the
 * two implementations of every block against each other. Under CI=true a missing native build fails.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { bridgeSchedule, sampleBridge } from '../../src/bridge/index.js';
import { readImage } from '../../src/image/index.js';
import { loadCheckpoint } from '../../src/models/checkpoint.js';
import { ensureGradients } from '../../src/models/gradients.js';
import { adamStep, createAdamState } from '../../src/models/optim.js';
import { modelPreset } from '../../src/models/presets.js';
import { restoreImages } from '../../src/models/restore.js';
import { type StepBatch, stepGradients } from '../../src/models/train-step.js';
import { createUNet, lookup, unetForward } from '../../src/models/unet.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { nativeUnavailable } from '../../src/tf/native.js';
import { createRng, normalArray } from '../../src/util/random.js';
import { CLAIMS, limit } from '../helpers/claims.js';
import { requireTool } from '../helpers/requirements.js';
import { FIXTURES, ioFixture, makeDataset, maxAbsDiff } from './helpers.js';

// RDBM_NATIVE_VARIANT=cuda (scripts/gpu-check.sh) checks the CUDA build on a GPU instead of the CPU build
const variant = process.env.RDBM_NATIVE_VARIANT === 'cuda' ? 'cuda' : 'cpu';
const missing = nativeUnavailable(variant);
const BACKENDS = ['wasm', 'tensorflow'] as const;

beforeAll(async () => {
  if (missing) return;
  await initBackend('wasm');
  await initBackend(variant === 'cuda' ? 'node-gpu' : 'node');
  await ensureGradients();
});

/** Runs `f` on each backend in turn (weights are created per backend from the same seed). */
async function onBoth<T>(f: () => Promise<T> | T): Promise<Record<(typeof BACKENDS)[number], T>> {
  const out = {} as Record<(typeof BACKENDS)[number], T>;
  for (const b of BACKENDS) {
    await tf.setBackend(b);
    out[b] = await f();
  }
  return out;
}

function batch(size: number, items: number, seed: number): StepBatch {
  const rng = createRng(seed);
  const n = items * size * size * 3;
  const uniform = () => Float32Array.from({ length: n }, () => 2 * rng.uniform() - 1);
  return { x0: uniform(), mu: uniform(), noise: normalArray(rng, n), t: Array.from({ length: items }, (_, i) => (17 + 31 * i) % 100), shape: [items, size, size, 3] };
}

const context = (model: string) => {
  const arch = modelPreset(model).config;
  const net = createUNet(arch, { seed: 5 });
  return {
    net,
    ctx: { arch, p: lookup(net.variables), varList: [...net.variables.values()], cfg: { objective: 'x0' as const, pi: 'residual' as const }, schedule: bridgeSchedule({ schedule: 'cosine', timesteps: 100, lambda: 10 / 255 }) },
  };
};

describe('native backend parity', () => {
  test('the native build is present (npm run native)', (ctx) => {
    requireTool(ctx, missing, 'the native backend parity tests');
    expect(missing).toBeUndefined();
  });

  test.each(['T', 'B'])('U-Net %s forward: native within 1e-5 of wasm', async (model) => {
    if (missing) return;
    const b = batch(32, 2, 1);
    const out = await onBoth(() => {
      const { net, ctx } = context(model);
      const y = tf.tidy(() => unetForward(ctx.arch, ctx.p, [tf.tensor4d(b.x0, [...b.shape]), tf.tensor4d(b.mu, [...b.shape])], b.t).dataSync() as Float32Array);
      net.dispose();
      return y;
    });
    const err = maxAbsDiff(out.tensorflow, out.wasm);
    console.log(`native vs wasm, ${model} forward: max abs ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-5);
  });

  test('U-Net forward: native matches the PyTorch fixture as wasm does', async () => {
    if (missing) return;
    await tf.setBackend('tensorflow');
    const fx = ioFixture('unet_d8_m12_io.json');
    const model = await loadCheckpoint(join(FIXTURES, 'unet_d8_m12_state.pt'));
    const out = model.apply(tf.tensor4d(fx.xt, fx.shape), tf.tensor4d(fx.mu, fx.shape), fx.t);
    const err = maxAbsDiff(await out.data(), fx.out);
    console.log(`native: max abs error vs PyTorch ${err.toExponential(2)}`);
    expect(err).toBeLessThan(limit(CLAIMS.unetOutput));
    model.dispose();
  });

  test.each(['T', 'B'])('U-Net %s gradients: every parameter tensor within 1e-4 relative of wasm', async (model) => {
    if (missing) return;
    const b = batch(32, 2, 2);
    const out = await onBoth(async () => {
      const { net, ctx } = context(model);
      const { loss, grads } = await stepGradients(ctx, b);
      const host = Object.fromEntries(Object.entries(grads).map(([k, v]) => [k.replace(/^unet\d+\//, ''), v.dataSync() as Float32Array]));
      tf.dispose(Object.values(grads));
      net.dispose();
      return { loss, host };
    });
    // ‖Δ‖ ≤ 1e-4 ‖g‖ per tensor, with a floor of 1e-7 of the whole gradient's norm: some conv biases feed a GroupNorm
    // whose groups hold one channel, so their exact gradient is 0 and both backends return only rounding noise
    const norm = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
    const total = Math.hypot(...Object.values(out.wasm.host).map(norm));
    let worst = 0;
    for (const [name, g] of Object.entries(out.wasm.host)) {
      const d = out.tensorflow.host[name];
      expect(d, name).toBeDefined();
      const diff = norm(g.map((v, i) => v - d[i]));
      worst = Math.max(worst, diff / (norm(g) + 1e-3 * total));
      expect(diff, name).toBeLessThanOrEqual(1e-4 * norm(g) + 1e-7 * total);
    }
    console.log(`native vs wasm, ${model} gradients: worst relative ${worst.toExponential(2)}, loss ${out.tensorflow.loss} vs ${out.wasm.loss}`);
    expect(Math.abs(out.tensorflow.loss - out.wasm.loss)).toBeLessThan(1e-5 * out.wasm.loss);
  });

  test('a 20-step training loss curve (T, Adam, clipping) within 1e-3 relative of wasm', async () => {
    if (missing) return;
    const curves = await onBoth(async () => {
      const { net, ctx } = context('T');
      const adam = createAdamState(net.variables);
      const losses: number[] = [];
      for (let step = 1; step <= 20; step++) {
        const { loss, grads } = await stepGradients(ctx, batch(32, 4, 100 + step));
        adamStep(net.variables, grads, adam, 1e-3, step, 1);
        tf.dispose(Object.values(grads));
        losses.push(loss);
      }
      for (const m of [adam.m, adam.v]) m.forEach((v) => v.dispose());
      net.dispose();
      return losses;
    });
    const rel = curves.wasm.map((l, i) => Math.abs(curves.tensorflow[i] - l) / l);
    console.log(`native vs wasm, 20 training steps: worst relative loss difference ${Math.max(...rel).toExponential(2)}; losses ${curves.wasm[0].toFixed(4)} → ${curves.wasm[19].toFixed(4)}`);
    expect(curves.wasm[19]).toBeLessThan(curves.wasm[0]); // it trains
    for (const r of rel) expect(r).toBeLessThan(1e-3);
  });

  test('the bridge sampler with a zoo network: native within 1e-4 of wasm', async () => {
    if (missing) return;
    const b = batch(32, 2, 3);
    const out = await onBoth(async () => {
      const model = await loadCheckpoint(join('data', 'zoo', 'T', 'checkpoint'));
      const schedule = bridgeSchedule({ schedule: 'cosine', timesteps: 100, lambda: 10 / 255 });
      const mu = tf.tensor4d(b.mu, [...b.shape]);
      const x = await sampleBridge({ mu, schedule, nfe: 10, parameterization: 'x0', pi: 'residual', predict: (xt, m, t) => model.apply(xt, m, t) });
      const values = (await x.data()) as Float32Array;
      tf.dispose([x, mu]);
      model.dispose();
      return values;
    });
    const err = maxAbsDiff(out.tensorflow, out.wasm);
    console.log(`native vs wasm, sampler (NFE 10): max abs ${err.toExponential(2)}`);
    expect(err).toBeLessThan(1e-4);
  });

  test('restored images: native within 1/255 of wasm', async () => {
    if (missing) return;
    const data = await makeDataset('test', 24);
    const inputs = readdirSync(join(data, 'Deraining', 'Rain100L', 'test', 'condition')).map((f) => ({ name: f, path: join(data, 'Deraining', 'Rain100L', 'test', 'condition', f) }));
    const dirs = await onBoth(async () => {
      const outputDir = mkdtempSync(join(tmpdir(), 'rdbm-native-restore-'));
      await restoreImages({ checkpoint: join('data', 'zoo', 'T', 'checkpoint'), inputs, outputDir, nfe: 10, workers: 1 });
      return outputDir;
    });
    let worst = 0;
    for (const f of readdirSync(dirs.wasm)) {
      const a = await readImage(join(dirs.wasm, f));
      const c = await readImage(join(dirs.tensorflow, f));
      worst = Math.max(worst, maxAbsDiff(a.data, c.data));
    }
    console.log(`native vs wasm, restored 8-bit images: max difference ${worst}/255`);
    expect(readdirSync(dirs.tensorflow).length).toBe(inputs.length);
    expect(worst).toBeLessThanOrEqual(1);
  });
});
