/**
 * Training (paper §4 / official trainer): per step a task-balanced batch of random crops,
 * t ~ U{0 … T−1}, ε ~ N(0, I), x_t = qSample(x₀, μ, t, ε, π) (closed-form bridge marginal),
 * L1 between the network output and the objective's target (x₀, ε or π ⊙ ε), the global gradient norm clipped
 * when `gradClip` is set (official trainers: 1.0), Adam, EMA.
 * With `process: 'vp'` the same loop trains an unconditional generative x₀-predictor instead
 * (x_s = √ᾱ_s x₀ + √(1 − ᾱ_s) ε, real s ~ U(0, S], clean images only): a prior for bridge/prior.ts.
 *
 * Checkpoints `<outDir>/checkpoint-<step>/` every `checkpointEvery` steps and at the end, with
 * `<outDir>/latest.json` pointing at the newest (both written atomically). A resumed run
 * continues from `latest` and ends with the same weights as an uninterrupted one: batches,
 * steps t and noise are drawn from streams seeded by (seed, step), and the optimiser state is saved.
 *
 * `<outDir>/history.jsonl` gets one line per checkpoint: the step, the mean loss since the previous line,
 * the cumulative training seconds and the sha256 of the sampling weights. It is the run's record (loss curve,
 * weight hashes at several steps) that the checkpoint zoo keeps and `rdbm zoo verify` checks against;
 * a resumed run drops the lines after the step it resumes from.
 */
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bridgeSchedule } from '../bridge/index.js';
import { RdbmError } from '../errors.js';
import type { Image8 } from '../image/index.js';
import { currentBackendId, tf, workerThreadsFor } from '../tf/index.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/fs.js';
import { stableStringify } from '../util/hash.js';
import { createProgress } from '../util/progress.js';
import { createRng, normalArray } from '../util/random.js';
import { readCheckpoint, samplingWeightsSha256, saveCheckpoint } from './checkpoint.js';
import { type UNetConfig } from './config.js';
import { adamStep, createAdamState, emaDecayAt, emaUpdate } from './optim.js';
import { ensureGradients } from './gradients.js';
import { type TrainingData, createImageCache, loadTrainingData, makeHostBatch } from './train-data.js';
import { measureItemBytes, memoryLimit, planMicroBatch } from './train-memory.js';
import { createGradientPool } from './train-parallel.js';
import { gradientKernels } from './wasm-grad.js';
import { type StepBatch, type StepContext, stepGradients, trainVpSchedule } from './train-step.js';
import { number } from '../util/validate.js';
import { type TrainConfigInput, learningRateAt, trainArchitecture, trainConfig } from './train-config.js';
import type { TrainConfig, TrainOptions, TrainResult } from './types.js';
import { type UNet, createUNet, lookup, makeVariables, unetFromParams } from './unet.js';

export const LATEST = 'latest.json';
export const HISTORY = 'history.jsonl';
/** early steps that also get a history line (no checkpoint), so `rdbm zoo verify` can retrain a few steps and compare */
export const EARLY_HISTORY_STEPS: readonly number[] = Object.freeze([10, 100]);

/** One line of history.jsonl. */
export interface HistoryLine {
  readonly step: number;
  /** mean training loss over the steps since the previous line */
  readonly loss: number;
  /** training seconds up to this step, over every resumed part of the run */
  readonly seconds: number;
  /** sha256 of the sampling weights at this step (samplingWeightsSha256) */
  readonly sha256: string;
}

/** The history of the run in `outDir` (empty when there is none). */
export function readHistory(outDir: string): HistoryLine[] {
  const p = join(outDir, HISTORY);
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as HistoryLine);
}

/** Keeps the history lines up to `step` (a resumed run continues from there). */
function truncateHistory(outDir: string, step: number): HistoryLine[] {
  const kept = readHistory(outDir).filter((h) => h.step <= step);
  writeFileAtomic(join(outDir, HISTORY), kept.map((h) => `${JSON.stringify(h)}\n`).join(''));
  return kept;
}
const KEEP = 2;

