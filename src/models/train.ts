/** Training loop (in progress). */
import { RdbmError } from '../errors.js';
import type { TrainConfig, TrainOptions, TrainResult } from './types.js';

export async function trainModel(config: Partial<TrainConfig> & Pick<TrainConfig, 'model' | 'steps' | 'batchSize'>, options: TrainOptions): Promise<TrainResult> {
  void config;
  void options;
  throw new RdbmError('trainModel: not implemented yet');
}
