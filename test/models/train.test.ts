import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { readCheckpoint } from '../../src/models/checkpoint.js';
import { emaDecayAt } from '../../src/models/optim.js';
import { batchPlan } from '../../src/models/train-data.js';
import { trainModel } from '../../src/models/train.js';
import { initBackend } from '../../src/tf/index.js';
import { makeDataset } from './helpers.js';

let data: string;
beforeAll(async () => {
  await initBackend('wasm');
  data = await makeDataset();
});

const base = { model: 'tiny', steps: 6, batchSize: 2, cropSize: 16, checkpointEvery: 2, seed: 3, timesteps: 20, lr: 1e-3 } as const;
const out = () => mkdtempSync(join(tmpdir(), 'rdbm-train-'));
const weights = (dir: string) => readCheckpoint(dir).tensors;

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
    await expect(trainModel({ ...base, steps: 4, lr: 0.5 }, { dataRoot: data, outDir: dir, resume: true })).rejects.toThrow(/different config/);
  });

  test('NaN loss stops naming the step and the last good checkpoint', async () => {
    const dir = out();
    await expect(trainModel({ ...base, steps: 6, lr: 1e38, checkpointEvery: 1 }, { dataRoot: data, outDir: dir })).rejects.toThrow(/^loss is (NaN|Infinity) at step \d+ \(last good checkpoint: .*checkpoint-\d+\)/);
  });
});
