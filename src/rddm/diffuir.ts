/**
 * DiffUIR (iSEE-Laboratory/DiffUIR, CVPR 2024) as an RDDM-family member: its schedule, its published test
 * settings (test.py at c71437c), the time condition its U-Net receives, and its loader's low-light
 * histogram equalisation (data/universal_dataset.py).
 *
 * DiffUIR differs from RDDM in three places (all reproduced, see ./sampler.ts and ./schedule.ts):
 * - schedule: DDPM linear β (1e-4 … 0.02, T = 1000) converted (ᾱ = 1 − √ā, β̄² = 1 − ā) plus a μ-shrink
 *   δ̄_t = Σ linspace(1e-6, delta_end, T) (test: delta_end = 1.8e-3, so δ̄_{T−1} ≈ 0.90);
 * - update: x ← x − α Î_res + δ μ + σ z (no ε̂ term) from (1 − δ̄_{T−1}) μ + √0.01 · z;
 * - time condition: the network embeds ᾱ_t·T (pred_res) or β̄_t·T (pred_noise), float32, not t.
 */
import { RdbmError } from '../errors.js';
import type { Image8 } from '../image/types.js';
import type { tf } from '../tf/index.js';
import { number } from '../util/validate.js';
import { type RddmPredictionMode, type RddmPredictor, sampleRddm } from './sampler.js';
import { type RddmSchedule, ddpmAlphasCumprod, rddmScheduleFromAlphasCumprod } from './schedule.js';

/** DiffUIR's published test settings (test.py, commit c71437c). */
export const DIFFUIR_TEST_SETTINGS = Object.freeze({
  timesteps: 1000,
  nfe: 3,
  /** objective pred_res, test_res_or_noise res */
  mode: 'res' as const,
  deltaEnd: 1.8e-3,
  sumScale: 0.01,
  eta: 0,
  clip: true,
  /** the loader equalises each channel of the condition image when its path contains `LOL` (not LSRW) */
  equalizeHistPathMarker: 'LOL',
  /** scoring: BasicSR PSNR/SSIM on Y, crop_border 0 */
  metricConvention: 'basicsr-y',
  provenance: 'iSEE-Laboratory/DiffUIR test.py and src/model.py at c71437c',
});

export interface DiffuirScheduleOptions {
  readonly timesteps?: number;
  readonly deltaEnd?: number;
  readonly sumScale?: number;
}

/** DiffUIR's schedule (defaults: its test settings), float32 as the official buffers. */
export function diffuirSchedule(options: DiffuirScheduleOptions = {}): RddmSchedule {
  const T = options.timesteps ?? DIFFUIR_TEST_SETTINGS.timesteps;
  return rddmScheduleFromAlphasCumprod({
    alphasCumprod: ddpmAlphasCumprod(T),
    sumScale: options.sumScale ?? DIFFUIR_TEST_SETTINGS.sumScale,
    deltaEnd: options.deltaEnd ?? DIFFUIR_TEST_SETTINGS.deltaEnd,
    name: 'diffuir',
  });
}

/** The scalar DiffUIR's U-Net embeds at step t: float32(ᾱ_t · T) for SM-Res, float32(β̄_t · T) for SM-N. */
export function diffuirTimeCondition(schedule: RddmSchedule, t: number, mode: RddmPredictionMode): number {
  number('t', t, { integer: true, min: 0, max: schedule.timesteps - 1 });
  if (mode === 'res-noise') throw new RdbmError('invalid mode: res-noise for DiffUIR (its UnetRes embeds one time value; use res or noise)');
  const value = mode === 'res' ? schedule.alphaBar[t] : Math.fround(schedule.betaBar[t]);
  return Math.fround(Math.fround(value) * schedule.timesteps);
}

/** Whether DiffUIR's loader equalises this condition image (its rule: `'LOL' in path`, case-sensitive). */
export function diffuirEqualizes(conditionPath: string): boolean {
  return conditionPath.includes(DIFFUIR_TEST_SETTINGS.equalizeHistPathMarker);
}

/**
 * cv2.equalizeHist on each channel of an 8-bit image (OpenCV's rule: lut[i] = round(255 · (cdf(i) − h_min) /
 * (N − h_min)) from the first non-empty bin, rounding half to even; a constant channel is left unchanged).
 */
export function diffuirEqualizeHistogram(image: Image8): Image8 {
  const { width, height, channels, data } = image;
  const n = width * height;
  if (data.length !== n * channels) throw new RdbmError(`diffuirEqualizeHistogram: ${data.length} values for ${width}×${height}×${channels} (expected ${n * channels})`);
  const out = new Uint8Array(data.length);
  for (let c = 0; c < channels; c++) {
    const hist = new Float64Array(256);
    for (let i = c; i < data.length; i += channels) hist[data[i]]++;
    let first = 0;
    while (hist[first] === 0) first++;
    const lut = new Uint8Array(256);
    if (hist[first] === n) {
      lut.fill(first);
    } else {
      const scale = Math.fround(255 / (n - hist[first])); // float32, as OpenCV
      let sum = 0;
      for (let i = first + 1; i < 256; i++) {
        sum += hist[i];
        lut[i] = Math.min(255, roundHalfEven(Math.fround(sum * scale)));
      }
    }
    for (let i = c; i < data.length; i += channels) out[i] = lut[data[i]];
  }
  return { width, height, channels, data: out };
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface SampleDiffuirOptions {
  readonly mu: tf.Tensor4D;
  readonly predict: RddmPredictor;
  readonly noise: (shape: number[]) => tf.Tensor;
  /** defaults: DIFFUIR_TEST_SETTINGS */
  readonly schedule?: RddmSchedule;
  readonly nfe?: number;
  readonly mode?: 'res' | 'noise';
  readonly eta?: number;
}

/** DiffUIR's test-time sampler (its ddim_sample), defaults from DIFFUIR_TEST_SETTINGS. */
export function sampleDiffuir(options: SampleDiffuirOptions): Promise<tf.Tensor4D> {
  return sampleRddm({
    mu: options.mu,
    schedule: options.schedule ?? diffuirSchedule(),
    nfe: options.nfe ?? DIFFUIR_TEST_SETTINGS.nfe,
    mode: options.mode ?? DIFFUIR_TEST_SETTINGS.mode,
    predict: options.predict,
    noise: options.noise,
    eta: options.eta ?? DIFFUIR_TEST_SETTINGS.eta,
    clip: DIFFUIR_TEST_SETTINGS.clip,
    variant: 'diffuir',
  });
}
