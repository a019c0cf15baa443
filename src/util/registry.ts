/**
 * One generic typed registry (BasicSR's `Registry`, style point 1): a plain frozen map of one kind of
 * plug-in — metric conventions, bridge presets, RDDM presets, experiments, scales, degradations,
 * published ablations — registered explicitly where it is defined, its key type derived from the
 * entries, and one message for an unknown name, listing the known ones.
 */
import { RdbmError, show } from '../errors.js';

export interface Registry<K extends string, V> {
  /** what the entries are, as the message names them (`bridge preset`, `convention`, …) */
  readonly kind: string;
  /** the names, in registration order */
  readonly names: readonly K[];
  readonly entries: Readonly<Record<K, V>>;
  has(name: unknown): name is K;
  /** the entry, or an RdbmError `unknown <kind>: "<name>" (expected one of a, b, …)` */
  get(name: unknown): V;
}

/** The one message for a name a registry does not hold (also for lookups with a fallback, e.g. experiment files). */
export function unknownName(kind: string, name: unknown, names: readonly string[], alternatives?: string): RdbmError {
  return new RdbmError(`unknown ${kind}: ${show(name)} (expected one of ${names.join(', ')}${alternatives ? `, ${alternatives}` : ''})`);
}

export function registry<K extends string, V>(kind: string, entries: Readonly<Record<K, V>>): Registry<K, V> {
  const frozen = Object.freeze({ ...entries }) as Readonly<Record<K, V>>;
  const names = Object.freeze(Object.keys(frozen)) as readonly K[];
  const has = (name: unknown): name is K => typeof name === 'string' && Object.hasOwn(frozen, name);
  return Object.freeze({
    kind,
    names,
    entries: frozen,
    has,
    get(name: unknown): V {
      if (!has(name)) throw unknownName(kind, name, names);
      return frozen[name];
    },
  });
}
