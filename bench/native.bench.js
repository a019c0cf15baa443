// The native TensorFlow backend against wasm and PyTorch (issue 30, item 3), side by side in one run, as ratios:
// - training steps (trainModel: batch from the image cache, qSample, forward, backward, Adam, EMA) of RDBM-T and
//   RDBM-B on 64-px crops and RDBM-L on 128-px crops (and 64 px, which wasm fits), batch 8, on the native backend (one process, TF's intra-op
//   threads = the thread count), on wasm (a gradient pool of as many worker threads, as training uses them) and in
//   PyTorch on CPU (the official U-Net, forward + L1 + backward + Adam + EMA on resident tensors; same threads);
// - the RDBM-B forward pass at 256² (batch 1): native against PyTorch (wasm, one thread, for reference);
// - restoring the default job's test split (mini-uir, the cpu scale's test images per task, NFE 10, the zoo's RDBM-T
//   checkpoint in windows of its training crop) through the sweep's own restore executor: native against wasm.
// Goals (issue 30): native step ≥ 5× faster than wasm with 2 workers (bar 3×); native step ≤ 1.0× PyTorch's time
// (bar 1.5×); B forward ≤ 1.0× PyTorch (bar 1.5×); restore ≥ 4× faster than wasm (no bar named).
//
// Every side runs in its own process (bench/native-side.js; scripts/reference/models_train_bench.py), one round per
// side in turn, RDBM_BENCH_REPEAT rounds (default 2): the best time per case over rounds is reported, so every side
// sees the same machine load. On a loaded machine, OpenMP runs with as many threads as cores can be slower than one
// thread (a preempted thread stalls every barrier), so PyTorch is also timed at 1 thread and its reference time is
// the faster of the two: the comparison never gains from PyTorch's contention.
// Threads: RDBM_BENCH_THREADS (default: the cores). PyTorch: Debian's python3-torch (/usr/bin/python3) and, when
// RDBM_BENCH_TORCH names another interpreter with a current torch, that one as an extra column. Both need the
// official U-Net file (never committed): RDBM_UNET_PY=<DiffUIR src/model.py> or DIFFUIR_MIRROR=<a DiffUIR clone>.
// A missing native build or PyTorch skips its column with one line; the bench is not part of CI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeUnavailable, nativeRoot } from '../dist/tf/native.js';
import { MODEL_PRESETS } from '../dist/models/presets.js';
import { generateMiniUir } from '../dist/data/index.js';
import { realExecutors } from '../dist/experiments/real.js';
import { DEFAULT_SCALE, SCALES } from '../dist/experiments/scales.js';
import { selectTestPairs } from '../dist/datasets/testset.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPEAT = Number(process.env.RDBM_BENCH_REPEAT ?? 2);
const THREADS = Number(process.env.RDBM_BENCH_THREADS ?? availableParallelism());
const STEPS = 2; // timed steps (or forward calls) per case and round, after a warm-up

// RDBM-L at 128 px does not fit the wasm heap at any batch (one 128-px item needs ~4.5 GB of the 4.3 GB), so L is
// also timed at 64 px, where every side runs it: the native-vs-wasm ratio of L comes from that row.
const TRAIN = [
  { key: 'train T 64', model: 'T', size: 64, batch: 8 },
  { key: 'train B 64', model: 'B', size: 64, batch: 8 },
  { key: 'train L 128', model: 'L', size: 128, batch: 8 },
  { key: 'train L 64', model: 'L', size: 64, batch: 8 },
];
const FORWARD = [{ key: 'forward B', model: 'B', size: 256, batch: 1 }];
const GOALS = { speedup: { goal: 5, bar: 3 }, vsTorch: { goal: 1, bar: 1.5 }, restore: { goal: 4 } };

const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');
console.log(`threads: ${THREADS} (native: TF intra-op threads in one process; wasm: worker threads; PyTorch: torch.set_num_threads, and 1); RDBM_BENCH_REPEAT=${REPEAT} rounds; load average at start ${load()}`);

