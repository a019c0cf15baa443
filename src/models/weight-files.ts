/**
 * The weight bytes of a checkpoint on disk (float32, or float16 for zoo entries stored small): one weights.bin, or consecutive shards of at most a given
 * size (weights-1-of-8.bin, …) that the manifest names with their sizes and hashes. Shards keep each file
 * of a committed checkpoint small (the zoo's RDBM-B and -L weights are 15 and 31 MB; the repository keeps
 * files under 5 MB), as tfjs's own 4 MB weight shards do. The manifest's sha256 is always that of the
 * joined bytes, so a checkpoint's identity (its content key, the zoo's recorded hashes) does not depend on
 * how it was split.
 */
import { fromFloat16, toFloat16 } from '../util/float16.js';
import { fromFloat24, toFloat24 } from '../util/float24.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';
import { sha256 } from '../util/hash.js';

export const WEIGHTS = 'weights.bin';

/** The shard size of committed checkpoints (the zoo): 4 MiB, under the repository's 5 MB per file. */
export const SHARD_BYTES = 4 * 1024 * 1024;

export interface WeightShard {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** What a manifest says about its weight files. */
export interface WeightLayout {
  /** sha256 of all the weights, joined */
  readonly sha256: string;
  readonly tensors: readonly { readonly shape: readonly number[]; readonly offset: number }[];
  /** absent: the weights are one file, weights.bin */
  readonly shards?: readonly WeightShard[];
  /** how the values are stored: float32 (absent), or float16 / float24 (a zoo entry stored in 2 or 3 bytes a value) */
  readonly dtype?: WeightDtype;
}

/** The storage formats of weights, widest first (float24: float32 without its low mantissa byte, util/float24.ts). */
export const WEIGHT_DTYPES = ['float32', 'float24', 'float16'] as const;
export type WeightDtype = (typeof WEIGHT_DTYPES)[number];

/** Bytes per stored value. */
export const dtypeBytes = (dtype: WeightDtype | undefined): number => (dtype === 'float16' ? 2 : dtype === 'float24' ? 3 : 4);

/** float32 values in a storage format's bytes (float16 and float24 round to nearest, ties to even). */
export function encodeWeights(values: Float32Array, dtype: WeightDtype): Uint8Array {
  if (dtype === 'float16') return new Uint8Array(toFloat16(values).buffer);
  if (dtype === 'float24') return toFloat24(values);
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** A storage format's bytes read back as float32 values (exact). */
export function decodeWeights(bytes: Uint8Array, dtype: WeightDtype): Float32Array {
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  if (dtype === 'float16') return fromFloat16(new Uint16Array(copy));
  if (dtype === 'float24') return fromFloat24(new Uint8Array(copy));
  return new Float32Array(copy);
}

/** The byte length the tensors of a manifest span (offsets count values). */
function layoutBytes(tensors: WeightLayout['tensors'], dtype?: WeightDtype): number {
  return dtypeBytes(dtype) * tensors.reduce((end, t) => Math.max(end, t.offset + t.shape.reduce((a, b) => a * b, 1)), 0);
}

function shardFile(index: number, count: number): string {
  return `weights-${index + 1}-of-${count}.bin`;
}

/**
 * Writes `bytes` into `dir`: weights.bin when they fit in `shardBytes` (or no size is given), shards
 * otherwise. Returns the shards to record in the manifest (undefined for weights.bin). Each file is written
 * atomically; the caller writes the manifest last.
 */
export function writeWeightFiles(dir: string, bytes: Uint8Array, shardBytes?: number): WeightShard[] | undefined {
  if (shardBytes === undefined || bytes.byteLength <= shardBytes) {
    writeFileAtomic(join(dir, WEIGHTS), bytes);
    return undefined;
  }
  const count = Math.ceil(bytes.byteLength / shardBytes);
  const shards: WeightShard[] = [];
  for (let i = 0; i < count; i++) {
    const part = bytes.subarray(i * shardBytes, Math.min(bytes.byteLength, (i + 1) * shardBytes));
    const file = shardFile(i, count);
    writeFileAtomic(join(dir, file), part);
    shards.push({ file, bytes: part.byteLength, sha256: sha256(part) });
  }
  return shards;
}

/** The files holding a layout's weights, with the size each must have (and its hash, for shards). */
function weightFiles(layout: WeightLayout): readonly { file: string; bytes: number; sha256?: string }[] {
  return layout.shards ?? [{ file: WEIGHTS, bytes: layoutBytes(layout.tensors, layout.dtype) }];
}

/**
 * Reads and checks the weights of `dir` against its manifest's layout. Returns the joined bytes, or the first
 * problem as a phrase naming the file (`weights-2-of-8.bin has 1000 bytes (expected 4194304: truncated or
 * replaced)`), for the caller to put after what it was reading.
 */
export function readWeightFiles(dir: string, layout: WeightLayout): { bytes: Uint8Array } | { problem: string } {
  const files = weightFiles(layout);
  const parts: Uint8Array[] = [];
  for (const f of files) {
    const path = join(dir, f.file);
    if (!existsSync(path)) return { problem: `${f.file} is missing next to the manifest` };
    const size = statSync(path).size;
    if (size !== f.bytes) return { problem: `${f.file} has ${size} bytes (expected ${f.bytes}: truncated or replaced)` };
    const part = readFileSync(path);
    if (f.sha256 !== undefined) {
      const actual = sha256(part);
      if (actual !== f.sha256) return { problem: `${f.file} has been modified (sha256 ${actual.slice(0, 12)}…, the manifest records ${f.sha256.slice(0, 12)}…)` };
    }
    parts.push(part);
  }
  const bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts);
  const actual = sha256(bytes);
  if (actual !== layout.sha256) {
    const what = layout.shards ? `the ${files.length} weight shards, joined,` : WEIGHTS;
    return { problem: `${what} ${layout.shards ? 'have' : 'has'} been modified (sha256 ${actual.slice(0, 12)}…, the manifest records ${layout.sha256.slice(0, 12)}…)` };
  }
  return { bytes };
}
