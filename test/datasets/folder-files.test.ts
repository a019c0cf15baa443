import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFolderFiles } from '../../src/datasets/folder-files.js';

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'rdbm-ff-'));
  mkdirSync(join(root, 'T', 'S', 'test', 'label'), { recursive: true });
  writeFileSync(join(root, 'T', 'S', 'test', 'label', 'b.png'), 'b');
  writeFileSync(join(root, 'T', 'S', 'test', 'label', 'a.png'), 'a');
  return root;
}

describe('listFolderFiles: every file a key must see (issue 32, defects 4 and 7)', () => {
  it('lists files in sorted order and follows links to folders (their files are data the layout reads)', () => {
    const root = tree();
    const other = mkdtempSync(join(tmpdir(), 'rdbm-ff-other-'));
    writeFileSync(join(other, 'c.png'), 'c');
    symlinkSync(other, join(root, 'T', 'S', 'test', 'linked'));
    expect(listFolderFiles(root).map((f) => f.rel)).toEqual(['T/S/test/label/a.png', 'T/S/test/label/b.png', 'T/S/test/linked/c.png']);
  });
  it('a link loop, a dangling link and a link back to a folder above are one-line errors naming the path', () => {
    const loop = tree();
    symlinkSync(join(loop, 'T', 'me.png'), join(loop, 'T', 'me.png'));
    expect(() => listFolderFiles(loop)).toThrow(new RegExp(`^${loop}: ${join(loop, 'T', 'me.png')} is a symbolic link loop \\(ELOOP\\); remove or fix the link$`));
    const dangling = tree();
    symlinkSync(join(dangling, 'gone.png'), join(dangling, 'T', 'x.png'));
    expect(() => listFolderFiles(dangling)).toThrow(`${dangling}: ${join(dangling, 'T', 'x.png')} is a dangling symbolic link (its target ${join(dangling, 'gone.png')} does not exist); remove or fix it`);
    const cycle = tree();
    symlinkSync(join(cycle, 'T'), join(cycle, 'T', 'S', 'up'));
    expect(() => listFolderFiles(cycle)).toThrow(`${cycle}: ${join(cycle, 'T', 'S', 'up')} links back to ${join(cycle, 'T')}, a folder above it (a directory cycle); remove or fix the link`);
  });
});
