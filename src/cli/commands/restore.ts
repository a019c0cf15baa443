/** `rdbm restore`: restore images with a checkpoint through the bridge sampler (RDBM) or DiffUIR's RDDM sampler. */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from '../command.js';
import { RdbmError } from '../../errors.js';
import { parseNumber } from '../../util/validate.js';
import { checkpointManifest } from '../../experiments/keys.js';
import { DEFAULT_TILE } from '../../models/tiles.js';
import { zooEntryCheckpoint, zooEntryWindows } from '../../zoo/entry.js';
import { TRAIN_OBJECTIVES, TRAIN_SCHEDULES } from '../../models/types.js';
import { backendOption, startBackend, threadsOption } from '../options/backend.js';

/** Model families `rdbm restore` runs, with their published test NFE (RDBM: 10, official code; DiffUIR: 3, its test.py). */
export const RESTORE_FAMILIES = Object.freeze({ rdbm: { nfe: 10 }, diffuir: { nfe: 3 } });
export type RestoreFamily = keyof typeof RESTORE_FAMILIES;

/**
 * Refuses sampling options that contradict what the checkpoint's network was trained to do (issue 32, defect
 * 8): what it predicts is fixed by training, so `--parameterization` other than the recorded objective would
 * silently turn its outputs into garbage. (θ schedule, T and λ may differ from training on purpose: sampling
 * ablations.) A zoo checkpoint is used only when its entry verifies. Returns nothing; throws one line naming the
 * flag and the recorded value. A .pt/.pth records no training config: the flag is how one says what it predicts.
 */
function checkAgainstTraining(checkpoint: string, parameterization: unknown): void {
  if (!existsSync(checkpoint)) return; // the loader says what is missing
  const training = checkpointManifest(checkpoint)?.training as { objective?: unknown } | null | undefined;
  const recorded = training?.objective;
  if (parameterization !== undefined && typeof recorded === 'string' && parameterization !== recorded) {
    throw new RdbmError(`invalid --parameterization: ${JSON.stringify(parameterization)} (checkpoint ${checkpoint} was trained with objective ${recorded}, recorded in its manifest.json: its network predicts ${recorded}; omit the flag or pass --parameterization ${recorded})`);
  }
}

