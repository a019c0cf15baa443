import { beforeAll, describe, expect, test } from 'vitest';
import { bridgeSchedule } from '../../src/bridge/index.js';
import { RdbmError } from '../../src/errors.js';
import { ensureGradients } from '../../src/models/gradients.js';
import { modelPreset } from '../../src/models/presets.js';
import { WASM_HEAP_BYTES, memoryLimit, planMicroBatch, probeCrop } from '../../src/models/train-memory.js';
import { shardSizes } from '../../src/models/train-parallel.js';
import { type StepBatch, stepGradients } from '../../src/models/train-step.js';
import { createUNet, lookup } from '../../src/models/unet.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { createRng, normalArray } from '../../src/util/random.js';

beforeAll(async () => {
  await initBackend('wasm');
  await ensureGradients();
});

function batchOf(items: number, crop: number): StepBatch {
  const rng = createRng('micro');
  const n = items * crop * crop * 3;
  const uni = () => Float32Array.from({ length: n }, () => 2 * rng.uniform() - 1);
  return { x0: uni(), mu: uni(), noise: normalArray(rng, n), t: Array.from({ length: items }, (_, i) => (7 * i + 3) % 20), shape: [items, crop, crop, 3] };
}

describe('micro-batches (gradient accumulation)', () => {
  test('the accumulated gradient equals the full-batch gradient within float tolerance', async () => {
    const arch = modelPreset('tiny').config;
    const net = createUNet(arch, { seed: 5 });
    const ctx = { arch, p: lookup(net.variables), varList: [...net.variables.values()], cfg: { objective: 'x0', pi: 'residual' } as const, schedule: bridgeSchedule({ schedule: 'cosine', timesteps: 20, lambda: 10 / 255 }) };
    const b = batchOf(5, 16);
    const full = await stepGradients(ctx, b);
    // the conv biases in front of GroupNorm have a zero true gradient (rounding noise ~1e-10): errors are
    // relative to each tensor's largest entry, floored at 1e-4 of the largest entry of the whole gradient
    const global = Math.max(...Object.values(full.grads).map((g) => Math.max(...Array.from(g.dataSync(), Math.abs))));
    for (const micro of [1, 2, 3]) {
      const acc = await stepGradients(ctx, b, { microBatch: micro });
      expect(Math.abs(acc.loss - full.loss)).toBeLessThan(5e-6 * full.loss);
      let worst = 0;
      for (const k of Object.keys(full.grads)) {
        const a = full.grads[k].dataSync();
        const m = acc.grads[k].dataSync();
        const scale = Math.max(1e-4 * global, ...Array.from(a, Math.abs));
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - m[i]) / scale);
      }
      expect(worst).toBeLessThan(2e-5);
      expect(worst).toBeGreaterThanOrEqual(0);
      tf.dispose(Object.values(acc.grads));
    }
    // the weighted shards a data-parallel step adds (worker order) give the same gradient
    const first = await stepGradients(ctx, { ...b, x0: b.x0.subarray(0, 3 * 768), mu: b.mu.subarray(0, 3 * 768), noise: b.noise.subarray(0, 3 * 768), t: b.t.slice(0, 3), shape: [3, 16, 16, 3] }, { weight: 3 / 5 });
    const second = await stepGradients(ctx, { ...b, x0: b.x0.subarray(3 * 768), mu: b.mu.subarray(3 * 768), noise: b.noise.subarray(3 * 768), t: b.t.slice(3), shape: [2, 16, 16, 3] }, { weight: 2 / 5 });
    expect(Math.abs(first.loss + second.loss - full.loss)).toBeLessThan(5e-6 * full.loss);
    const k = Object.keys(full.grads)[0];
    const sum = tf.add(first.grads[k], second.grads[k]).dataSync();
    const ref = full.grads[k].dataSync();
    const scale = Math.max(...Array.from(ref, Math.abs));
    expect(Math.max(...Array.from(ref, (v, i) => Math.abs(v - sum[i]))) / scale).toBeLessThan(2e-5);
    net.dispose();
  });

  test('the plan keeps the whole batch when it fits and splits it when not', () => {
    const limit = { bytes: 1000, what: 'a test limit of 1000 B' };
    expect(planMicroBatch(8, 64, 50, 0, limit).microBatch).toBe(8); // 400 ≤ 800 usable
    expect(planMicroBatch(20, 64, 50, 100, limit).microBatch).toBe(14); // (800 − 100) / 50
    expect(probeCrop(256, 4)).toBe(64);
    expect(probeCrop(40, 4)).toBe(40);
    expect(memoryLimit('wasm').bytes).toBe(WASM_HEAP_BYTES);
    expect(shardSizes(5, 2)).toEqual([3, 2]);
    expect(shardSizes(1, 2)).toEqual([1]);
  });

  test('a crop whose single item cannot fit is a one-line error naming the limit and what fits', () => {
    const limit = memoryLimit('wasm');
    const call = () => planMicroBatch(16, 1024, 5e9, 1e8, limit);
    expect(call).toThrow(RdbmError);
    expect(call).toThrow(
      'a training step on one 1024×1024 crop needs about 5.0 GB, over the wasm heap limit of 4.3 GB (largest batch that fits: 0 at this crop; largest crop for batch 1: about 832); use a smaller --crop or --backend cpu (limited by host RAM only)',
    );
  });
});
