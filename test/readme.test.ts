/**
 * The README is short (what it is, install, the two commands, one library example that runs, the
 * command table, the map of src/) and the depth is in docs/: the docs quote only figures the suite
 * holds — each accuracy claim in test/helpers/claims.ts, which the parity tests assert at figure ×
 * CLAIM_MARGIN, appears in docs/ word for word, and the figures that follow from the code or the
 * fixtures are recomputed here. (Speed ratios are printed by `npm run bench`; results/README.md is
 * generated from the runs it reports.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { bridgeSchedule } from '../src/bridge/schedule.js';
import { COMMANDS } from '../src/cli/registry.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS } from '../src/models/presets.js';
import { countMacs, countParams } from '../src/models/spec.js';
import { CLAIMS, CLAIM_MARGIN } from './helpers/claims.js';
import { docsText } from './helpers/docs.js';

const squash = (s: string) => s.replace(/\s+/g, ' ');
const readme = squash(docsText());
const ROOT = join(import.meta.dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('docs/ accuracy figures', () => {
  it.each(Object.entries(CLAIMS))('%s is quoted as the tests hold it', (_, claim) => {
    expect(readme).toContain(squash(claim.quote));
    expect(claim.quote).toContain(claim.figure.toExponential());
  });
  it('states the margin the tests allow', () => {
    expect(CLAIM_MARGIN).toBe(1.5);
    expect(readme).toContain('the tests fail above 1.5× it');
  });
});

describe('docs/ figures computed from the code and the fixtures', () => {
  it('preset sizes and thop MACs at 256² (Models)', () => {
    const m = (name: string) => (countParams(MODEL_PRESETS[name].config) / 1e6);
    const g = (name: string) => (countMacs(MODEL_PRESETS[name].config, 256, 256).convAndLinear / 1e9).toFixed(1);
    expect(readme).toContain(`T ${m('T').toFixed(3)}M, S ${m('S').toFixed(2)}M, B ${m('B').toFixed(2)}M / ${g('B')} GMACs at 256²`);
    expect(readme).toContain(`L ${m('L').toFixed(2)}M / ${g('L')}G`);
  });
  it('how far conventions differ on the same pair (Metrics), from the reference values of the fixture photographs', () => {
    const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'metrics', 'reference.json'), 'utf8')) as {
      pairs: { values: { convention: string; cropBorder: number; resizeGt?: boolean; psnr: number | null }[] }[];
    };
    const yVsRgb: number[] = [];
    const basicsrVsMatlab: number[] = [];
    for (const pair of fixture.pairs) {
      const psnr = new Map(pair.values.filter((v) => v.cropBorder === 0 && !v.resizeGt && v.psnr !== null).map((v) => [v.convention, v.psnr!]));
      const [y, rgb, matlab] = [psnr.get('basicsr-y'), psnr.get('basicsr-rgb'), psnr.get('matlab-y')];
      if (y === undefined || rgb === undefined || matlab === undefined || y === rgb) continue; // grey pairs: Y = RGB
      yVsRgb.push(Math.abs(y - rgb));
      basicsrVsMatlab.push(Math.abs(y - matlab));
    }
    expect(yVsRgb.length).toBeGreaterThanOrEqual(6);
    expect(readme).toContain(`Y-channel and RGB PSNR by ${Math.min(...yVsRgb).toFixed(2)}–${Math.max(...yVsRgb).toFixed(2)} dB`);
    expect(readme).toContain(`BasicSR's and MATLAB's Y by up to ${Math.max(...basicsrVsMatlab).toFixed(2)} dB`);
  });
});

describe('docs/ on RDDM', () => {
  it("says which sum_scale is the class default and which RDDM's restoration scripts pass", () => {
    expect(readme).toContain("`sum_scale = 0.01` (`rddmSchedule`'s default, preset `rddm`) is the `ResidualDiffusion` class default for conditional models");
    expect(readme).toContain('RDDM\'s own restoration scripts (experiment 2, deraining) pass `sum_scale = 1` (preset `rddm-generation`)');
    expect(readme).not.toContain("RDDM's restoration default");
  });
});

describe('README.md', () => {
  it('is at most 12 KB and links every page of docs/', () => {
    expect(Buffer.byteLength(README)).toBeLessThanOrEqual(12 * 1024);
    for (const f of readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'))) expect(README).toContain(`(docs/${f})`);
  });

  it('lists every command of the registry in its command table', () => {
    for (const c of COMMANDS) expect(README, c.name).toContain(`\`rdbm ${c.name.split(' ')[0]}`);
  });

  it('runs its library example as it stands, printing what its comments say', () => {
    const block = /```ts\n([\s\S]*?)```/.exec(README.slice(README.indexOf('## In code')))![1];
    const expected = [...block.matchAll(/\/\/ → (\S+ \S+)/g)].map((m) => m[1]);
    expect(expected).toHaveLength(2);
    expect(block.trim().split('\n').length).toBeLessThanOrEqual(12);
    // the package by name resolves to this checkout's build (dist/, built by test/setup/build-dist.ts)
    const dir = mkdtempSync(join(ROOT, '.readme-example-'));
    try {
      const file = join(dir, 'example.mjs');
      writeFileSync(file, block.replace("from 'rdbm-lab'", `from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'index.js')).href)}`));
      const run = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout.trim().split('\n')).toEqual(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // and the figures it prints are the reference's: scikit-image on the same pair, the schedule's own values
    const reference = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'metrics', 'reference.json'), 'utf8')) as { pairs: { id: string; values: { convention: string; cropBorder: number; psnr: number; ssim: number }[] }[] };
    const even = reference.pairs.find((p) => p.id === 'even-noise')!.values.find((v) => v.convention === 'rdbm' && v.cropBorder === 0)!;
    expect(expected[0]).toBe(`${even.psnr.toFixed(2)} ${even.ssim.toFixed(4)}`);
    const s = bridgeSchedule({ schedule: 'cosine', timesteps: 100, lambda: 10 / 255 });
    expect(expected[1]).toBe(`${s.Theta[50].toFixed(4)} ${s.Sigma[50].toFixed(4)}`);
  });

  it('documents installing as a dependency, and the package holds what it says (npm pack)', () => {
    expect(README).toContain('npm install /path/to/rdbm-lab/rdbm-lab-0.1.0.tgz');
    const pack = spawnSync('npm', ['pack', '--dry-run', '--json'], { cwd: ROOT, encoding: 'utf8' });
    expect(pack.status, pack.stderr).toBe(0);
    const files = (JSON.parse(pack.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'bin/rdbm.js', 'data/zoo/T/zoo.json', 'data/photos/chelsea.png', 'package.json']) expect(files).toContain(f);
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('src/'))).toEqual([]);
  });
});

describe("README.md's line on the default job's zoo", () => {
  it('names its seeds and image size as the default scale (whole64) has them', async () => {
    const { SCALES, DEFAULT_SCALE } = await import('../src/experiments/scales.js');
    const w = SCALES[DEFAULT_SCALE];
    expect(DEFAULT_SCALE).toBe('whole64');
    const words = ['one', 'two', 'three', 'four', 'five'];
    const text = README.replace(/\s+/g, ' ');
    expect(text).toContain(`The zoo holds ${words[w.seeds!.length - 1]} training seeds per point on whole ${w.overrides.cropSize}-px images (\`--scale ${DEFAULT_SCALE}\`, trained on the native backend)`);
    expect(w.overrides.cropSize).toBe(w.overrides.datasetSize); // whole images: the crop is the image
    expect(SCALES.cpu.seeds).toBeUndefined();
    expect(text).toContain('`--scale cpu` restores the one-seed zoo before it');
  });
});

