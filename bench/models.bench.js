// Model speed: forward pass of RDBM-T and RDBM-B at 256×256 (batch 1) and one training step
// (forward + backward + Adam) of RDBM-T, in TensorFlow.js on the wasm backend against the
// official U-Net in PyTorch (Debian python3-torch) on this CPU with the same number of threads
// (the wasm backend is single-threaded, so torch.set_num_threads(1)), in the same run.
// Goal: inference within 1.5× of PyTorch's time. RDBM_BENCH_REPEAT rounds (default 3) alternate the
// toolkit and PyTorch (one warm-up each, then one timed run per case); the minimum per side is reported,
// which is robust to other load on the machine.
// PyTorch side: scripts/reference/models_bench.py (needs the official U-Net file, which is never committed:
// RDBM_UNET_PY=<DiffUIR src/model.py> or DIFFUIR_MIRROR=<a DiffUIR git clone>); when unavailable, only the
// toolkit's timings are printed.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeBackend, initBackend, tf } from '../dist/tf/index.js';
import { MODEL_PRESETS, createUNet } from '../dist/models/index.js';
import { lookup, unetForward } from '../dist/models/unet.js';
import { ensureGradients } from '../dist/models/gradients.js';
import { adamStep, createAdamState } from '../dist/models/optim.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPEAT = Number(process.env.RDBM_BENCH_REPEAT ?? 3);
const GOAL = 1.5;
const FORWARD = [
  { name: 'T', size: 256 },
  { name: 'B', size: 256 },
];
const TRAIN = { name: 'T', batch: 2, size: 128 };

function torchSide() {
  const spec = {
    threads: 1,
    repeat: 1,
    forward: FORWARD.map((f) => ({ ...f, dim: MODEL_PRESETS[f.name].config.dim, mults: MODEL_PRESETS[f.name].config.dimMults })),
    train: { ...TRAIN, dim: MODEL_PRESETS[TRAIN.name].config.dim, mults: MODEL_PRESETS[TRAIN.name].config.dimMults },
    ...(process.env.RDBM_UNET_PY ? { official: process.env.RDBM_UNET_PY } : {}),
  };
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'scripts/reference/models_bench.py'), JSON.stringify(spec)], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`PyTorch reference unavailable: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
    return undefined;
  }
  return JSON.parse(r.stdout);
}

const info = await initBackend(process.env.RDBM_BACKEND ?? 'wasm');
console.log(describeBackend(info));

// The toolkit's cases, built once; each call times one run.
const cases = [];
for (const f of FORWARD) {
  const net = createUNet(MODEL_PRESETS[f.name].config, { seed: 0 });
  const x = tf.randomUniform([1, f.size, f.size, 3], -1, 1, 'float32', 1);
  cases.push({ key: `forward ${f.name}`, run: async () => { const y = net.apply(x, x, [37]); await y.data(); y.dispose(); } });
}
{
  await ensureGradients();
  const net = createUNet(MODEL_PRESETS[TRAIN.name].config, { seed: 0 });
  const p = lookup(net.variables);
  const adam = createAdamState(net.variables);
  const x = tf.randomUniform([TRAIN.batch, TRAIN.size, TRAIN.size, 6], -1, 1, 'float32', 2);
  const target = tf.randomUniform([TRAIN.batch, TRAIN.size, TRAIN.size, 3], -1, 1, 'float32', 3);
  const t = Array.from({ length: TRAIN.batch }, (_, i) => 11 * i);
  let step = 0;
  cases.push({
    key: 'train',
    run: async () => {
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.abs(tf.sub(unetForward(net.config, p, x, t), target))), [...net.variables.values()]);
      await value.data();
      adamStep(net.variables, grads, adam, 1e-4, ++step);
      tf.dispose([value, ...Object.values(grads)]);
    },
  });
}
for (const c of cases) await c.run(); // warm-up

// Rounds alternate toolkit and PyTorch so both see the same machine load; the minimum over rounds is reported.
const ours = {};
const theirs = {};
let ref;
for (let round = 0; round < REPEAT; round++) {
  for (const c of cases) {
    const t0 = performance.now();
    await c.run();
    ours[c.key] = Math.min(ours[c.key] ?? Infinity, (performance.now() - t0) / 1000);
  }
  const r = torchSide();
  if (!r) break;
  ref = r;
  for (const f of FORWARD) theirs[`forward ${f.name}`] = Math.min(theirs[`forward ${f.name}`] ?? Infinity, r.forward[f.name]);
  theirs.train = Math.min(theirs.train ?? Infinity, r.train);
}
const line = (label, a, b) => console.log(`${label.padEnd(38)} toolkit ${a.toFixed(3)}s${b ? `  PyTorch ${b.toFixed(3)}s  ratio ${(a / b).toFixed(2)}×` : ''}`);
console.log(`best of ${REPEAT} alternating rounds${ref ? `; PyTorch ${ref.torch}, ${ref.threads} thread(s)` : ''}`);
for (const f of FORWARD) line(`forward ${f.name} ${f.size}×${f.size}`, ours[`forward ${f.name}`], theirs[`forward ${f.name}`]);
line(`train step ${TRAIN.name} batch ${TRAIN.batch} ${TRAIN.size}×${TRAIN.size}`, ours.train, theirs.train);
if (ref) {
  const ratios = FORWARD.map((f) => `${f.name} ${(ours[`forward ${f.name}`] / theirs[`forward ${f.name}`]).toFixed(2)}×`);
  const worst = Math.max(...FORWARD.map((f) => ours[`forward ${f.name}`] / theirs[`forward ${f.name}`]));
  console.log(`inference goal (≤ ${GOAL}× PyTorch): ${worst <= GOAL ? 'met' : 'NOT met'} (${ratios.join(', ')})`);
}
