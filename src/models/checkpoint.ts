/** Checkpoints (in progress). */
import { RdbmError } from '../errors.js';
import type { UNetConfig } from './config.js';
import type { UNet } from './unet.js';
import type { LoadedModel, TrainConfig } from './types.js';

export interface SaveCheckpointOptions {
  readonly training?: TrainConfig;
  readonly step?: number;
}

export async function saveCheckpoint(dir: string, net: UNet, options: SaveCheckpointOptions = {}): Promise<string> {
  void dir; void net; void options;
  throw new RdbmError('saveCheckpoint: not implemented yet');
}

export async function loadCheckpoint(path: string, config?: Partial<UNetConfig>): Promise<LoadedModel> {
  void path; void config;
  throw new RdbmError('loadCheckpoint: not implemented yet');
}
