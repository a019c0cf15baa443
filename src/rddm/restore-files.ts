/**
 * DiffUIR restoration of image files into a folder: the file-level shell around diffuirRestoreImage, with
 * the same result shape as src/models restoreImages, so `rdbm restore` and the experiment runner can route
 * DiffUIR checkpoints here. Outputs are PNG, written atomically (temporary name, then rename).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Io } from '../util/io.js';
import { RdbmError } from '../errors.js';
import { readImage, writeImage } from '../image/index.js';
import { createProgress } from '../util/progress.js';
import { hash32 } from '../util/random.js';
import { DIFFUIR_TEST_SETTINGS } from './diffuir.js';
import { type RddmNetwork, loadRddmNetwork } from './network.js';
import { diffuirRestoreImage } from './restore.js';

export interface DiffuirRestoreFilesOptions {
  /** a DiffUIR trainer .pt (EMA weights used) or any U-Net checkpoint src/models reads; or a loaded network */
  readonly checkpoint?: string;
  readonly network?: RddmNetwork;
  /** condition images; their paths decide the low-light equalisation (`LOL` in the path) */
  readonly inputs: readonly { readonly name: string; readonly path: string }[];
  readonly outputDir: string;
  /** default 3 (DiffUIR test.py) */
  readonly nfe?: number;
  /** default `res` */
  readonly mode?: 'res' | 'noise';
  /** start-noise seed; each image draws from its own stream derived from the seed and its name (default 10, DiffUIR's set_seed) */
  readonly seed?: number;
  readonly io?: Pick<Io, 'err' | 'errIsTTY'>;
  readonly signal?: AbortSignal;
}

export interface DiffuirRestoreFilesResult {
  readonly outputs: readonly { readonly name: string; readonly input: string; readonly output: string; readonly seconds: number }[];
  readonly seconds: number;
}

export async function diffuirRestoreFiles(options: DiffuirRestoreFilesOptions): Promise<DiffuirRestoreFilesResult> {
  if (!options.network && !options.checkpoint) throw new RdbmError('diffuirRestoreFiles: give a checkpoint path or a loaded network');
  const network = options.network ?? loadRddmNetwork(options.checkpoint!);
  const start = performance.now();
  const outputs: Array<{ name: string; input: string; output: string; seconds: number }> = [];
  mkdirSync(options.outputDir, { recursive: true });
  const progress = options.io ? createProgress(options.io, 'DiffUIR restore', options.inputs.length, 'images') : undefined;
  try {
    for (const item of options.inputs) {
      if (options.signal?.aborted) throw new RdbmError('DiffUIR restore interrupted');
      const t0 = performance.now();
      const condition = await readImage(item.path);
      const restored = await diffuirRestoreImage({
        network,
        condition,
        conditionPath: item.path,
        nfe: options.nfe ?? DIFFUIR_TEST_SETTINGS.nfe,
        mode: options.mode ?? DIFFUIR_TEST_SETTINGS.mode,
        seed: hash32(`${options.seed ?? 10}/${item.name}`),
      });
      const name = item.name.replace(/\.[^.]+$/, '') + '.png';
      const output = join(options.outputDir, name);
      await writeImage(output, restored);
      outputs.push({ name, input: item.path, output, seconds: (performance.now() - t0) / 1000 });
      progress?.tick(1, name);
    }
    progress?.done();
  } finally {
    if (!options.network) network.dispose();
  }
  return { outputs, seconds: (performance.now() - start) / 1000 };
}
