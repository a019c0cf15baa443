/**
 * Hostile files, generated at test time (nothing large is committed): torch.save archives with crafted
 * pickles, zip entries that inflate to gigabytes, PNG decompression bombs. Each is small on disk; what it
 * would cost to read naively is in its name.
 */
import { deflateRawSync, constants } from 'node:zlib';

// ---------- pickle (protocol 2), the subset torch.save writes ----------

export type Py = { op: Uint8Array } | number | string | boolean | null | Py[];

const ascii = (s: string) => new TextEncoder().encode(s);

/** Pickle opcodes as bytes, built up by the helpers below. */
export class Pickle {
  private parts: Uint8Array[] = [new Uint8Array([0x80, 2])]; // PROTO 2
  raw(...bytes: (number | Uint8Array)[]): this {
    for (const b of bytes) this.parts.push(typeof b === 'number' ? new Uint8Array([b]) : b);
    return this;
  }
  int(n: number): this {
    if (Number.isInteger(n) && n >= 0 && n < 256) return this.raw(0x4b, n); // BININT1
    if (Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, n, true);
      return this.raw(0x4a, b); // BININT
    }
    let v = BigInt(n); // LONG1, little-endian two's complement
    const out: number[] = [];
    while (v !== 0n && v !== -1n) {
      out.push(Number(v & 0xffn));
      v >>= 8n;
    }
    if (out.length === 0 || (out[out.length - 1] & 0x80) !== (n < 0 ? 0x80 : 0)) out.push(n < 0 ? 0xff : 0);
    return this.raw(0x8a, out.length, new Uint8Array(out));
  }
  str(s: string): this {
    const b = ascii(s);
    return this.raw(0x8c, b.length, b); // SHORT_BINUNICODE
  }
  global(module: string, name: string): this {
    return this.raw(0x63, ascii(`${module}\n${name}\n`)); // GLOBAL
  }
  tuple(items: (() => void)[]): this {
    this.raw(0x28); // MARK
    for (const f of items) f();
    return this.raw(0x74); // TUPLE
  }
  ints(values: readonly number[]): this {
    return this.tuple(values.map((v) => () => this.int(v)));
  }
  /** torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()) on a FloatStorage `key` of `numel` elements */
  tensor(key: string, numel: number, offset: number, size: readonly number[], stride: readonly number[]): this {
    this.global('torch._utils', '_rebuild_tensor_v2');
    this.raw(0x28); // MARK (args)
    this.tuple([() => this.str('storage'), () => this.global('torch', 'FloatStorage'), () => this.str(key), () => this.str('cpu'), () => this.int(numel)]);
    this.raw(0x51); // BINPERSID
    this.int(offset).ints(size).ints(stride).raw(0x89); // NEWFALSE
    this.global('collections', 'OrderedDict').raw(0x29, 0x52); // EMPTY_TUPLE, REDUCE
    return this.raw(0x74, 0x52); // TUPLE, REDUCE
  }
  /** an OrderedDict of `entries` (each writes its value) */
  dict(entries: [string, () => void][]): this {
    this.global('collections', 'OrderedDict').raw(0x29, 0x52); // OrderedDict()
    if (!entries.length) return this;
    this.raw(0x28);
    for (const [k, v] of entries) {
      this.str(k);
      v();
    }
    return this.raw(0x75); // SETITEMS
  }
  bytes(): Uint8Array {
    return concat([...this.parts, new Uint8Array([0x2e])]); // STOP
  }
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---------- zip (stored entries, and deflated ones given as raw streams) ----------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export interface ZipInput {
  readonly name: string;
  /** stored bytes, or a raw deflate stream with the size it inflates to */
  readonly data: Uint8Array | { readonly deflated: Uint8Array; readonly size: number };
}

/** A zip archive (no zip64: every entry under 4 GiB). CRCs of deflated entries are left 0 (no reader here checks them). */
export function zip(entries: readonly ZipInput[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = ascii(e.name);
    const stored = e.data instanceof Uint8Array;
    const body = e.data instanceof Uint8Array ? e.data : e.data.deflated;
    const size = e.data instanceof Uint8Array ? e.data.length : e.data.size;
    const crc = stored ? crc32(body) : 0;
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, stored ? 0 : 8, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, size, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, stored ? 0 : 8, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local, body);
    centrals.push(central);
    offset += local.length + body.length;
  }
  const dir = concat(centrals);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, dir.length, true);
  ev.setUint32(16, offset, true);
  return concat([...locals, dir, end]);
}

/**
 * A raw deflate stream of `size` zero bytes, about a thousandth of that: 16 MiB blocks compressed once with a
 * full flush (which empties the history, so copies of the block can follow one another), then a final empty block.
 */
export function deflatedZeros(size: number): Uint8Array {
  const block = 16 * 2 ** 20;
  const full = deflateRawSync(Buffer.alloc(Math.min(block, size)), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const rest = size % block;
  const parts: Uint8Array[] = Array(Math.floor(size / block)).fill(full);
  if (rest) parts.push(deflateRawSync(Buffer.alloc(rest), { level: 9, finishFlush: constants.Z_FULL_FLUSH }));
  parts.push(new Uint8Array([0x03, 0x00])); // BFINAL fixed-Huffman block holding only end-of-block
  return concat(parts);
}

/** A torch.save archive: `archive/data.pkl` plus storages `archive/data/<key>`, and any extra entries. */
export function torchArchive(pickle: Uint8Array, storages: Record<string, Uint8Array>, extra: readonly ZipInput[] = []): Uint8Array {
  return zip([{ name: 'archive/data.pkl', data: pickle }, ...Object.entries(storages).map(([k, data]) => ({ name: `archive/data/${k}`, data })), ...extra]);
}

// ---------- PNG ----------

function chunk(type: string, data: Uint8Array): Uint8Array {
  const head = new Uint8Array(8);
  new DataView(head.buffer).setUint32(0, data.length);
  head.set(ascii(type), 4);
  const tail = new Uint8Array(4);
  new DataView(tail.buffer).setUint32(0, crc32(data, crc32(ascii(type))));
  return concat([head, data, tail]);
}

/**
 * An 8-bit RGB PNG of `width` × `height` black pixels whose IDAT is a valid zlib stream of every row (filter
 * byte and zeros): a decompression bomb of about 1 MB for 20000 × 20000 (1.2 GB once decoded). With
 * `headerOnly` the IDAT is a token, for headers no machine could decode.
 */
export function blackPng(width: number, height: number, options: { headerOnly?: boolean } = {}): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  let idat: Uint8Array;
  if (options.headerOnly) idat = new Uint8Array([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
  else {
    const raw = height * (1 + 3 * width);
    const adler = new Uint8Array(4);
    new DataView(adler.buffer).setUint32(0, (((raw % 65521) << 16) | 1) >>> 0); // adler32 of `raw` zero bytes
    idat = concat([new Uint8Array([0x78, 0xda]), deflatedZeros(raw), adler]);
  }
  return concat([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}
