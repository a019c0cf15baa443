/**
 * Checkpoints. Our format is a directory:
 *   manifest.json   { format, version, architecture, training, step, sha256, tensors: [{name, shape, offset}] }
 *   weights.bin     every tensor as little-endian float32, concatenated (offsets in floats); a large
 *                   checkpoint meant for the repository splits it into shards the manifest names (weight-files.ts)
 * Tensors named like the PyTorch state dict are the sampling weights (the EMA copy when training
 * with EMA); names under `train/` hold the resumable training state (online weights, Adam moments).
 * weights.bin is written first and the manifest (with its hash) last, both atomically, so a
 * killed save never leaves a manifest pointing at a partial file.
 *
 * loadCheckpoint also reads PyTorch `torch.save` files (.pt/.pth), see torch/.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RdbmError } from '../errors.js';
import { tf } from '../tf/index.js';
import { writeJsonAtomic } from '../util/fs.js';
import { sha256 } from '../util/hash.js';
import { type UNetConfig, unetConfig } from './config.js';
import { TorchLimitError, flattenTensors, readTorchFile } from './torch/pt.js';
import { checkTensors, inferUNetConfig, selectUNetTensors, toOurLayout } from './torch/state-dict.js';
import type { LoadedModel, TrainConfig } from './types.js';
import { type TimeInput, type UNet, makeVariables, unetFromParams } from './unet.js';
import { WEIGHTS, WEIGHT_DTYPES, type WeightDtype, type WeightShard, decodeWeights, readWeightFiles, writeWeightFiles } from './weight-files.js';

export const CHECKPOINT_FORMAT = 'rdbm-lab/unet-checkpoint';
export const MANIFEST = 'manifest.json';
export { WEIGHTS };

export interface CheckpointManifest {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: 1;
  readonly architecture: UNetConfig;
  readonly training: TrainConfig | null;
  readonly step: number;
  /** sha256 of the weights (weights.bin, or the shards joined) */
  readonly sha256: string;
  readonly tensors: readonly { readonly name: string; readonly shape: readonly number[]; readonly offset: number }[];
  /** absent: one weights.bin */
  readonly shards?: readonly WeightShard[];
  /** absent: float32; float16 / float24: stored in 2 or 3 bytes a value (read back as float32) */
  readonly dtype?: WeightDtype;
}

export interface SaveCheckpointOptions {
  readonly training?: TrainConfig;
  readonly step?: number;
  /** extra tensors (e.g. `train/adam-m/…`) saved alongside the weights */
  readonly extra?: ReadonlyMap<string, tf.Tensor>;
}

/** Writes a checkpoint's weight files and then its manifest (which names the shards, if any); returns the manifest. */
export function writeCheckpointFiles(dir: string, fields: Omit<CheckpointManifest, 'sha256' | 'shards'>, bytes: Uint8Array, shardBytes?: number): CheckpointManifest {
  const shards = writeWeightFiles(dir, bytes, shardBytes);
  const manifest: CheckpointManifest = { ...fields, sha256: sha256(bytes), ...(shards ? { shards } : {}) };
  writeJsonAtomic(join(dir, MANIFEST), manifest);
  return manifest;
}

export interface HostTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Saves `net`'s weights (plus `extra`) to directory `dir`; returns `dir`. Bit-exact: float32 as stored. */
export async function saveCheckpoint(dir: string, net: Pick<UNet, 'config' | 'variables'>, options: SaveCheckpointOptions = {}): Promise<string> {
  const entries: [string, tf.Tensor][] = [...net.variables, ...(options.extra ?? new Map())];
  const tensors: { name: string; shape: number[]; offset: number }[] = [];
  let offset = 0;
  const chunks: Float32Array[] = [];
  for (const [name, t] of entries) {
    const data = (await t.data()) as Float32Array;
    tensors.push({ name, shape: [...t.shape], offset });
    chunks.push(data instanceof Float32Array ? data : Float32Array.from(data));
    offset += data.length;
  }
  const all = new Float32Array(offset);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  writeCheckpointFiles(dir, { format: CHECKPOINT_FORMAT, version: 1, architecture: net.config, training: options.training ?? null, step: options.step ?? 0, tensors }, new Uint8Array(all.buffer));
  return dir;
}