// data: mini-uir at 64 px (T, B and the restore job, as the sweep prepares it) and at 128 px (L's crops)
const tmp = mkdtempSync(join(tmpdir(), 'rdbm-bench-native-'));
const zoo = JSON.parse(readFileSync(join(ROOT, 'data/zoo/T/zoo.json'), 'utf8'));
const job = { ...zoo.config, testLimit: SCALES[DEFAULT_SCALE].overrides.testLimit };
const data64 = await realExecutors().prepareData(job, join(tmp, 'datasets'), {});
const data128 = join(tmp, 'mini-uir-128');
await generateMiniUir(data128, { size: 128 });
const restoreImages = selectTestPairs(data64, job.testLimit).length;
const restore = { key: 'restore', config: job, dataRoot: data64, checkpoint: join(ROOT, 'data/zoo/T/checkpoint') };
const train = TRAIN.map((c) => ({ ...c, data: c.size > 64 ? data128 : data64 }));

// the sides
const sides = [];
const why = nativeUnavailable('cpu');
if (why) console.log(`native: skipped (${why}; looked in ${nativeRoot()}, set RDBM_NATIVE_DIR to use another build)`);
else sides.push({ id: 'native', kind: 'node', backend: 'node' });
sides.push({ id: 'wasm', kind: 'node', backend: 'wasm' });
const official = process.env.RDBM_UNET_PY || process.env.DIFFUIR_MIRROR;
if (!official) console.log('PyTorch: skipped (set RDBM_UNET_PY to the official DiffUIR src/model.py or DIFFUIR_MIRROR to a DiffUIR clone)');
else {
  for (const [label, python] of [['debian', '/usr/bin/python3'], ...(process.env.RDBM_BENCH_TORCH ? [['extra', process.env.RDBM_BENCH_TORCH]] : [])]) {
    for (const threads of THREADS > 1 ? [THREADS, 1] : [1]) sides.push({ id: `${label}@${threads}`, label, kind: 'python', python, threads });
  }
  if (!process.env.RDBM_BENCH_TORCH) console.log('PyTorch (current): not run (set RDBM_BENCH_TORCH to a Python with a current torch, e.g. a venv with the torch CPU wheel, to add it)');
}

function runSide(side) {
  const spawnOpts = { encoding: 'utf8', maxBuffer: 1 << 24 };
  let r;
  if (side.kind === 'node') {
    const spec = { backend: side.backend, threads: THREADS, steps: STEPS, train, forward: FORWARD, restore };
    r = spawnSync(process.execPath, [join(ROOT, 'bench/native-side.js'), JSON.stringify(spec)], { ...spawnOpts, env: { ...process.env, RDBM_THREADS: String(THREADS) } });
  } else {
    const arch = (m) => ({ dim: MODEL_PRESETS[m].config.dim, mults: MODEL_PRESETS[m].config.dimMults });
    const spec = {
      threads: side.threads,
      steps: STEPS,
      ...(process.env.RDBM_UNET_PY ? { official: process.env.RDBM_UNET_PY } : {}),
      train: TRAIN.map((c) => ({ key: c.key, ...arch(c.model), batch: c.batch, size: c.size })),
      forward: FORWARD.map((c) => ({ key: c.key, ...arch(c.model), batch: c.batch, size: c.size })),
    };
    r = spawnSync(side.python, [join(ROOT, 'scripts/reference/models_train_bench.py'), JSON.stringify(spec)], spawnOpts);
  }
  if (r.status !== 0) return { error: reason(r.stderr || r.error?.message || `exit ${r.status}`) };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** The line of a crashed process's stderr that says why: its last error line, not Node's version trailer or the stack. */
function reason(stderr) {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^(Node\.js v|at |\^+$|throw )/.test(l));
  return [...lines].reverse().find((l) => /error/i.test(l)) ?? lines.pop() ?? 'no output';
}

