/**
 * The built-in experiments: the paper's main table and its ablations (values from the paper's tables,
 * the same figures as src/experiments/paper.ts), plus two toolkit experiments that vary only sampling or scoring.
 * Registered explicitly; unknown names throw listing the known ones.
 */
import { unknownName } from '../util/registry.js';
import { existsSync, readFileSync } from 'node:fs';
import { RdbmError } from '../errors.js';
import { TABLE_CONVENTION_IDS } from '../metrics/conventions.js';
import { type Experiment, type ExperimentSpec, defineExperiment } from './experiment.js';
import { ablationAxis, ablationReference, familyReference } from './paper.js';

const PAPER = 'RDBM paper (arXiv 2510.23116), five-task averages';

const SPECS: readonly ExperimentSpec[] = [
  {
    name: 'main',
    title: 'Five-task universal restoration (main table: RDBM-B, RDBM-L)',
    description: 'RDBM at the paper settings (cosine, λ = 10/255, π = x₀ − μ, NFE 10) per model size; per-task PSNR/SSIM.',
    reference: `${PAPER}: ${familyReference()}`,
    axes: { model: ['B', 'L'] },
    scaleAxes: { smoke: { model: ['tiny'] }, quick: { model: ['tiny'] }, cpu: { model: ['T'] } },
  },
  {
    name: 'schedule',
    title: 'Ablation: noise schedule θ_t',
    description: 'Trains and samples with each θ schedule (a training axis: one checkpoint per schedule).',
    reference: `${PAPER}: ${ablationReference('schedule')}`,
    axes: { schedule: ablationAxis('schedule') },
  },
  {
    name: 'lambda',
    title: 'Ablation: bridge noise level λ',
    description: 'λ enters training only (the deterministic x0 sampler cancels it): one checkpoint per value.',
    reference: `${PAPER}: ${ablationReference('lambda')}`,
    axes: { lambda: ablationAxis('lambda') },
  },
  {
    name: 'nfe',
    title: 'Ablation: number of function evaluations (sampling steps)',
    description: 'A sampling axis: every NFE reuses one trained checkpoint.',
    reference: `${PAPER}: ${ablationReference('nfe')} (20/50/100 "slightly lower")`,
    axes: { nfe: ablationAxis('nfe') },
    // the quick and cpu scales restore on 2 CPU cores in minutes: NFE 50 and 100 would take most of their budget
    scaleAxes: { quick: { nfe: [2, 10, 20] }, cpu: { nfe: [2, 10, 20] } },
  },
  {
    name: 'pi',
    title: 'Ablation: diffusion coefficient π',
    description: 'π shapes the training marginal x_t = μ + Θ_t(x₀ − μ) + Σ_t π ⊙ ε: one checkpoint per variant.',
    reference: `${PAPER}: ${ablationReference('pi')}`,
    axes: { pi: ablationAxis('pi') },
  },
  {
    name: 'size',
    title: 'Model sizes RDBM-T/S/B/L',
    description: 'One checkpoint per preset; params and MACs come from the model presets.',
    reference: `${PAPER}: ${familyReference()}`,
    axes: { model: ['T', 'S', 'B', 'L'] },
    scaleAxes: { smoke: { model: ['tiny', 'T'] }, quick: { model: ['tiny', 'T'] } },
  },
  {
    name: 'sampling-schedule',
    title: 'Toolkit: sampling with another θ schedule than the one trained with',
    description: 'A sampling axis (not in the paper): one checkpoint trained with cosine, sampled with each schedule.',
    axes: { sampleSchedule: ['cosine', 'linear', 'sigmoid'] },
  },
  {
    name: 'tile',
    title: 'Toolkit: whole test images vs windows of the training crop',
    description:
      "A restoration axis (not in the paper): one checkpoint, its test images restored whole (`auto`: the paper's full-resolution protocol) and in overlapping windows of the training crop side, blended at every network call (`crop`, the cpu scale's protocol), and in windows of that side without overlap (`grid`: 4 network windows of a 64-px image instead of 9). The U-Net's attention normalises over the positions it sees (official v / (h·w) in the linear attention, softmax over positions in the middle), so a network trained on crops meets a differently scaled input on larger images.",
    axes: { tile: ['auto', 'crop', 'grid'] },
  },
  {
    name: 'convention',
    title: 'Toolkit: the same restorations under each metric convention',
    description: 'An evaluation axis: one checkpoint, one set of restored images, scored by every convention (src/metrics/conventions.ts).',
    axes: { metric: [...TABLE_CONVENTION_IDS] },
  },
  {
    name: 'schedule-seeds',
    title: 'Ablation: noise schedule θ_t over three training seeds',
    description:
      'The schedule ablation trained with seeds 0, 1 and 2 (seed 0 shares its checkpoints with `schedule`): rows are means over seeds with the sd across seeds; Δ, intervals and p over test images × seeds. The paper\'s smallest gap (cosine vs linear, 0.05 dB) needs this.',
    reference: `${PAPER}: cosine 31.04, linear 30.99, sigmoid 30.84 (one run each)`,
    axes: { schedule: ['cosine', 'linear', 'sigmoid'], seed: [0, 1, 2] },
  },
  {
    name: 'irbridge',
    title: 'Toolkit: a generative prior inside the bridge (our derivation of the IRBridge idea) vs RDBM',
    description:
      'RDBM trained on the task mixture next to an unconditional generative VP x₀-predictor trained on the clean crops only (it never sees a degradation), sampled through the generative transition (src/bridge/transition.ts, prior.ts) from t₀ = round(0.7·(T−1)). This is the toolkit\'s first-principles derivation of the IRBridge idea, not the authors\' code (none is public). Named only: not in `reproduce`.',
    reference: 'IRBridge (Wang et al., ICML 2025, arXiv 2505.24406): only the abstract was found; no published figures on these data',
    axes: { family: ['rdbm', 'irbridge'] },
  },
];

