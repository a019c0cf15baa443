/** `rdbm rddm` (RDDM / DiffUIR coefficients) and `rdbm diffuir restore` (a DiffUIR checkpoint on image files). */
import { backendOption, startBackend } from '../options/backend.js';
import { readdirSync, statSync } from 'node:fs';
import { formatNumber as fmt } from '../format.js';
import { basename, join } from 'node:path';
import type { Command } from '../command.js';
import { RdbmError } from '../../errors.js';
import { RDDM_CURVE_PRESETS, rddmCurvePreset } from '../../rddm/bridge-form.js';
import { DIFFUIR_TEST_SETTINGS } from '../../rddm/diffuir.js';


export const rddmCommand: Command = {
  name: 'rddm',
  summary: 'print RDDM / DiffUIR coefficients ᾱ, β̄, δ̄ and their bridge form Θ = 1 − ᾱ, Σ = β̄',
  description: [
    'RDDM: x_t = x₀ + ᾱ_t (μ − x₀) + β̄_t ε − δ̄_t μ (δ̄ = 0 except DiffUIR), i.e. Θ_t = 1 − ᾱ_t, Σ_t = β̄_t, π = 1,',
    'with a noisy endpoint Σ_{T−1} = √sum_scale (bridges end at Σ = 0). Presets:',
    ...Object.values(RDDM_CURVE_PRESETS).map((p) => `  ${p.id}: ${p.note}`),
  ].join('\n'),
  options: [
    { name: 'preset', type: 'string', description: 'RDDM family member', choices: Object.keys(RDDM_CURVE_PRESETS), default: 'rddm' },
    { name: 'timesteps', type: 'integer', description: 'T, the number of steps', min: 2, default: 1000 },
    { name: 'json', type: 'boolean', description: 'print one JSON object {"alphaBar": [...], "betaBar": [...], "deltaBar": [...], "Theta": [...], "Sigma": [...]}' },
  ],
  examples: ['rdbm rddm --preset diffuir --json', 'rdbm rddm --preset rddm --timesteps 10'],
  run({ options }, io) {
    const s = rddmCurvePreset(options.preset as string).rddm(options.timesteps as number);
    const theta = s.alphaBar.map((a) => 1 - a);
    if (options.json) {
      io.out(`${JSON.stringify({ alphaBar: Array.from(s.alphaBar), betaBar: Array.from(s.betaBar), deltaBar: Array.from(s.deltaBar), Theta: Array.from(theta), Sigma: Array.from(s.betaBar) })}\n`);
      return 0;
    }
    io.out(`# ${s.name}, T = ${s.timesteps}, sum_scale = ${s.sumScale} (start: ${fmt(1 - s.deltaBar[s.timesteps - 1])}·μ + ${fmt(Math.sqrt(s.sumScale))}·z)\n`);
    io.out(`${['t', 'ᾱ_t', 'β̄_t', 'δ̄_t', 'Θ_t', 'Σ_t'].map((h, i) => (i === 0 ? h.padStart(5) : h.padStart(14))).join('')}\n`);
    for (let t = 0; t < s.timesteps; t++) {
      io.out(`${[String(t).padStart(5), ...[s.alphaBar[t], s.betaBar[t], s.deltaBar[t], theta[t], s.betaBar[t]].map((v) => fmt(v).padStart(14))].join('')}\n`);
    }
    return 0;
  },
};

const IMAGE = /\.(png|jpe?g|bmp|tiff?|webp)$/i;

function listInputs(paths: readonly string[]): Array<{ name: string; path: string }> {
  const out: Array<{ name: string; path: string }> = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new RdbmError(`input not found: ${p} (expected an image file or a folder of images)`);
    }
    if (isDir) {
      for (const f of readdirSync(p).filter((f) => IMAGE.test(f)).sort()) out.push({ name: f, path: join(p, f) });
    } else {
      out.push({ name: basename(p), path: p });
    }
  }
  if (!out.length) throw new RdbmError(`no images found in ${paths.join(', ')} (expected .png, .jpg, .bmp, .tif or .webp files)`);
  return out;
}