const best = {}; // side id → key → seconds
const about = {}; // side id → the side's last report
const failed = new Set();
const errors = new Map(); // "side|case" → why the case could not run on that side
for (let round = 0; round < REPEAT; round++) {
  for (const side of sides) {
    const group = side.label ?? side.id; // a PyTorch that fails at one thread count is skipped at the other too
    if (failed.has(group)) continue;
    const r = runSide(side);
    if (r.error) {
      failed.add(group);
      console.log(`${side.kind === 'python' ? `PyTorch (${side.python})` : side.id}: skipped (${r.error})`);
      continue;
    }
    about[side.id] = r;
    for (const [k, why] of Object.entries(r.errors ?? {})) errors.set(`${side.id}|${k}`, why);
    best[side.id] ??= {};
    for (const [k, s] of Object.entries(r.seconds)) best[side.id][k] = Math.min(best[side.id][k] ?? Infinity, s);
  }
}
rmSync(tmp, { recursive: true, force: true });
if (!best.wasm) {
  console.error('bench: the wasm side failed (see above); nothing to compare against');
  process.exit(1);
}

// what was measured
const ok = (id) => best[id] !== undefined;
if (ok('native')) console.log(`native: ${about.native.backend}`);
console.log(`wasm: ${about.wasm.backend}`);
const torchLabels = [...new Set(sides.filter((s) => s.kind === 'python').map((s) => s.label))].filter((l) => ok(`${l}@${THREADS}`) || ok(`${l}@1`));
const torchAbout = (l) => about[`${l}@${THREADS}`]?.torch ? about[`${l}@${THREADS}`] : about[`${l}@1`];
// short names for columns and ratio lines: the torch version (pt1.13, pt2.13), Debian's marked
const torchName = (l) => `PyTorch ${torchAbout(l).torch.replace(/^(\d+\.\d+).*/, '$1')}${l === 'debian' ? ' (Debian)' : ''}`;
const torchHead = (l) => `pt${torchAbout(l).torch.replace(/^(\d+\.\d+).*/, '$1')}`;
for (const l of torchLabels) {
  const a = torchAbout(l);
  const note = l === 'debian' ? `Debian python3-torch, BLAS_INFO=${a.blas}${a.blas === 'generic' ? ' (a generic BLAS; convolutions through oneDNN)' : ''}` : `from RDBM_BENCH_TORCH, BLAS_INFO=${a.blas}`;
  console.log(`${torchName(l)}: torch ${a.torch} (${note}), the official U-Net (params ${TRAIN.map((c) => `${c.model} ${a.params[c.key]}`).join(', ')})`);
}
console.log(`restore: ${restoreImages} test images of mini-uir 64 px (${job.testLimit} per task, scale ${DEFAULT_SCALE}), RDBM-T zoo checkpoint, NFE ${job.nfe}, ${job.sampleSchedule} schedule, tile ${job.tile} (${job.cropSize}-px windows), the restore executor's worker threads (${availableParallelism()} cores; native runs one)`);

// the table
const cols = [
  ...(ok('native') ? [{ id: 'native', head: 'native' }] : []),
  { id: 'wasm', head: `wasm ${THREADS}w` },
  ...torchLabels.flatMap((l) => (THREADS > 1 ? [THREADS, 1] : [1]).filter((n) => ok(`${l}@${n}`)).map((n) => ({ id: `${l}@${n}`, head: `${torchHead(l)}@${n}` }))),
];
const fmt = (s) => (s === undefined ? '—' : s.toFixed(3));
const rows = [
  ...TRAIN.map((c) => ({ key: c.key, label: `train step ${c.model} ${c.size}² batch ${c.batch}` })),
  ...FORWARD.map((c) => ({ key: c.key, label: `forward ${c.model} ${c.size}² batch ${c.batch}` })),
  { key: 'restore', label: `restore test split (${restoreImages} images)` },
];
console.log(`\nseconds, best of ${REPEAT} rounds (wasm forward: one thread; restore: PyTorch not run)`);
console.log(`${''.padEnd(34)}${cols.map((c) => c.head.padStart(14)).join('')}`);
const cell = (id, key) => (best[id]?.[key] !== undefined ? fmt(best[id][key]) : errors.has(`${id}|${key}`) ? 'n/a*' : '—');
for (const r of rows) console.log(`${r.label.padEnd(34)}${cols.map((c) => cell(c.id, r.key).padStart(14)).join('')}`);
for (const [k, why] of errors) console.log(`  * ${k.replace('|', ', ')}: ${why}`);
const micro = (id) => TRAIN.filter((c) => about[id].microBatch[c.key] !== undefined).map((c) => `${c.model} ${c.size}² ${about[id].microBatch[c.key]}`).join(', ');
console.log(`items per pass (micro-batch): ${ok('native') ? `native ${micro('native')}; ` : ''}wasm ${micro('wasm')} per worker`);