export const checkpointName = (step: number) => `checkpoint-${String(step).padStart(7, '0')}`;

/** The config fields a resumed run must share with the run it continues (all but `steps`). */
function resumeKey(c: TrainConfig): string {
  const { steps: _steps, ...rest } = c;
  return stableStringify(rest);
}

interface State {
  net: UNet;
  ema?: Map<string, tf.Variable>;
  adam: ReturnType<typeof createAdamState>;
  step: number;
}

function freshState(arch: UNetConfig, cfg: TrainConfig): State {
  const net = createUNet(arch, { seed: cfg.seed });
  const ema = cfg.emaDecay > 0 ? makeVariables(arch, (s) => net.variables.get(s.name)!.dataSync() as Float32Array, false) : undefined;
  return { net, ema, adam: createAdamState(net.variables), step: 0 };
}

function resumedState(arch: UNetConfig, cfg: TrainConfig, dir: string): State {
  const { manifest, tensors } = readCheckpoint(dir);
  if (!manifest.training) throw new RdbmError(`cannot resume from ${dir}: its manifest records no training config (not written by rdbm train?)`);
  if (resumeKey(manifest.training) !== resumeKey(cfg)) {
    const was = manifest.training as unknown as Record<string, unknown>;
    const now = cfg as unknown as Record<string, unknown>;
    const show = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v));
    const fields = [...new Set([...Object.keys(was), ...Object.keys(now)])].filter((k) => k !== 'steps' && stableStringify(was[k]) !== stableStringify(now[k]));
    throw new RdbmError(`cannot resume from ${dir}: it was trained with a different config (${fields.map((k) => `${k} ${show(was[k])} → ${show(now[k])}`).join(', ')}; only steps may change)`);
  }
  const need = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new RdbmError(`cannot resume from ${dir}: training state ${name} is missing`);
    return t.data;
  };
  const onlineName = (n: string) => (cfg.emaDecay > 0 ? `train/online/${n}` : n);
  const variables = makeVariables(arch, (s) => need(onlineName(s.name)), true);
  const net = unetFromParams(arch, variables);
  const ema = cfg.emaDecay > 0 ? makeVariables(arch, (s) => need(s.name), false) : undefined;
  const adam = createAdamState(variables, (kind, name) => need(`train/adam-${kind}/${name}`));
  return { net, ema, adam, step: manifest.step };
}

async function save(outDir: string, cfg: TrainConfig, s: State, record: Omit<HistoryLine, 'sha256' | 'step'>): Promise<string> {
  const dir = join(outDir, checkpointName(s.step));
  const extra = new Map<string, tf.Tensor>();
  if (s.ema) for (const [k, v] of s.net.variables) extra.set(`train/online/${k}`, v);
  for (const [k, v] of s.adam.m) extra.set(`train/adam-m/${k}`, v);
  for (const [k, v] of s.adam.v) extra.set(`train/adam-v/${k}`, v);
  const weights = s.ema ? { config: s.net.config, variables: s.ema } : s.net;
  await saveCheckpoint(dir, weights, { training: cfg, step: s.step, extra });
  // the history line goes before latest.json moves on, so a kill in between only repeats a step on resume
  await appendHistory(outDir, s, record);
  writeJsonAtomic(join(outDir, LATEST), { checkpoint: checkpointName(s.step), step: s.step });
  const old = s.step - KEEP * cfg.checkpointEvery;
  if (old > 0 && old % cfg.checkpointEvery === 0) rmSync(join(outDir, checkpointName(old)), { recursive: true, force: true });
  return dir;
}

async function appendHistory(outDir: string, s: State, record: Omit<HistoryLine, 'sha256' | 'step'>): Promise<void> {
  const weights = s.ema ?? s.net.variables;
  const line: HistoryLine = { step: s.step, loss: record.loss, seconds: record.seconds, sha256: await samplingWeightsSha256(weights) };
  appendFileSync(join(outDir, HISTORY), `${JSON.stringify(line)}\n`);
}

