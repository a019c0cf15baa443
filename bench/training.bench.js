// Training and restoration throughput on CPU (issue 15), ratios measured in this run:
// - conv peak: a 3×3 convolution of 64 channels on 64×64, one core (best of several), in GFLOP/s;
// - training throughput of RDBM-T (crop 64, batch 8) with 1 and 2 worker threads, as GFLOP/s counted
//   6 × forward MACs × batch per step (forward + two backward products), and its ratio to the conv peak;
// - what a second thread adds: the conv-peak convolution in 2 concurrent threads against 1, beside the
//   training gain of the second worker;
// - one step of the checkpoint zoo's recipe (T, crop 32, batch 10);
// - a profile of one training step (T, batch 2, 128×128): data, forward, backward, optimiser, and the
//   time per kernel (forward and backward) from tf.profile;
// - restoring the bundled mini-uir test split with an RDBM-T checkpoint at NFE 10: one image at a time in
//   one thread (the old path) against batched images over 2 worker threads.
// The machine may be shared: every figure is a best of RDBM_BENCH_REPEAT runs (default 2) and the goals
// are ratios measured in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describeBackend, initBackend, tf } from '../dist/tf/index.js';
import { MODEL_PRESETS, countMacs, createUNet, trainModel, restoreImages } from '../dist/models/index.js';
import { lookup, unetForward } from '../dist/models/unet.js';
import { ensureGradients } from '../dist/models/gradients.js';
import { LATEST_GRADIENT_KERNELS, useGradientKernels } from '../dist/models/wasm-grad.js';
import { adamStep, createAdamState, emaUpdate } from '../dist/models/optim.js';
import { saveCheckpoint } from '../dist/models/checkpoint.js';
import { stepGradients } from '../dist/models/train-step.js';
import { stepBatch } from '../dist/models/train.js';
import { createImageCache, loadTrainingData } from '../dist/models/train-data.js';
import { trainConfig } from '../dist/models/train-config.js';
import { bridgeSchedule } from '../dist/bridge/index.js';
import { generateMiniUir } from '../dist/data/index.js';
import { scanLayout } from '../dist/datasets/index.js';

const REPEAT = Number(process.env.RDBM_BENCH_REPEAT ?? 2);
const info = await initBackend(process.env.RDBM_BACKEND ?? 'wasm');
console.log(`${describeBackend(info)}; RDBM_BENCH_REPEAT=${REPEAT}; shared machine: compare ratios, not absolute times`);
await ensureGradients();
const tmp = mkdtempSync(join(tmpdir(), 'rdbm-bench-train-'));
const best = async (fn, n = REPEAT) => {
  let b = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    b = Math.min(b, (performance.now() - t0) / 1000);
  }
  return b;
};

// conv peak
const cx = tf.randomUniform([1, 64, 64, 64], -1, 1, 'float32', 1);
const cw = tf.randomUniform([3, 3, 64, 64], -1, 1, 'float32', 2);
const conv = async () => { const y = tf.conv2d(cx, cw, 1, 'same'); await y.data(); y.dispose(); };
await conv();
const convSec = await best(async () => { for (let i = 0; i < 10; i++) await conv(); }, 3 * REPEAT) / 10;
const peak = (2 * 9 * 64 * 64 * 64 * 64) / convSec / 1e9;
console.log(`conv 3×3 64→64 on 64×64, one core: ${(convSec * 1000).toFixed(2)} ms = ${peak.toFixed(1)} GFLOP/s (peak)`);

// data: the bundled mini-uir (64-px images) for restoration; a 128-px build for training crops
const data = join(tmp, 'mini-uir');
await generateMiniUir(data);
const data128 = join(tmp, 'mini-uir-128');
await generateMiniUir(data128, { size: 128 });

// training throughput, 1 and 2 workers
const T = MODEL_PRESETS.T.config;
const TRAIN = { crop: 64, batch: 8, steps: 3 };
const flops = 6 * countMacs(T, TRAIN.crop, TRAIN.crop).total * TRAIN.batch;
const through = {};
for (const workers of [1, 2]) {
  let sec = Infinity;
  for (let r = 0; r < REPEAT; r++) {
    const out = join(tmp, `train-${workers}-${r}`);
    const stamps = [];
    await trainModel({ model: 'T', cropSize: TRAIN.crop, batchSize: TRAIN.batch, steps: TRAIN.steps, checkpointEvery: 1000 }, { dataRoot: data, outDir: out, workers, onProgress: () => stamps.push(performance.now()) });
    // steps after the first (warm-up, worker start)
    for (let i = 1; i < stamps.length; i++) sec = Math.min(sec, (stamps[i] - stamps[i - 1]) / 1000);
    rmSync(out, { recursive: true, force: true });
  }
  through[workers] = flops / sec / 1e9;
  console.log(`train T crop ${TRAIN.crop} batch ${TRAIN.batch}, ${workers} worker(s): ${sec.toFixed(3)} s/step = ${through[workers].toFixed(2)} GFLOP/s = ${(through[workers] / peak).toFixed(2)}× the conv peak`);
}
console.log(`training goal (2 workers ≥ 0.8× single-core conv peak): ${through[2] / peak >= 0.8 ? 'met' : 'NOT met'} (${(through[2] / peak).toFixed(2)}×)`);

