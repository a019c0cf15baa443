/**
 * PSNR / SSIM conventions as a typed registry. Each record names the reference implementation
 * it reproduces (to 1e-4 dB and 5e-6 SSIM on 8-bit images, checked against fixtures from
 * scripts/reference/metrics_fixtures.py). Conventions see two 8-bit images of equal size,
 * already cropped (and, for matlab-y, already resized); `scorePair` in score.ts does that.
 */
import { createRequire } from 'node:module';
import { RdbmError } from '../errors.js';
import { registry } from '../util/registry.js';
import type { Image8 } from '../image/types.js';
import { planeKernels } from './kernels/index.js';
import { matlabY } from './luma.js';
import { channelPlane } from './plane.js';
import { mse8, mseUnitFloat32, psnrFromMse } from './psnr.js';
import { ssimGaussianKernel, ssimConstants } from './ssim.js';

export const CONVENTION_IDS = ['rdbm', 'basicsr-y', 'basicsr-rgb', 'skimage-gaussian', 'matlab-y', 'image-ssim'] as const;
export type ConventionId = (typeof CONVENTION_IDS)[number];

export function isConventionId(value: unknown): value is ConventionId {
  return typeof value === 'string' && (CONVENTION_IDS as readonly string[]).includes(value);
}

export interface Scores {
  /** dB; +Infinity for identical images under conventions that say so (rdbm caps at 100) */
  readonly psnr: number;
  readonly ssim: number;
  /** the compared values are equal (mse = 0) */
  readonly identical: boolean;
}

export interface Convention {
  readonly id: ConventionId;
  /** one line: colour space, PSNR arithmetic, SSIM window and statistics */
  readonly description: string;
  /** the implementation this convention reproduces */
  readonly reference: string;
  /** true for fast approximations that must never appear in paper tables */
  readonly preview: boolean;
  /** smallest width and height the SSIM window fits in */
  readonly minSize: number;
  /** whether `resizeGt` (ground truth resized to the prediction's size) is offered */
  readonly resizesGt: boolean;
  psnr(gt: Image8, pred: Image8): number;
  ssim(gt: Image8, pred: Image8): number;
  /** both metrics, sharing colour conversions */
  score(gt: Image8, pred: Image8): Scores;
}

const GAUSS_11 = ssimGaussianKernel(11, 1.5);
const C255 = ssimConstants(255);

