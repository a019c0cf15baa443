/** `rdbm restore`: restore images with a checkpoint through the bridge sampler. */
import type { Command } from '../../cli/command.js';
import { parseNumber } from '../../util/validate.js';
import { DEFAULT_TILE } from '../restore.js';
import { TRAIN_OBJECTIVES, TRAIN_SCHEDULES } from '../types.js';
import { backendOption, startBackend } from './backend.js';

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'restore images at full resolution with a checkpoint (ours or PyTorch .pt/.pth)',
  description: [
    'Samples the bridge from μ = the input image on the official time grid with --nfe network calls.',
    'Schedule, T, λ and parameterization default to the checkpoint\'s training config (else cosine, 100, 10/255, x0).',
    `Images larger than --tile are processed in overlapping tiles (default ${DEFAULT_TILE.size}, overlap ${DEFAULT_TILE.overlap}; shallower networks use smaller tiles so the middle full attention stays at most 64² positions) blended linearly; --tile 0 disables.`,
    'Outputs: <output>/<input stem>.png.',
  ].join('\n'),
  options: [
    { name: 'checkpoint', type: 'string', valueName: '<path>', description: 'checkpoint directory or .pt/.pth file', required: true },
    { name: 'input', type: 'string', valueName: '<file|dir>', description: 'image or directory of images', required: true },
    { name: 'output', type: 'string', valueName: '<dir>', description: 'output directory', required: true },
    { name: 'nfe', type: 'integer', description: 'network evaluations', min: 1, default: 10 },
    { name: 'schedule', type: 'string', description: 'θ schedule', choices: TRAIN_SCHEDULES },
    { name: 'timesteps', type: 'integer', description: 'T', min: 2 },
    { name: 'lambda', type: 'string', valueName: '<num>', description: 'λ (10/255 accepted)' },
    { name: 'parameterization', type: 'string', description: 'what the network predicts', choices: TRAIN_OBJECTIVES },
    { name: 'tile', type: 'integer', description: `tile side (0: whole image; default ${DEFAULT_TILE.size}, less for networks of depth < 4)`, min: 0 },
    { name: 'overlap', type: 'integer', description: `tile overlap (default ${DEFAULT_TILE.overlap}, at most tile/8 by default)`, min: 0 },
    backendOption,
  ],
  examples: ['rdbm restore --checkpoint runs/tiny/checkpoint-0000200 --input data/photos --output out/ --nfe 10'],
  async run({ options: o }, io) {
    await startBackend(o.backend, io);
    const { restoreImages } = await import('../restore.js');
    const r = await restoreImages({
      checkpoint: o.checkpoint as string,
      inputs: o.input as string,
      outputDir: o.output as string,
      nfe: o.nfe as number,
      ...(o.schedule ? { schedule: o.schedule as (typeof TRAIN_SCHEDULES)[number] } : {}),
      ...(o.timesteps ? { timesteps: o.timesteps as number } : {}),
      ...(o.lambda !== undefined ? { lambda: parseNumber('--lambda', String(o.lambda), { gt: 0 }) } : {}),
      ...(o.parameterization ? { parameterization: o.parameterization as (typeof TRAIN_OBJECTIVES)[number] } : {}),
      ...(o.tile === 0 ? { tile: false as const } : o.tile !== undefined ? { tile: { size: o.tile as number, overlap: (o.overlap as number | undefined) ?? Math.min(DEFAULT_TILE.overlap, Math.floor((o.tile as number) / 8)) } } : {}),
      io,
    });
    for (const out of r.outputs) io.out(`${out.output}\n`);
    io.err(`restored ${r.outputs.length} images in ${r.seconds.toFixed(1)}s\n`);
    return 0;
  },
};
