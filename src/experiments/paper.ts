/**
 * The paper in one module: its configuration (the defaults every command, sweep and table starts
 * from) and its published figures (five-task universal restoration), with their provenance.
 * Published figures are never measured here: tables show them beside reproduced values and label
 * them "paper"; `null` means the figure is not published or could not be recovered ("unknown").
 * Source: the paper (arXiv 2510.23116, CVPR 2026): its method section, main table and ablation
 * tables, the official code where the paper is silent, and the compared methods' figures as
 * recovered from secondary sources (see the caveats and flags).
 */
import { PI_LABELS } from '../bridge/pi-variants.js';
import type { TaskId } from '../datasets/tasks.js';
import { deepFreeze } from '../util/hash.js';
import { registry } from '../util/registry.js';
import { type RunConfig, runConfig } from './config.js';

/**
 * The paper's and the official code's settings, the one place defaults come from: objective x0 as
 * in the released code, π = x₀ − μ, λ = 10/255, cosine θ, T = 100, NFE 10, RDBM-L, Adam 1e-4, EMA
 * 0.995 as in the paper; `rdbm train`, `rdbm bridge`, the sweeps' base and the default point of
 * every table start here (the official code's λ = 1e-4 and π = 1 are the `rdbm-official` bridge preset).
 */
export const PAPER_CONFIG: RunConfig = runConfig({
  model: 'L',
  objective: 'x0',
  pi: 'residual',
  lambda: 10 / 255,
  schedule: 'cosine',
  timesteps: 100,
  steps: 500000,
  batchSize: 20,
  cropSize: 256,
  lr: 1e-4,
  emaDecay: 0.995,
  seed: 0,
  gradClip: 1,
  warmup: 0,
  dataset: 'mini-uir',
  datasetSize: 256,
  checkpoint: '',
  family: 'rdbm',
  nfe: 10,
  sampleSchedule: 'same',
  tile: 'auto',
  testLimit: 0,
  metric: 'rdbm',
});

/** "10/255" for multiples of 1/255 (how the paper writes λ), else the number. */
export function lambdaLabel(lambda: number): string {
  const k = lambda * 255;
  return Math.abs(k - Math.round(k)) < 1e-9 && Math.round(k) > 0 ? `${Math.round(k)}/255` : String(lambda);
}

export interface Provenance {
  readonly source: string;
  readonly reference: string;
  /** what is known to be missing or doubtful */
  readonly caveats: readonly string[];
}

export const PUBLISHED_PROVENANCE: Provenance = deepFreeze({
  source: 'Residual Diffusion Bridge Model for Image Restoration (arXiv 2510.23116, CVPR 2026)',
  reference: 'the paper\'s main table (five-task averages, parameters, FLOPs) and its ablation tables; the compared methods\' figures as recovered from secondary sources',
  caveats: [
    'per-task figures are not published (or could not be recovered): only five-task averages are known',
    'the metric convention of the published figures is not stated; the same group\'s DGSolver test code (convention `rdbm`) is the likely one',
    'FLOPs are as printed by the paper (resolution and MAC-vs-FLOP counting not stated)',
  ],
});

/** A published number: the value or null (unknown), with an optional flag id from PUBLISHED_FLAGS. */
export interface PublishedRow {
  readonly id: string;
  readonly method: string;
  readonly year?: number;
  /** average PSNR (dB) over the five tasks */
  readonly psnr: number | null;
  readonly ssim: number | null;
  /** parameters in millions */
  readonly paramsM: number | null;
  /** FLOPs in G as printed */
  readonly flopsG: number | null;
  /** per-task PSNR where a task figure is published (rare) */
  readonly taskPsnr?: Readonly<Partial<Record<TaskId, number>>>;
  readonly flags?: readonly string[];
  /** true for the rows of the RDBM family (reproducible with this toolkit) */
  readonly ours?: boolean;
}

/** Doubts about single figures, referenced by rows' `flags`. */
export const PUBLISHED_FLAGS: Readonly<Record<string, string>> = deepFreeze({
  'convir-mair-swap':
    'ConvIR and MaIR averages may be swapped in the secondary sources: the paper says RDBM-L beats the previous best by 1.55 dB, which fits ConvIR (31.04 − 29.49), not MaIR. Shown as found, not corrected.',
  'nfe-unknown': 'the paper says NFE 20, 50 and 100 are "slightly lower" than NFE 10 without giving values',
  'rdbm-ts-unknown': 'RDBM-T and RDBM-S figures are not published; the family spans 0.45M (T) to 7.73M (L) parameters',
});

/** The main table (paper layout: method, avg PSNR, avg SSIM, Params (M), FLOPs (G)). */
export const PUBLISHED_MAIN: readonly PublishedRow[] = deepFreeze([
  { id: 'irsde', method: 'IRSDE', psnr: 19.55, ssim: null, paramsM: null, flopsG: null },
  { id: 'goub', method: 'GOUB', year: 2024, psnr: 27.6, ssim: 0.895, paramsM: 137.13, flopsG: 379.34 },
  { id: 'convir', method: 'ConvIR', year: 2024, psnr: 29.49, ssim: 0.903, paramsM: 14.82, flopsG: 128.93, flags: ['convir-mair-swap'] },
  { id: 'mair', method: 'MaIR', year: 2025, psnr: 29.51, ssim: 0.904, paramsM: 20.71, flopsG: 110.44, flags: ['convir-mair-swap'] },
  { id: 'rdbm-T', method: 'RDBM-T', psnr: null, ssim: null, paramsM: 0.45, flopsG: null, ours: true, flags: ['rdbm-ts-unknown'] },
  { id: 'rdbm-S', method: 'RDBM-S', psnr: null, ssim: null, paramsM: null, flopsG: null, ours: true, flags: ['rdbm-ts-unknown'] },
  { id: 'rdbm-B', method: 'RDBM-B', psnr: 30.24, ssim: 0.904, paramsM: 3.65, flopsG: 23.97, ours: true },
  { id: 'rdbm-L', method: 'RDBM-L', psnr: 31.04, ssim: 0.917, paramsM: 7.73, flopsG: 32.93, ours: true },
]);