export const diffuirRestoreCommand: Command = {
  name: 'diffuir restore',
  summary: 'restore images with a DiffUIR checkpoint (EMA weights, its published test settings)',
  description: [
    `DiffUIR's test path (${DIFFUIR_TEST_SETTINGS.provenance}): T = 1000, ${DIFFUIR_TEST_SETTINGS.nfe} sampling steps,`,
    `pred_res, delta_end = ${DIFFUIR_TEST_SETTINGS.deltaEnd}, sum_scale = ${DIFFUIR_TEST_SETTINGS.sumScale}; inputs whose path contains "LOL" are`,
    'histogram-equalised per channel as its loader does. Outputs are PNG files named after the inputs.',
    'With --layout <root> every test condition of <root>/<Task>/<SubDataset>/test/{label,condition} is restored into',
    '<out>/<Task>/<SubDataset>/<name>.png, ready for `rdbm metrics --layout <root> --pred <out> --convention basicsr-y`',
    '(DiffUIR reports BasicSR PSNR/SSIM on Y, crop 0).',
  ].join('\n'),
  options: [
    { name: 'checkpoint', type: 'string', valueName: '<file>', description: 'DiffUIR trainer .pt (model-*.pt) or a U-Net state dict', required: true },
    { name: 'out', type: 'string', valueName: '<dir>', description: 'output folder', required: true },
    { name: 'nfe', type: 'integer', description: 'sampling steps', min: 1, max: 1000, default: DIFFUIR_TEST_SETTINGS.nfe },
    { name: 'mode', type: 'string', description: 'what the network predicts (DiffUIR: res)', choices: ['res', 'noise'], default: 'res' },
    { name: 'seed', type: 'integer', description: 'start-noise seed', min: 0, default: 10 },
    { name: 'layout', type: 'string', valueName: '<root>', description: 'restore the test split of a dataset in the RDBM/DGSolver layout (instead of inputs)' },
    { name: 'limit', type: 'integer', description: 'with --layout: at most this many images per task, picked evenly (0 = all)', min: 0, default: 0 },
    backendOption,
  ],
  positionals: [{ name: 'inputs', description: 'image files or folders (unless --layout)', variadic: true }],
  examples: ['rdbm diffuir restore --checkpoint model-300.pt --out restored/ data/LOL/test/low', 'rdbm diffuir restore --checkpoint model-300.pt --layout data/uir --out restored/ --limit 10'],
  async run({ options, positionals }, io) {
    const layout = options.layout as string | undefined;
    if (layout !== undefined && positionals.length) throw new RdbmError(`diffuir restore: give either --layout or input paths, not both (got ${positionals.length} input path(s))`);
    if (layout === undefined && !positionals.length) throw new RdbmError('diffuir restore: no inputs (give image files or folders, or --layout <root>)');
    const groups: Array<{ dir: string; inputs: Array<{ name: string; path: string }> }> = [];
    if (layout === undefined) {
      groups.push({ dir: options.out as string, inputs: listInputs(positionals) });
    } else {
      const { selectTestPairs } = await import('../../datasets/index.js');
      const pairs = selectTestPairs(layout, options.limit as number);
      if (!pairs.length) throw new RdbmError(`${layout}: no test pairs found (expected <root>/<Task>/<SubDataset>/test/{label,condition})`);
      for (const p of pairs) {
        const dir = join(options.out as string, p.task, p.subDataset);
        if (groups.at(-1)?.dir !== dir) groups.push({ dir, inputs: [] });
        groups.at(-1)!.inputs.push({ name: p.name, path: p.condition });
      }
    }
    await startBackend(options.backend, io);
    const { loadRddmNetwork } = await import('../../rddm/network.js');
    const { diffuirRestoreFiles } = await import('../../rddm/restore-files.js');
    const network = loadRddmNetwork(options.checkpoint as string);
    let count = 0;
    let seconds = 0;
    try {
      for (const group of groups) {
        const result = await diffuirRestoreFiles({
          network,
          inputs: group.inputs,
          outputDir: group.dir,
          nfe: options.nfe as number,
          mode: options.mode as 'res' | 'noise',
          seed: options.seed as number,
          io,
        });
        count += result.outputs.length;
        seconds += result.seconds;
      }
    } finally {
      network.dispose();
    }
    io.out(`restored ${count} image(s) into ${options.out as string} in ${seconds.toFixed(1)} s\n`);
    return 0;
  },
};