/** The newest checkpoint directory under `outDir`, if any. */
export function latestCheckpoint(outDir: string): string | undefined {
  const p = join(outDir, LATEST);
  if (!existsSync(p)) return undefined;
  return join(outDir, (JSON.parse(readFileSync(p, 'utf8')) as { checkpoint: string }).checkpoint);
}

/** The batch of `step`: crops, steps t (real s for `vp`) and noise ε drawn from streams seeded by (seed, step), in this order. */
export async function stepBatch(data: TrainingData, cfg: TrainConfig, step: number, load: (p: string) => Promise<Image8>): Promise<StepBatch> {
  const rng = createRng(`${cfg.seed}:step:${step}`);
  const { x0, mu } = await makeHostBatch(data, cfg.batchSize, cfg.cropSize, step, rng.fork('batch'), load);
  const noiseRng = rng.fork('noise');
  // vp: continuous s ~ U(0, S], so the prior answers the real s the generative transition asks for
  const t = Array.from({ length: cfg.batchSize }, () => (cfg.process === 'vp' ? cfg.timesteps * (1 - noiseRng.uniform()) : noiseRng.int(cfg.timesteps)));
  const noise = normalArray(noiseRng, x0.length);
  return { x0, mu, noise, t, shape: [cfg.batchSize, cfg.cropSize, cfg.cropSize, 3] };
}

/** Items per pass for shards of `shard` items: all of them when they fit the backend's memory (see train-memory.ts). */
async function autoMicroBatch(ctx: StepContext, cfg: TrainConfig, shard: number, workers: number): Promise<number> {
  const depth = ctx.arch.dimMults.length;
  const itemBytes = await measureItemBytes(cfg.cropSize, depth, async (probe) => {
    const n = probe * probe * 3;
    const zeros = new Float32Array(n);
    const { grads } = await stepGradients(ctx, { x0: zeros, mu: zeros, noise: zeros, t: [0], shape: [1, probe, probe, 3] });
    return Object.values(grads);
  });
  // the parameters, Adam moments, EMA and gradients stay resident beside each pass
  const base = workers > 1 ? 0 : tf.memory().numBytes;
  return planMicroBatch(shard, cfg.cropSize, itemBytes, base, memoryLimit(tf.getBackend(), workers)).microBatch;
}

async function flatWeights(varList: readonly tf.Variable[]): Promise<Float32Array> {
  const out = new Float32Array(varList.reduce((n, v) => n + v.size, 0));
  let off = 0;
  for (const v of varList) {
    out.set((await v.data()) as Float32Array, off);
    off += v.size;
  }
  return out;
}

function unflatten(varList: readonly tf.Variable[], flat: Float32Array): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  let off = 0;
  for (const v of varList) {
    out[v.name] = tf.tensor(flat.subarray(off, off + v.size), v.shape);
    off += v.size;
  }
  return out;
}

