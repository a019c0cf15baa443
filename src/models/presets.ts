/**
 * Named architectures. RDBM's T/S/B/L widths are not published: ours are the configs of this
 * architecture whose parameter count (and, for B and L, MACs at 256×256 as thop counts them)
 * come closest to the paper's figures (T 0.45M; B 3.65M, 23.97G; L 7.73M, 32.93G); S is our
 * choice between T and B. DiffUIR's four sizes are its published configs (6-channel input).
 */
import { RdbmError } from '../errors.js';
import { deepFreeze } from '../util/hash.js';
import { type UNetConfig, unetConfig } from './config.js';

export interface ModelPreset {
  readonly name: string;
  readonly config: UNetConfig;
  /** the published figure this preset targets, with its provenance */
  readonly target?: { readonly params: number; readonly gmacs256?: number; readonly source: string };
  readonly note: string;
}

const preset = (name: string, dim: number, dimMults: number[], note: string, target?: ModelPreset['target'], extra: Partial<UNetConfig> = {}): ModelPreset =>
  deepFreeze({ name, config: unetConfig({ dim, dimMults, ...extra }), note, ...(target ? { target } : {}) });

/** Explicit registry; `modelPreset(name)` throws listing the known names. */
export const MODEL_PRESETS: Readonly<Record<string, ModelPreset>> = Object.freeze({
  T: preset('T', 8, [1, 2, 3, 6], 'RDBM-T width (unpublished): closest count to the paper 0.45M', { params: 0.45e6, source: 'RDBM paper (family spans 0.45M to 7.73M)' }),
  S: preset('S', 16, [1, 2, 3, 4], 'RDBM-S width (unpublished): our choice between T and B'),
  B: preset('B', 24, [1, 4, 4, 4], 'RDBM-B width (unpublished): closest to 3.65M params and 23.97G at 256×256', { params: 3.65e6, gmacs256: 23.97, source: 'RDBM paper, table of five-task results' }),
  L: preset('L', 32, [1, 3, 4, 4, 4], 'RDBM-L width (unpublished): closest to 7.73M params and 32.93G at 256×256', { params: 7.73e6, gmacs256: 32.93, source: 'RDBM paper, table of five-task results' }),
  'diffuir-0.89M': preset('diffuir-0.89M', 32, [1, 1, 1, 1], 'DiffUIR small: dim 32, mults 1-1-1-1', { params: 0.89e6, source: 'DiffUIR paper' }),
  'diffuir-3.27M': preset('diffuir-3.27M', 32, [1, 2, 2, 4], 'DiffUIR: dim 32, mults 1-2-2-4', { params: 3.27e6, source: 'DiffUIR paper' }),
  'diffuir-12.41M': preset('diffuir-12.41M', 64, [1, 2, 2, 4], 'DiffUIR: dim 64, mults 1-2-2-4', { params: 12.41e6, source: 'DiffUIR paper' }),
  'diffuir-36.26M': preset('diffuir-36.26M', 64, [1, 2, 4, 8], 'DiffUIR large (official default): dim 64, mults 1-2-4-8', { params: 36.26e6, source: 'DiffUIR paper' }),
  tiny: preset('tiny', 8, [1, 2], 'for tests and smoke sweeps (2 attention heads of width 8): seconds on CPU; depth 2, so the middle full attention sees (side/2)² positions: keep crops ≤ 128', undefined, { attnHeads: 2, attnDimHead: 8 }),
});

export const MODEL_PRESET_NAMES = Object.keys(MODEL_PRESETS);

export function modelPreset(name: string): ModelPreset {
  const p = Object.hasOwn(MODEL_PRESETS, name) ? MODEL_PRESETS[name] : undefined;
  if (!p) throw new RdbmError(`unknown model preset: ${JSON.stringify(name)} (expected one of ${MODEL_PRESET_NAMES.join(', ')})`);
  return p;
}
