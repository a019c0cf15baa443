/**
 * What the runner needs done, injected: preparing a dataset, training, restoring and scoring.
 * The runner knows nothing of TensorFlow.js or image files; tests pass fakes, the CLI passes the
 * real executors (real.ts).
 */
import type { Io } from '../util/io.js';
import type { RunConfig } from './config.js';
import type { Job } from './plan.js';
import type { ImageScore } from '../metrics/image-score.js';

export interface ExecutorContext {
  /** progress and notes (stderr) */
  readonly io: Pick<Io, 'err' | 'errIsTTY'>;
  readonly signal?: AbortSignal;
}

export interface TrainInput extends ExecutorContext {
  readonly job: Job;
  /** dataset root in the RDBM/DGSolver layout (train split used) */
  readonly dataRoot: string;
  /** the folder to write checkpoints into (kept between attempts, so training can resume) */
  readonly outDir: string;
}

export interface TrainOutput {
  /** path of the final checkpoint (inside outDir) */
  readonly checkpoint: string;
  /** anything worth recording (final loss, steps, params) */
  readonly info?: Readonly<Record<string, unknown>>;
}

export interface RestoreInput extends ExecutorContext {
  readonly job: Job;
  readonly dataRoot: string;
  /** trained or given checkpoint */
  readonly checkpoint: string;
  /** write <outDir>/<Task>/<SubDataset>/<name> */
  readonly outDir: string;
}

export interface RestoreOutput {
  readonly images: number;
  readonly info?: Readonly<Record<string, unknown>>;
}

export interface EvaluateInput extends ExecutorContext {
  readonly job: Job;
  readonly dataRoot: string;
  /** the restore job's outDir */
  readonly restoredDir: string;
}

export interface EvaluateOutput {
  readonly images: readonly ImageScore[];
  readonly info?: Readonly<Record<string, unknown>>;
}

export interface Environment {
  /** compute backend, e.g. `tensorflow (node)`, `wasm`, `cpu` */
  readonly backend: string;
  readonly versions: Readonly<Record<string, string>>;
}

export interface Executors {
  /** the dataset root for a config, generating it under `datasetsDir` when it is a bundled benchmark */
  prepareData(config: RunConfig, datasetsDir: string, ctx: ExecutorContext): Promise<string>;
  train(input: TrainInput): Promise<TrainOutput>;
  restore(input: RestoreInput): Promise<RestoreOutput>;
  evaluate(input: EvaluateInput): Promise<EvaluateOutput>;
  environment(): Promise<Environment>;
}