function meanOver(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** SSIM with the 11×11 σ 1.5 Gaussian, per channel, mean over channels. */
function gaussianSsimPerChannel(gt: Image8, pred: Image8): number {
  const k = planeKernels(gt.width * gt.height);
  const [pa, pb] = k.planePair(gt.width, gt.height);
  const values: number[] = [];
  for (let c = 0; c < gt.channels; c++) {
    const a = channelPlane(gt, c, pa.data);
    const b = channelPlane(pred, c, pb.data);
    values.push(k.ssimGauss11(a, b, GAUSS_11, C255.c1, C255.c2));
  }
  return meanOver(values);
}

function define(c: Omit<Convention, 'score'> & { score?: Convention['score'] }): Convention {
  const score =
    c.score ??
    ((gt: Image8, pred: Image8): Scores => {
      const psnr = c.psnr(gt, pred);
      return { psnr, ssim: c.ssim(gt, pred), identical: mse8(gt, pred) === 0 };
    });
  return Object.freeze({ ...c, score });
}

/** DGSolver cal_psnr: float32 MSE of values/255, 100 when below 1e-10. */
function rdbmPsnr(mse: number): number {
  return mse < 1e-10 ? 100 : 20 * Math.log10(1 / Math.sqrt(mse));
}

/** DGSolver test code (same group as RDBM): float32 PSNR capped at 100, skimage default SSIM per channel. */
const rdbm = define({
  id: 'rdbm',
  description:
    'RGB; PSNR in float32 on values/255, peak 1, 100 when mse < 1e-10; SSIM = mean over channels of a 7×7 uniform window, sample covariance, data range 255, map cropped by 3 px',
  reference: 'DGSolver code/test.py cal_psnr / cal_ssim (skimage.metrics.structural_similarity defaults)',
  preview: false,
  minSize: 7,
  resizesGt: false,
  psnr: (gt, pred) => rdbmPsnr(mseUnitFloat32(gt, pred)),
  ssim: (gt, pred) => meanOver(planeKernels(gt.width * gt.height).ssimUniform(gt, pred, 7)),
  // one MSE pass for both: every term float32((float32(a/255) − float32(b/255))²) is ≥ 1.5e-5 when
  // a ≠ b, so the float32 mean is 0 exactly when the images are equal
  score: (gt, pred) => {
    const mse = mseUnitFloat32(gt, pred);
    return { psnr: rdbmPsnr(mse), ssim: meanOver(planeKernels(gt.width * gt.height).ssimUniform(gt, pred, 7)), identical: mse === 0 };
  },
});

function basicsrYScore(gt: Image8, pred: Image8): Scores {
  const k = planeKernels(gt.width * gt.height);
  const [a, b] = k.planePair(gt.width, gt.height);
  k.basicsrY(gt, a);
  k.basicsrY(pred, b);
  const mse = k.mse(a, b);
  return { psnr: psnrFromMse(mse, 255), ssim: k.ssimGauss11(a, b, GAUSS_11, C255.c1, C255.c2), identical: mse === 0 };
}

/** BasicSR calculate_psnr / calculate_ssim with test_y_channel=True (the DiffUIR protocol). */
const basicsrYConvention = define({
  id: 'basicsr-y',
  description:
    'Y = 16 + (65.481 R + 128.553 G + 24.966 B)/255 in float32, unrounded; PSNR float64 peak 255, +inf when identical; SSIM 11×11 Gaussian σ 1.5, map cropped by 5 px',
  reference: 'BasicSR basicsr/metrics/psnr_ssim.py calculate_psnr / calculate_ssim, test_y_channel=True, crop_border=0 (DiffUIR)',
  preview: false,
  minSize: 11,
  resizesGt: false,
  psnr: (gt, pred) => basicsrYScore(gt, pred).psnr,
  ssim: (gt, pred) => basicsrYScore(gt, pred).ssim,
  score: basicsrYScore,
});

/** BasicSR with test_y_channel=False: per-channel on RGB (BasicSR reads BGR; the channel mean is the same). */
const basicsrRgb = define({
  id: 'basicsr-rgb',
  description: 'RGB; PSNR float64 peak 255, +inf when identical; SSIM 11×11 Gaussian σ 1.5 per channel, map cropped by 5 px, mean over channels',
  reference: 'BasicSR basicsr/metrics/psnr_ssim.py calculate_psnr / calculate_ssim, test_y_channel=False',
  preview: false,
  minSize: 11,
  resizesGt: false,
  psnr: (gt, pred) => psnrFromMse(mse8(gt, pred), 255),
  ssim: gaussianSsimPerChannel,
});

/** scikit-image with Wang et al.'s Gaussian settings. */
const skimageGaussian = define({
  id: 'skimage-gaussian',
  description:
    'RGB; PSNR float64 peak 255; SSIM Gaussian σ 1.5 (truncate 3.5 → 11 taps), population covariance, data range 255, per channel, map cropped by 5 px',
  reference:
    'scikit-image peak_signal_noise_ratio(data_range=255), structural_similarity(channel_axis=2, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=255)',
  preview: false,
  minSize: 11,
  resizesGt: false,
  psnr: (gt, pred) => psnrFromMse(mse8(gt, pred), 255),
  ssim: gaussianSsimPerChannel,
});

function matlabYScore(gt: Image8, pred: Image8): Scores {
  const k = planeKernels(gt.width * gt.height);
  const [pa, pb] = k.planePair(gt.width, gt.height);
  const a = matlabY(gt, pa.data);
  const b = matlabY(pred, pb.data);
  const mse = k.mse(a, b);
  // 20·log10(255/rmse) = 10·log10(255²/mse) up to rounding far below 1e-10 dB
  return { psnr: mse === 0 ? Infinity : 20 * Math.log10(255 / Math.sqrt(mse)), ssim: k.ssimGauss11(a, b, GAUSS_11, C255.c1, C255.c2), identical: mse === 0 };
}

/** DiffUIR eval/SOTS.m: MATLAB rgb2ycbcr on uint8 and Wang's SSIM_index. */
const matlabYConvention = define({
  id: 'matlab-y',
  description:
    'Y of MATLAB rgb2ycbcr on uint8 (rounded); PSNR 20·log10(255/rmse), +inf when identical; SSIM fspecial gaussian 11/1.5, filter2 valid; optional ground truth imresize (bicubic, antialiased) to the prediction size',
  reference: "DiffUIR eval/SOTS.m (Wang's SSIM_index), run here with Octave 7 + image package 2.14",
  preview: false,
  minSize: 11,
  resizesGt: true,
  psnr: (gt, pred) => matlabYScore(gt, pred).psnr,
  ssim: (gt, pred) => matlabYScore(gt, pred).ssim,
  score: matlabYScore,
});

interface ImageSsimModule {
  compare(
    a: { data: Uint8Array; width: number; height: number; channels: number },
    b: { data: Uint8Array; width: number; height: number; channels: number },
  ): { ssim: number; mcs: number };
}
let imageSsimModule: ImageSsimModule | undefined;

/** The image-ssim npm package: Rec.709 luma, non-overlapping 8×8 blocks. A preview, not Wang's SSIM. */
const imageSsim = define({
  id: 'image-ssim',
  description:
    'PREVIEW ONLY, never for paper tables: RGB PSNR float64 peak 255; SSIM of the image-ssim package (Rec.709 luma, non-overlapping 8×8 blocks, sample variance)',
  reference: 'npm image-ssim 0.2.0 compare() with its defaults',
  preview: true,
  minSize: 8,
  resizesGt: false,
  psnr: (gt, pred) => psnrFromMse(mse8(gt, pred), 255),
  ssim: (gt, pred) => {
    imageSsimModule ??= createRequire(import.meta.url)('image-ssim') as ImageSsimModule;
    const { ssim } = imageSsimModule.compare(gt, pred);
    if (!Number.isFinite(ssim)) {
      throw new RdbmError(`image-ssim: SSIM undefined for ${gt.width}×${gt.height} (a 1×1 corner block appears when width and height are both 1 more than a multiple of 8)`);
    }
    return ssim;
  },
});

/** Every convention, registered explicitly (src/util/registry.ts: lookup and the unknown-name message). */
const conventions = registry<ConventionId, Convention>('convention', {
  rdbm,
  'basicsr-y': basicsrYConvention,
  'basicsr-rgb': basicsrRgb,
  'skimage-gaussian': skimageGaussian,
  'matlab-y': matlabYConvention,
  'image-ssim': imageSsim,
});
export const CONVENTIONS = conventions.entries;

/** The conventions a sweep, table or plot may use: all but the previews (image-ssim). */
export const TABLE_CONVENTION_IDS = Object.freeze(CONVENTION_IDS.filter((id) => !CONVENTIONS[id].preview));

/**
 * Refuses a preview convention where figures are tabulated (README: image-ssim is a preview only).
 * `convention` may list several ids (`rdbm, basicsr-y`); ids of no registered convention pass.
 */
export function checkTableConvention(convention: string, where: string): string {
  const preview = convention.split(',').map((c) => c.trim()).find((c) => isConventionId(c) && CONVENTIONS[c].preview);
  if (preview) {
    throw new RdbmError(`invalid ${where}: ${JSON.stringify(preview)} is a preview metric, never used in sweeps, tables or plots (expected one of ${TABLE_CONVENTION_IDS.join(', ')})`);
  }
  return convention;
}

/** The convention called `id`; unknown ids throw listing the known ones. */
export const getConvention = conventions.get;
