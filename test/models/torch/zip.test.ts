import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { listZip, readZipEntry } from '../../../src/models/torch/zip.js';
import { FIXTURES } from '../helpers.js';
import { zip } from '../../security/hostile.js';

describe('the zip reader of torch.save files (issue 32, defect 1)', () => {
  it('lists the central directory and reads stored entries as views of the file', () => {
    const bytes = readFileSync(join(FIXTURES, 'unet_d8_m1_trainer.pt'));
    const entries = listZip(bytes);
    expect(entries.size).toBe(209);
    const pkl = entries.get('unet_d8_m1_trainer/data.pkl')!;
    expect(pkl).toMatchObject({ compression: 0, size: 32465 });
    const data = readZipEntry(bytes, pkl);
    expect(data.buffer).toBe(bytes.buffer); // a view, not a copy
    expect(data[0]).toBe(0x80); // PROTO
  });
  it('inflates a deflated entry to its declared size and refuses one that inflates past it', () => {
    const body = new Uint8Array(1000).fill(7);
    const deflated = deflateRawSync(body);
    const good = zip([{ name: 'a', data: { deflated, size: 1000 } }]);
    expect(readZipEntry(good, listZip(good).get('a')!)).toEqual(body);
    const lying = zip([{ name: 'a', data: { deflated, size: 10 } }]);
    expect(() => readZipEntry(lying, listZip(lying).get('a')!)).toThrow('a inflates past the 10 bytes it declares');
  });
  it('refuses a damaged directory', () => {
    expect(() => listZip(new Uint8Array(100))).toThrow(/damaged zip archive \(no end of central directory\)/);
  });
});
