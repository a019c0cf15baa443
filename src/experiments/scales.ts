/**
 * Budgets. A scale overrides the paper's settings (paper.ts PAPER_CONFIG) before an experiment's
 * own base and axes are applied, so one experiment definition runs in seconds per experiment (smoke), in minutes on
 * a laptop (quick), from the shipped checkpoint zoo (cpu, the default job) or with the published budget on a GPU
 * machine (paper).
 */
import { registry } from '../util/registry.js';
import type { RunConfig } from './config.js';

export const SCALE_NAMES = ['smoke', 'quick', 'cpu', 'whole64', 'paper'] as const;
export type ScaleName = (typeof SCALE_NAMES)[number];

export interface Scale {
  readonly name: ScaleName;
  readonly description: string;
  readonly overrides: Partial<RunConfig>;
  /**
   * The scale's networks come from the checkpoint zoo (data/zoo): a training point without a matching entry is left
   * out of a run and named as awaiting the zoo, instead of spending hours training, unless retraining is asked for.
   */
  readonly zooOnly?: boolean;
  /** every training point is trained once per seed (a `seed` axis added to each experiment that has none) */
  readonly seeds?: readonly number[];
  /** experiments' `scaleAxes` of this scale, when they name none of their own (the same points as another scale) */
  readonly axesOf?: ScaleName;
  /** zoo entry names start with this (entries of several recipes live side by side in data/zoo) */
  readonly zooPrefix?: string;
  /**
   * `zoo add` stores the scale's weights in the narrowest format (float16, then float24) whose restorations of the
   * test split stay within 1/255 of float32's, measured per entry (src/zoo/storage.ts); without it, float32
   */
  readonly zooNarrow?: boolean;
}

const scales = registry<ScaleName, Scale>('scale', {
  smoke: {
    name: 'smoke',
    description: 'tiny model, 2 steps on 16-px crops, 1 test image per task (tests and CI): seconds per experiment, minutes for the whole reproduce with its plots',
    overrides: { model: 'tiny', steps: 2, batchSize: 5, cropSize: 16, lr: 1e-3, emaDecay: 0, datasetSize: 32, testLimit: 1 },
  },
  quick: {
    name: 'quick',
    description: 'minutes on 2 CPU cores: the tiny model (RDBM-T where sizes are compared), 40 steps on 32-px crops of mini-uir (64 px), every test image (24 per task); exercises the pipeline, does not train networks that restore',
    overrides: { model: 'tiny', steps: 40, batchSize: 5, cropSize: 32, lr: 1e-3, emaDecay: 0, datasetSize: 64, testLimit: 0 },
  },
  cpu: {
    name: 'cpu',
    description:
      'the previous default job (one training seed per point): RDBM-T and its ablations restored from the checkpoint zoo (data/zoo: T, T-schedule-…, T-lambda-…, T-pi-…; trained once with `rdbm sweep … --scale cpu --retrain`, hours of CPU), 3000 steps of batch 10 on 32-px crops of mini-uir (64 px), lr 1e-3, EMA 0.995, the gradient norm clipped at 1 as in the official trainers; restored in overlapping 32-px windows (the training crop), 16 test images per task; its S/B/L entries left the zoo with the switch to whole64 (`--train-missing` retrains them); points without a zoo entry are left out and named',
    overrides: { model: 'T', steps: 3000, batchSize: 10, cropSize: 32, lr: 1e-3, emaDecay: 0.995, datasetSize: 64, tile: 'crop', testLimit: 16 },
    zooOnly: true,
  },
  whole64: {
    name: 'whole64',
    description:
      'the default job: the native-backend recipe of issue 31 (chosen on a validation split of the training photographs by scripts/recipe-probes.mjs): the points of `cpu`, each trained with three seeds on whole 64-px mini-uir images (no windows at restoration), batch 10, lr 2e-3 after 200 warm-up steps (the best of four probes on the validation split, results/recipe-probes), EMA 0.995, the gradient norm clipped at 1; 16 test images per task; restored from the zoo (entries w64-…); points without an entry are left out and named',
    overrides: { model: 'T', steps: 1500, batchSize: 10, cropSize: 64, lr: 2e-3, warmup: 200, emaDecay: 0.995, datasetSize: 64, tile: 'auto', testLimit: 16 },
    zooOnly: true,
    seeds: [0, 1, 2],
    axesOf: 'cpu',
    zooPrefix: 'w64-',
    zooNarrow: true,
  },
  paper: {
    name: 'paper',
    description: 'the published budget (GPU): RDBM-L, 500k steps, batch 20, 256-px crops, lr 1e-4, EMA 0.995, all test images (use --data with the real datasets; on mini-uir the crops are 256 px)',
    overrides: {},
  },
});
export const SCALES = scales.entries;

/** The scale of the default job (`npm run reproduce`, and every command's --scale default). */
export const DEFAULT_SCALE: ScaleName = 'whole64';

/** The scale called `name`; unknown names throw listing the known ones. */
export const getScale = scales.get;