/** Options that only the bridge sampler reads (DiffUIR's settings are fixed by its test path). */
const RDBM_ONLY = ['schedule', 'timesteps', 'lambda', 'parameterization', 'tile', 'overlap', 'batch', 'workers'] as const;

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'restore images at full resolution with a checkpoint (ours or PyTorch .pt/.pth; RDBM or DiffUIR)',
  description: [
    'Family rdbm (default): samples the bridge from μ = the input image on the official time grid with --nfe network calls.',
    'Schedule, T, λ and parameterization default to the checkpoint\'s training config (else cosine, 100, 10/255, x0).',
    `Images larger than --tile are processed in overlapping tiles (default ${DEFAULT_TILE.size}, overlap ${DEFAULT_TILE.overlap}; shallower networks use smaller tiles so the middle full attention stays at most 64² positions) blended linearly; --tile 0 disables.`,
    'Family diffuir: a DiffUIR trainer checkpoint (EMA weights) with DiffUIR\'s published test settings (T = 1000, pred_res,',
    'delta_end and sum_scale of its test.py, histogram equalisation of inputs whose path contains "LOL"); see `rdbm diffuir restore`.',
    `--nfe defaults per family: ${Object.entries(RESTORE_FAMILIES).map(([f, s]) => `${f} ${s.nfe}`).join(', ')}.`,
    'A zoo entry (rdbm zoo list) restores in the windows its results were made with (its run config\'s tile mode, e.g.',
    'overlapping windows of its training crop) unless --tile says otherwise; the command says which on stderr.',
    'Outputs: <output>/<input stem>.png.',
  ].join('\n'),
  options: [
    { name: 'checkpoint', type: 'string', valueName: '<path|zoo entry>', description: 'checkpoint directory, .pt/.pth file, or a zoo entry (its name, e.g. T, or folder, e.g. data/zoo/T)', required: true },
    { name: 'input', type: 'string', valueName: '<file|dir>', description: 'image or directory of images', required: true },
    { name: 'output', type: 'string', valueName: '<dir>', description: 'output directory', required: true },
    { name: 'family', type: 'string', description: 'model family: rdbm (bridge sampler) or diffuir (DiffUIR test path)', choices: Object.keys(RESTORE_FAMILIES), default: 'rdbm' },
    { name: 'nfe', type: 'integer', description: `network evaluations (default ${Object.entries(RESTORE_FAMILIES).map(([f, s]) => `${s.nfe} for ${f}`).join(', ')})`, min: 1 },
    { name: 'schedule', type: 'string', description: 'θ schedule (rdbm)', choices: TRAIN_SCHEDULES },
    { name: 'timesteps', type: 'integer', description: 'T (rdbm)', min: 2 },
    { name: 'lambda', type: 'string', valueName: '<num>', description: 'λ (rdbm; 10/255 accepted)' },
    { name: 'parameterization', type: 'string', description: 'what the network predicts (rdbm; for .pt/.pth files: a checkpoint of ours records its objective, which the flag must match)', choices: TRAIN_OBJECTIVES },
    { name: 'tile', type: 'integer', description: `tile side (rdbm; 0: whole image; default ${DEFAULT_TILE.size}, less for networks of depth < 4)`, min: 0 },
    { name: 'overlap', type: 'integer', description: `tile overlap (rdbm; default ${DEFAULT_TILE.overlap}, at most tile/8 by default)`, min: 0 },
    { name: 'batch', type: 'integer', description: 'images per window; equal-sized ones share network calls (rdbm; default 16)', min: 1 },
    { name: 'workers', type: 'integer', description: 'worker threads, each with its own backend (rdbm; default: one per core)', min: 1 },
    backendOption,
    threadsOption,
  ],
  examples: [
    'rdbm restore --checkpoint runs/tiny/checkpoint-0000200 --input data/photos --output out/ --nfe 10',
    'rdbm restore --family diffuir --checkpoint model-300.pt --input data/LOL/test/low --output out/',
    'rdbm restore --checkpoint T --input data/photos --output out/   # the bundled zoo entry T, in its recorded windows',
  ],
  async run({ options: o }, io) {
    const family = (o.family as RestoreFamily | undefined) ?? 'rdbm';
    const nfe = (o.nfe as number | undefined) ?? RESTORE_FAMILIES[family].nfe;
    if (family === 'diffuir') {
      const given = RDBM_ONLY.filter((k) => o[k] !== undefined);
      if (given.length) throw new RdbmError(`restore --family diffuir: ${given.map((k) => `--${k}`).join(', ')} ${given.length > 1 ? 'apply' : 'applies'} to --family rdbm only (DiffUIR uses its published test settings)`);
      await startBackend(o.backend, io, o.threads);
      const { resolveInputs } = await import('../../models/restore.js');
      const { diffuirRestoreFiles } = await import('../../rddm/restore-files.js');
      const r = await diffuirRestoreFiles({ checkpoint: o.checkpoint as string, inputs: resolveInputs(o.input as string), outputDir: o.output as string, nfe, io });
      for (const out of r.outputs) io.out(`${out.output}\n`);
      io.err(`restored ${r.outputs.length} images in ${r.seconds.toFixed(1)}s\n`);
      return 0;
    }
    const zoo = zooEntryCheckpoint(o.checkpoint as string);
    const recorded = zoo ? zooEntryWindows(zoo.entry) : undefined;
    if (zoo) {
      const how = o.tile !== undefined ? 'with the --tile given' : recorded ? `in ${recorded.size}-px windows overlapping by ${recorded.overlap} (its recorded tile mode ${String(zoo.entry.config.tile)}, as its results were made; --tile 0 restores whole images)` : 'with the default tiles (its recorded tile mode auto, as its results were made)';
      io.err(`zoo entry ${zoo.entry.name} (${zoo.checkpoint}): restoring ${how}\n`);
    }
    checkAgainstTraining(zoo?.checkpoint ?? (o.checkpoint as string), o.parameterization);
    await startBackend(o.backend, io, o.threads);
    const { restoreImages } = await import('../../models/restore.js');
    const r = await restoreImages({
      checkpoint: zoo?.checkpoint ?? (o.checkpoint as string),
      inputs: o.input as string,
      outputDir: o.output as string,
      nfe,
      ...(o.schedule ? { schedule: o.schedule as (typeof TRAIN_SCHEDULES)[number] } : {}),
      ...(o.timesteps ? { timesteps: o.timesteps as number } : {}),
      ...(o.lambda !== undefined ? { lambda: parseNumber('--lambda', String(o.lambda), { gt: 0 }) } : {}),
      ...(o.parameterization ? { parameterization: o.parameterization as (typeof TRAIN_OBJECTIVES)[number] } : {}),
      batch: (o.batch as number | undefined) ?? 16,
      workers: (o.workers as number | undefined) ?? availableParallelism(),
      ...(o.tile === 0 ? { tile: false as const } : o.tile !== undefined ? { tile: { size: o.tile as number, overlap: (o.overlap as number | undefined) ?? Math.min(DEFAULT_TILE.overlap, Math.floor((o.tile as number) / 8)) } } : recorded ? { tile: recorded } : {}),
      io,
    });
    for (const out of r.outputs) io.out(`${out.output}\n`);
    io.err(`restored ${r.outputs.length} images in ${r.seconds.toFixed(1)}s\n`);
    return 0;
  },
};
