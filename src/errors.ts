/**
 * Errors the user can fix (bad option, bad file, bad config). The CLI prints
 * `rdbm: <message>` on one line, no stack trace, and exits with `exitCode` (2).
 * Anything that is not an RdbmError is a bug and exits with 1.
 */
export class RdbmError extends Error {
  readonly exitCode: number;
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RdbmError';
    this.exitCode = options.exitCode ?? 2;
  }
}

/** Throws an RdbmError with `message`. */
export function fail(message: string): never {
  throw new RdbmError(message);
}

/** Renders a value for an error message: strings quoted, arrays/objects as short JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}

/** `invalid <name>: <value> (expected <expected>)` — the one message shape for bad values. */
export function invalid(name: string, value: unknown, expected: string): never {
  throw new RdbmError(`invalid ${name}: ${show(value)} (expected ${expected})`);
}
