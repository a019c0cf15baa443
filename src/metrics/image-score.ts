/**
 * The one per-image score type: what a run records for each test image (runs/<key>.json), what the
 * report's statistics resample and what the per-image deltas list. A scoring attempt
 * (aggregate.ts ImageResult: paths, +Infinity for identical images, the reason a pair failed)
 * becomes one through imageScore.
 */

export interface ImageScore {
  readonly task: string;
  readonly subDataset: string;
  /** the condition image's file name */
  readonly name: string;
  /** dB; null when infinite (identical images under a convention without a cap) */
  readonly psnr: number | null;
  readonly ssim: number | null;
}

/** A scored test pair as an ImageScore: a non-finite or missing PSNR (identical images) is null. */
export function imageScore(pair: { readonly task: string; readonly subDataset: string; readonly name: string }, scores: { readonly psnr?: number; readonly ssim?: number }): ImageScore {
  return {
    task: pair.task,
    subDataset: pair.subDataset,
    name: pair.name,
    psnr: scores.psnr !== undefined && Number.isFinite(scores.psnr) ? scores.psnr : null,
    ssim: scores.ssim ?? null,
  };
}
