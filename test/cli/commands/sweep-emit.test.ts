import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { sweepCommand } from '../../../src/cli/commands/sweep.js';
import { sweepArguments } from '../../../src/cli/commands/sweep-emit.js';
import { captureIo } from '../../helpers/io.js';
import { requireTool } from '../../helpers/requirements.js';
import { parseYaml, yamlParserMissing } from '../../helpers/yaml.js';

const root = mkdtempSync(join(tmpdir(), 'rdbm-emit-cli-'));
const cwd = process.cwd();
afterAll(() => rmSync(root, { recursive: true, force: true }));
/** argv words a shell line expands to */
const words = (line: string) => spawnSync('bash', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' }).stdout.split('\0').slice(0, -1);

describe('rdbm sweep --emit', () => {
  it('slurm: one task per training group by default; the workers get the same sweep options (paths made absolute, the job options left out)', async () => {
    const io = captureIo();
    const code = await runCli(['sweep', 'lambda', 'nfe', '--scale', 'smoke', '--results', 'rel/results', '--retrain', '--backend', 'node-gpu', '--emit', 'slurm', '--partition', 'gpu', '--gpus-per-task', '1', '--time', '4:00:00', '--array-parallelism', '2'], io);
    // nfe's points restore with the checkpoint of lambda's default λ: 3 training groups, not 4
    expect(io.stderr).toBe(`rdbm sweep: a 3-task array for 3 training groups (17 jobs) into ${resolve('rel/results')}; submit with: sbatch <file>\n`);
    expect(code).toBe(0);
    const lines = io.stdout.split('\n');
    expect(lines).toContain('#SBATCH --array=0-2%2');
    expect(lines).toContain('#SBATCH --partition=gpu');
    expect(lines).toContain('#SBATCH --gpus-per-task=1');
    expect(lines).toContain('#SBATCH --time=4:00:00');
    expect(lines).toContain(`#SBATCH --chdir=${process.cwd()}`);
    const exec = words(lines.find((l) => l.startsWith('exec '))!.slice(5));
    expect(exec).toEqual([
      process.execPath, resolve(process.argv[1]), 'sweep', 'lambda', 'nfe', '--scale', 'smoke', '--retrain', '--backend', 'node-gpu',
      '--results', resolve('rel/results'), '--shard', 'auto', '--shards', '3',
    ]);
  });

  it('k8s: an Indexed Job of --shards completions started with --rdbm, the claim mounted at --results', async (ctx) => {
    requireTool(ctx, yamlParserMissing(), 'parsing the emitted manifest with PyYAML');
    const io = captureIo();
    const code = await runCli(['sweep', 'nfe', '--scale', 'smoke', '--results', '/results', '--emit', 'k8s', '--shards', '3', '--image', 'me/rdbm:1', '--claim', 'pvc-a', '--rdbm', 'npx rdbm'], io);
    expect(code).toBe(0);
    const job = parseYaml(io.stdout) as { spec: { completions: number; completionMode: string; template: { spec: { containers: { command: string[] }[] } } } };
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.completions).toBe(3);
    expect(job.spec.template.spec.containers[0].command).toEqual(['npx', 'rdbm', 'sweep', 'nfe', '--scale', 'smoke', '--results', '/results', '--shard', 'auto', '--shards', '3']);
    expect(io.stderr).toContain('kubectl wait --for=condition=complete job/rdbm-nfe');
  });

  it('refuses what cannot work, with one line', async () => {
    const cases: [string[], string][] = [
      [['--emit', 'k8s'], 'rdbm: --results results: a Kubernetes worker needs an absolute path (where the claim is mounted), e.g. --results /results\n'],
      [['--emit', 'slurm', '--shard', '0/2'], 'rdbm: --emit and --shard do not go together (each task of the emitted job runs --shard auto)\n'],
      [['--shards', '2'], 'rdbm: --shards needs --shard auto (or --emit)\n'],
      [['--emit', 'slurm', '--time', 'soon'], 'rdbm: invalid --time: "soon" (expected a Slurm time: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS)\n'],
      [['--emit', 'pbs'], 'rdbm: invalid --emit: "pbs" (expected one of slurm, k8s)\n'],
    ];
    for (const [args, message] of cases) {
      const io = captureIo();
      expect(await runCli(['sweep', 'nfe', '--scale', 'smoke', ...args], io)).toBe(2);
      expect(io.stderr).toBe(message);
    }
    const env = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('SLURM_') || k === 'JOB_COMPLETION_INDEX') delete env[k];
    const bin = new URL('../../../bin/rdbm.js', import.meta.url).pathname;
    const auto = spawnSync(process.execPath, [bin, 'sweep', 'nfe', '--scale', 'smoke', '--shard', 'auto', '--results', join(root, 'x')], { encoding: 'utf8', env });
    expect(auto.status).toBe(2);
    expect(auto.stderr).toMatch(/^rdbm: --shard auto: not inside a job array \(looked for SLURM_ARRAY_TASK_ID .* JOB_COMPLETION_INDEX with --shards N .*\)\; give --shard i\/n instead\n$/);
  });

  it('passes file options and experiment files to the workers by absolute path, and leaves defaults and job options out', () => {
    const file = join(root, 'mine.json');
    writeFileSync(file, '{}');
    const args = {
      positionals: ['lambda', file.replace(`${root}/`, '')],
      options: { scale: 'cpu', results: 'r', data: 'd', 'dry-run': false, retrain: true, emit: 'slurm', partition: 'gpu', json: true, shards: 3, 'train-missing': undefined },
    };
    const absolute = (p: string) => `/abs/${p}`;
    process.chdir(root);
    try {
      expect(sweepArguments(sweepCommand, args, absolute)).toEqual(['lambda', '/abs/mine.json', '--scale', 'cpu', '--data', '/abs/d', '--retrain']);
    } finally {
      process.chdir(cwd);
    }
  });
});