// what a second thread can add on this machine: the conv-peak convolution in 1 and in 2 concurrent worker threads
// (compute-bound), against the training gain of the second worker above (each worker's shard is half the batch)
{
  const threads = (k) => Promise.all(Array.from({ length: k }, () => new Promise((resolve, reject) => {
    const w = new Worker(new URL('./conv-thread.js', import.meta.url), { workerData: 100 });
    w.once('message', (ms) => { resolve(ms); void w.terminate(); });
    w.once('error', reject);
  })));
  let gain = 0;
  for (let r = 0; r < REPEAT; r++) {
    const [one] = await threads(1);
    const two = await threads(2);
    gain = Math.max(gain, (2 * one) / Math.max(...two));
  }
  console.log(`second thread: conv-peak convolutions in 2 threads give ${gain.toFixed(2)}× the throughput of 1; training with 2 workers gives ${(through[2] / through[1]).toFixed(2)}× that of 1`);
}

// the checkpoint zoo's recipe (scale cpu: RDBM-T, crop 32, batch 10 on 64-px mini-uir), 1 worker: what one zoo step costs
{
  let sec = Infinity;
  for (let r = 0; r < REPEAT; r++) {
    const out = join(tmp, `train-zoo-${r}`);
    const stamps = [];
    await trainModel({ model: 'T', cropSize: 32, batchSize: 10, steps: 4, checkpointEvery: 1000 }, { dataRoot: data, outDir: out, onProgress: () => stamps.push(performance.now()) });
    for (let i = 1; i < stamps.length; i++) sec = Math.min(sec, (stamps[i] - stamps[i - 1]) / 1000);
    rmSync(out, { recursive: true, force: true });
  }
  console.log(`zoo recipe (T, crop 32, batch 10), 1 worker: ${sec.toFixed(3)} s/step (3000 steps ≈ ${((3000 * sec) / 60).toFixed(0)} min)`);
}

// the gradient kernels' revisions (models/wasm-grad.ts) on one RDBM-B step of the zoo recipe (crop 32, batch 10),
// forward + backward, interleaved in this process: r1 (filter gradient as a convolution) against r2 (the direct kernel)
{
  const B = MODEL_PRESETS.B.config;
  const cfg = trainConfig({ model: 'B', cropSize: 32, batchSize: 10, steps: 1 });
  const net = createUNet(B, { seed: 0 });
  const ctx = { arch: B, p: lookup(net.variables), varList: [...net.variables.values()], cfg, schedule: bridgeSchedule({ schedule: cfg.schedule, timesteps: cfg.timesteps, lambda: cfg.lambda }) };
  const batch = await stepBatch(loadTrainingData(data, 'train'), cfg, 1, createImageCache());
  const sec = { 1: Infinity, 2: Infinity };
  for (let round = 0; round < 1 + 2 * REPEAT; round++) {
    for (const r of [1, 2]) {
      useGradientKernels(r);
      const t0 = performance.now();
      const { grads } = await stepGradients(ctx, batch);
      tf.dispose(Object.values(grads));
      if (round > 0) sec[r] = Math.min(sec[r], (performance.now() - t0) / 1000);
    }
  }
  useGradientKernels(LATEST_GRADIENT_KERNELS);
  net.dispose();
  console.log(`RDBM-B step (crop 32, batch 10), forward + backward: gradient kernels r1 ${sec[1].toFixed(3)} s, r2 ${sec[2].toFixed(3)} s = ${(sec[1] / sec[2]).toFixed(2)}× faster`);
}