/**
 * sha256 of the sampling weights alone: every tensor not under `train/`, as float32 little-endian bytes in
 * the order saveCheckpoint writes them. It identifies what restores, whatever training state rides along, and
 * equals the manifest's sha256 of a checkpoint saved without extras (as the zoo stores them).
 */
export async function samplingWeightsSha256(variables: ReadonlyMap<string, tf.Tensor>): Promise<string> {
  const hash = createHash('sha256');
  for (const [name, t] of variables) {
    if (name.startsWith('train/')) continue;
    const data = (await t.data()) as Float32Array;
    const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
    hash.update(new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength));
  }
  return hash.digest('hex');
}

function manifestPath(path: string): string {
  return existsSync(path) && statSync(path).isDirectory() ? join(path, MANIFEST) : path;
}

/** Reads our checkpoint (directory or its manifest.json): manifest plus every tensor, hash verified. */
export function readCheckpoint(path: string): { manifest: CheckpointManifest; tensors: Map<string, HostTensor>; dir: string } {
  const mPath = manifestPath(path);
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(readFileSync(mPath, 'utf8')) as CheckpointManifest;
  } catch (error) {
    throw new RdbmError(`cannot read checkpoint ${path}: ${String((error as Error).message).split('\n')[0]} (expected a checkpoint directory with ${MANIFEST}, or a .pt/.pth file)`);
  }
  if (manifest?.format !== CHECKPOINT_FORMAT || manifest.version !== 1) {
    throw new RdbmError(`cannot read checkpoint ${path}: manifest format ${JSON.stringify(manifest?.format)} (expected ${CHECKPOINT_FORMAT} version 1)`);
  }
  if (manifest.dtype !== undefined && !(WEIGHT_DTYPES as readonly string[]).includes(manifest.dtype)) throw new RdbmError(`cannot read checkpoint ${path}: weight dtype ${JSON.stringify(manifest.dtype)} (expected ${WEIGHT_DTYPES.join(', ')})`);
  const dir = mPath.slice(0, mPath.length - MANIFEST.length) || '.';
  const read = readWeightFiles(dir, manifest);
  if ('problem' in read) throw new RdbmError(`checkpoint ${path} is corrupt: ${read.problem}`);
  const { bytes } = read;
  const floats = decodeWeights(bytes, manifest.dtype ?? 'float32');
  const tensors = new Map<string, HostTensor>();
  for (const t of manifest.tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.offset + n > floats.length) throw new RdbmError(`checkpoint ${path} is corrupt: tensor ${t.name} runs past the end of ${WEIGHTS}`);
    tensors.set(t.name, { shape: t.shape, data: floats.subarray(t.offset, t.offset + n) });
  }
  return { manifest, tensors, dir };
}

export interface LoadCheckpointOptions {
  /**
   * which U-Net of a PyTorch file holding several (RDDM's two-U-Net files: `unet0.` residual, `unet1.` noise):
   * a prefix suffix such as `unet0.` or a whole prefix; EMA copies are still preferred among the matches.
   * Without it such files are refused with the prefixes found.
   */
  readonly prefix?: string;
  /** what `apply` accepts as t: `step` (default; RDBM's non-negative integer steps) or `real` (any finite τ, e.g. DiffUIR's ᾱ_t·T) */
  readonly time?: TimeInput;
}

function wrap(config: UNetConfig, values: Map<string, Float32Array>, meta: Pick<LoadedModel, 'format' | 'training' | 'step' | 'prefix'>, time: TimeInput = 'step'): LoadedModel {
  const net = unetFromParams(config, makeVariables(config, (spec) => values.get(spec.name)!, false), time);
  return { config, paramCount: net.paramCount, apply: net.apply, dispose: net.dispose, ...meta };
}

