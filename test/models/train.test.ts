import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { readCheckpoint } from '../../src/models/checkpoint.js';
import { bridgeSchedule } from '../../src/bridge/index.js';
import { adamStep, createAdamState, emaDecayAt, emaUpdate, gradClipFactor } from '../../src/models/optim.js';
import { trainArchitecture, trainConfig } from '../../src/models/train-config.js';
import { batchPlan, createImageCache, loadTrainingData } from '../../src/models/train-data.js';
import { type StepContext, stepGradients } from '../../src/models/train-step.js';
import { stepBatch, trainModel } from '../../src/models/train.js';
import { createUNet, lookup } from '../../src/models/unet.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { makeDataset } from './helpers.js';

let data: string;
beforeAll(async () => {
  await initBackend('wasm');
  data = await makeDataset();
});

const base = { model: 'tiny', steps: 6, batchSize: 2, cropSize: 16, checkpointEvery: 2, seed: 3, timesteps: 20, lr: 1e-3 } as const;
const out = () => mkdtempSync(join(tmpdir(), 'rdbm-train-'));
const weights = (dir: string) => readCheckpoint(dir).tensors;
const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function expectSameWeights(a: string, b: string) {
  const ta = weights(a);
  const tb = weights(b);
  expect([...ta.keys()]).toEqual([...tb.keys()]);
  for (const [k, v] of ta) expect(Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength).equals(Buffer.from(tb.get(k)!.data.buffer, tb.get(k)!.data.byteOffset, tb.get(k)!.data.byteLength)), k).toBe(true);
}

