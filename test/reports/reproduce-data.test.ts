/** `reproduce --data <root>` on a user's dataset, and `--report-only --data` after `sweep --data` (issue 14 point 3). */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { type Executors, runExperiment } from '../../src/experiments/index.js';
import { reproduce } from '../../src/reports/index.js';

const root = mkdtempSync(join(tmpdir(), 'rdbm-reproduce-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const TASKS = [['Deraining', 'Rain100H'], ['Dehazing', 'SOTS']] as const;

async function dataset(dir: string): Promise<string> {
  for (const [i, [task, sub]] of TASKS.entries()) {
    for (const kind of ['label', 'condition']) {
      const file = join(dir, task, sub, 'test', kind, 'a.png');
      mkdirSync(join(file, '..'), { recursive: true });
      await sharp(Buffer.alloc(8 * 8 * 3, kind === 'label' ? 200 : 60 + 40 * i), { raw: { width: 8, height: 8, channels: 3 } }).png().toFile(file);
    }
  }
  return dir;
}

/** Stand-ins for train/restore/evaluate on the given dataset; the PSNR encodes the NFE and the dataset's task. */
function executors(log: string[]): Executors {
  return {
    async prepareData(config) {
      log.push(`data ${config.dataset}`);
      return config.dataset;
    },
    async train({ outDir }) {
      log.push('train');
      return { checkpoint: outDir };
    },
    async restore({ dataRoot, outDir }) {
      log.push('restore');
      for (const [task, sub] of TASKS) {
        mkdirSync(join(outDir, task, sub), { recursive: true });
        copyFileSync(join(dataRoot, task, sub, 'test', 'condition', 'a.png'), join(outDir, task, sub, 'a.png'));
      }
      return { images: TASKS.length };
    },
    async evaluate({ job }) {
      log.push('evaluate');
      return { images: TASKS.map(([task, sub], i) => ({ task, subDataset: sub, name: 'a.png', psnr: 20 + job.config.nfe / 10 + i, ssim: 0.5 })) };
    },
    async environment() {
      return { backend: 'fake', versions: { 'rdbm-lab': 'test' } };
    },
  };
}

const quiet = () => ({ out: () => {}, err: () => {}, errIsTTY: false });

describe('reproduce on a user dataset', () => {
  it('--report-only --data finds the runs of `sweep --data`; without --data it finds none', async () => {
    const data = await dataset(join(root, 'uir'));
    const results = join(root, 'results');
    const log: string[] = [];
    await runExperiment('nfe', { scale: 'smoke', resultsDir: results, dataset: data, executors: executors(log) });
    expect(log.filter((l) => l === 'evaluate')).toHaveLength(5);
    const noRun = { ...executors(log), async restore(): Promise<never> { throw new Error('must not restore'); } };
    const r = await reproduce({ scale: 'smoke', resultsDir: results, io: { ...quiet() }, noPng: true, reportOnly: true, only: ['nfe'], dataset: data, executors: noRun });
    expect(r.sets).toHaveLength(1);
    expect(r.sets[0].dataset).toBe(data);
    // the unrestored input's row comes first (issue 12 point 3), then the axis points
    expect(r.sets[0].entries.map((e) => e.key)).toEqual(['input', '2', '10', '20', '50', '100']);
    r.sets[0].entries.slice(1).forEach((e, i) => expect(e.average.psnr).toBeCloseTo(20.5 + [2, 10, 20, 50, 100][i] / 10, 12));
    // task keys of reproduced.json: dehazing and deraining, from the Dehazing and Deraining folders
    const reproduced = JSON.parse(readFileSync(join(results, 'reproduced.json'), 'utf8'));
    expect(Object.keys(reproduced.sets[0].entries[0].tasks).sort()).toEqual(['dehazing', 'deraining']);
    expect(readFileSync(join(results, 'README.md'), 'utf8')).toContain(`Regenerate with \`rdbm reproduce --scale smoke --data ${data}\``);
    await expect(reproduce({ scale: 'smoke', resultsDir: results, io: { ...quiet() }, noPng: true, reportOnly: true, only: ['nfe'], executors: noRun })).rejects.toThrow(
      'no finished runs at scale smoke in',
    );
  }, 120_000);

  it('reproduce --data runs the experiments on the dataset (CLI accepts --data)', async () => {
    const data = await dataset(join(root, 'uir2'));
    const results = join(root, 'results2');
    const log: string[] = [];
    const r = await reproduce({ scale: 'smoke', resultsDir: results, io: { ...quiet() }, noPng: true, only: ['nfe'], dataset: data, executors: executors(log) });
    // the runs and the input row both prepare the user's dataset, and only it
    expect(new Set(log.filter((l) => l.startsWith('data')))).toEqual(new Set([`data ${data}`]));
    expect(r.sets[0].dataset).toBe(data);
    const c = { out: [] as string[], err: [] as string[] };
    const io = { out: (t: string) => void c.out.push(t), err: (t: string) => void c.err.push(t), errIsTTY: false };
    expect(await runCli(['reproduce', '--scale', 'smoke', '--report-only', '--data', join(root, 'nowhere'), '--results', results], io)).toBe(2);
    expect(c.err.join('')).toBe(`rdbm: dataset folder not found: ${join(root, 'nowhere')} (expected <root>/<Task>/<SubDataset>/{train,test}/{label,condition})\n`);
  }, 120_000);
});
