/**
 * Budgets. A scale overrides the paper's settings (paper.ts PAPER_CONFIG) before an experiment's
 * own base and axes are applied, so one experiment definition runs in seconds per experiment (smoke), in minutes on
 * a laptop (quick), from the shipped checkpoint zoo (cpu, the default job) or with the published budget on a GPU
 * machine (paper).
 */
import { registry } from '../util/registry.js';
import type { RunConfig } from './config.js';

export const SCALE_NAMES = ['smoke', 'quick', 'cpu', 'paper'] as const;
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
      'the default job, restored from the checkpoint zoo (data/zoo; trained once with `rdbm sweep … --scale cpu --retrain`, hours of CPU): RDBM-T for the ablations (RDBM-T/S/B/L for sizes), 3000 steps of batch 10 on 32-px crops of mini-uir (64 px), lr 1e-3, EMA 0.995, the gradient norm clipped at 1 as in the official trainers; restored in overlapping 32-px windows (the training crop), 16 test images per task; points without a zoo entry are left out and named',
    overrides: { model: 'T', steps: 3000, batchSize: 10, cropSize: 32, lr: 1e-3, emaDecay: 0.995, datasetSize: 64, tile: 'crop', testLimit: 16 },
    zooOnly: true,
  },
  paper: {
    name: 'paper',
    description: 'the published budget (GPU): RDBM-L, 500k steps, batch 20, 256-px crops, lr 1e-4, EMA 0.995, all test images (use --data with the real datasets; on mini-uir the crops are 256 px)',
    overrides: {},
  },
});
export const SCALES = scales.entries;

/** The scale of the default job (`npm run reproduce`, and every command's --scale default). */
export const DEFAULT_SCALE: ScaleName = 'cpu';

/** The scale called `name`; unknown names throw listing the known ones. */
export const getScale = scales.get;
