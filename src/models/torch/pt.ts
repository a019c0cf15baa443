/**
 * Reads `torch.save` files (the zip format of PyTorch ≥ 1.6: `<name>/data.pkl` plus one raw
 * little-endian file per storage under `<name>/data/<key>`) into plain data: nested Maps and
 * arrays with tensors as {@link TorchTensor}. No code from the file is executed.
 *
 * Bounded before it allocates (issue 32): only the archive entries the pickle references are read, each
 * within its declared size; a tensor's extent (offset, size and stride) must lie inside its storage and it
 * may not hold more elements than the storage; the storages and tensors together must fit the
 * checkpointBytes limit; containers nest at most MAX_NESTING deep and never contain themselves. Tensor
 * values are read from their storage only when used.
 */
import { readFileSync, statSync } from 'node:fs';
import { limitHint, limitValue } from '../../util/limits.js';
import { type PickleGlobal, UnpickleError, unpickle } from './unpickle.js';
import { type ZipEntry, listZip, readZipEntry } from './zip.js';

export interface TorchTensor {
  readonly kind: 'tensor';
  readonly dtype: string;
  readonly shape: readonly number[];
  /** values in row-major order (float types as float32; integer types as float64 numbers) */
  readonly data: Float32Array | Float64Array;
}

interface StorageRef {
  readonly kind: 'storage';
  readonly dtype: string;
  /** the entry name under data/ */
  readonly key: string;
  /** elements the storage holds (its entry's declared size over the element size) */
  readonly numel: number;
  readonly entry: ZipEntry;
  /** the entry's bytes, read once the whole pickle passed the limits */
  bytes?: Uint8Array;
}

const STORAGE_BYTES: Record<string, number> = {
  FloatStorage: 4, HalfStorage: 2, BFloat16Storage: 2, DoubleStorage: 8, LongStorage: 8, IntStorage: 4, ShortStorage: 2, CharStorage: 1, ByteStorage: 1, BoolStorage: 1,
};

function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const f = bits & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function storageValue(s: StorageRef, view: DataView, i: number): number {
  switch (s.dtype) {
    case 'FloatStorage': return view.getFloat32(4 * i, true);
    case 'HalfStorage': return half(view.getUint16(2 * i, true));
    case 'BFloat16Storage': { const b = new DataView(new ArrayBuffer(4)); b.setUint32(0, view.getUint16(2 * i, true) << 16); return b.getFloat32(0); }
    case 'DoubleStorage': return view.getFloat64(8 * i, true);
    case 'LongStorage': return Number(view.getBigInt64(8 * i, true));
    case 'IntStorage': return view.getInt32(4 * i, true);
    case 'ShortStorage': return view.getInt16(2 * i, true);
    case 'CharStorage': return view.getInt8(i);
    default: return view.getUint8(i); // Byte, Bool
  }
}

const FLOAT_STORAGES = new Set(['FloatStorage', 'HalfStorage', 'BFloat16Storage']);

/** Containers nest at most this deep (a trainer dict nests about 6 levels; deeper is not a checkpoint). */
export const MAX_NESTING = 100;
/** At most this many container entries are visited (a DAG of shared lists would otherwise expand exponentially). */
export const MAX_ENTRIES = 1_000_000;
/** The pickle may create at most this many objects (a real trainer dict creates ~7 per tensor). */
export const MAX_PICKLE_OBJECTS = 2_000_000;
/** data.pkl may hold at most this many bytes (a trainer dict of 5000 tensors pickles to about 1 MB). */
export const MAX_PICKLE_BYTES = 32 * 2 ** 20;

export interface TorchReadOptions {
  /**
   * most bytes the file may occupy once read: the storages its pickle references (inflated) plus its tensors
   * as read (float32, integer types float64); default: the `checkpointBytes` limit (2 GiB, --max-checkpoint-bytes)
   */
  readonly maxBytes?: number;
}

/** A limit was exceeded: the message is complete (names the limit and how to raise it). */
export class TorchLimitError extends UnpickleError {}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * A tensor whose values are read from its storage on first use. Its geometry was checked when it was
 * rebuilt: every element it addresses lies inside the storage, and it has no more elements than the storage
 * (no stride-0 expansion), so reading it allocates at most what its storage holds.
 */
