/** Zoo entries are checkpoints (issue 33 item 7): `--checkpoint data/zoo/T` and `--checkpoint T` work, in the entry's recorded windows. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { tileWindows } from '../../src/models/tiles.js';
import { BUNDLED_ZOO_DIR, readZooEntry, zooEntryCheckpoint, zooEntryWindows } from '../../src/zoo/entry.js';
import { captureIo } from '../helpers/io.js';

const root = mkdtempSync(join(tmpdir(), 'rdbm-zoo-checkpoint-'));
const input = join(root, 'in', 'chelsea.png');
const T = join(BUNDLED_ZOO_DIR, 'T');
const here = relative(process.cwd(), T); // data/zoo/T from the checkout's root
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  mkdirSync(join(root, 'in'), { recursive: true });
  // 48 × 48: larger than T's 32-px training crop, so windows and whole-image restoration differ
  await sharp(join(import.meta.dirname, '..', '..', 'data', 'photos', 'chelsea.png')).resize(48, 48).png().toFile(input);
});

describe('zooEntryCheckpoint', () => {
  it('finds an entry by folder, by name and by its checkpoint folder, and nothing else', () => {
    for (const value of [T, `${T}/`, 'T', join(T, 'checkpoint')]) expect(zooEntryCheckpoint(value)?.checkpoint, value).toBe(join(T, 'checkpoint'));
    expect(zooEntryCheckpoint('no-such-entry')).toBeUndefined();
    expect(zooEntryCheckpoint(join(import.meta.dirname, '..', 'fixtures'))).toBeUndefined();
  });
});

describe('zooEntryWindows', () => {
  it('gives the windows an entry\'s results were restored in: its training crop for tile crop or grid, none for auto', () => {
    expect(zooEntryWindows(readZooEntry(T))).toEqual({ size: 32, overlap: 4 });
    expect(zooEntryWindows({ config: { tile: 'grid', cropSize: 32 } })).toEqual({ size: 32, overlap: 0 });
    expect(zooEntryWindows({ config: { tile: 'auto', cropSize: 32 } })).toBeUndefined();
    expect(zooEntryWindows({ config: { cropSize: 32 } })).toBeUndefined();
  });
});

describe('rdbm restore with a zoo entry', () => {
  const restore = async (checkpoint: string, out: string, extra: string[] = []) => {
    const io = captureIo();
    const code = await runCli(['restore', '--checkpoint', checkpoint, '--input', input, '--output', join(root, out), '--nfe', '2', '--backend', 'cpu', '--workers', '1', ...extra], io);
    return { code, io, png: () => readFileSync(join(root, out, 'chelsea.png')) };
  };

  it('takes the entry folder (data/zoo/T) and its name (T), restoring in its recorded windows and saying so', async () => {
    const entry = readZooEntry(T);
    const windows = tileWindows(entry.config.tile as 'crop', Number(entry.config.cropSize))!;
    expect(windows).toEqual({ size: 32, overlap: 4 });
    const byFolder = await restore(here, 'folder');
    expect(byFolder.code, byFolder.io.stderr).toBe(0);
    expect(byFolder.io.stderr).toContain(`zoo entry T (${join(here, 'checkpoint')}): restoring in 32-px windows overlapping by 4 (its recorded tile mode crop, as its results were made; --tile 0 restores whole images)`);
    const byName = await restore('T', 'name');
    expect(byName.code).toBe(0);
    expect(byName.png().equals(byFolder.png())).toBe(true);
    // the same bytes as the checkpoint itself with those windows spelled out
    const explicit = await restore(join(here, 'checkpoint'), 'explicit', ['--tile', '32', '--overlap', '4']);
    expect(explicit.png().equals(byFolder.png())).toBe(true);
    // whole images when asked: a different restoration
    const whole = await restore('T', 'whole', ['--tile', '0']);
    expect(whole.io.stderr).toContain('zoo entry T (');
    expect(whole.io.stderr).toContain('restoring with the --tile given');
    expect(whole.png().equals(byFolder.png())).toBe(false);
  }, 120_000);
});

describe('other commands', () => {
  it('zoo list prints each entry\'s path; model info takes an entry folder', async () => {
    const list = captureIo();
    expect(await runCli(['zoo', 'list'], list)).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines.find((l) => l.startsWith('T '))).toMatch(new RegExp(`  ${here.replace(/[/.]/g, '\\$&')}$`));
    const json = captureIo();
    expect(await runCli(['zoo', 'list', '--json'], json)).toBe(0);
    expect((JSON.parse(json.stdout) as { name: string; path: string }[]).find((e) => e.name === 'T')!.path).toBe(here);
    const info = captureIo();
    expect(await runCli(['model', 'info', here, '--json'], info)).toBe(0);
    const preset = captureIo();
    expect(await runCli(['model', 'info', 'T', '--json'], preset)).toBe(0);
    expect(JSON.parse(info.stdout).params).toBe(JSON.parse(preset.stdout).params);
  });
});
