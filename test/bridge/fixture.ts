import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** test/fixtures/bridge/official.json, written by scripts/reference/bridge_parity.py from the official code. */
export interface OfficialFixture {
  mu01_nhwc: number[];
  shape_nhwc: [number, number, number, number];
  versions: Array<{
    label: string;
    lambda: number;
    coefficients: Record<string, { thetas: number[]; thetas_cumsum_0_to_t: number[]; Theta: number[]; Sigma2: number[]; Sigma: number[] }>;
    time_pairs: Record<string, Record<string, number[]>>;
    samples: Array<{ parameterization: 'x0' | 'eps'; nfe: number; output01: number[]; trajectory01?: number[][] }>;
    q_sample: Array<{ t: number[]; xt: number[] }>;
    q_inputs: { x0: number[]; noise: number[] };
  }>;
  numpy: { lambda: number; thetas: number[]; marginal: Record<string, number[]>; rnr: Record<string, Array<number | null>> };
}

export const official: OfficialFixture = JSON.parse(
  readFileSync(fileURLToPath(new URL('../fixtures/bridge/official.json', import.meta.url)), 'utf8'),
);

export { maxAbsDiff } from '../helpers/arrays.js';
