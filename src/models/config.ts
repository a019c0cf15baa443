/**
 * The conditional U-Net's architecture config: exactly the constructor arguments of the
 * lucidrains-style `Unet` used by DiffUIR (src/model.py), DGSolver (code/model.py) and RDBM
 * (`Unet(dim, dim_mults, channels, resnet_block_groups, condition)`), as frozen, serialisable data.
 */
import { RdbmError } from '../errors.js';
import { deepFreeze } from '../util/hash.js';
import { number } from '../util/validate.js';

export interface UNetConfig {
  /** base width `dim` (also the init-conv width and the sinusoidal embedding size); a multiple of groups */
  readonly dim: number;
  /** width multipliers per level, `dim_mults`; depth = its length (official default 1-2-4-8) */
  readonly dimMults: readonly number[];
  /** image channels (3); the network sees 2·channels when `condition` (x_t concatenated with μ, x_t first) */
  readonly channels: number;
  /** concatenate μ to the input (RDBM, DiffUIR: true) */
  readonly condition: boolean;
  /** GroupNorm groups, `resnet_block_groups` (8) */
  readonly resnetBlockGroups: number;
  /** attention heads (official: 4, not a constructor argument) */
  readonly attnHeads: number;
  /** attention head width (official: 32, not a constructor argument) */
  readonly attnDimHead: number;
}

export const DEFAULT_UNET: Omit<UNetConfig, 'dim' | 'dimMults'> = Object.freeze({
  channels: 3,
  condition: true,
  resnetBlockGroups: 8,
  attnHeads: 4,
  attnDimHead: 32,
});

/** Input channels of the 7×7 init conv. */
export function inputChannels(config: UNetConfig): number {
  return config.channels * (config.condition ? 2 : 1);
}

/** Validates and freezes a (possibly partial) config; throws RdbmError naming the bad field. */
export function unetConfig(partial: Partial<UNetConfig> & Pick<UNetConfig, 'dim' | 'dimMults'>): UNetConfig {
  if (partial === null || typeof partial !== 'object') throw new RdbmError(`invalid model config: ${String(partial)} (expected an object with dim and dimMults)`);
  const known = new Set(['dim', 'dimMults', ...Object.keys(DEFAULT_UNET)]);
  for (const key of Object.keys(partial)) {
    if (!known.has(key)) throw new RdbmError(`invalid model config: unknown field "${key}" (expected ${[...known].join(', ')})`);
  }
  const c = { ...DEFAULT_UNET, ...partial };
  const groups = number('resnetBlockGroups', c.resnetBlockGroups, { integer: true, min: 1 });
  const dim = number('dim', c.dim, { integer: true, min: 1 });
  if (!Array.isArray(c.dimMults) || c.dimMults.length < 1) {
    throw new RdbmError(`invalid dimMults: ${JSON.stringify(c.dimMults)} (expected a non-empty list of positive integers, e.g. [1, 2, 4, 8])`);
  }
  for (const m of c.dimMults) number('dimMults entry', m, { integer: true, min: 1 });
  if (dim % groups !== 0 || c.dimMults.some((m) => (dim * m) % groups !== 0)) {
    throw new RdbmError(`invalid dim: ${dim} (expected dim·mult divisible by resnetBlockGroups ${groups} at every level)`);
  }
  if (dim % 2 !== 0 || dim < 4) throw new RdbmError(`invalid dim: ${dim} (expected an even number >= 4 for the sinusoidal time embedding)`);
  number('channels', c.channels, { integer: true, min: 1 });
  if (typeof c.condition !== 'boolean') throw new RdbmError(`invalid condition: ${String(c.condition)} (expected true or false)`);
  number('attnHeads', c.attnHeads, { integer: true, min: 1 });
  number('attnDimHead', c.attnDimHead, { integer: true, min: 1 });
  return deepFreeze({
    dim,
    dimMults: [...c.dimMults],
    channels: c.channels,
    condition: c.condition,
    resnetBlockGroups: groups,
    attnHeads: c.attnHeads,
    attnDimHead: c.attnDimHead,
  });
}

/** `32 1-2-2-4` style one-liner. */
export function describeConfig(config: UNetConfig): string {
  return `dim ${config.dim}, mults ${config.dimMults.join('-')}, ${inputChannels(config)}→${config.channels} channels, groups ${config.resnetBlockGroups}`;
}
