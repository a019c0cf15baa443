import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal configs serialise (and hash) equally. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && !(ArrayBuffer.isView(v))) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}

/** sha256 hex of a string or bytes. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Content hash of a JSON-serialisable config (first `length` hex digits of sha256 of its stable form). */
export function configHash(value: unknown, length = 16): string {
  return sha256(stableStringify(value)).slice(0, length);
}

/** Deep-freezes plain data (configs are frozen once validated). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
