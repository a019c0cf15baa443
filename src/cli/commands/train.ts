/** `rdbm train`: train a U-Net on paired data (see trainModel). */
import { checkObjectivePi } from '../../bridge/objectives.js';
import type { Command } from '../command.js';
import { parseNumber } from '../../util/validate.js';
import { MODEL_PRESET_NAMES } from '../../models/presets.js';
import { TRAIN_DEFAULTS } from '../../models/train-config.js';
import { PAPER_CONFIG, lambdaLabel } from '../../experiments/paper.js';
import { TRAIN_OBJECTIVES, TRAIN_PI_VARIANTS, TRAIN_PROCESSES, TRAIN_SCHEDULES } from '../../models/types.js';
import { backendOption, startBackend, threadsOption } from '../options/backend.js';

export const trainCommand: Command = {
  name: 'train',
  summary: 'train the conditional U-Net on paired data of several tasks (resumable)',
  description: [
    'Data: <data>/<Task>/<SubDataset>/<split>/{label,condition}; every batch takes the same number of pairs',
    'from each task. Checkpoints go to <out>/checkpoint-<step>/ with <out>/latest.json; --resume continues',
    'from there with the same result as an uninterrupted run. Progress (loss, it/s, ETA) on stderr.',
  ].join('\n'),
  options: [
    { name: 'data', type: 'string', valueName: '<dir>', description: 'dataset root', required: true },
    { name: 'out', type: 'string', valueName: '<dir>', description: 'output directory for checkpoints', required: true },
    { name: 'model', type: 'string', description: `preset (${MODEL_PRESET_NAMES.join(', ')})`, choices: MODEL_PRESET_NAMES, default: 'B' },
    { name: 'objective', type: 'string', description: 'network target: x0 (official), eps, pi-eps (paper)', choices: TRAIN_OBJECTIVES, default: PAPER_CONFIG.objective },
    { name: 'pi', type: 'string', description: 'diffusion coefficient π', choices: TRAIN_PI_VARIANTS, default: PAPER_CONFIG.pi },
    { name: 'lambda', type: 'string', valueName: '<num>', description: 'λ > 0 (fractions such as 10/255 accepted)', default: lambdaLabel(PAPER_CONFIG.lambda) },
    { name: 'schedule', type: 'string', description: 'θ schedule', choices: TRAIN_SCHEDULES, default: PAPER_CONFIG.schedule },
    { name: 'timesteps', type: 'integer', description: 'T', min: 2, default: PAPER_CONFIG.timesteps },
    { name: 'crop', type: 'integer', description: 'random crop side', min: 8, default: PAPER_CONFIG.cropSize },
    { name: 'batch', type: 'integer', description: 'batch size (split over the tasks)', min: 1, default: PAPER_CONFIG.batchSize },
    { name: 'steps', type: 'integer', description: 'optimiser steps', min: 1, required: true },
    { name: 'lr', type: 'number', description: 'Adam learning rate', gt: 0, default: PAPER_CONFIG.lr },
    { name: 'ema', type: 'number', description: 'EMA decay (0 disables)', min: 0, max: 1, default: PAPER_CONFIG.emaDecay },
    { name: 'seed', type: 'integer', description: 'seed', min: 0, default: PAPER_CONFIG.seed },
    { name: 'grad-clip', type: 'number', description: 'clip the global gradient L2 norm to this before each Adam step, as the official trainers do (0 = no clipping)', min: 0, default: PAPER_CONFIG.gradClip },
    { name: 'warmup', type: 'integer', description: 'steps of linear learning-rate warm-up (lr · k / warmup at step k; 0 = none)', min: 0, default: 0 },
    { name: 'checkpoint-every', type: 'integer', description: 'steps between checkpoints', min: 1, default: TRAIN_DEFAULTS.checkpointEvery },
    { name: 'task', type: 'string', description: 'restrict to this task folder', multiple: true },
    { name: 'split', type: 'string', description: 'split folder', choices: ['train', 'test'], default: 'train' },
    { name: 'process', type: 'string', description: 'bridge (RDBM, default) or vp: an unconditional generative x₀-prior on the clean images for IRBridge-style sampling (our derivation)', choices: TRAIN_PROCESSES },
    { name: 'resume', type: 'boolean', description: 'continue the run in --out' },
    { name: 'workers', type: 'integer', description: 'worker threads sharing each batch (data parallel; same seed and count → same weights; default 1)', min: 1, default: 1 },
    { name: 'micro-batch', type: 'integer', description: 'items per forward + backward pass, gradients accumulated (default: as many as fit the backend memory)', min: 1 },
    backendOption,
    threadsOption,
  ],
  examples: ['rdbm train --data data/mini-uir --out runs/tiny --model tiny --crop 64 --batch 5 --steps 200 --checkpoint-every 50'],
  async run({ options: o }, io) {
    checkObjectivePi(o.objective as (typeof TRAIN_OBJECTIVES)[number], o.pi as (typeof TRAIN_PI_VARIANTS)[number]); // before loading a backend
    await startBackend(o.backend, io, o.threads);
    const { trainModel } = await import('../../models/train.js');
    const ac = new AbortController();
    const stop = () => ac.abort();
    process.once('SIGINT', stop);
    try {
      const r = await trainModel(
        {
          model: o.model as string,
          objective: o.objective as (typeof TRAIN_OBJECTIVES)[number],
          pi: o.pi as (typeof TRAIN_PI_VARIANTS)[number],
          lambda: parseNumber('--lambda', String(o.lambda), { gt: 0 }),
          schedule: o.schedule as (typeof TRAIN_SCHEDULES)[number],
          timesteps: o.timesteps as number,
          cropSize: o.crop as number,
          batchSize: o.batch as number,
          steps: o.steps as number,
          lr: o.lr as number,
          emaDecay: o.ema as number,
          seed: o.seed as number,
          checkpointEvery: o['checkpoint-every'] as number,
          split: o.split as 'train',
          ...(o.task ? { tasks: o.task as string[] } : {}),
          gradClip: o['grad-clip'] as number, // 0 is stored as absent (trainConfig)
          warmup: o.warmup as number,
          ...(o.process ? { process: o.process as (typeof TRAIN_PROCESSES)[number] } : {}),
        },
        { dataRoot: o.data as string, outDir: o.out as string, io, resume: Boolean(o.resume), signal: ac.signal, workers: o.workers as number, ...(o['micro-batch'] !== undefined ? { microBatch: o['micro-batch'] as number } : {}) },
      );
      io.out(`${JSON.stringify(r)}\n`);
      return 0;
    } finally {
      process.off('SIGINT', stop);
    }
  },
};
