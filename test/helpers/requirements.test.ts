import { mkdtempSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distIsStale } from '../setup/build-dist.js';
import { requireTool } from './requirements.js';

describe('missing tools', () => {
  it('fail under CI=true and are skipped elsewhere, the skip naming what was not checked', () => {
    const notes: string[] = [];
    const ctx = { skip: ((note?: string) => void notes.push(note ?? '')) as never };
    expect(() => requireTool(ctx, 'jupyter nbconvert not found', 'executing the notebooks', true)).toThrow(
      /^jupyter nbconvert not found: CI=true, so executing the notebooks fails instead of being skipped$/,
    );
    expect(notes).toEqual([]);
    requireTool(ctx, 'clang not found', 'checking the embedded WebAssembly', false);
    expect(notes).toEqual(['checking the embedded WebAssembly: clang not found']);
    requireTool(ctx, undefined, 'anything', true);
    expect(notes).toHaveLength(1);
  });
});

describe('dist/ freshness (the global setup builds before any test file runs)', () => {
  it('is stale when missing or older than a source file', () => {
    const root = mkdtempSync(join(tmpdir(), 'rdbm-dist-'));
    try {
      mkdirSync(join(root, 'src', 'a'), { recursive: true });
      writeFileSync(join(root, 'src', 'a', 'x.ts'), '');
      writeFileSync(join(root, 'tsconfig.json'), '{}');
      writeFileSync(join(root, 'tsconfig.build.json'), '{}');
      expect(distIsStale(root)).toBe(true);
      mkdirSync(join(root, 'dist'));
      writeFileSync(join(root, 'dist', 'index.js'), '');
      const t = Date.now() / 1000;
      for (const f of ['src/a/x.ts', 'tsconfig.json', 'tsconfig.build.json']) utimesSync(join(root, f), t - 10, t - 10);
      utimesSync(join(root, 'dist', 'index.js'), t - 5, t - 5);
      expect(distIsStale(root)).toBe(false);
      utimesSync(join(root, 'src', 'a', 'x.ts'), t, t);
      expect(distIsStale(root)).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
