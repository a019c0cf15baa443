/**
 * A safe, data-only unpickler for the subset of pickle (protocols 2–5) that `torch.save` writes.
 * It never executes code: GLOBAL/STACK_GLOBAL resolve only to the allow-listed constructors
 * below (OrderedDict, torch tensor rebuilders, storage types); anything else is an error.
 */

export class UnpickleError extends Error {}

/** A reference to an allow-listed global, e.g. `torch FloatStorage`. */
export interface PickleGlobal {
  readonly kind: 'global';
  readonly module: string;
  readonly name: string;
}

/** Result of REDUCE/NEWOBJ on an allow-listed callable, resolved by `reduce` below. */
export type Reducer = (callable: PickleGlobal, args: unknown[]) => unknown;

const ALLOWED = new Set([
  'collections OrderedDict',
  'torch._utils _rebuild_tensor_v2',
  'torch._utils _rebuild_parameter',
  'torch._utils _rebuild_parameter_with_state',
  'torch FloatStorage',
  'torch HalfStorage',
  'torch DoubleStorage',
  'torch BFloat16Storage',
  'torch LongStorage',
  'torch IntStorage',
  'torch ShortStorage',
  'torch CharStorage',
  'torch ByteStorage',
  'torch BoolStorage',
  'torch float32',
  'torch float16',
  'torch float64',
  'torch bfloat16',
  'torch int64',
  'torch int32',
  'torch bool',
  'torch device',
  'builtins set',
  'builtins frozenset',
  '__builtin__ set',
  'numpy.core.multiarray scalar',
  'numpy dtype',
  'argparse Namespace',
  'torch.nn.modules.container ParameterDict',
]);

const MARK = Symbol('mark');

export interface UnpickleOptions {
  /** most containers and reduce results the pickle may create (default unbounded) */
  readonly maxObjects?: number;
}

/**
 * Unpickles `data`. `persistentLoad` receives BINPERSID tuples (torch: ['storage', type, key, location, numel]);
 * `reduce` turns allow-listed callables applied to arguments into values. The pickle machine has no loops or
 * calls, so the work is linear in the bytes; nothing here recurses.
 */
