import type { CommandEntry } from './command.js';

/**
 * Every `rdbm` command (one module per command or family in ./commands/), registered explicitly. Each entry loads its module only
 * when used, so e.g. `rdbm metrics` never loads TensorFlow.js.
 * Multi-word names (`model info`) are sub-commands.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'bridge',
    summary: 'print the bridge schedule θ, Θ, Σ for a schedule, T and λ',
    load: async () => (await import('./commands/bridge.js')).bridgeCommand,
  },
  {
    name: 'data mini-uir',
    summary: 'generate the bundled five-task benchmark (clean photo crops + synthetic degradations)',
    load: async () => (await import('./commands/data.js')).miniUirCommand,
  },
  {
    name: 'sweep',
    summary: 'plan or run an experiment (ablation sweep): resumable, shardable, content-hashed jobs',
    load: async () => (await import('./commands/sweep.js')).sweepCommand,
  },
  {
    name: 'results',
    summary: 'list and merge finished sweep runs (table, JSON or CSV)',
    load: async () => (await import('./commands/results.js')).resultsCommand,
  },
  {
    name: 'results status',
    summary: 'progress of the sweeps on a results folder: each job done, running (by whom, since when), failed or pending',
    load: async () => (await import('./commands/results.js')).resultsStatusCommand,
  },
  {
    name: 'reproduce',
    summary: 'run the bundled experiments and write results/ (tables beside the paper, plots, README)',
    load: async () => (await import('./commands/reproduce.js')).reproduceCommand,
  },
  {
    name: 'report',
    summary: 'tables, plots and grids from your own restored folders and checkpoints (an experiment file of points)',
    load: async () => (await import('./commands/report.js')).reportCommand,
  },
  {
    name: 'metrics',
    summary: 'PSNR / SSIM of images or folders under a named convention (rdbm, basicsr-y, matlab-y, …)',
    load: async () => (await import('./commands/metrics.js')).metricsCommand,
  },
  {
    name: 'rddm',
    summary: 'print RDDM / DiffUIR coefficients ᾱ, β̄, δ̄ and their bridge form Θ, Σ',
    load: async () => (await import('./commands/rddm.js')).rddmCommand,
  },
  {
    name: 'diffuir restore',
    summary: 'restore images with a DiffUIR checkpoint (EMA weights, its published test settings)',
    load: async () => (await import('./commands/rddm.js')).diffuirRestoreCommand,
  },
  {
    name: 'native build',
    summary: 'build the native TensorFlow backend from a TensorFlow wheel (pip download tensorflow-cpu==2.21.0 by default)',
    load: async () => (await import('./commands/native.js')).nativeBuildCommand,
  },
  {
    name: 'native status',
    summary: 'native TensorFlow builds, their TensorFlow version, thread count and visible CUDA devices',
    load: async () => (await import('./commands/native.js')).nativeStatusCommand,
  },
  {
    name: 'model info',
    summary: 'architecture, parameter count and MACs of a U-Net preset or checkpoint',
    load: async () => (await import('./commands/model-info.js')).modelInfoCommand,
  },
  {
    name: 'train',
    summary: 'train the conditional U-Net on paired data of several tasks (resumable)',
    load: async () => (await import('./commands/train.js')).trainCommand,
  },
  {
    name: 'restore',
    summary: 'restore images at full resolution with a checkpoint (ours or PyTorch .pt/.pth)',
    load: async () => (await import('./commands/restore.js')).restoreCommand,
  },
  {
    name: 'zoo list',
    summary: 'the bundled checkpoint zoo: entries, run configs, steps, wall time, commit, path (files verified)',
    load: async () => (await import('./commands/zoo.js')).zooListCommand,
  },
  {
    name: 'zoo verify',
    summary: 'retrain the first K steps of a zoo checkpoint and check its recorded weight hash',
    load: async () => (await import('./commands/zoo.js')).zooVerifyCommand,
  },
  {
    name: 'zoo add',
    summary: 'add the finished training jobs of a sweep to the checkpoint zoo',
    load: async () => (await import('./commands/zoo.js')).zooAddCommand,
  },
  {
    name: 'zoo shrink',
    summary: 'store float32 zoo entries in float16 or float24 where their restorations stay within 1/255',
    load: async () => (await import('./commands/zoo.js')).zooShrinkCommand,
  },
];
