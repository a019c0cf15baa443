/** Collect once (issue 33 item 1): a reproduce plans each experiment once and reads its runs once. */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../src/experiments/plan.js', async (importOriginal) => {
  const plan = await importOriginal<typeof import('../../src/experiments/plan.js')>();
  return { ...plan, planSweep: vi.fn(plan.planSweep) };
});

const { planSweep } = await import('../../src/experiments/plan.js');
const { collect, runAndCollect } = await import('../../src/experiments/collect.js');
const { planExperiments } = await import('../../src/experiments/api.js');
const { reproduce } = await import('../../src/reports/reproduce.js');
const { TASKS, capture, fakeExecutors } = await import('./fakes.js');

const root = mkdtempSync(join(tmpdir(), 'rdbm-collect-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The fakes' executors, with a test split on disk so the unrestored input can be laid out and scored. */
function executors() {
  const log = { calls: [] as { kind: string; key: string }[] };
  const fake = fakeExecutors(log as Parameters<typeof fakeExecutors>[0]);
  return {
    log,
    executors: {
      ...fake,
      async prepareData(...args: Parameters<typeof fake.prepareData>) {
        const dir = await fake.prepareData(...args);
        for (const [task, sub] of TASKS) {
          for (const kind of ['label', 'condition']) {
            const file = join(dir, task, sub, 'test', kind, 'img_0.png');
            if (existsSync(file)) continue;
            mkdirSync(join(file, '..'), { recursive: true });
            await sharp(Buffer.alloc(4 * 4 * 3, kind === 'label' ? 200 : 50), { raw: { width: 4, height: 4, channels: 3 } }).png().toFile(file);
          }
        }
        return dir;
      },
    },
  };
}

beforeEach(() => {
  vi.mocked(planSweep).mockClear();
});

describe('runAndCollect', () => {
  it('plans the experiments once, runs each, and collects one set per experiment with its input row first', async () => {
    const dir = join(root, 'a');
    const { executors: ex } = executors();
    const r = await runAndCollect(['nfe', 'lambda'], { scale: 'smoke', resultsDir: dir, executors: ex });
    expect(vi.mocked(planSweep).mock.calls).toHaveLength(1);
    expect(r.done).toEqual(['nfe', 'lambda']);
    expect(r.failed).toEqual([]);
    expect(r.sets.map((s) => s.scores.experiment)).toEqual(['nfe', 'lambda']);
    const nfe = r.sets[0];
    expect(nfe.axis).toBe('nfe');
    expect(nfe.scores.points.map((p) => p.key)).toEqual(['input', '2', '10', '20', '50', '100']);
    expect(nfe.scores.default).toBe('10');
    // task folders become the report's task keys
    expect(nfe.scores.points[1].images.map((i) => i.task)).toContain('low-light');
    // the fakes' PSNR: 20 + NFE/10 + task index on img_0
    expect(nfe.scores.points[1].images[0].psnr).toBeCloseTo(20.2, 12);
    // the grid's source points at each point's restore folder
    expect(nfe.grid!.columns.map((c) => c.label)).toEqual(['NFE 2', 'NFE 10', 'NFE 20', 'NFE 50', 'NFE 100']);
  });

  it('with reportOnly runs nothing, and collect on a plan reads the same sets', async () => {
    const dir = join(root, 'a');
    const { executors: ex, log } = executors();
    const again = await runAndCollect(['nfe'], { scale: 'smoke', resultsDir: dir, executors: ex, reportOnly: true });
    expect(log.calls.filter((c) => c.kind === 'train' || c.kind === 'restore')).toEqual([]);
    const plan = planExperiments(['nfe'], { scale: 'smoke' });
    const direct = await collect(plan, { resultsDir: dir, executors: ex });
    expect(direct.sets.map((s) => s.scores)).toEqual(again.sets.map((s) => s.scores));
    // every distinct finished job's seconds counted once: one training group serves all five NFE points
    expect(direct.seconds.train).toBe(again.seconds.train);
  });

  it('keeps going when an experiment fails and says which', async () => {
    const { executors: ex } = executors();
    const failing = { ...ex, async train(): Promise<never> { throw new Error('no kernel'); } };
    const failed: string[] = [];
    const r = await runAndCollect(['nfe'], { scale: 'smoke', resultsDir: join(root, 'b'), executors: failing, onFailed: (name, reason) => failed.push(`${name}: ${reason}`) });
    expect(r.failed).toEqual([{ name: 'nfe', reason: 'no kernel' }]);
    expect(failed).toEqual(['nfe: no kernel']);
    expect(r.sets).toEqual([]);
  });
});

describe('reproduce', () => {
  it('plans each experiment once (it planned each about six times before collect)', async () => {
    const { executors: ex } = executors();
    const { io } = capture();
    const r = await reproduce({ scale: 'smoke', resultsDir: join(root, 'c'), io, noPng: true, only: ['nfe', 'lambda'], executors: ex });
    expect(r.failed).toEqual([]);
    expect(vi.mocked(planSweep).mock.calls).toHaveLength(1);
    expect(vi.mocked(planSweep).mock.calls[0][0].map((e) => e.name)).toEqual(['nfe', 'lambda']);
  });
});
