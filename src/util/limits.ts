/**
 * Resource limits on untrusted files (issue 32): how much a checkpoint or an image may make the toolkit
 * allocate. Each is checked before allocating, and a file over it is refused in one line naming the file,
 * the limit and how to raise it. The defaults are generous for real data; a limit is raised with the
 * command-line option (every command takes it) or its environment variable, which worker threads inherit.
 */
import { invalid } from '../errors.js';

export interface LimitSpec {
  /** the command-line option, e.g. `--max-pixels` */
  readonly flag: string;
  /** the environment variable the option sets (worker threads read it too) */
  readonly env: string;
  readonly default: number;
  /** what is counted, for messages and help */
  readonly what: string;
}

export const LIMITS = Object.freeze({
  /** pixels of one image, from its header: 64 MP (8000 × 8000) is above any restoration test set */
  pixels: Object.freeze({ flag: '--max-pixels', env: 'RDBM_MAX_PIXELS', default: 64_000_000, what: 'pixels per image (read from the header, before decoding)' }),
  /**
   * bytes a PyTorch checkpoint may occupy once read: the archive entries its pickle references, inflated,
   * and its tensors as read (float32; integer types as float64). 2 GiB: DiffUIR's largest trainer file
   * (36.26M parameters, its EMA and online copies and two Adam moments) holds about 0.73 GB.
   */
  checkpointBytes: Object.freeze({ flag: '--max-checkpoint-bytes', env: 'RDBM_MAX_CHECKPOINT_BYTES', default: 2 ** 31, what: 'bytes of a PyTorch checkpoint once read (inflated storages and tensors)' }),
} satisfies Record<string, LimitSpec>);

export type LimitName = keyof typeof LIMITS;

/** The limit in force: the environment variable if set (validated), else the default. */
export function limitValue(name: LimitName): number {
  const spec = LIMITS[name];
  const raw = process.env[spec.env];
  if (raw === undefined || raw === '') return spec.default;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) return invalid(`${spec.flag} (${spec.env})`, raw, 'a positive integer');
  return value;
}

/** `limit 64000000 (raise it with --max-pixels)`: the tail every refusal ends with. */
export function limitHint(name: LimitName, value = limitValue(name)): string {
  return `limit ${value} ${LIMITS[name].what.split(' (')[0]}; raise it with ${LIMITS[name].flag}`;
}
