import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { Executors } from '../../src/experiments/index.js';
import { reproduce } from '../../src/reports/index.js';
import { runCli } from '../../src/cli/main.js';
import { spawnSync } from 'node:child_process';

const TASK_FOLDERS = [['Deraining', 'MiniRain'], ['Enlighening', 'MiniLowLight'], ['Desnowing', 'MiniSnow'], ['Dehazing', 'MiniHaze'], ['Deblur', 'MiniBlur']] as const;

async function png(path: string, value: number): Promise<void> {
  mkdirSync(join(path, '..'), { recursive: true });
  await sharp(Buffer.alloc(8 * 8 * 3, value), { raw: { width: 8, height: 8, channels: 3 } }).png().toFile(path);
}

/** A stand-in for training/restoring/scoring: a real 8×8 dataset, outputs copied from the inputs, PSNR a function of the config. */
export function fakeExecutors(): Executors {
  return {
    async prepareData(config, datasetsDir) {
      const root = join(datasetsDir, `mini-uir-${config.datasetSize}`);
      for (const [i, [task, sub]] of TASK_FOLDERS.entries()) {
        for (const kind of ['label', 'condition']) {
          const file = join(root, task, sub, 'test', kind, 'img_0.png');
          if (!existsSync(file)) await png(file, kind === 'label' ? 200 : 40 * i);
        }
      }
      return root;
    },
    async train({ job, outDir }) {
      writeFileSync(join(outDir, 'weights.bin'), job.key);
      return { checkpoint: join(outDir, 'weights.bin') };
    },
    async restore({ dataRoot, outDir }) {
      for (const [task, sub] of TASK_FOLDERS) {
        mkdirSync(join(outDir, task, sub), { recursive: true });
        copyFileSync(join(dataRoot, task, sub, 'test', 'condition', 'img_0.png'), join(outDir, task, sub, 'img_0.png'));
      }
      return { images: TASK_FOLDERS.length };
    },
    async evaluate({ job }) {
      const c = job.config;
      const offset = c.nfe / 10 + c.lambda + (c.schedule === 'cosine' ? 1 : 0) + (c.pi === 'residual' ? 0.5 : 0);
      return { images: TASK_FOLDERS.map(([task, sub], i) => ({ task, subDataset: sub, name: 'img_0.png', psnr: 20 + offset + i, ssim: 0.5 + i / 100 })) };
    },
    async environment() {
      return { backend: 'fake', versions: { 'rdbm-lab': 'test' } };
    },
  };
}

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'rdbm-reproduce-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function capture() {
  const err: string[] = [];
  const out: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), errIsTTY: false }, err, out };
}

