/**
 * Reads `torch.save` files (the zip format of PyTorch ≥ 1.6: `<name>/data.pkl` plus one raw
 * little-endian file per storage under `<name>/data/<key>`) into plain data: nested Maps and
 * arrays with tensors as {@link TorchTensor}. No code from the file is executed.
 */
import { unzipSync } from 'fflate';
import { type PickleGlobal, UnpickleError, unpickle } from './unpickle.js';

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
  readonly bytes: Uint8Array;
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

function rebuildTensor(storage: StorageRef, offset: number, size: number[], stride: number[]): TorchTensor {
  const n = size.reduce((a, b) => a * b, 1);
  const float = ['FloatStorage', 'HalfStorage', 'BFloat16Storage'].includes(storage.dtype);
  const data = float ? new Float32Array(n) : new Float64Array(n);
  const view = new DataView(storage.bytes.buffer, storage.bytes.byteOffset, storage.bytes.byteLength);
  const capacity = storage.bytes.byteLength / STORAGE_BYTES[storage.dtype];
  const index = new Array(size.length).fill(0);
  for (let k = 0; k < n; k++) {
    let src = offset;
    for (let d = 0; d < size.length; d++) src += index[d] * stride[d];
    if (src >= capacity) throw new UnpickleError(`tensor reads past its storage (${src} >= ${capacity})`);
    data[k] = storageValue(storage, view, src);
    for (let d = size.length - 1; d >= 0; d--) {
      if (++index[d] < size[d]) break;
      index[d] = 0;
    }
  }
  return { kind: 'tensor', dtype: storage.dtype.replace('Storage', ''), shape: size, data };
}

export function isTorchTensor(v: unknown): v is TorchTensor {
  return !!v && typeof v === 'object' && (v as TorchTensor).kind === 'tensor';
}

/** Parses the bytes of a `torch.save` zip file. Throws UnpickleError (or a zip error) on bad content. */
export function readTorchSave(bytes: Uint8Array): unknown {
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw new UnpickleError('not a zip archive (legacy pre-1.6 torch.save files are not supported; re-save with a recent PyTorch)');
  }
  const files = unzipSync(bytes);
  const pkl = Object.keys(files).find((n) => n.endsWith('/data.pkl') || n === 'data.pkl');
  if (!pkl) throw new UnpickleError('no data.pkl in the archive');
  const root = pkl.slice(0, pkl.length - 'data.pkl'.length);
  const persistentLoad = (pid: unknown): StorageRef => {
    const [tag, type, key] = pid as [string, PickleGlobal, string];
    if (tag !== 'storage' || !type || !(type.name in STORAGE_BYTES)) throw new UnpickleError(`unsupported persistent id ${JSON.stringify(tag)}`);
    const entry = files[`${root}data/${key}`];
    if (!entry) throw new UnpickleError(`missing storage data/${key}`);
    return { kind: 'storage', dtype: type.name, bytes: entry };
  };
  const reduce = (g: PickleGlobal, args: unknown[]): unknown => {
    const id = `${g.module} ${g.name}`;
    switch (id) {
      case 'collections OrderedDict': return new Map();
      case 'torch._utils _rebuild_tensor_v2': {
        const [storage, offset, size, stride] = args as [StorageRef, number, number[], number[]];
        return rebuildTensor(storage, offset, size, stride);
      }
      case 'torch._utils _rebuild_parameter':
      case 'torch._utils _rebuild_parameter_with_state':
        return args[0];
      case 'builtins set':
      case '__builtin__ set':
      case 'builtins frozenset':
        return new Set((args[0] as unknown[]) ?? []);
      default:
        return { kind: 'opaque', type: id, args };
    }
  };
  return unpickle(files[pkl], persistentLoad, reduce);
}

/** Every tensor in a nested structure, keyed by its dotted path (`ema.ema_model.model.unet0.init_conv.weight`). */
export function flattenTensors(value: unknown, prefix = '', out = new Map<string, TorchTensor>()): Map<string, TorchTensor> {
  if (isTorchTensor(value)) out.set(prefix, value);
  else if (value instanceof Map) {
    for (const [k, v] of value) if (typeof k === 'string' || typeof k === 'number') flattenTensors(v, prefix ? `${prefix}.${k}` : String(k), out);
  }
  return out;
}
