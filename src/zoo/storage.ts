/**
 * How a zoo entry's weights may be stored (issue 31: the zoo stays small only if narrower weights restore within
 * 1/255 of the trained float32 ones). Narrower formats are tried narrowest first, float16 then float24, each
 * measured on the entry's test split (experiments/zoo-storage.ts); the first within STORAGE_MAX_DIFF is stored, else
 * float32. zoo.json records every measurement made (`weights.checks`), and an entry is refused when its stored
 * format has no passing measurement.
 */
import type { WeightDtype } from '../models/weight-files.js';

/**
 * What storing the weights in a narrower format does to the restorations: the test split of the entry's recorded
 * run config restored with the float32 weights and with their rounding, compared value by value in 1/255 steps.
 */
export interface StorageCheck {
  /** restored test images compared (the run config's test split, as its restore job restores them) */
  readonly images: number;
  /** uint8 values compared (images × pixels × 3) */
  readonly values: number;
  /** the largest difference of one value, in 1/255 steps */
  readonly maxDiff: number;
  /** values that differ at all */
  readonly valuesDiffering: number;
  /** images with any value differing */
  readonly imagesDiffering: number;
}

/** The narrower formats an entry may be stored in, narrowest (tried first) to widest. */
export const NARROW_DTYPES = ['float16', 'float24'] as const satisfies readonly WeightDtype[];
export type NarrowDtype = (typeof NARROW_DTYPES)[number];
export type StorageChecks = Partial<Record<NarrowDtype, StorageCheck>>;

/** The largest difference (in 1/255 steps) an entry's restorations may show against float32's. */
export const STORAGE_MAX_DIFF = 1;

/** Whether a measurement allows the format. */
export const storageAllowed = (check: StorageCheck | undefined): boolean => check !== undefined && check.maxDiff <= STORAGE_MAX_DIFF;

/** The format to store: the narrowest whose measurement allows it; float32 when none does. */
export function chooseStorage(checks: StorageChecks): WeightDtype {
  return NARROW_DTYPES.find((d) => storageAllowed(checks[d])) ?? 'float32';
}

/** The formats still to measure before choosing: narrowest first, up to the first one allowed (none when it is known). */
export function formatsToMeasure(checks: StorageChecks): NarrowDtype[] {
  const out: NarrowDtype[] = [];
  for (const d of NARROW_DTYPES) {
    if (storageAllowed(checks[d])) return out;
    if (!checks[d]) out.push(d);
  }
  return out;
}

const FIELDS = ['images', 'values', 'maxDiff', 'valuesDiffering', 'imagesDiffering'] as const;

/** What is wrong with an entry's recorded storage (its dtype against its measurements), or undefined. */
export function storageProblem(weights: { readonly dtype: string; readonly checks?: unknown }): string | undefined {
  const checks = weights.checks;
  if (checks !== undefined && (checks === null || typeof checks !== 'object' || Array.isArray(checks))) return `weights.checks is ${JSON.stringify(checks)} (expected an object)`;
  for (const [dtype, c] of Object.entries((checks ?? {}) as Record<string, unknown>)) {
    if (!(NARROW_DTYPES as readonly string[]).includes(dtype)) return `weights.checks names format ${JSON.stringify(dtype)} (expected ${NARROW_DTYPES.join(' or ')})`;
    const r = c as Record<string, unknown> | null;
    const bad = FIELDS.find((f) => !Number.isInteger(r?.[f]) || (r![f] as number) < 0);
    if (bad) return `weights.checks.${dtype}.${bad} is ${JSON.stringify(r?.[bad])} (expected a whole number >= 0)`;
  }
  if (weights.dtype === 'float32') return undefined;
  const check = (checks as StorageChecks | undefined)?.[weights.dtype as NarrowDtype];
  if (!check) return `stored in ${weights.dtype} without the measurement that allows it (weights.checks.${weights.dtype}: its restorations against float32's; re-add it from its training run with rdbm zoo add, which measures them)`;
  if (!storageAllowed(check)) return `stored in ${weights.dtype} although its recorded check found restorations ${check.maxDiff}/255 from float32's (at most ${STORAGE_MAX_DIFF}/255 allowed)`;
  return undefined;
}
