import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { type SweepJobInput, slurmTimeSeconds, workerArgv } from '../../src/experiments/emit.js';
import { k8sManifest, k8sName } from '../../src/experiments/emit-k8s.js';
import { slurmScript } from '../../src/experiments/emit-slurm.js';
import { requireTool } from '../helpers/requirements.js';
import { parseYaml, yamlParserMissing } from '../helpers/yaml.js';

const input: SweepJobInput = {
  name: 'rdbm-lambda-pi',
  rdbm: ['/opt/node/bin/node', '/opt/rdbm lab/bin/rdbm.js'],
  sweepArgs: ['lambda', 'pi', '--scale', 'paper', '--data', "/data/it's here"],
  resultsDir: '/shared/results',
  shards: 7,
  report: [['results', 'status', '--results', '/shared/results'], ['results', '--results', '/shared/results']],
};

/** argv words a shell line expands to (bash itself parses the quoting) */
const words = (line: string) => spawnSync('bash', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' }).stdout.split('\0').slice(0, -1);

describe('--emit slurm', () => {
  const script = slurmScript(input, { workdir: '/home/me/sweeps', arrayParallelism: 3, partition: 'gpu', time: '2-00:00:00', gpusPerTask: 1, cpusPerTask: 8 });
  const sbatch = script.split('\n').filter((l) => l.startsWith('#SBATCH ')).map((l) => l.slice(8));

  it('is a bash script bash accepts', () => {
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    const check = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('asks for one array task per shard, throttled, with the resources as #SBATCH lines', () => {
    expect(sbatch).toEqual([
      '--job-name=rdbm-lambda-pi',
      '--array=0-6%3',
      '--ntasks=1',
      '--cpus-per-task=8',
      '--gpus-per-task=1',
      '--partition=gpu',
      '--time=2-00:00:00',
      '--chdir=/home/me/sweeps',
      '--output=%x-%A_%a.out',
    ]);
    const plain = slurmScript({ ...input, shards: 1 }, { workdir: '/w' }).split('\n').filter((l) => l.startsWith('#SBATCH '));
    expect(plain).toEqual(['#SBATCH --job-name=rdbm-lambda-pi', '#SBATCH --array=0-0', '#SBATCH --ntasks=1', '#SBATCH --chdir=/w', '#SBATCH --output=%x-%A_%a.out']);
  });

  it('runs the same sweep in every task, into the shared folder, its shard from the array (--shard auto --shards N)', () => {
    const exec = script.split('\n').find((l) => l.startsWith('exec '))!;
    expect(words(exec.slice(5))).toEqual([
      '/opt/node/bin/node', '/opt/rdbm lab/bin/rdbm.js', 'sweep', 'lambda', 'pi', '--scale', 'paper', '--data', "/data/it's here",
      '--results', '/shared/results', '--shard', 'auto', '--shards', '7',
    ]);
    expect(workerArgv(input).slice(-4)).toEqual(['--shard', 'auto', '--shards', '7']);
  });

  it('has the first task queue the report job, afterany on the whole array, running the report commands', () => {
    const lines = script.split('\n');
    const at = lines.findIndex((l) => l.includes('--dependency=afterany:${SLURM_ARRAY_JOB_ID}'));
    expect(lines[at - 1]).toBe('if [ "${SLURM_ARRAY_TASK_ID}" = "${SLURM_ARRAY_TASK_MIN:-0}" ]; then');
    expect(lines[at]).toContain("--job-name=rdbm-lambda-pi-report --ntasks=1 --cpus-per-task=1 --partition=gpu --time=2-00:00:00 --chdir=/home/me/sweeps --output=%x-%j.out <<'RDBM_REPORT'");
    const body = lines.slice(at + 1, lines.indexOf('RDBM_REPORT'));
    expect(body[0]).toBe('#!/bin/bash');
    expect(words(body[1].replace(/ \|\| true$/, ''))).toEqual([...input.rdbm, 'results', 'status', '--results', '/shared/results']);
    expect(words(body[2])).toEqual([...input.rdbm, 'results', '--results', '/shared/results']);
    // the report job asks for no GPU
    expect(lines[at]).not.toContain('gpus');
  });

  it('refuses a time limit Slurm would not read', () => {
    expect(() => slurmScript(input, { workdir: '/w', time: '2 days' })).toThrow('invalid --time: "2 days" (expected a Slurm time: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS)');
  });
});

describe('Slurm time limits', () => {
  it('reads every form sbatch --time takes', () => {
    expect(slurmTimeSeconds('90')).toBe(5400);
    expect(slurmTimeSeconds('10:30')).toBe(630);
    expect(slurmTimeSeconds('1:30:00')).toBe(5400);
    expect(slurmTimeSeconds('2-12')).toBe(2 * 86400 + 12 * 3600);
    expect(slurmTimeSeconds('1-02:03')).toBe(86400 + 2 * 3600 + 180);
    expect(slurmTimeSeconds('1-02:03:04')).toBe(86400 + 2 * 3600 + 184);
  });
});

describe('--emit k8s', () => {
  it('is valid YAML for an Indexed Job: completionMode Indexed, completions and parallelism, the claim mounted at the results folder, the same command', (ctx) => {
    requireTool(ctx, yamlParserMissing(), 'parsing the emitted Kubernetes manifest with PyYAML');
    const text = k8sManifest({ ...input, rdbm: ['rdbm'] }, { image: 'ghcr.io/me/rdbm-lab:1', claim: 'sweeps', arrayParallelism: 3, gpusPerTask: 1, cpusPerTask: 8, time: '1:00:00' });
    const job = parseYaml(text) as Record<string, any>;
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
    expect(job.metadata.name).toBe('rdbm-lambda-pi');
    expect(job.metadata.annotations['rdbm-lab/report']).toBe('rdbm results status --results /shared/results && rdbm results --results /shared/results');
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 7, parallelism: 3, activeDeadlineSeconds: 3600 });
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers).toHaveLength(1);
    const c = pod.containers[0];
    expect(c.image).toBe('ghcr.io/me/rdbm-lab:1');
    expect(c.command).toEqual(['rdbm', 'sweep', 'lambda', 'pi', '--scale', 'paper', '--data', "/data/it's here", '--results', '/shared/results', '--shard', 'auto', '--shards', '7']);
    expect(c.resources).toEqual({ limits: { 'nvidia.com/gpu': '1' }, requests: { cpu: '8' } });
    expect(c.volumeMounts).toEqual([{ name: 'results', mountPath: '/shared/results' }]);
    expect(pod.volumes).toEqual([{ name: 'results', persistentVolumeClaim: { claimName: 'sweeps' } }]);
    // without options: every shard at once, no resources, no deadline
    const plain = parseYaml(k8sManifest(input, { image: 'rdbm-lab', claim: 'rdbm-results' })) as Record<string, any>;
    expect(plain.spec.parallelism).toBe(7);
    expect(plain.spec.activeDeadlineSeconds).toBeUndefined();
    expect(plain.spec.template.spec.containers[0].resources).toBeUndefined();
  });

  it('needs an absolute results folder (the mount path) and makes a valid object name', () => {
    expect(() => k8sManifest({ ...input, resultsDir: 'results' }, { image: 'i', claim: 'c' })).toThrow('--results results: a Kubernetes worker needs an absolute path (where the claim is mounted)');
    expect(k8sName('RDBM_sweep: lambda+pi')).toBe('rdbm-sweep-lambda-pi');
  });
});
