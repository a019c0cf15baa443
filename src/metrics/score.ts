/**
 * Scoring one ground-truth / prediction pair under a convention: validation of sizes and channels,
 * the optional ground-truth resize (matlab-y) and the border crop, then the convention itself.
 */
import { RdbmError } from '../errors.js';
import type { Image8 } from '../image/types.js';
import { number } from '../util/validate.js';
import { getConvention, type Convention, type ConventionId, type Scores } from './conventions.js';
import { cropImageBorder } from './plane.js';
import { imresizeMatlab } from './resize.js';

export interface ScoreOptions {
  /** pixels removed on each side before both metrics (BasicSR `crop_border`); default 0 */
  readonly cropBorder?: number;
  /** resize the ground truth to the prediction's size first (matlab-y only; MATLAB imresize bicubic) */
  readonly resizeGt?: boolean;
}

/** How the two images are named in error messages (file paths in folder runs). */
export interface PairNames {
  readonly gt: string;
  readonly pred: string;
}

const DEFAULT_NAMES: PairNames = { gt: 'ground truth', pred: 'prediction' };

/** Validates options once, at the boundary. */
export function checkScoreOptions(convention: Convention, options: ScoreOptions): Required<ScoreOptions> {
  const cropBorder = number('cropBorder', options.cropBorder ?? 0, { integer: true, min: 0 });
  const resizeGt = options.resizeGt ?? false;
  if (resizeGt && !convention.resizesGt) {
    throw new RdbmError(`resizeGt is only defined for matlab-y (DiffUIR's SOTS script), not for ${convention.id}`);
  }
  return { cropBorder, resizeGt };
}

/** Scores `pred` against `gt`. Throws a one-line RdbmError naming both files on a size or channel mismatch. */
export function scorePair(
  gt: Image8,
  pred: Image8,
  conventionOrId: Convention | ConventionId,
  options: ScoreOptions = {},
  names: PairNames = DEFAULT_NAMES,
): Scores {
  const convention = typeof conventionOrId === 'string' ? getConvention(conventionOrId) : conventionOrId;
  const { cropBorder, resizeGt } = checkScoreOptions(convention, options);
  if (gt.channels !== pred.channels) {
    const kind = (c: number) => (c === 1 ? 'grey' : 'RGB');
    throw new RdbmError(`channel mismatch: ${names.gt} is ${kind(gt.channels)} but ${names.pred} is ${kind(pred.channels)}`);
  }
  let reference = gt;
  if (gt.width !== pred.width || gt.height !== pred.height) {
    if (!resizeGt) {
      throw new RdbmError(
        `size mismatch: ${names.gt} is ${gt.width}×${gt.height} but ${names.pred} is ${pred.width}×${pred.height}` +
          (convention.resizesGt ? ' (use --resize-gt to resize the ground truth as the SOTS script does)' : ''),
      );
    }
    reference = imresizeMatlab(gt, pred.width, pred.height);
  }
  const a = cropImageBorder(reference, cropBorder);
  const b = cropImageBorder(pred, cropBorder);
  if (a.width < convention.minSize || a.height < convention.minSize) {
    const after = cropBorder ? ` after cropping ${cropBorder} px per side` : '';
    throw new RdbmError(
      `${names.pred}: ${b.width}×${b.height}${after} is smaller than the SSIM window of ${convention.id} (needs at least ${convention.minSize}×${convention.minSize})`,
    );
  }
  return convention.score(a, b);
}
