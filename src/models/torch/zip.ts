/**
 * The zip archive of a `torch.save` file, read entry by entry: the central directory is listed (sizes, no
 * data), and an entry's bytes are produced only when asked for — a view into the file for stored entries
 * (what torch.save writes), an inflation stopped at the declared size for deflated ones. So an entry
 * the pickle never references is never inflated, and no entry can make the reader allocate more than the
 * size it declares, which the caller checks against its limit first (issue 32, item 1).
 */
import { inflateRawSync } from 'node:zlib';
import { UnpickleError } from './unpickle.js';

export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflated */
  readonly compression: number;
  /** bytes in the archive */
  readonly compressedSize: number;
  /** declared bytes once inflated */
  readonly size: number;
  /** offset of the entry's local header */
  readonly headerOffset: number;
}

/** At most this many entries are listed (a torch file has one per storage plus a few). */
export const MAX_ZIP_ENTRIES = 1_000_000;

const u16 = (d: DataView, at: number) => d.getUint16(at, true);
const u32 = (d: DataView, at: number) => d.getUint32(at, true);
const u64 = (d: DataView, at: number) => Number(d.getBigUint64(at, true));

function need(ok: boolean, what: string): void {
  if (!ok) throw new UnpickleError(`damaged zip archive (${what})`);
}

/** The entries of the archive's central directory (throws UnpickleError on a damaged or oversized directory). */
export function listZip(bytes: Uint8Array): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let at = bytes.length - 22; at >= 0 && at >= bytes.length - 22 - 0xffff; at--) {
    if (u32(view, at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  need(end >= 0, 'no end of central directory');
  let count = u16(view, end + 10);
  let offset = u32(view, end + 16);
  // zip64: the locator sits right before the end record and points at the zip64 end record
  if (end >= 20 && u32(view, end - 20) === 0x07064b50) {
    const at = u64(view, end - 12);
    need(at + 56 <= bytes.length && u32(view, at) === 0x06064b50, 'bad zip64 end record');
    count = u64(view, at + 32);
    offset = u64(view, at + 48);
  }
  if (count > MAX_ZIP_ENTRIES) throw new UnpickleError(`the archive lists ${count} entries (limit ${MAX_ZIP_ENTRIES})`);
  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder();
  let at = offset;
  for (let i = 0; i < count; i++) {
    need(at + 46 <= bytes.length && u32(view, at) === 0x02014b50, `central directory entry ${i}`);
    const compression = u16(view, at + 10);
    let compressedSize = u32(view, at + 20);
    let size = u32(view, at + 24);
    const nameLength = u16(view, at + 28);
    const extraLength = u16(view, at + 30);
    const commentLength = u16(view, at + 32);
    let headerOffset = u32(view, at + 42);
    need(at + 46 + nameLength + extraLength <= bytes.length, `central directory entry ${i}`);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    // zip64 extra field (id 1): the 8-byte values of the fields saturated at 0xffffffff, in this order
    for (let x = at + 46 + nameLength; x + 4 <= at + 46 + nameLength + extraLength; x += 4 + u16(view, x + 2)) {
      if (u16(view, x) !== 1) continue;
      let f = x + 4;
      if (size === 0xffffffff) (size = u64(view, f)), (f += 8);
      if (compressedSize === 0xffffffff) (compressedSize = u64(view, f)), (f += 8);
      if (headerOffset === 0xffffffff) headerOffset = u64(view, f);
    }
    entries.set(name, { name, compression, compressedSize, size, headerOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The bytes of one entry: a view for a stored entry, at most `entry.size` inflated bytes for a deflated one. */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = entry.headerOffset;
  need(h + 30 <= bytes.length && u32(view, h) === 0x04034b50, `local header of ${entry.name}`);
  const start = h + 30 + u16(view, h + 26) + u16(view, h + 28);
  need(start + entry.compressedSize <= bytes.length, `${entry.name} runs past the end of the file`);
  const data = bytes.subarray(start, start + entry.compressedSize);
  if (entry.compression === 0) {
    need(entry.compressedSize === entry.size, `${entry.name}: stored sizes disagree`);
    return data;
  }
  if (entry.compression !== 8) throw new UnpickleError(`${entry.name}: unsupported zip compression ${entry.compression}`);
  // zlib stops at the declared size: an entry that inflates past it (a lying size) is refused, never grown
  let out: Buffer;
  try {
    out = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UnpickleError(code === 'ERR_BUFFER_TOO_LARGE' ? `${entry.name} inflates past the ${entry.size} bytes it declares` : `${entry.name}: cannot inflate (${String((error as Error).message).split('\n')[0]})`);
  }
  need(out.length === entry.size, `${entry.name} inflates to ${out.length} bytes, not the ${entry.size} it declares`);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