/** One ablation value: the config it stands for and the published average. */
export interface PublishedAblationRow {
  /** the axis value as the toolkit spells it (matched against reproduced results) */
  readonly value: string;
  readonly label: string;
  readonly psnr: number | null;
  readonly ssim: number | null;
  readonly isDefault?: boolean;
  readonly taskPsnr?: Readonly<Partial<Record<TaskId, number>>>;
  readonly flags?: readonly string[];
}

export interface PublishedAblation {
  readonly id: AblationId;
  readonly title: string;
  /** the config key this axis changes */
  readonly axis: string;
  readonly rows: readonly PublishedAblationRow[];
}

export const ABLATION_IDS = ['schedule', 'lambda', 'nfe', 'pi'] as const;
export type AblationId = (typeof ABLATION_IDS)[number];

/** Ablations of the paper, all on RDBM-L (averages over the five tasks; only the default row has SSIM). */
export const PUBLISHED_ABLATIONS: Readonly<Record<AblationId, PublishedAblation>> = deepFreeze({
  schedule: {
    id: 'schedule',
    title: 'Noise schedule θ',
    axis: 'schedule',
    rows: [
      { value: 'cosine', label: 'cosine', psnr: 31.04, ssim: 0.917, isDefault: true },
      { value: 'linear', label: 'linear', psnr: 30.99, ssim: null },
      { value: 'sigmoid', label: 'sigmoid', psnr: 30.84, ssim: null },
    ],
  },
  lambda: {
    id: 'lambda',
    title: 'Noise scale λ',
    axis: 'lambda',
    rows: [
      { value: String(1 / 255), label: lambdaLabel(1 / 255), psnr: 30.36, ssim: null },
      { value: String(PAPER_CONFIG.lambda), label: lambdaLabel(PAPER_CONFIG.lambda), psnr: 31.04, ssim: 0.917, isDefault: true, taskPsnr: { dehazing: 33.45 } },
      { value: String(100 / 255), label: lambdaLabel(100 / 255), psnr: 29.08, ssim: null, taskPsnr: { dehazing: 27.03 } },
    ],
  },
  nfe: {
    id: 'nfe',
    title: 'Sampling steps (NFE)',
    axis: 'nfe',
    rows: [
      { value: '2', label: '2', psnr: 22.81, ssim: null },
      { value: '10', label: '10', psnr: 31.04, ssim: 0.917, isDefault: true },
      { value: '20', label: '20', psnr: null, ssim: null, flags: ['nfe-unknown'] },
      { value: '50', label: '50', psnr: null, ssim: null, flags: ['nfe-unknown'] },
      { value: '100', label: '100', psnr: null, ssim: null, flags: ['nfe-unknown'] },
    ],
  },
  pi: {
    id: 'pi',
    title: 'Diffusion coefficient π',
    axis: 'pi',
    rows: [
      { value: 'zero', label: PI_LABELS.zero, psnr: 28.21, ssim: null },
      { value: 'one', label: PI_LABELS.one, psnr: 30.15, ssim: null },
      { value: 'abs-residual', label: PI_LABELS['abs-residual'], psnr: 30.94, ssim: null },
      { value: 'residual', label: PI_LABELS.residual, psnr: 31.04, ssim: 0.917, isDefault: true },
    ],
  },
});

/** The published ablation called `id`; unknown ids throw listing the known ones. */
export const publishedAblation = registry<AblationId, PublishedAblation>('ablation', PUBLISHED_ABLATIONS).get;

/** An ablation's axis values as the experiments sweep them, in the paper's row order (numbers for λ and NFE). */
export function ablationAxis(id: AblationId): readonly (string | number)[] {
  const numeric = id === 'lambda' || id === 'nfe';
  return publishedAblation(id).rows.map((r) => (numeric ? Number(r.value) : r.value));
}

/** An ablation's published averages in one line, e.g. `cosine 31.04, linear 30.99, sigmoid 30.84` (unknown where not published). */
export function ablationReference(id: AblationId): string {
  return publishedAblation(id).rows.map((r) => `${r.label} → ${r.psnr ?? 'unknown'}`).join(', ');
}

/** The published rows of the RDBM family in one line, e.g. `RDBM-B 30.24/0.904 (3.65M params)`. */
export function familyReference(): string {
  return PUBLISHED_MAIN.filter((r) => r.ours).map((r) => `${r.method} ${r.psnr === null ? 'unknown' : `${r.psnr}/${r.ssim ?? 'unknown'}`}${r.paramsM !== null ? ` (${r.paramsM}M params)` : ''}`).join(', ');
}
