/** Restoration (in progress). */
import { RdbmError } from '../errors.js';
import type { RestoreOptions, RestoreResult } from './types.js';

export async function restoreImages(options: RestoreOptions): Promise<RestoreResult> {
  void options;
  throw new RdbmError('restoreImages: not implemented yet');
}
