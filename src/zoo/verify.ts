/**
 * `rdbm zoo verify`: anyone can check that a zoo checkpoint is what the toolkit trains. The first K steps of
 * the entry's run are retrained on the same data and the sha256 of the sampling weights at step K is compared
 * with the one recorded when the entry was trained. Bit-identical training gives the same hash; if the
 * training code changed since the entry's commit (other kernels, another reduction order), the hash differs
 * and the window-mean training loss at step K is compared instead, within LOSS_TOLERANCE (relative).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureMiniUir, miniUirIdentity } from '../data/miniUir.js';
import { RdbmError } from '../errors.js';
import { readHistory, trainModel } from '../models/train.js';
import { trainInputFromRun } from '../models/train-config.js';
import { gradientKernels, gradientKernelsOf, useGradientKernels } from '../models/wasm-grad.js';
import { stableStringify } from '../util/hash.js';
import { readZooEntry, type ZooEntry } from './entry.js';

/** relative tolerance on the window-mean loss when the weights are not bit-identical */
export const LOSS_TOLERANCE = 1e-3;

export interface ZooVerifyResult {
  readonly name: string;
  readonly step: number;
  readonly identical: boolean;
  readonly recorded: { readonly sha256: string; readonly loss: number };
  readonly retrained: { readonly sha256: string; readonly loss: number };
  /** |loss − recorded loss| / recorded loss */
  readonly lossRelDiff: number;
  readonly tolerance: number;
  readonly ok: boolean;
  /** the commit the entry was trained at */
  readonly commit: string;
  readonly seconds: number;
}

/** The recorded history line verify compares at (`steps` or the first recorded step); a step that was not recorded is refused. */
export function recordedStep(entry: ZooEntry, steps?: number): { step: number; recorded: ZooEntry['history'][number] } {
  const step = steps ?? entry.history[0].step;
  const recorded = entry.history.find((h) => h.step === step);
  if (!recorded) throw new RdbmError(`invalid --steps: ${step} (zoo entry ${entry.name} recorded steps ${entry.history.map((h) => h.step).join(', ')})`);
  return { step, recorded };
}

export async function verifyZooEntry(dir: string, options: { steps?: number; workDir?: string; io?: { err(text: string): void; readonly errIsTTY: boolean } } = {}): Promise<ZooVerifyResult> {
  const entry = readZooEntry(dir);
  const { step, recorded } = recordedStep(entry, options.steps);
  const kernels = gradientKernelsOf(entry.backend);
  if (entry.dataset.name !== 'mini-uir') throw new RdbmError(`zoo entry ${entry.name} was trained on ${String(entry.dataset.name)}, which only the bundled mini-uir can be regenerated for`);
  const size = Number(entry.dataset.size);
  const now = miniUirIdentity({ size });
  if (stableStringify(now) !== stableStringify(entry.dataset)) {
    throw new RdbmError(`zoo entry ${entry.name}: the bundled mini-uir (photographs or generator) changed since it was trained, so its run cannot be repeated`);
  }
  const work = options.workDir ?? mkdtempSync(join(tmpdir(), 'rdbm-zoo-verify-'));
  const t0 = performance.now();
  try {
    const dataRoot = join(work, `mini-uir-${size}`);
    await ensureMiniUir(dataRoot, { size, ...(options.io ? { io: options.io } : {}) });
    const outDir = join(work, 'run');
    rmSync(outDir, { recursive: true, force: true });
    // retrain under the gradient kernels the entry was trained with (its backend description names them)
    const before = gradientKernels();
    useGradientKernels(kernels);
    try {
      await trainModel({ ...trainInputFromRun(entry.training), steps: step, checkpointEvery: step }, { dataRoot, outDir, ...(options.io ? { io: options.io } : {}) });
    } finally {
      useGradientKernels(before);
    }
    const line = readHistory(outDir).find((h) => h.step === step);
    if (!line) throw new RdbmError(`internal: the retrained run recorded no history at step ${step}`);
    const identical = line.sha256 === recorded.sha256;
    const lossRelDiff = Math.abs(line.loss - recorded.loss) / Math.abs(recorded.loss);
    return {
      name: entry.name,
      step,
      identical,
      recorded: { sha256: recorded.sha256, loss: recorded.loss },
      retrained: { sha256: line.sha256, loss: line.loss },
      lossRelDiff,
      tolerance: LOSS_TOLERANCE,
      ok: identical || lossRelDiff <= LOSS_TOLERANCE,
      commit: entry.commit,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    if (!options.workDir) rmSync(work, { recursive: true, force: true });
  }
}