// the ratios against the goals
const verdict = (x, { goal, bar }, higherIsBetter) => {
  const meets = (t) => (higherIsBetter ? x >= t : x <= t);
  return meets(goal) ? 'PASS' : bar !== undefined && meets(bar) ? 'BAR' : 'FAIL';
};
const torchTime = (l, key) => Math.min(best[`${l}@${THREADS}`]?.[key] ?? Infinity, best[`${l}@1`]?.[key] ?? Infinity);
const lines = [];
for (const c of TRAIN) {
  const n = best.native?.[c.key];
  const w = best.wasm?.[c.key];
  if (n === undefined) {
    lines.push(`${c.key}: native ${errors.get(`native|${c.key}`) ?? 'skipped'}`);
    continue;
  }
  const up = w / n;
  if (w === undefined) lines.push(`${c.key}: native vs wasm: n/a (${errors.has(`wasm|${c.key}`) ? 'wasm cannot run it: * above' : 'not measured'})`);
  else lines.push(`${c.key}: native ${up.toFixed(2)}× faster than wasm ${THREADS} workers (goal ≥ ${GOALS.speedup.goal}×, bar ${GOALS.speedup.bar}×): ${verdict(up, GOALS.speedup, true)}`);
  for (const l of torchLabels) {
    const t = torchTime(l, c.key);
    if (!Number.isFinite(t)) continue;
    lines.push(`${c.key}: native ${(n / t).toFixed(2)}× ${torchName(l)}'s time (goal ≤ ${GOALS.vsTorch.goal.toFixed(1)}×, bar ${GOALS.vsTorch.bar}×): ${verdict(n / t, GOALS.vsTorch, false)}`);
  }
}
for (const c of FORWARD) {
  const n = best.native?.[c.key];
  if (n === undefined) {
    lines.push(`${c.key}: native skipped`);
    continue;
  }
  for (const l of torchLabels) {
    const t = torchTime(l, c.key);
    if (!Number.isFinite(t)) continue;
    lines.push(`${c.key} ${c.size}²: native ${(n / t).toFixed(2)}× ${torchName(l)}'s time (goal ≤ ${GOALS.vsTorch.goal.toFixed(1)}×, bar ${GOALS.vsTorch.bar}×): ${verdict(n / t, GOALS.vsTorch, false)}`);
  }
  if (best.wasm[c.key] !== undefined) lines.push(`${c.key} ${c.size}²: native ${(best.wasm[c.key] / n).toFixed(2)}× faster than wasm (one thread; reference only)`);
}
if (best.native?.restore !== undefined && best.wasm.restore !== undefined) {
  const up = best.wasm.restore / best.native.restore;
  lines.push(`restore: native ${up.toFixed(2)}× faster than wasm (goal ≥ ${GOALS.restore.goal}×): ${verdict(up, GOALS.restore, true)}`);
} else lines.push(`restore: n/a (${errors.get('native|restore') ?? errors.get('wasm|restore') ?? 'native skipped'})`);
console.log(`\nratios (PyTorch's time: the faster of ${THREADS > 1 ? `${THREADS} threads and ` : ''}1 thread):`);
for (const l of lines) console.log(`  ${l}`);
console.log(`load average at end ${load()}`);
