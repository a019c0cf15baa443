/**
 * The unrestored input as a configuration of its own (issue 12 point 3): the test split's condition
 * images are laid out like a restoration (restored/input-<key>/<Task>/<SubDataset>/<name>.png, PNG is
 * lossless) and scored by the same evaluate executor, convention and test pairs as every restoration,
 * so the input row is scored exactly like the rows it sits beside.
 */
import { existsSync } from 'node:fs';
import type { Io } from '../util/io.js';
import { readImage, writeImage } from '../image/index.js';
import { configHash } from '../util/hash.js';
import type { RunConfig } from './config.js';
import type { Executors } from './executors.js';
import { codeFingerprint, datasetKey } from './keys.js';
import { datasetsDir, inputRestoredDir, restoredImage } from './layout.js';
import type { Job } from './plan.js';
import type { ImageScore } from '../metrics/image-score.js';
import { selectTestPairs } from './testset.js';

export interface InputScoreOptions {
  readonly resultsDir: string;
  /** default: the real executors */
  readonly executors?: Executors;
  readonly io?: Pick<Io, 'err' | 'errIsTTY'>;
}

/** The evaluate job that scores the inputs of `config`'s test set under its metric convention. */
export function inputJob(config: RunConfig): Job {
  // keyed like every job (src/experiments/keys.ts): the data's content and the code that copies and scores it
  const restore = { stage: 'restore', input: true, code: codeFingerprint('data'), data: datasetKey(config), testLimit: config.testLimit };
  const restoreKey = configHash(restore);
  const spec = { stage: 'evaluate', after: restoreKey, metric: config.metric, code: codeFingerprint('evaluate') };
  return { kind: 'evaluate', key: configHash(spec), group: restoreKey, needs: restoreKey, spec, config, points: [] };
}

/** Per-image scores of the unrestored inputs of `config`'s test set (dataset, test limit and convention of `config`). */
export async function scoreInputs(config: RunConfig, options: InputScoreOptions): Promise<ImageScore[]> {
  const executors = options.executors ?? (await import('./real.js')).realExecutors();
  const io = options.io ?? { err: () => {}, errIsTTY: false };
  const dataRoot = await executors.prepareData(config, datasetsDir(options.resultsDir), { io });
  const job = inputJob(config);
  const restoredDir = inputRestoredDir(options.resultsDir, job.needs!);
  for (const p of selectTestPairs(dataRoot, config.testLimit)) {
    const out = restoredImage(restoredDir, p);
    if (!existsSync(out)) await writeImage(out, await readImage(p.condition));
  }
  return [...(await executors.evaluate({ job, dataRoot, restoredDir, io })).images];
}
