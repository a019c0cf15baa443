/**
 * Training (paper §4 / official trainer): per step a task-balanced batch of random crops,
 * t ~ U{0 … T−1}, ε ~ N(0, I), x_t = qSample(x₀, μ, t, ε, π) (closed-form bridge marginal),
 * L1 between the network output and the objective's target (x₀, ε or π ⊙ ε), Adam, EMA.
 * With `process: 'vp'` the same loop trains an unconditional generative x₀-predictor instead
 * (x_s = √ᾱ_s x₀ + √(1 − ᾱ_s) ε, real s ~ U(0, S], clean images only): a prior for bridge/prior.ts.
 *
 * Checkpoints `<outDir>/checkpoint-<step>/` every `checkpointEvery` steps and at the end, with
 * `<outDir>/latest.json` pointing at the newest (both written atomically). A resumed run
 * continues from `latest` and ends with the same weights as an uninterrupted one: batches,
 * steps t and noise are drawn from streams seeded by (seed, step), and the optimiser state is saved.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { alphaBarAt, bridgeSchedule, diffusionCoefficient, qSample, vpSchedule } from '../bridge/index.js';
import { RdbmError } from '../errors.js';
import { tf } from '../tf/index.js';
import { writeJsonAtomic } from '../util/fs.js';
import { configHash, stableStringify } from '../util/hash.js';
import { createProgress } from '../util/progress.js';
import { createRng, normalArray } from '../util/random.js';
import { readCheckpoint, saveCheckpoint } from './checkpoint.js';
import { type UNetConfig } from './config.js';
import { adamStep, createAdamState, emaDecayAt, emaUpdate } from './optim.js';
import { ensureGradients } from './gradients.js';
import { createImageCache, loadTrainingData, makeBatch } from './train-data.js';
import { type TrainConfigInput, trainArchitecture, trainConfig } from './train-config.js';
import type { TrainConfig, TrainOptions, TrainResult } from './types.js';
import { type UNet, createUNet, lookup, makeVariables, unetForward, unetFromParams } from './unet.js';

export const LATEST = 'latest.json';
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
  if (!manifest.training || resumeKey(manifest.training) !== resumeKey(cfg)) {
    throw new RdbmError(`cannot resume from ${dir}: it was trained with a different config (hash ${manifest.training ? configHash(manifest.training) : 'none'}, this run ${configHash(cfg)}; only steps may change)`);
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

async function save(outDir: string, cfg: TrainConfig, s: State): Promise<string> {
  const dir = join(outDir, checkpointName(s.step));
  const extra = new Map<string, tf.Tensor>();
  if (s.ema) for (const [k, v] of s.net.variables) extra.set(`train/online/${k}`, v);
  for (const [k, v] of s.adam.m) extra.set(`train/adam-m/${k}`, v);
  for (const [k, v] of s.adam.v) extra.set(`train/adam-v/${k}`, v);
  const weights = s.ema ? { config: s.net.config, variables: s.ema } : s.net;
  await saveCheckpoint(dir, weights, { training: cfg, step: s.step, extra });
  writeJsonAtomic(join(outDir, LATEST), { checkpoint: checkpointName(s.step), step: s.step });
  const old = s.step - KEEP * cfg.checkpointEvery;
  if (old > 0 && old % cfg.checkpointEvery === 0) rmSync(join(outDir, checkpointName(old)), { recursive: true, force: true });
  return dir;
}

/** The newest checkpoint directory under `outDir`, if any. */
export function latestCheckpoint(outDir: string): string | undefined {
  const p = join(outDir, LATEST);
  if (!existsSync(p)) return undefined;
  return join(outDir, (JSON.parse(readFileSync(p, 'utf8')) as { checkpoint: string }).checkpoint);
}

/** The generative VP marginal x_s = √ᾱ_s x₀ + √(1 − ᾱ_s) ε, one real s per batch item. */
function vpSample(vp: ReturnType<typeof vpSchedule>, x0: tf.Tensor4D, s: readonly number[], noise: tf.Tensor4D): tf.Tensor4D {
  const a = s.map((v) => alphaBarAt(vp, v));
  return tf.tidy(() => {
    const signal = tf.tensor(a.map(Math.sqrt), [s.length, 1, 1, 1]);
    const spread = tf.tensor(a.map((v) => Math.sqrt(1 - v)), [s.length, 1, 1, 1]);
    return tf.add(tf.mul(signal, x0), tf.mul(spread, noise)) as tf.Tensor4D;
  });
}

