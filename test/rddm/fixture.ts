import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tf } from '../../src/tf/index.js';
import type { RddmPrediction, RddmPredictor } from '../../src/rddm/index.js';

/** test/fixtures/rddm/official.json, written by scripts/reference/rddm_parity.py from the official RDDM and DiffUIR code. */
export interface RddmSampleRef {
  family: 'rddm' | 'rddm-generation' | 'rddm-ancestral' | 'diffuir';
  objective: 'pred_res' | 'pred_noise' | 'pred_res_noise';
  nfe: number;
  eta: number;
  T: number;
  sum_scale: number;
  delta_end?: number;
  shape_nhwc?: [number, number, number, number];
  noise: number[][];
  times: number[];
  output01: number[];
  trajectory01?: number[][];
}

export interface OfficialRddmFixture {
  mu01_nhwc: number[];
  shape_nhwc: [number, number, number, number];
  net: { weight_oihw: number[]; bias: number[] };
  gen_coefficients: Array<{ source: 'rddm-exp2' | 'rddm-family' | 'diffuir'; schedule: string; T: number; sum_scale: number; ratio: number; values: number[] }>;
  buffers: Record<string, Record<string, number[]>>;
  q_sample: { x0: number[]; noise: number[]; rddm: Array<{ t: number; xt: number[] }>; diffuir: Array<{ t: number; xt: number[] }> };
  samples: RddmSampleRef[];
  ddim_vs_rddm: { T: number; abar: number[]; cases: Array<{ nfe: number; clip: boolean; noise: number[][]; rddm_official: number[]; ddim_torch: number[]; max_abs_diff: number }> };
  equalize_hist: { shape_hwc: [number, number, number]; rgb_in: number[]; rgb_out: number[] };
}

export const official: OfficialRddmFixture = JSON.parse(
  readFileSync(fileURLToPath(new URL('../fixtures/rddm/official.json', import.meta.url)), 'utf8'),
);

export { maxAbsDiff } from '../helpers/arrays.js';

export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-30): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor));
  return m;
}

/** Replays a recorded noise sequence (NHWC), failing if the sampler asks for more draws or another shape. */
export function replay(draws: number[][]): { noise: (shape: number[]) => tf.Tensor; used: () => number } {
  let i = 0;
  return {
    noise: (shape) => {
      if (i >= draws.length) throw new Error(`noise draw ${i + 1} requested, only ${draws.length} recorded`);
      const size = shape.reduce((a, b) => a * b, 1);
      if (draws[i].length !== size) throw new Error(`noise draw ${i}: ${draws[i].length} values for shape [${shape}]`);
      return tf.tensor(draws[i++], shape);
    },
    used: () => i,
  };
}

/**
 * The random-weight network of scripts/reference/rddm_parity.py:
 *   h = conv3x3(cat(x_t, μ), W, b, zero padding) + 0.002 τ,  residual = 1.1 tanh(h[0:3]), noise = 1.5 tanh(h[3:6])
 * τ = t, or what `time(t)` gives (DiffUIR's ᾱ_t·T). The weights are the fixture's (OIHW → HWIO).
 */
export function randomConvNet(time: (t: number) => number = (t) => t): RddmPredictor & { raw: (xt: tf.Tensor4D, mu: tf.Tensor4D, t: number) => RddmPrediction } {
  const w = tf.transpose(tf.tensor4d(official.net.weight_oihw, [6, 6, 3, 3]), [2, 3, 1, 0]) as tf.Tensor4D;
  const b = tf.tensor1d(official.net.bias);
  const raw = (xt: tf.Tensor4D, mu: tf.Tensor4D, t: number): RddmPrediction => {
    const [residual, noise] = tf.tidy(() => {
      const h = tf.add(tf.add(tf.conv2d(tf.concat([xt, mu], 3), w, 1, 'same'), b), 0.002 * Math.fround(time(t)));
      return [
        tf.mul(1.1, tf.tanh(tf.slice(h, [0, 0, 0, 0], [-1, -1, -1, 3]))) as tf.Tensor4D,
        tf.mul(1.5, tf.tanh(tf.slice(h, [0, 0, 0, 3], [-1, -1, -1, 3]))) as tf.Tensor4D,
      ];
    });
    return { residual, noise };
  };
  return Object.assign((xt: tf.Tensor4D, mu: tf.Tensor4D, t: number) => raw(xt, mu, t), { raw });
}

export const MODE_OF = { pred_res: 'res', pred_noise: 'noise', pred_res_noise: 'res-noise' } as const;