describe('trainModel', () => {
  test('batches are balanced across tasks; the remainder rotates', () => {
    expect([...batchPlan(['A', 'B', 'C', 'D', 'E'], 20, 0).values()]).toEqual([4, 4, 4, 4, 4]);
    expect([...batchPlan(['A', 'B'], 3, 0).values()]).toEqual([2, 1]);
    expect([...batchPlan(['A', 'B'], 3, 1).values()]).toEqual([1, 2]);
  });

  test('EMA decay follows ema_pytorch defaults (copy until step 100, then 1 − (1+e)^−2/3, capped at β)', () => {
    expect(emaDecayAt(0, 0.995)).toBe(0);
    expect(emaDecayAt(100, 0.995)).toBe(0);
    expect(emaDecayAt(101, 0.995)).toBeCloseTo(1 - 2 ** (-2 / 3), 12);
    expect(emaDecayAt(1e6, 0.995)).toBe(0.995);
  });

  test('progress reported, same seed → bit-identical weights, different seed → different', async () => {
    const losses: number[] = [];
    const a = await trainModel({ ...base, steps: 3, objective: 'x0' }, { dataRoot: data, outDir: out(), onProgress: (p) => losses.push(p.loss) });
    const b = await trainModel({ ...base, steps: 3, objective: 'x0' }, { dataRoot: data, outDir: out() });
    const c = await trainModel({ ...base, steps: 3, objective: 'x0', seed: 4 }, { dataRoot: data, outDir: out() });
    expect(losses).toHaveLength(3);
    expect(losses.every((l) => l > 0 && l < 2)).toBe(true);
    expect(a.finalLoss).toBe(b.finalLoss);
    expect(c.finalLoss).not.toBe(a.finalLoss);
    expectSameWeights(a.checkpoint, b.checkpoint);
    const m = readCheckpoint(a.checkpoint).manifest;
    expect(m.step).toBe(3);
    expect(m.training?.objective).toBe('x0');
  });

  test('kill after a checkpoint, resume → same weights as an uninterrupted run', async () => {
    const straight = await trainModel(base, { dataRoot: data, outDir: out() });
    const dir = out();
    const controller = new AbortController();
    await expect(
      trainModel(base, { dataRoot: data, outDir: dir, signal: controller.signal, onProgress: (p) => p.step === 5 && controller.abort() }),
    ).rejects.toThrow(/training stopped at step 5 \(last checkpoint: .*checkpoint-0000004/);
    await expect(trainModel(base, { dataRoot: data, outDir: dir })).rejects.toThrow(/already holds a training run/);
    const resumed = await trainModel(base, { dataRoot: data, outDir: dir, resume: true });
    expectSameWeights(straight.checkpoint, resumed.checkpoint);
    expect(resumed.finalLoss).toBe(straight.finalLoss);
  });

  test('eps trains on ε: with π = 1 it is pi-eps exactly; eps with another π is refused; resume with a different config is refused', async () => {
    const losses = { eps: [] as number[], 'pi-eps': [] as number[], x0: [] as number[] };
    const run = (objective: 'eps' | 'pi-eps' | 'x0', pi: 'one' | 'residual') =>
      trainModel({ ...base, steps: 2, objective, pi }, { dataRoot: data, outDir: out(), onProgress: (p) => losses[objective].push(p.loss) });
    const eps = await run('eps', 'one');
    const piEps = await run('pi-eps', 'one');
    const x0 = await run('x0', 'one');
    // π ⊙ ε = ε when π = 1: the same targets, so the same losses and bit-identical weights
    expect(losses.eps).toEqual(losses['pi-eps']);
    expectSameWeights(eps.checkpoint, piEps.checkpoint);
    expect(readCheckpoint(eps.checkpoint).manifest.training).toMatchObject({ objective: 'eps', pi: 'one' });
    // x₀ is a different target: the first step (same weights, same x_t) already gives another loss
    expect(losses.x0[0]).not.toBe(losses.eps[0]);
    expect(x0.finalLoss).not.toBe(eps.finalLoss);
    await expect(trainModel({ ...base, steps: 2, objective: 'eps' }, { dataRoot: data, outDir: out() })).rejects.toThrow(
      /^invalid objective: eps with pi residual \(.*use objective pi-eps\)$/,
    );
    const dir = out();
    await trainModel({ ...base, steps: 2 }, { dataRoot: data, outDir: dir });
    await expect(trainModel({ ...base, steps: 4, lr: 0.5 }, { dataRoot: data, outDir: dir, resume: true })).rejects.toThrow(/different config \(lr 0\.001 → 0\.5; only steps may change\)$/);
    // a run from before the clipping, resumed with it (rdbm train clips by default): the field is named
    await expect(trainModel({ ...base, steps: 4, gradClip: 1 }, { dataRoot: data, outDir: dir, resume: true })).rejects.toThrow(/different config \(gradClip absent → 1; only steps may change\)$/);
  });

  test('gradient clipping (gradClip, the official clip_grad_norm_ before Adam): the same bits as clipping by hand; a limit above every norm changes nothing', async () => {
    const cfg = trainConfig({ ...base, steps: 3, gradClip: 0.05 });
    const clipped = await trainModel(cfg, { dataRoot: data, outDir: out() });
    expect(readCheckpoint(clipped.checkpoint).manifest.training).toMatchObject({ gradClip: 0.05 });
    // by hand: the trainer's own batches and gradients, the factor of clip_grad_norm_, then Adam
    const arch = trainArchitecture(cfg);
    const net = createUNet(arch, { seed: cfg.seed });
    const varList = [...net.variables.values()];
    const ctx: StepContext = { arch, p: lookup(net.variables), varList, cfg, schedule: bridgeSchedule({ schedule: cfg.schedule, timesteps: cfg.timesteps, lambda: cfg.lambda }) };
    const adam = createAdamState(net.variables);
    const ema = new Map([...net.variables].map(([k, v]) => [k, tf.variable(v.clone(), false)]));
    const load = createImageCache();
    const training = loadTrainingData(data, 'train');
    const factors: number[] = [];
    for (let step = 1; step <= cfg.steps; step++) {
      const { grads } = await stepGradients(ctx, await stepBatch(training, cfg, step, load));
      const { factor } = gradClipFactor(varList.map((v) => grads[v.name].dataSync() as Float32Array), 0.05);
      factors.push(factor);
      // each gradient × the factor in float32 (clip_grad_norm_'s in-place mul), then plain Adam
      const clipped = Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.tensor(Float32Array.from(g.dataSync() as Float32Array, (x) => Math.fround(x * factor)), g.shape)]));
      adamStep(net.variables, clipped, adam, cfg.lr, step);
      tf.dispose(Object.values(clipped));
      tf.dispose(Object.values(grads));
      emaUpdate(ema, net.variables, emaDecayAt(step - 1, cfg.emaDecay));
    }
    expect(factors.every((f) => f < 1)).toBe(true); // it engaged at every step
    const trained = weights(clipped.checkpoint);
    for (const [k, v] of ema) expect(bytes(v.dataSync() as Float32Array).equals(bytes(trained.get(k)!.data)), k).toBe(true);
    // a limit no gradient reaches: factor 1, the unclipped run's bits
    const loose = await trainModel({ ...base, steps: 3, gradClip: 1e9 }, { dataRoot: data, outDir: out() });
    const plain = await trainModel({ ...base, steps: 3 }, { dataRoot: data, outDir: out() });
    expectSameWeights(loose.checkpoint, plain.checkpoint);
    const w = weights(plain.checkpoint).get('final_conv.weight')!.data;
    expect(bytes(w).equals(bytes(trained.get('final_conv.weight')!.data))).toBe(false); // and clipping changed them
    // 0 means no clipping and is stored as absent (unclipped configs keep their hashes)
    expect(trainConfig({ ...base, gradClip: 0 })).toEqual(trainConfig(base));
  });

  test('NaN loss stops naming the step and the last good checkpoint', async () => {
    const dir = out();
    await expect(trainModel({ ...base, steps: 6, lr: 1e38, checkpointEvery: 1 }, { dataRoot: data, outDir: dir })).rejects.toThrow(/^loss is (NaN|Infinity) at step \d+ \(last good checkpoint: .*checkpoint-\d+\)/);
  });
});
