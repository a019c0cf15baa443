/**
 * Workers as separate processes on one results folder (the real CLI, real smoke-scale training):
 *   - two identical `rdbm sweep lambda --scale smoke` started at once run each of the 9 jobs exactly once and both
 *     exit 0; every training history has each step once, and `zoo add` copies no duplicate;
 *   - a worker killed (SIGKILL) mid-job leaves its lease; the next worker takes the job over at once (its pid is
 *     gone) and finishes the sweep.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RdbmError } from '../../src/errors.js';
import { readZooEntry } from '../../src/zoo/entry.js';
import { addZooEntry } from '../../src/zoo/add.js';

const bin = new URL('../../bin/rdbm.js', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'rdbm-concurrent-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(args: readonly string[]): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

const steps = (runDir: string) => readFileSync(join(runDir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step as number);
const leftovers = (dir: string) => ['leases', 'failures'].flatMap((d) => (existsSync(join(dir, d)) ? readdirSync(join(dir, d)) : []));

describe('workers as processes on one results folder', () => {
  it('two identical sweeps started at once run each job exactly once, both exit 0, and zoo add copies no duplicate history', async () => {
    const results = join(root, 'two');
    const sweep = ['sweep', 'lambda', '--scale', 'smoke', '--results', results, '--json'];
    const [a, b] = await Promise.all([start(sweep).done, start(sweep).done]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const ra = JSON.parse(a.stdout);
    const rb = JSON.parse(b.stdout);
    const total = (k: 'train' | 'restore' | 'evaluate') => ra.ran[k] + rb.ran[k];
    // 9 jobs, each run by exactly one of the two
    expect({ train: total('train'), restore: total('restore'), evaluate: total('evaluate') }).toEqual({ train: 3, restore: 3, evaluate: 3 });
    expect(ra.byOthers).toEqual(rb.ran);
    expect(rb.byOthers).toEqual(ra.ran);
    // both report every run, with the same scores
    expect(ra.runs).toHaveLength(3);
    expect([...ra.runs].sort((x: { key: string }, y: { key: string }) => x.key.localeCompare(y.key))).toEqual([...rb.runs].sort((x: { key: string }, y: { key: string }) => x.key.localeCompare(y.key)));
    expect(readdirSync(join(results, 'runs'))).toHaveLength(3);
    expect(readdirSync(join(results, 'jobs'))).toHaveLength(6);
    expect(leftovers(results)).toEqual([]);
    const runDirs = readdirSync(join(results, 'checkpoints')).map((d) => join(results, 'checkpoints', d));
    expect(runDirs).toHaveLength(3);
    for (const dir of runDirs) expect(steps(dir)).toEqual([2]);

    const zoo = join(root, 'zoo');
    const added = start(['zoo', 'add', 'lambda', '--results', results, '--scale', 'smoke', '--zoo', zoo]);
    const z = await added.done;
    expect(z.code, z.stderr).toBe(0);
    const entries = readdirSync(zoo);
    expect(entries).toHaveLength(3);
    for (const name of entries) expect(readZooEntry(join(zoo, name)).history.map((h) => h.step)).toEqual([2]);

    // and a run whose history was written twice (what unguarded concurrent sweeps produced) is refused, not copied
    const doubled = join(root, 'doubled');
    cpSync(runDirs[0], doubled, { recursive: true });
    appendFileSync(join(doubled, 'history.jsonl'), readFileSync(join(doubled, 'history.jsonl'), 'utf8'));
    const entry = readZooEntry(join(zoo, entries[0]));
    let error: unknown;
    try {
      addZooEntry({ ...entry, zooDir: join(root, 'zoo-doubled'), runDir: doubled });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RdbmError);
    expect((error as Error).message).toBe(`${doubled}: history.jsonl line 2 repeats or goes back to step 2 (expected increasing steps; was the run written by two trainers at once? retrain it)`);
    expect(existsSync(join(root, 'zoo-doubled'))).toBe(false);
  }, 240_000);

  it('a worker killed mid-job leaves its lease; the next worker takes the job over at once and finishes the sweep', async () => {
    const results = join(root, 'killed');
    const first = start(['sweep', 'nfe', '--scale', 'smoke', '--results', results]);
    // kill it (SIGKILL: no handler runs) while it holds the training job's lease
    let lease: { kind: string; key: string; holder: { pid: number } } | undefined;
    for (let t = 0; t < 400 && !lease; t++) {
      await sleep(50);
      const dir = join(results, 'leases');
      const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('.')) : [];
      if (files.length) lease = JSON.parse(readFileSync(join(dir, files[0]), 'utf8'));
    }
    expect(lease?.kind).toBe('train');
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(readdirSync(join(results, 'leases'))).toEqual([`${lease!.key}.json`]);
    expect(existsSync(join(results, 'jobs', `${lease!.key}.json`))).toBe(false);

    const status = start(['results', 'status', '--results', results]);
    const s = await status.done;
    expect(s.stdout).toContain(`is gone): the next worker takes it over`);

    const second = await start(['sweep', 'nfe', '--scale', 'smoke', '--results', results, '--json']).done;
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(new RegExp(`rdbm: taking over train ${lease!.key.slice(0, 8)} \\(nfe:nfe=2 \\+4\\): its holder \\S+ pid ${lease!.holder.pid} is gone\\n`));
    const report = JSON.parse(second.stdout);
    expect(report.ran).toEqual({ train: 1, restore: 5, evaluate: 5 });
    expect(report.tookOver).toHaveLength(1);
    expect(steps(join(results, 'checkpoints', lease!.key))).toEqual([2]);
    expect(leftovers(results)).toEqual([]);
  }, 240_000);
});