class LazyTensor implements TorchTensor {
  readonly kind = 'tensor';
  readonly dtype: string;
  #values: Float32Array | Float64Array | undefined;
  constructor(
    private readonly storage: StorageRef,
    private readonly offset: number,
    readonly shape: number[],
    private readonly stride: number[],
    readonly numel: number,
  ) {
    this.dtype = storage.dtype.replace('Storage', '');
  }
  get data(): Float32Array | Float64Array {
    if (this.#values) return this.#values;
    const { storage, offset, shape: size, stride, numel: n } = this;
    const bytes = storage.bytes;
    if (!bytes) throw new UnpickleError(`storage data/${storage.key} was not read`);
    const data = FLOAT_STORAGES.has(storage.dtype) ? new Float32Array(n) : new Float64Array(n);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const index = new Array(size.length).fill(0);
    for (let k = 0; k < n; k++) {
      let src = offset;
      for (let d = 0; d < size.length; d++) src += index[d] * stride[d];
      data[k] = storageValue(storage, view, src);
      for (let d = size.length - 1; d >= 0; d--) {
        if (++index[d] < size[d]) break;
        index[d] = 0;
      }
    }
    this.#values = data;
    return data;
  }
}

/** Checks a tensor's geometry against its storage before anything is allocated; returns its element count. */
function tensorGeometry(storage: StorageRef, offset: unknown, size: unknown, stride: unknown): number {
  if (!isCount(offset) || !Array.isArray(size) || !Array.isArray(stride) || size.length !== stride.length || !size.every(isCount) || !stride.every(isCount)) {
    throw new UnpickleError(`tensor on storage data/${storage.key} has a malformed size, stride or offset`);
  }
  let numel = 1;
  let last = offset; // the largest storage index the tensor reads
  for (let d = 0; d < size.length; d++) {
    numel *= size[d];
    if (size[d] > 0) last += (size[d] - 1) * stride[d];
  }
  if (numel === 0) return 0;
  if (last >= storage.numel) {
    throw new UnpickleError(`tensor [${size.join(', ')}] with stride [${stride.join(', ')}] at offset ${offset} reads element ${last} of storage data/${storage.key}, which holds ${storage.numel}`);
  }
  if (numel > storage.numel) {
    throw new UnpickleError(`tensor [${size.join(', ')}] has ${numel} elements but its storage data/${storage.key} holds ${storage.numel} (an expanded view; save it with .contiguous())`);
  }
  return numel;
}

export function isTorchTensor(v: unknown): v is TorchTensor {
  return !!v && typeof v === 'object' && (v as TorchTensor).kind === 'tensor';
}

/**
 * Visits `value` and every container inside it (Map, array, Set, opaque reduce results) depth first, without
 * recursion: containers nested deeper than MAX_NESTING, a container inside itself and more than MAX_ENTRIES
 * visited entries are refused. `visit` sees each value with its path of keys; `descend` picks the containers entered.
 */
function walk(value: unknown, visit: (v: unknown, path: readonly (string | number)[]) => void, descend: (v: object) => boolean = () => true): void {
  const onPath = new Set<object>();
  const stack: { v: unknown; path: (string | number)[]; leave?: object }[] = [{ v: value, path: [] }];
  let visited = 0;
  while (stack.length) {
    const { v, path, leave } = stack.pop()!;
    if (leave) {
      onPath.delete(leave);
      continue;
    }
    if (++visited > MAX_ENTRIES) throw new TorchLimitError(`more than ${MAX_ENTRIES} entries in its containers (limit; shared containers expanded)`);
    visit(v, path);
    if (!v || typeof v !== 'object' || isTorchTensor(v) || ArrayBuffer.isView(v) || !descend(v)) continue;
    const children: [string | number, unknown][] =
      v instanceof Map ? [...v].filter(([k]) => typeof k === 'string' || typeof k === 'number')
      : Array.isArray(v) ? v.map((c, i) => [i, c])
      : v instanceof Set ? [...v].map((c, i) => [i, c])
      : Object.entries(v).filter(([, c]) => c && typeof c === 'object');
    if (!children.length) continue;
    if (onPath.has(v)) throw new UnpickleError(`a container contains itself (at ${path.join('.') || 'the top level'})`);
    if (path.length >= MAX_NESTING) throw new TorchLimitError(`containers nest deeper than ${MAX_NESTING} levels (limit)`);
    onPath.add(v);
    stack.push({ v: undefined, path, leave: v });
    for (let i = children.length - 1; i >= 0; i--) stack.push({ v: children[i][1], path: [...path, children[i][0]] });
  }
}

/** Parses the bytes of a `torch.save` zip file. Throws UnpickleError on bad content, TorchLimitError over a limit. */
export function readTorchSave(bytes: Uint8Array, options: TorchReadOptions = {}): unknown {
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw new UnpickleError('not a zip archive (legacy pre-1.6 torch.save files are not supported; re-save with a recent PyTorch)');
  }
  const maxBytes = options.maxBytes ?? limitValue('checkpointBytes');
  const over = (what: string, bytes: number): never => {
    throw new TorchLimitError(`${what} ${bytes} bytes, over the ${limitHint('checkpointBytes', maxBytes)}`);
  };
  const entries = listZip(bytes);
  const pkl = [...entries.values()].find((e) => e.name.endsWith('/data.pkl') || e.name === 'data.pkl');
  if (!pkl) throw new UnpickleError('no data.pkl in the archive');
  if (pkl.size > Math.min(maxBytes, MAX_PICKLE_BYTES)) throw new TorchLimitError(`its data.pkl declares ${pkl.size} bytes (limit ${Math.min(maxBytes, MAX_PICKLE_BYTES)})`);
  const root = pkl.name.slice(0, pkl.name.length - 'data.pkl'.length);
  const storages = new Map<string, StorageRef>();
  let budget = pkl.size; // bytes the file occupies once read: the pickle, the storages it references, its tensors
  const persistentLoad = (pid: unknown): StorageRef => {
    const [tag, type, key] = pid as [string, PickleGlobal, string];
    if (tag !== 'storage' || !type || !(type.name in STORAGE_BYTES)) throw new UnpickleError(`unsupported persistent id ${JSON.stringify(tag)}`);
    const name = `${root}data/${String(key)}`;
    const known = storages.get(name);
    if (known) return known;
    const entry = entries.get(name);
    if (!entry) throw new UnpickleError(`missing storage data/${String(key)}`);
    budget += entry.size;
    if (budget > maxBytes) over('its pickle and the storages it references take', budget);
    const ref: StorageRef = { kind: 'storage', dtype: type.name, key: String(key), numel: Math.floor(entry.size / STORAGE_BYTES[type.name]), entry };
    storages.set(name, ref);
    return ref;
  };
  const reduce = (g: PickleGlobal, args: unknown[]): unknown => {
    const id = `${g.module} ${g.name}`;
    switch (id) {
      case 'collections OrderedDict': return new Map();
      case 'torch._utils _rebuild_tensor_v2': {
        const [storage, offset, size, stride] = (Array.isArray(args) ? args : []) as [StorageRef, number, number[], number[]];
        if (!storage || storage.kind !== 'storage') throw new UnpickleError('_rebuild_tensor_v2 without a storage');
        const numel = tensorGeometry(storage, offset, size, stride);
        budget += numel * (FLOAT_STORAGES.has(storage.dtype) ? 4 : 8);
        if (budget > maxBytes) over('its storages and tensors take', budget);
        return new LazyTensor(storage, offset, [...size], [...stride], numel);
      }
      case 'torch._utils _rebuild_parameter':
      case 'torch._utils _rebuild_parameter_with_state':
        return Array.isArray(args) ? args[0] : undefined;
      case 'builtins set':
      case '__builtin__ set':
      case 'builtins frozenset':
        return new Set(Array.isArray(args) && Array.isArray(args[0]) ? args[0] : []);
      default:
        return { kind: 'opaque', type: id, args };
    }
  };
  const raw = unpickle(readZipEntry(bytes, pkl), persistentLoad, reduce, { maxObjects: MAX_PICKLE_OBJECTS });
  walk(raw, () => undefined);
  // only now, within the limits: the referenced storages (views of the file when stored, as torch.save does)
  for (const ref of storages.values()) ref.bytes = readZipEntry(bytes, ref.entry);
  return raw;
}

/**
 * Reads a `torch.save` file from disk: a file larger than the limit is refused from its size, before it is
 * read (what it could hold once read is at least what it stores).
 */
export function readTorchFile(path: string, options: TorchReadOptions = {}): unknown {
  const maxBytes = options.maxBytes ?? limitValue('checkpointBytes');
  const size = statSync(path).size;
  if (size > maxBytes) throw new TorchLimitError(`the file has ${size} bytes, over the ${limitHint('checkpointBytes', maxBytes)}`);
  return readTorchSave(readFileSync(path), { ...options, maxBytes });
}

/** Every tensor in a nested structure, keyed by its dotted path (`ema.ema_model.model.unet0.init_conv.weight`); Map keys only. */
export function flattenTensors(value: unknown, prefix = '', out = new Map<string, TorchTensor>()): Map<string, TorchTensor> {
  walk(value, (v, path) => {
    if (isTorchTensor(v)) out.set(path.reduce<string>((name, k) => (name ? `${name}.${k}` : String(k)), prefix), v);
  }, (v) => v instanceof Map);
  return out;
}