function isTorchPath(path: string): boolean {
  return /\.(pt|pth|ckpt)$/i.test(path);
}

/** Loads our checkpoint or a PyTorch .pt/.pth file; `config` overrides inferred fields (PyTorch) or must agree (ours). */
export async function loadCheckpoint(path: string, config?: Partial<UNetConfig>, options: LoadCheckpointOptions = {}): Promise<LoadedModel> {
  return openCheckpoint(path, config, options);
}

/** loadCheckpoint, synchronously (reading and building are synchronous; for callers that cannot await). */
export function openCheckpoint(path: string, config?: Partial<UNetConfig>, options: LoadCheckpointOptions = {}): LoadedModel {
  if (isTorchPath(path)) return openTorchCheckpoint(path, config, options);
  const { manifest, tensors } = readCheckpoint(path);
  const arch = unetConfig({ ...manifest.architecture, ...(config ?? {}) });
  const weights = new Map([...tensors].filter(([k]) => !k.startsWith('train/')));
  checkTensors(arch, weights, path, 'ours');
  return wrap(arch, new Map([...weights].map(([k, v]) => [k, v.data])), { format: 'rdbm', training: manifest.training ?? undefined, step: manifest.step }, options.time);
}

function readTorch(path: string, config?: Partial<UNetConfig>, selector?: string) {
  let raw: unknown;
  try {
    raw = readTorchFile(path);
  } catch (error) {
    // over a limit (issue 32): the message names the limit and the option that raises it
    if (error instanceof TorchLimitError) throw new RdbmError(`checkpoint ${path} refused: ${error.message}`);
    throw new RdbmError(`cannot read checkpoint ${path}: ${String((error as Error).message).split('\n')[0]} (expected a torch.save zip file holding a state dict)`);
  }
  const { tensors, prefix } = selectUNetTensors(flattenTensors(raw), path, selector);
  const arch = inferUNetConfig(tensors, config ?? {}, path);
  const specs = checkTensors(arch, tensors, path, 'torch');
  return { raw, tensors, prefix, arch, specs };
}

/** Architecture, step and format of a checkpoint without building the network (checks names and shapes). */
export function checkpointInfo(path: string, options: Pick<LoadCheckpointOptions, 'prefix'> = {}): { config: UNetConfig; step?: number; format: 'rdbm' | 'torch'; prefix?: string } {
  if (isTorchPath(path)) {
    const { raw, arch, prefix } = readTorch(path, undefined, options.prefix);
    const step = raw instanceof Map && typeof raw.get('step') === 'number' ? (raw.get('step') as number) : undefined;
    return { config: arch, format: 'torch', prefix, ...(step !== undefined ? { step } : {}) };
  }
  const { manifest, tensors } = readCheckpoint(path);
  const arch = unetConfig(manifest.architecture);
  checkTensors(arch, new Map([...tensors].filter(([k]) => !k.startsWith('train/'))), path, 'ours');
  return { config: arch, step: manifest.step, format: 'rdbm' };
}

/** Loads a PyTorch `torch.save` file holding a state dict or a trainer dict (EMA preferred). */
export async function loadTorchCheckpoint(path: string, config?: Partial<UNetConfig>, options: LoadCheckpointOptions = {}): Promise<LoadedModel> {
  return openTorchCheckpoint(path, config, options);
}

function openTorchCheckpoint(path: string, config?: Partial<UNetConfig>, options: LoadCheckpointOptions = {}): LoadedModel {
  const { raw, tensors, arch, specs, prefix } = readTorch(path, config, options.prefix);
  const values = new Map(specs.map((s) => [s.name, toOurLayout(s, tensors.get(s.name)!)]));
  const step = raw instanceof Map && typeof raw.get('step') === 'number' ? (raw.get('step') as number) : undefined;
  return wrap(arch, values, { format: 'torch', prefix, ...(step !== undefined ? { step } : {}) }, options.time);
}
