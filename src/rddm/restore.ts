/**
 * One image through DiffUIR's test path: its loader (RGB, low-light histogram equalisation when the path
 * contains `LOL`, /255, 2x − 1), its sampler with the published settings, and its output conversion
 * (clamp to [0, 1], ×255, round half to even as BasicSR's tensor2img). Everything but the network is here, so
 * `rdbm restore` and the experiment runner can call it per image.
 */
import { RdbmError } from '../errors.js';
import type { Image8 } from '../image/types.js';
import { tf } from '../tf/index.js';
import { createRng } from '../util/random.js';
import { DIFFUIR_TEST_SETTINGS, diffuirEqualizeHistogram, diffuirEqualizes, diffuirSchedule, sampleDiffuir } from './diffuir.js';
import { type RddmNetwork, diffuirPredictor } from './network.js';
import type { RddmSchedule } from './schedule.js';

export interface DiffuirRestoreOptions {
  readonly network: Pick<RddmNetwork, 'forward'>;
  /** the degraded image as read from disk */
  readonly condition: Image8;
  /** its path: decides the low-light equalisation as DiffUIR's loader does (unless `equalize` is given) */
  readonly conditionPath?: string;
  /** force the equalisation on or off */
  readonly equalize?: boolean;
  /** defaults: DIFFUIR_TEST_SETTINGS */
  readonly nfe?: number;
  readonly mode?: 'res' | 'noise';
  readonly schedule?: RddmSchedule;
  /** seed of the start noise (DiffUIR: set_seed(10) then torch.randn; streams differ, so outputs match in law, not bit for bit) */
  readonly seed?: number;
  /** or the noise source itself (tests replay the official draws) */
  readonly noise?: (shape: number[]) => tf.Tensor;
}

function toRgb(image: Image8): Image8 {
  if (image.channels === 3) return image;
  const data = new Uint8Array(image.width * image.height * 3);
  image.data.forEach((v, i) => data.fill(v, 3 * i, 3 * i + 3));
  return { width: image.width, height: image.height, channels: 3, data };
}

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** DiffUIR's restoration of one image; returns an RGB Image8 of the input's size. */
export async function diffuirRestoreImage(options: DiffuirRestoreOptions): Promise<Image8> {
  const { condition } = options;
  if (!condition?.data || condition.data.length !== condition.width * condition.height * condition.channels) {
    throw new RdbmError(`diffuirRestoreImage: condition is not an 8-bit image (expected an Image8 from readImage)`);
  }
  const equalize = options.equalize ?? (options.conditionPath !== undefined && diffuirEqualizes(options.conditionPath));
  const rgb = toRgb(condition);
  const input = equalize ? diffuirEqualizeHistogram(rgb) : rgb;
  const schedule = options.schedule ?? diffuirSchedule();
  const mode = options.mode ?? DIFFUIR_TEST_SETTINGS.mode;
  const rng = createRng(options.seed ?? 10);
  const noise = options.noise ?? ((shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape));
  const mu = tf.tidy(() => tf.sub(tf.mul(tf.div(tf.tensor4d(input.data, [1, input.height, input.width, 3], 'float32'), 255), 2), 1)) as tf.Tensor4D;
  try {
    const out = await sampleDiffuir({ mu, schedule, mode, nfe: options.nfe, predict: diffuirPredictor(options.network, schedule, mode), noise });
    const unit = tf.tidy(() => tf.clipByValue(tf.div(tf.add(out, 1), 2), 0, 1));
    const values = await unit.data();
    out.dispose();
    unit.dispose();
    return { width: input.width, height: input.height, channels: 3, data: Uint8Array.from(values, (v) => roundHalfEven(v * 255)) };
  } finally {
    mu.dispose();
  }
}
