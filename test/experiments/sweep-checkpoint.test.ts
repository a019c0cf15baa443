/** `rdbm sweep` with a given checkpoint: the collapsing training axes are refused (issue 14), and --dry-run says why jobs are not cached (issue 11). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { runExperiment } from '../../src/experiments/api.js';
import { capture, fakeExecutors } from './fakes.js';

const root = mkdtempSync(join(tmpdir(), 'rdbm-sweep-ckpt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('rdbm sweep with --rdbm-checkpoint', () => {
  it('refuses `lambda pi --rdbm-checkpoint X` (one line, exit 2) and plans it with --shared-checkpoint', async () => {
    const ckpt = join(root, 'x.pt');
    writeFileSync(ckpt, Buffer.from([7, 7, 7]));
    const c = capture();
    expect(await runCli(['sweep', 'lambda', 'pi', '--scale', 'smoke', '--rdbm-checkpoint', ckpt, '--dry-run', '--results', join(root, 'r')], c.io)).toBe(2);
    expect(c.err()).toBe(
      `rdbm: experiment lambda: its lambda axis changes training, but 3 points (lambda=0.00392157; lambda=0.0392157; lambda=0.392157) would all restore with the one checkpoint ${ckpt}, so they cannot differ as the axis says; give each point its own checkpoint (a checkpoint axis or points in an experiment file), or pass --shared-checkpoint to sample them all with it\n`,
    );
    const ok = capture();
    expect(await runCli(['sweep', 'lambda', 'pi', '--scale', 'smoke', '--rdbm-checkpoint', ckpt, '--shared-checkpoint', '--dry-run', '--json', '--results', join(root, 'r')], ok.io)).toBe(0);
    const plan = JSON.parse(ok.out());
    // no training; λ acts at sampling (3 restorations); π does not, so the 4 π points (λ = 10/255) share the λ = 10/255 one
    expect(plan.jobs).toEqual({ train: 0, restore: 3, evaluate: 3 });
  });

  it('--dry-run says why each job to run is not cached', async () => {
    const dir = join(root, 'why');
    await runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors({ calls: [] }) });
    const c = capture();
    expect(await runCli(['sweep', 'nfe', 'sampling-schedule', '--scale', 'smoke', '--dry-run', '--results', dir], c.io)).toBe(0);
    const lines = c.out().split('\n');
    const why = lines.slice(lines.indexOf('  why not cached:') + 1).filter(Boolean);
    // sampling-schedule's linear and sigmoid points: their restorations differ from the closest finished one in the schedule only
    expect(why).toHaveLength(4);
    expect(why[0]).toMatch(/^ {4}restore [0-9a-f]{8} \(sampling-schedule:sampleSchedule=linear\): not run with this key; closest earlier restore [0-9a-f]{8}: schedule "cosine" → "linear"$/);
    expect(why[1]).toMatch(/^ {4}evaluate [0-9a-f]{8} \(sampling-schedule:sampleSchedule=linear\): not run with this key; closest earlier evaluate [0-9a-f]{8}: the restore job it needs changed \([0-9a-f]{8} → [0-9a-f]{8}\)$/);
  });
});