/** Trains a U-Net; see the file comment. Resolves with the final checkpoint directory. */
export async function trainModel(input: TrainConfigInput, options: TrainOptions): Promise<TrainResult> {
  const cfg = trainConfig(input);
  await ensureGradients();
  const arch = trainArchitecture(cfg);
  const data = loadTrainingData(options.dataRoot, cfg.split as 'train' | 'test', cfg.tasks);
  const schedule = bridgeSchedule({ schedule: cfg.schedule, timesteps: cfg.timesteps, lambda: cfg.lambda });
  const vp = trainVpSchedule(cfg);
  const latest = latestCheckpoint(options.outDir);
  if (latest && !options.resume) throw new RdbmError(`${options.outDir} already holds a training run (${LATEST}); pass resume to continue it or choose another output directory`);
  const state = latest ? resumedState(arch, cfg, latest) : freshState(arch, cfg);
  let lastGood = latest;
  const start = state.step;
  const history = latest ? truncateHistory(options.outDir, start) : truncateHistory(options.outDir, 0);
  const secondsBefore = history.length ? history[history.length - 1].seconds : 0;
  let lossSum = 0;
  let lossCount = 0;
  const load = createImageCache();
  const p = lookup(state.net.variables);
  const varList = [...state.net.variables.values()];
  const ctx: StepContext = { arch, p, varList, cfg, schedule, ...(vp ? { vp } : {}) };
  const requested = number('workers', options.workers ?? 1, { integer: true, min: 1 });
  const workers = workerThreadsFor(requested);
  if (workers < requested) options.io?.err(`train: the native backend runs one worker (TensorFlow's own threads share each step; --threads sets them), not ${requested}\n`);
  const shard = Math.ceil(cfg.batchSize / workers);
  const microBatch = options.microBatch !== undefined ? number('microBatch', options.microBatch, { integer: true, min: 1 }) : start < cfg.steps ? await autoMicroBatch(ctx, cfg, shard, workers) : shard;
  const pool = workers > 1 && start < cfg.steps ? await createGradientPool(workers, { backend: currentBackendId(), arch, cfg, gradientKernels: gradientKernels() }) : undefined;
  const progress = options.io ? createProgress(options.io, 'train', cfg.steps - start, 'steps') : undefined;
  const t0 = performance.now();
  let finalLoss = NaN;
  try {
    for (let step = start + 1; step <= cfg.steps; step++) {
      if (options.signal?.aborted) {
        throw new RdbmError(`training stopped at step ${step - 1} (last checkpoint: ${lastGood ?? 'none'}; continue with resume)`);
      }
      const batch = await stepBatch(data, cfg, step, load);
      let loss: number;
      let grads: tf.NamedTensorMap;
      if (pool) {
        const weights = await flatWeights(varList);
        const r = await pool.step(weights, batch, microBatch);
        loss = r.loss;
        grads = unflatten(varList, r.grads);
      } else {
        ({ loss, grads } = await stepGradients(ctx, batch, { microBatch }));
      }
      if (!Number.isFinite(loss)) {
        tf.dispose(Object.values(grads));
        throw new RdbmError(`loss is ${loss} at step ${step} (last good checkpoint: ${lastGood ?? 'none'}); lower the learning rate or check the data`);
      }
      // the official trainers clip the global gradient norm before Adam (clip_grad_norm_): here after the
      // fixed-order reduction over workers and micro-batches, inside adamStep over the variables in their fixed order
      adamStep(state.net.variables, grads, state.adam, learningRateAt(cfg, step), step, cfg.gradClip ?? 0);
      tf.dispose(Object.values(grads));
      if (state.ema) emaUpdate(state.ema, state.net.variables, emaDecayAt(step - 1, cfg.emaDecay));
      state.step = step;
      finalLoss = loss;
      lossSum += loss;
      lossCount++;
      const checkpoint = step % cfg.checkpointEvery === 0 || step === cfg.steps;
      if (checkpoint || EARLY_HISTORY_STEPS.includes(step)) {
        const record = { loss: lossSum / lossCount, seconds: secondsBefore + (performance.now() - t0) / 1000 };
        if (checkpoint) lastGood = await save(options.outDir, cfg, state, record);
        else await appendHistory(options.outDir, state, record);
        lossSum = 0;
        lossCount = 0;
      }
      const elapsed = (performance.now() - t0) / 1000;
      const rate = (step - start) / elapsed;
      progress?.tick(1, `loss ${loss.toFixed(4)}`);
      options.onProgress?.({ step, steps: cfg.steps, loss, itPerSecond: rate, etaSeconds: (cfg.steps - step) / rate });
    }
  } finally {
    await pool?.close();
    state.net.dispose();
    state.ema?.forEach((v) => v.dispose());
    state.adam.m.forEach((v) => v.dispose());
    state.adam.v.forEach((v) => v.dispose());
  }
  return { checkpoint: join(options.outDir, checkpointName(cfg.steps)), steps: cfg.steps, workers, microBatch, seconds: (performance.now() - t0) / 1000, finalLoss };
}
