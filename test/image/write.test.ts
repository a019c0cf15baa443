import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImage, writeImage } from '../../src/image/io.js';

describe('writeImage', () => {
  it('round-trips PNG losslessly, creates the folder and leaves no temporary file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdbm-write-'));
    const data = Uint8Array.from({ length: 5 * 4 * 3 }, (_, i) => (i * 37) % 256);
    const path = join(dir, 'nested', 'out.png');
    await writeImage(path, { width: 5, height: 4, channels: 3, data });
    expect(readdirSync(join(dir, 'nested'))).toEqual(['out.png']);
    const back = await readImage(path);
    expect([back.width, back.height, back.channels]).toEqual([5, 4, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });
});
