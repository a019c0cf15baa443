/**
 * Scoring one pair of image files: read both, score, and turn any failure into a one-line
 * error on the result (so a folder run reports the pair and carries on).
 */
import type { ImagePair } from '../datasets/pairs.js';
import { RdbmError } from '../errors.js';
import { readImage } from '../image/io.js';
import type { ImageResult } from './aggregate.js';
import type { ConventionId } from './conventions.js';
import { scorePair, type ScoreOptions } from './score.js';

/** Reads and scores one pair; errors become `result.error` (one line), warnings go to `warn`. */
export async function scoreFiles(
  pair: ImagePair,
  convention: ConventionId,
  options: ScoreOptions,
  warn: (message: string) => void = () => {},
): Promise<ImageResult> {
  const base = {
    name: pair.name,
    gt: pair.gt,
    pred: pair.pred,
    ...(pair.task !== undefined ? { task: pair.task } : {}),
    ...(pair.subDataset !== undefined ? { subDataset: pair.subDataset } : {}),
  };
  try {
    const [gt, pred] = await Promise.all([readImage(pair.gt, { warn }), readImage(pair.pred, { warn })]);
    const s = scorePair(gt, pred, convention, options, { gt: pair.gt, pred: pair.pred });
    return { ...base, psnr: s.psnr, ssim: s.ssim, identical: s.identical };
  } catch (error) {
    const message = error instanceof RdbmError ? error.message : `internal error: ${String((error as Error)?.message ?? error)}`;
    return { ...base, error: message.split('\n')[0] };
  }
}