// profile of one training step
{
  const cfg = trainConfig({ model: 'T', cropSize: 128, batchSize: 2, steps: 1 });
  const net = createUNet(T, { seed: 0 });
  const p = lookup(net.variables);
  const varList = [...net.variables.values()];
  const adam = createAdamState(net.variables);
  const ema = createAdamState(net.variables).m;
  const schedule = bridgeSchedule({ schedule: cfg.schedule, timesteps: cfg.timesteps, lambda: cfg.lambda });
  const ctx = { arch: T, p, varList, cfg, schedule };
  const train = loadTrainingData(data128, 'train');
  const load = createImageCache();
  let batch;
  let step = 0;
  const phases = {
    data: async () => { batch = await stepBatch(train, cfg, ++step, load); },
    forward: async () => {
      const y = tf.tidy(() => { const x = tf.tensor4d(batch.x0, batch.shape); return tf.mean(tf.abs(tf.sub(unetForward(T, p, [x, x], [...batch.t]), x))); });
      await y.data(); y.dispose();
    },
    'forward + backward': async () => { const { grads } = await stepGradients(ctx, batch); tf.dispose(Object.values(grads)); },
    optimiser: async () => {
      const { grads } = await stepGradients(ctx, batch);
      const t0 = performance.now();
      adamStep(net.variables, grads, adam, 1e-4, step);
      emaUpdate(ema, net.variables, 0.995);
      await varList[0].data();
      phases.optimiserSec = Math.min(phases.optimiserSec ?? Infinity, (performance.now() - t0) / 1000);
      tf.dispose(Object.values(grads));
    },
  };
  const sec = {};
  for (const k of ['data', 'forward', 'forward + backward', 'optimiser']) { await phases[k](); sec[k] = await best(phases[k]); }
  sec.optimiser = phases.optimiserSec;
  sec.backward = sec['forward + backward'] - sec.forward;
  const total = sec.data + sec['forward + backward'] + sec.optimiser;
  console.log(`\nprofile of one training step, T batch 2 128×128 (${total.toFixed(3)} s):`);
  for (const k of ['data', 'forward', 'backward', 'optimiser']) console.log(`  ${k.padEnd(10)} ${sec[k].toFixed(3)} s  ${((100 * sec[k]) / total).toFixed(1)}%`);
  const byKernel = async (fn) => {
    const prof = await tf.profile(fn);
    tf.dispose(prof.result);
    const m = new Map();
    for (const k of prof.kernels) {
      const ms = await k.kernelTimeMs;
      const e = m.get(k.name) ?? { ms: 0, calls: 0 };
      e.ms += typeof ms === 'number' ? ms : 0;
      e.calls++;
      m.set(k.name, e);
    }
    return m;
  };
  const fwd = await byKernel(() => tf.tidy(() => { const x = tf.tensor4d(batch.x0, batch.shape); return tf.mean(tf.abs(tf.sub(unetForward(T, p, [x, x], [...batch.t]), x))); }));
  const all = await byKernel(async () => Object.values((await stepGradients(ctx, batch)).grads));
  const rows = [...all].map(([name, e]) => ({ name, total: e.ms, calls: e.calls, fwd: fwd.get(name)?.ms ?? 0, fwdCalls: fwd.get(name)?.calls ?? 0 })).sort((a, b) => b.total - a.total);
  const sum = rows.reduce((s, r) => s + r.total, 0);
  console.log(`  per kernel (tf.profile of forward + backward, ${sum.toFixed(0)} ms in ${rows.reduce((s, r) => s + r.calls, 0)} kernel calls; forward | backward):`);
  for (const r of rows.slice(0, 16)) {
    console.log(`    ${r.name.padEnd(24)} ${r.fwd.toFixed(1).padStart(8)} ms (${String(r.fwdCalls).padStart(4)}) | ${(r.total - r.fwd).toFixed(1).padStart(8)} ms (${String(r.calls - r.fwdCalls).padStart(4)})  ${((100 * r.total) / sum).toFixed(1)}%`);
  }
  net.dispose();
}

// restoration of the bundled test split
{
  const ckpt = join(tmp, 'ckpt-T');
  const net = createUNet(T, { seed: 0 });
  await saveCheckpoint(ckpt, net);
  net.dispose();
  const inputs = scanLayout(data, { split: 'test' }).map((e) => ({ name: `${e.task}/${e.name}`, path: e.condition }));
  const run = (opts) => () => restoreImages({ checkpoint: ckpt, inputs, outputDir: join(tmp, 'restored'), nfe: 10, ...opts });
  const one = await best(run({ workers: 1, batch: 1 }));
  const fast = await best(run({ workers: 2 }));
  console.log(`\nrestore mini-uir test (${inputs.length} images) with T at NFE 10: one at a time ${one.toFixed(2)} s, batched over 2 workers ${fast.toFixed(2)} s = ${(one / fast).toFixed(2)}× faster (goal ≥ 3×: ${one / fast >= 3 ? 'met' : 'NOT met'})`);
}
rmSync(tmp, { recursive: true, force: true });
