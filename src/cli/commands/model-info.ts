/** `rdbm model info <preset|checkpoint>`: architecture, parameter count and MACs at a resolution. */
import { zooEntryCheckpoint } from '../../zoo/entry.js';
import { existsSync } from 'node:fs';
import type { Command } from '../command.js';
import { RdbmError } from '../../errors.js';
import { type UNetConfig, describeConfig } from '../../models/config.js';
import { MODEL_PRESETS, MODEL_PRESET_NAMES } from '../../models/presets.js';
import { countMacs, countParams } from '../../models/spec.js';

function parseSize(text: string): [number, number] {
  const m = /^(\d+)(?:x(\d+))?$/i.exec(text.trim());
  if (!m || Number(m[1]) < 1) throw new RdbmError(`invalid --size: ${JSON.stringify(text)} (expected HxW such as 256x256, or one number)`);
  return [Number(m[1]), Number(m[2] ?? m[1])];
}

export interface ModelInfo {
  readonly source: string;
  readonly config: UNetConfig;
  readonly params: number;
  readonly size: readonly [number, number];
  readonly macs: number;
  readonly macsConvLinear: number;
  readonly target?: { params: number; gmacs256?: number; source: string };
  readonly step?: number;
  readonly format?: string;
  /** the tensor prefix chosen inside a PyTorch file */
  readonly prefix?: string;
}

/** `prefix` selects one U-Net of a PyTorch file holding several (RDDM's `unet0.` / `unet1.`). */
export async function modelInfo(what: string, size: [number, number], prefix?: string): Promise<ModelInfo> {
  let config: UNetConfig;
  let extra: Partial<ModelInfo> = {};
  if (Object.hasOwn(MODEL_PRESETS, what)) {
    config = MODEL_PRESETS[what].config;
    if (MODEL_PRESETS[what].target) extra = { target: MODEL_PRESETS[what].target };
  } else if (existsSync(what)) {
    const { checkpointInfo } = await import('../../models/checkpoint.js');
    // a zoo entry's folder (data/zoo/T) stands for its checkpoint
    const m = checkpointInfo(zooEntryCheckpoint(what)?.checkpoint ?? what, prefix !== undefined ? { prefix } : {});
    config = m.config;
    extra = { format: m.format, ...(m.step !== undefined ? { step: m.step } : {}), ...(m.prefix !== undefined ? { prefix: m.prefix } : {}) };
  } else {
    throw new RdbmError(`unknown model: ${JSON.stringify(what)} (expected a preset, one of ${MODEL_PRESET_NAMES.join(', ')}, or a checkpoint path)`);
  }
  const macs = countMacs(config, size[0], size[1]);
  return { source: what, config, params: countParams(config), size, macs: macs.total, macsConvLinear: macs.convAndLinear, ...extra };
}

export const modelInfoCommand: Command = {
  name: 'model info',
  summary: 'architecture, parameter count and multiply-accumulates of a preset or checkpoint',
  description: [
    'Presets: ' + MODEL_PRESET_NAMES.map((n) => `${n} (${MODEL_PRESETS[n].config.dim}, ${MODEL_PRESETS[n].config.dimMults.join('-')})`).join(', ') + '.',
    'RDBM-T/S/B/L widths are not published: ours are the closest configs of this architecture to the paper\'s counts.',
    'MACs count convolutions, linear layers and attention products for one image (batch 1) after reflect padding;',
    '"conv+linear" is the figure thop (used by DiffUIR) reports. A checkpoint is our directory or a .pt/.pth file.',
  ].join('\n'),
  positionals: [{ name: 'model', description: 'preset name or checkpoint path', required: true }],
  options: [
    { name: 'size', type: 'string', valueName: '<HxW>', description: 'input resolution for the MAC count', default: '256x256' },
    { name: 'prefix', type: 'string', valueName: '<prefix>', description: 'which U-Net of a .pt holding several, e.g. unet0. or unet1. (RDDM two-U-Net files)' },
    { name: 'json', type: 'boolean', description: 'print one JSON object' },
  ],
  examples: ['rdbm model info B', 'rdbm model info L --size 512x512 --json', 'rdbm model info runs/tiny/checkpoint-0001000'],
  async run({ options, positionals }, io) {
    const info = await modelInfo(positionals[0], parseSize(String(options.size)), options.prefix as string | undefined);
    if (options.json) {
      io.out(`${JSON.stringify(info)}\n`);
      return 0;
    }
    const target = info.target ? `  (paper: ${(info.target.params / 1e6).toFixed(2)}M${info.target.gmacs256 ? `, ${info.target.gmacs256}G` : ''}; ${info.target.source})` : '';
    io.out(`${info.source}: ${describeConfig(info.config)}${info.format ? ` [${info.format}${info.step !== undefined ? `, step ${info.step}` : ''}]` : ''}\n`);
    io.out(`params: ${info.params} (${(info.params / 1e6).toFixed(2)}M)${target}\n`);
    io.out(`MACs at ${info.size[0]}x${info.size[1]}: ${(info.macs / 1e9).toFixed(2)}G (conv+linear ${(info.macsConvLinear / 1e9).toFixed(2)}G)\n`);
    return 0;
  },
};