export function unpickle(data: Uint8Array, persistentLoad: (pid: unknown) => unknown, reduce: Reducer, options: UnpickleOptions = {}): unknown {
  const maxObjects = options.maxObjects ?? Infinity;
  let objects = 0;
  const made = <T>(value: T): T => {
    if (++objects > maxObjects) throw new UnpickleError(`the pickle creates more than ${maxObjects} objects (limit)`);
    return value;
  };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const decoder = new TextDecoder();
  const stack: unknown[] = [];
  const memo = new Map<number, unknown>();
  let pos = 0;
  const u8 = () => data[pos++];
  const u16 = () => ((pos += 2), view.getUint16(pos - 2, true));
  const u32 = () => ((pos += 4), view.getUint32(pos - 4, true));
  const i32 = () => ((pos += 4), view.getInt32(pos - 4, true));
  const bytes = (n: number) => ((pos += n), data.subarray(pos - n, pos));
  const line = () => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) throw new UnpickleError('unterminated text line');
    const s = decoder.decode(data.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const popMark = (): unknown[] => {
    for (let i = stack.length - 1; i >= 0; i--) {
      if (stack[i] === MARK) {
        const items = stack.slice(i + 1);
        stack.length = i;
        return items;
      }
    }
    throw new UnpickleError('MARK not found');
  };
  const global = (module: string, name: string): PickleGlobal => {
    if (!ALLOWED.has(`${module} ${name}`)) throw new UnpickleError(`refusing to load global ${module}.${name} (not a tensor or plain container)`);
    return { kind: 'global', module, name };
  };
  const setItems = (target: unknown, items: unknown[]) => {
    if (!(target instanceof Map)) throw new UnpickleError('SETITEM(S) on a non-dict');
    for (let i = 0; i < items.length; i += 2) target.set(items[i], items[i + 1]);
  };
  const longFrom = (b: Uint8Array): number => {
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b.length && b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return Number(v);
  };
  for (;;) {
    if (pos >= data.length) throw new UnpickleError('truncated pickle (no STOP)');
    const op = u8();
    switch (op) {
      case 0x80: pos++; break; // PROTO
      case 0x95: pos += 8; break; // FRAME
      case 0x2e: return stack.pop(); // STOP
      case 0x28: stack.push(MARK); break; // MARK
      case 0x7d: stack.push(made(new Map())); break; // EMPTY_DICT
      case 0x5d: stack.push(made([])); break; // EMPTY_LIST
      case 0x29: stack.push(made([])); break; // EMPTY_TUPLE (tuples as arrays)
      case 0x8f: stack.push(made(new Set())); break; // EMPTY_SET
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x4a: stack.push(i32()); break; // BININT
      case 0x8a: stack.push(longFrom(bytes(u8()))); break; // LONG1
      case 0x8b: stack.push(longFrom(bytes(u32()))); break; // LONG4
      case 0x47: stack.push(((pos += 8), view.getFloat64(pos - 8, false))); break; // BINFLOAT
      case 0x58: stack.push(decoder.decode(bytes(u32()))); break; // BINUNICODE
      case 0x8c: stack.push(decoder.decode(bytes(u8()))); break; // SHORT_BINUNICODE
      case 0x8d: stack.push(decoder.decode(bytes(Number(((pos += 8), view.getBigUint64(pos - 8, true)))))); break; // BINUNICODE8
      case 0x54: stack.push(decoder.decode(bytes(u32()))); break; // BINSTRING
      case 0x55: stack.push(decoder.decode(bytes(u8()))); break; // SHORT_BINSTRING
      case 0x42: stack.push(made(bytes(u32()).slice())); break; // BINBYTES
      case 0x43: stack.push(made(bytes(u8()).slice())); break; // SHORT_BINBYTES
      case 0x71: memo.set(u8(), stack[stack.length - 1]); break; // BINPUT
      case 0x72: memo.set(u32(), stack[stack.length - 1]); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, stack[stack.length - 1]); break; // MEMOIZE
      case 0x68: stack.push(memo.get(u8())); break; // BINGET
      case 0x6a: stack.push(memo.get(u32())); break; // LONG_BINGET
      case 0x74: stack.push(made(popMark())); break; // TUPLE
      case 0x85: stack.push(made([stack.pop()])); break; // TUPLE1
      case 0x86: { const b = stack.pop(); const a = stack.pop(); stack.push(made([a, b])); break; } // TUPLE2
      case 0x87: { const c = stack.pop(); const b = stack.pop(); const a = stack.pop(); stack.push(made([a, b, c])); break; } // TUPLE3
      case 0x61: { const v = stack.pop(); const list = stack[stack.length - 1]; if (!Array.isArray(list)) throw new UnpickleError('APPEND on a non-list'); list.push(v); break; } // APPEND
      case 0x65: { const items = popMark(); const list = stack[stack.length - 1]; if (!Array.isArray(list)) throw new UnpickleError('APPENDS on a non-list'); for (const i of items) list.push(i); break; } // APPENDS (a loop: spreading 10⁵ items overflows the call stack)
      case 0x73: { const v = stack.pop(); const k = stack.pop(); setItems(stack[stack.length - 1], [k, v]); break; } // SETITEM
      case 0x75: { const items = popMark(); setItems(stack[stack.length - 1], items); break; } // SETITEMS
      case 0x90: { const items = popMark(); const s = stack[stack.length - 1]; if (!(s instanceof Set)) throw new UnpickleError('ADDITEMS on a non-set'); for (const i of items) s.add(i); break; } // ADDITEMS
      case 0x63: { const module = line(); const name = line(); stack.push(global(module, name)); break; } // GLOBAL
      case 0x93: { const name = stack.pop() as string; const module = stack.pop() as string; stack.push(global(module, name)); break; } // STACK_GLOBAL
      case 0x52: // REDUCE
      case 0x81: { // NEWOBJ
        const args = stack.pop() as unknown[];
        const callable = stack.pop() as PickleGlobal;
        if (!callable || (callable as PickleGlobal).kind !== 'global') throw new UnpickleError('REDUCE on a non-global');
        stack.push(made(reduce(callable, args)));
        break;
      }
      case 0x62: { // BUILD: only plain state on containers/tensors; kept as a `__state__` property
        const state = stack.pop();
        const target = stack[stack.length - 1];
        if (target && typeof target === 'object') (target as { __state__?: unknown }).__state__ = state;
        break;
      }
      case 0x51: stack.push(persistentLoad(stack.pop())); break; // BINPERSID
      case 0x30: stack.pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(stack[stack.length - 1]); break; // DUP
      default:
        throw new UnpickleError(`unsupported pickle opcode 0x${op.toString(16)} at byte ${pos - 1}`);
    }
  }
}