describe('reproduce (runner with fake executors)', () => {
  it('runs every bundled experiment and writes tables, plots, grids and a README', async () => {
    const dir = tmp();
    const { io, err } = capture();
    const result = await reproduce({ scale: 'smoke', resultsDir: dir, io, noPng: true, executors: fakeExecutors() });
    expect(result.failed).toEqual([]);
    expect(result.sets.map((s) => s.experiment)).toEqual(['main', 'schedule', 'lambda', 'nfe', 'pi', 'size']);
    // progress on stderr: one line per experiment and the report
    expect(err.join('')).toMatch(/reproduce \[1\/6\] main \(scale smoke/);
    expect(err.join('')).toMatch(/report: rendering plots/);

    // per-task figures and the mean of the task means come from the run files
    const nfe = result.sets.find((s) => s.experiment === 'nfe')!;
    const two = nfe.entries.find((e) => e.key === '2')!;
    const expected = 20 + 0.2 + 10 / 255 + 1 + 0.5;
    expect(two.tasks.deraining.psnr).toBeCloseTo(expected, 10);
    expect(two.tasks['low-light'].psnr).toBeCloseTo(expected + 1, 10);
    expect(two.average.psnr).toBeCloseTo(expected + 2, 10);
    const lambda = result.sets.find((s) => s.experiment === 'lambda')!;
    expect(lambda.entries.map((e) => e.label)).toEqual(['Input (unrestored)', '1/255', '10/255', '100/255']);

    // the input row: scored by the same evaluate executor as the restorations, on the same test images
    const input = lambda.entries[0];
    expect(input.key).toBe('input');
    expect(Object.values(input.tasks).map((t) => t.images)).toEqual([1, 1, 1, 1, 1]);
    expect(input.seeds).toBeUndefined();
    for (const set of result.sets) expect(set.entries[0].key, set.experiment).toBe('input');
    // Δ against the default entry (λ = 10/255) on every other entry; one seed each; fake scores differ by a constant per config
    expect(lambda.default).toBe(String(10 / 255));
    const [, low, def, high] = lambda.entries;
    expect(def.delta).toBeUndefined();
    expect(low.seeds).toBe(1);
    expect(low.delta!.psnr!.mean).toBeCloseTo(low.average.psnr! - def.average.psnr!, 12);
    expect(low.delta!.psnr!.mean).toBeCloseTo(1 / 255 - 10 / 255, 12);
    // one test image per task at smoke scale: no interval to resample, the table says n/a and marks nothing
    expect([low.delta!.psnr!.low, low.delta!.psnr!.high]).toEqual([null, null]);
    // and no p: it comes from the same distribution as the interval
    expect([low.delta!.psnr!.p, low.delta!.psnr!.equivalence]).toEqual([null, null]);
    expect(high.delta!.pairs).toBe(5);
    const written = JSON.parse(readFileSync(join(dir, 'reproduced.json'), 'utf8'));
    const writtenLambda = written.sets.find((s: { experiment: string }) => s.experiment === 'lambda');
    expect(Object.keys(writtenLambda.entries[1].delta)).toEqual(['psnr', 'ssim', 'against', 'pairs']);
    expect(Object.keys(writtenLambda.entries[1].delta.psnr)).toEqual(['mean', 'low', 'high', 'p', 'equivalence']);
    // per-image differences for anyone's own analysis: one row per non-default entry and test image
    const deltas = readFileSync(join(dir, 'deltas/lambda.csv'), 'utf8').trim().split('\n');
    expect(deltas[0]).toBe('experiment,convention,key,label,against,task,subDataset,name,seed,psnrDefault,psnr,psnrDelta,ssimDefault,ssim,ssimDelta');
    expect(deltas).toHaveLength(1 + 3 * 5);
    expect(deltas[1]).toMatch(/^lambda,rdbm,input,Input \(unrestored\),0\.0392156862745098\d*,deraining,MiniRain,img_0\.png,0,/);

    const csv = readFileSync(join(dir, 'tables/ablation-lambda.csv'), 'utf8').split('\n');
    expect(csv[1]).toMatch(/^ablation-lambda,rdbm,smoke,Input \(unrestored\),,/);
    // Δ PSNR and its interval, Δ SSIM and its interval (n/a: one image per task), the reading (n/a)
    expect(csv[1]).toMatch(/,[-0-9.e]+,n\/a,[-0-9.e]+,n\/a,PSNR n\/a; SSIM n\/a$/);
    expect(csv[3]).toMatch(/^ablation-lambda,rdbm,smoke,10\/255 \(default\),31\.04,2[0-9.]+,0\.917,/);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('scale **smoke**, metric convention **rdbm**');
    expect(readme).toContain('| RDBM-tiny |');
    expect(readme).toContain('plots/restorations-main.svg');
    for (const file of ['plots/psnr-vs-nfe.svg', 'plots/psnr-vs-cost.vl.json', 'plots/bridge-curves.svg', 'plots/restorations-main.svg', 'tables/main.tex', 'tables/per-task-pi.md', 'reproduced.json']) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    expect(readFileSync(join(dir, 'plots/restorations-main.svg'), 'utf8')).toContain('data:image/png;base64,');

    // a second run reuses every finished job
    const again = capture();
    await reproduce({ scale: 'smoke', resultsDir: dir, io: again.io, noPng: true, only: ['nfe'], executors: fakeExecutors() });
    expect(again.err.join('')).not.toMatch(/train /);

    // --report-only runs nothing and rebuilds the same report from the finished runs
    const before = readFileSync(join(dir, 'tables/ablation-nfe.csv'), 'utf8');
    rmSync(join(dir, 'tables'), { recursive: true });
    const rebuilt = capture();
    const noRun = { ...fakeExecutors(), async train(): Promise<never> { throw new Error('must not train'); } };
    const result2 = await reproduce({ scale: 'smoke', resultsDir: dir, io: rebuilt.io, noPng: true, reportOnly: true, executors: noRun });
    expect(result2.failed).toEqual([]);
    expect(readFileSync(join(dir, 'tables/ablation-nfe.csv'), 'utf8')).toBe(before);
    expect(rebuilt.err.join('')).not.toMatch(/reproduce \[1\/6\]/);
  });

  it('keeps going when an experiment fails and lists it in the README', async () => {
    const dir = tmp();
    const failing = { ...fakeExecutors(), async train(): Promise<never> { throw new Error('no kernel for this backend'); } };
    const { io } = capture();
    const result = await reproduce({ scale: 'smoke', resultsDir: dir, io, noPng: true, only: ['nfe'], executors: failing });
    expect(result.failed).toEqual([{ name: 'nfe', reason: 'no kernel for this backend' }]);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('- nfe: no kernel for this backend');
  });

  it('--report-only refuses to overwrite a report when no finished runs exist', async () => {
    const { io } = capture();
    await expect(reproduce({ scale: 'quick', resultsDir: tmp(), io, reportOnly: true, executors: fakeExecutors() })).rejects.toThrow(
      /no finished runs at scale quick in .* \(run `rdbm reproduce --scale quick` without --report-only first\)/,
    );
  });

  it('CLI: rejects an unknown scale and an unknown experiment with exit code 2', async () => {
    const a = capture();
    expect(await runCli(['reproduce', '--scale', 'huge'], a.io)).toBe(2);
    expect(a.err.join('')).toMatch(/scale/);
    const b = capture();
    expect(await runCli(['reproduce', '--scale', 'smoke', '--only', 'nope', '--results', tmp()], b.io)).toBe(2);
    expect(b.err.join('')).toMatch(/rdbm: unknown experiment: "nope" \(expected one of main, schedule, lambda, nfe, pi, size\)/);
  });

  it('spawned bin/rdbm.js (dist/ built by test/setup/build-dist.ts): --help lists the options, a bad scale exits 2 without a stack trace', () => {
    const bin = new URL('../../bin/rdbm.js', import.meta.url).pathname;
    const help = spawnSync(process.execPath, [bin, 'reproduce', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    for (const option of ['--scale', '--results', '--only', '--no-png', '--report-only']) expect(help.stdout).toContain(option);
    const bad = spawnSync(process.execPath, [bin, 'reproduce', '--scale', 'huge'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^rdbm: .*scale.*huge/);
  });
});