/** Trains a U-Net; see the file comment. Resolves with the final checkpoint directory. */
export async function trainModel(input: TrainConfigInput, options: TrainOptions): Promise<TrainResult> {
  const cfg = trainConfig(input);
  await ensureGradients();
  const arch = trainArchitecture(cfg);
  const data = loadTrainingData(options.dataRoot, cfg.split as 'train' | 'test', cfg.tasks);
  const schedule = bridgeSchedule({ schedule: cfg.schedule, timesteps: cfg.timesteps, lambda: cfg.lambda });
  const vp = cfg.process === 'vp' ? vpSchedule({ schedule: cfg.schedule, timesteps: cfg.timesteps }) : undefined;
  const latest = latestCheckpoint(options.outDir);
  if (latest && !options.resume) throw new RdbmError(`${options.outDir} already holds a training run (${LATEST}); pass resume to continue it or choose another output directory`);
  const state = latest ? resumedState(arch, cfg, latest) : freshState(arch, cfg);
  let lastGood = latest;
  const start = state.step;
  const load = createImageCache();
  const p = lookup(state.net.variables);
  const varList = [...state.net.variables.values()];
  const progress = options.io ? createProgress(options.io, 'train', cfg.steps - start, 'steps') : undefined;
  const t0 = performance.now();
  let finalLoss = NaN;
  try {
    for (let step = start + 1; step <= cfg.steps; step++) {
      if (options.signal?.aborted) {
        throw new RdbmError(`training stopped at step ${step - 1} (last checkpoint: ${lastGood ?? 'none'}; continue with resume)`);
      }
      const rng = createRng(`${cfg.seed}:step:${step}`);
      const batch = await makeBatch(data, cfg.batchSize, cfg.cropSize, step, rng.fork('batch'), load);
      const noiseRng = rng.fork('noise');
      // vp: continuous s ~ U(0, S], so the prior answers the real s the generative transition asks for
      const t = Array.from({ length: cfg.batchSize }, () => (vp ? cfg.timesteps * (1 - noiseRng.uniform()) : noiseRng.int(cfg.timesteps)));
      const noise = tf.tensor4d(normalArray(noiseRng, batch.x0.size), batch.x0.shape);
      const { value, grads } = tf.variableGrads(() => {
        const xt = vp ? vpSample(vp, batch.x0, t, noise) : (qSample({ x0: batch.x0, mu: batch.mu, t, noise, pi: cfg.pi, schedule }) as tf.Tensor4D);
        const pred = unetForward(arch, p, arch.condition ? [xt, batch.mu] : xt, t);
        const target = cfg.objective === 'x0' ? batch.x0 : cfg.objective === 'eps' ? noise : tf.mul(diffusionCoefficient(cfg.pi, batch.x0, batch.mu), noise);
        return tf.mean(tf.abs(tf.sub(pred, target))) as tf.Scalar;
      }, varList);
      const loss = (await value.data())[0];
      tf.dispose([value, batch.x0, batch.mu, noise]);
      if (!Number.isFinite(loss)) {
        tf.dispose(Object.values(grads));
        throw new RdbmError(`loss is ${loss} at step ${step} (last good checkpoint: ${lastGood ?? 'none'}); lower the learning rate or check the data`);
      }
      adamStep(state.net.variables, grads, state.adam, cfg.lr, step);
      tf.dispose(Object.values(grads));
      if (state.ema) emaUpdate(state.ema, state.net.variables, emaDecayAt(step - 1, cfg.emaDecay));
      state.step = step;
      finalLoss = loss;
      if (step % cfg.checkpointEvery === 0 || step === cfg.steps) lastGood = await save(options.outDir, cfg, state);
      const elapsed = (performance.now() - t0) / 1000;
      const rate = (step - start) / elapsed;
      progress?.tick(1, `loss ${loss.toFixed(4)}`);
      options.onProgress?.({ step, steps: cfg.steps, loss, itPerSecond: rate, etaSeconds: (cfg.steps - step) / rate });
    }
  } finally {
    state.net.dispose();
    state.ema?.forEach((v) => v.dispose());
    state.adam.m.forEach((v) => v.dispose());
    state.adam.v.forEach((v) => v.dispose());
  }
  return { checkpoint: join(options.outDir, checkpointName(cfg.steps)), steps: cfg.steps, seconds: (performance.now() - t0) / 1000, finalLoss };
}