/**
 * Built-ins that need a user's checkpoint (e.g. `--diffuir-checkpoint`): named explicitly only, so they stay out of
 * `reproduce`, `all` and EXPERIMENTS (the self-contained experiments).
 */
const CHECKPOINT_SPECS: readonly ExperimentSpec[] = [
  {
    name: 'diffuir-vs-rdbm',
    title: 'DiffUIR vs RDBM per task (a given DiffUIR checkpoint; RDBM trained or given)',
    description:
      'The residual-diffusion lineage side by side: a DiffUIR checkpoint (--diffuir-checkpoint, required) at its published test settings (T = 1000, 3 steps, pred_res, LOL equalisation) and RDBM (trained at the scale, or --rdbm-checkpoint) at NFE 10, on the same test pairs of any dataset in the RDBM/DGSolver layout (--data), scored under basicsr-y as DiffUIR reports.',
    reference: 'DiffUIR (CVPR 2024, github iSEE-Laboratory/DiffUIR) test.py settings; RDBM paper (arXiv 2510.23116) NFE 10',
    base: { metric: 'basicsr-y' },
    axes: { family: ['diffuir', 'rdbm'] },
    familyBase: { diffuir: { nfe: 3 }, rdbm: { nfe: 10 } },
  },
];

export const EXPERIMENTS: Readonly<Record<string, Experiment>> = Object.freeze(Object.fromEntries(SPECS.map((s) => [s.name, defineExperiment(s)])));

export const EXPERIMENT_NAMES = Object.freeze(Object.keys(EXPERIMENTS));

/** The experiments of the bundled default job (`npm run reproduce`): the main table and the paper's ablations. */
export const DEFAULT_SWEEP = Object.freeze(['main', 'schedule', 'lambda', 'nfe', 'pi', 'size']);

export const CHECKPOINT_EXPERIMENTS: Readonly<Record<string, Experiment>> = Object.freeze(Object.fromEntries(CHECKPOINT_SPECS.map((s) => [s.name, defineExperiment(s)])));

/** All built-in experiments. */
export function listExperiments(): Experiment[] {
  return EXPERIMENT_NAMES.map((n) => EXPERIMENTS[n]);
}

/** A built-in experiment by name, or an experiment JSON file (a path ending in .json). */
export function getExperiment(nameOrPath: string): Experiment {
  if (nameOrPath.endsWith('.json')) return loadExperimentFile(nameOrPath);
  if (Object.hasOwn(EXPERIMENTS, nameOrPath)) return EXPERIMENTS[nameOrPath];
  if (Object.hasOwn(CHECKPOINT_EXPERIMENTS, nameOrPath)) return CHECKPOINT_EXPERIMENTS[nameOrPath];
  throw unknownName('experiment', nameOrPath, EXPERIMENT_NAMES, 'or a .json file');
}

/** Reads and validates an experiment file `{name, title, description, base?, axes, scaleAxes?}`. */
export function loadExperimentFile(path: string): Experiment {
  if (!existsSync(path)) throw new RdbmError(`${path}: experiment file not found`);
  let spec: ExperimentSpec;
  try {
    spec = JSON.parse(readFileSync(path, 'utf8')) as ExperimentSpec;
  } catch (error) {
    throw new RdbmError(`${path}: not valid JSON (${String((error as Error).message).split('\n')[0]})`);
  }
  if (Array.isArray((spec as { points?: unknown })?.points)) throw new RdbmError(`${path}: an experiment file of points (restored folders, checkpoints) is read by \`rdbm report ${path} --data <root> --out <dir>\`, not by sweeps (which expect axes)`);
  try {
    return defineExperiment(spec);
  } catch (error) {
    if (error instanceof RdbmError) throw new RdbmError(`${path}: ${error.message}`);
    throw error;
  }
}
