// One side of bench/native.bench.js in its own process (one TensorFlow per process): `node native-side.js <json>`
// with {backend, threads, steps, train: [...], forward: [...], restore?: {...}}. Initialises the backend (a native
// one with RDBM_THREADS = threads, set by the parent), runs every case once as a round and prints one JSON line
// {backend, seconds: {key: s}, microBatch: {key: n}, workers: {key: n}, errors: {key: reason}} on stdout.
// - train: trainModel for 2 + steps steps with `threads` workers (a native backend runs one; wasm gets a gradient
//   pool of `threads` worker threads, as training uses them); a step is the time between two onProgress calls:
//   the batch from the image cache, qSample, forward, backward, Adam and EMA. The first step (warm-up) and the last
//   (it writes the checkpoint) are not timed; the minimum of the others is reported.
// - forward: net.apply on one [batch, size, size, 3] input pair after a warm-up, best of `steps` calls.
// - restore: the real executor's restore (src/experiments/real.ts) of the default job's test split, as a sweep runs
//   it (worker threads per core, windows of the training crop), timed from the call to its return.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBackend, initBackend, tf } from '../dist/tf/index.js';
import { MODEL_PRESETS, createUNet, trainModel } from '../dist/models/index.js';
import { describeGradientKernels } from '../dist/models/wasm-grad.js';
import { realExecutors } from '../dist/experiments/real.js';

const spec = JSON.parse(process.argv[2]);
const info = await initBackend(spec.backend);
const out = { backend: describeBackend(info).replace(/^backend: /, '') + (info.id === 'wasm' ? `, ${describeGradientKernels()}` : ''), seconds: {}, microBatch: {}, workers: {}, errors: {} };
const tmp = mkdtempSync(join(tmpdir(), `rdbm-bench-native-${spec.backend}-`));
// a case that cannot run here (e.g. RDBM-L at 128 px over the wasm heap) is reported with its one-line reason
const attempt = async (key, fn) => {
  try {
    await fn();
  } catch (error) {
    out.errors[key] = String(error?.message ?? error).split('\n')[0];
  }
};
try {
  for (const c of spec.train ?? []) await attempt(c.key, async () => {
    const stamps = [];
    const r = await trainModel(
      { model: c.model, cropSize: c.size, batchSize: c.batch, steps: 2 + spec.steps, checkpointEvery: 1000 },
      { dataRoot: c.data, outDir: join(tmp, c.key.replace(/\W+/g, '-')), workers: spec.threads, onProgress: () => stamps.push(performance.now()) },
    );
    let best = Infinity;
    for (let i = 1; i < stamps.length - 1; i++) best = Math.min(best, (stamps[i] - stamps[i - 1]) / 1000);
    out.seconds[c.key] = best;
    out.microBatch[c.key] = r.microBatch;
    out.workers[c.key] = r.workers;
  });
  for (const f of spec.forward ?? []) await attempt(f.key, async () => {
    const net = createUNet(MODEL_PRESETS[f.model].config, { seed: 0 });
    const x = tf.randomUniform([f.batch, f.size, f.size, 3], -1, 1, 'float32', 1);
    const run = async () => { const y = net.apply(x, x, Array(f.batch).fill(37)); await y.data(); y.dispose(); };
    await run();
    let best = Infinity;
    for (let i = 0; i < spec.steps; i++) {
      const t0 = performance.now();
      await run();
      best = Math.min(best, (performance.now() - t0) / 1000);
    }
    out.seconds[f.key] = best;
    tf.dispose([x]);
    net.dispose();
  });
  if (spec.restore) {
    const { key, config, dataRoot, checkpoint } = spec.restore;
    await attempt(key, async () => {
      const t0 = performance.now();
      await realExecutors().restore({ job: { config }, dataRoot, checkpoint, outDir: join(tmp, 'restored') });
      out.seconds[key] = (performance.now() - t0) / 1000;
    });
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
