#!/usr/bin/env node
// Recipe probes (issue 31): the main configuration (RDBM-T, cosine θ, λ = 10/255, π = x₀ − μ, objective x0) trained
// on mini-uir's training photographs minus a validation split (src/data/validation.ts: every sixth training
// photograph held out) and scored on that split — never on the test photographs — to choose the one recipe every
// zoo entry then trains with. One recipe per call, resumable (the training resumes, a scored probe is reused):
//
//   node scripts/recipe-probes.mjs <recipe> [--work DIR] [--threads N]     (recipes: see RECIPES below)
//   node scripts/recipe-probes.mjs --list
//
// Writes results/recipe-probes/<recipe>.json: the recipe, the validation PSNR/SSIM (five-task mean and per task),
// the recorded loss history, the training wall and CPU seconds, backend and thread count.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const RDBM = join(ROOT, 'bin', 'rdbm.js');

// Every probe: whole 64-px images (crop 64: no windows at restoration), batch 10 (2 per task), EMA 0.995, gradient
// clipping at 1 (the official trainers), Adam. What varies: the learning rate, its warm-up, and the step count.
const BASE = { model: 'T', crop: 64, batch: 10, ema: 0.995, 'grad-clip': 1, seed: 0 };
export const RECIPES = {
  'lr1e-3-w100-1500': { lr: 1e-3, warmup: 100, steps: 1500 },
  'lr5e-4-w100-1500': { lr: 5e-4, warmup: 100, steps: 1500 },
  'lr2e-3-w200-1500': { lr: 2e-3, warmup: 200, steps: 1500 },
  'lr1e-3-w0-1500': { lr: 1e-3, warmup: 0, steps: 1500 },
};

const args = process.argv.slice(2);
if (args.includes('--list')) {
  for (const [name, r] of Object.entries(RECIPES)) console.log(name, JSON.stringify({ ...BASE, ...r }));
  process.exit(0);
}
const name = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a) && a !== args[args.indexOf('--work') + 1]);
const opt = (k, d) => (args.includes(`--${k}`) ? args[args.indexOf(`--${k}`) + 1] : d);
if (!name || !RECIPES[name]) {
  console.error(`recipe-probes: unknown recipe ${JSON.stringify(name)} (expected one of ${Object.keys(RECIPES).join(', ')})`);
  process.exit(2);
}
const work = opt('work', join(ROOT, '.rdbm-cache', 'recipe-probes'));
const threads = opt('threads', '1');
const recipe = { ...BASE, ...RECIPES[name] };
const out = join(ROOT, 'results', 'recipe-probes', `${name}.json`);
if (existsSync(out)) {
  console.log(`recipe-probes: ${name} already scored (${out})`);
  process.exit(0);
}

const run = (argv, what) => {
  const r = spawnSync(process.execPath, [RDBM, ...argv], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env: { ...process.env, RDBM_THREADS: threads } });
  if (r.status !== 0) {
    console.error(`recipe-probes: ${what} failed (exit ${r.status})`);
    process.exit(1);
  }
  return r.stdout;
};

// the data: mini-uir (regenerated deterministically) and its validation layout
const miniUir = join(work, 'mini-uir-64');
if (!existsSync(join(miniUir, 'manifest.json'))) run(['data', 'mini-uir', '--out', miniUir], 'mini-uir');
const val = join(work, 'validation');
if (!existsSync(join(val, '.layout.json'))) {
  const { writeValidationLayout } = await import(join(ROOT, 'dist', 'data', 'validation.js'));
  const layout = writeValidationLayout(miniUir, val);
  writeFileSync(join(val, '.layout.json'), JSON.stringify(layout));
}
const layout = JSON.parse(readFileSync(join(val, '.layout.json'), 'utf8'));

// train (resumable), with a checkpoint every 250 steps
const runDir = join(work, 'runs', name);
const flags = Object.entries(recipe).flatMap(([k, v]) => [`--${k}`, String(v)]);
const cpu0 = process.cpuUsage();
const t0 = Date.now();
const trained = JSON.parse(run(['train', '--data', val, '--out', runDir, '--backend', 'node', '--checkpoint-every', '250', ...flags, ...(existsSync(join(runDir, 'latest.json')) ? ['--resume'] : [])], 'training').trim().split('\n').pop());
const history = readFileSync(join(runDir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

// restore the validation photographs (whole images) and score them under the rdbm convention
const restored = join(work, 'restored', name);
for (const task of readdirSync(val).filter((d) => !d.startsWith('.'))) {
  for (const sub of readdirSync(join(val, task))) {
    run(['restore', '--backend', 'node', '--checkpoint', trained.checkpoint, '--input', join(val, task, sub, 'test', 'condition'), '--output', join(restored, task, sub), '--nfe', '10'], `restore ${task}`);
  }
}
const scores = JSON.parse(run(['metrics', '--layout', val, '--pred', restored, '--convention', 'rdbm', '--json'], 'metrics'));
const native = JSON.parse(run(['native', 'status', '--json'], 'native status'));
const cpu = process.cpuUsage(cpu0);
mkdirSync(join(ROOT, 'results', 'recipe-probes'), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      recipe: name,
      config: recipe,
      validation: { photos: layout.photos, trainPairs: layout.train, validationPairs: layout.validation, convention: 'rdbm', scores },
      history,
      trainSeconds: history[history.length - 1].seconds,
      finalLoss: trained.finalLoss,
      wallSeconds: (Date.now() - t0) / 1000,
      // children's CPU is not in process.cpuUsage(): the training's own recorded seconds are its wall time at `threads`
      threads: Number(threads),
      backend: `node (TensorFlow ${native.builds[0].build?.tfVersion ?? '?'})`,
      cpuSecondsThisProcess: (cpu.user + cpu.system) / 1e6,
    },
    // file paths relative to the work folder: the record names no machine's folders
    (_key, v) => (typeof v === 'string' && v.startsWith(`${work}/`) ? relative(work, v) : v),
    2,
  )}\n`,
);
console.log(`recipe-probes: ${name}: wrote ${out}`);
