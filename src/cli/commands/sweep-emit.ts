/**
 * `rdbm sweep … --emit slurm|k8s`: gathers what the emitters (experiments/emit-*.ts) need from the command
 * line — the same sweep's arguments, the results folder, the number of shards, how a worker starts rdbm —
 * and prints the job on stdout.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { RdbmError } from '../../errors.js';
import type { Command, Io, OptionSpec, ParsedArgs } from '../command.js';
import type { SweepJobInput } from '../../experiments/emit.js';
import { k8sManifest, k8sName } from '../../experiments/emit-k8s.js';
import { slurmScript } from '../../experiments/emit-slurm.js';
import type { Plan } from '../../experiments/plan.js';

export const EMIT_OPTIONS: readonly OptionSpec[] = [
  { name: 'emit', type: 'string', choices: ['slurm', 'k8s'], description: 'print the sweep as a Slurm job array (sbatch script) or a Kubernetes Indexed Job (YAML) instead of running it' },
  { name: 'array-parallelism', type: 'integer', min: 1, valueName: '<n>', description: 'with --emit: array tasks (pods) that run at once' },
  { name: 'partition', type: 'string', valueName: '<name>', description: 'with --emit slurm: the partition (e.g. a GPU partition)' },
  { name: 'time', type: 'string', valueName: '<limit>', description: 'with --emit: time limit per task, in Slurm form (90, 1:30:00, 2-00:00:00)' },
  { name: 'gpus-per-task', type: 'integer', min: 1, valueName: '<n>', description: 'with --emit: GPUs per task (Slurm --gpus-per-task; Kubernetes nvidia.com/gpu)' },
  { name: 'cpus-per-task', type: 'integer', min: 1, valueName: '<n>', description: 'with --emit: CPUs per task' },
  { name: 'image', type: 'string', valueName: '<image>', description: 'with --emit k8s: container image with rdbm-lab installed', default: 'rdbm-lab:latest' },
  { name: 'claim', type: 'string', valueName: '<pvc>', description: 'with --emit k8s: the ReadWriteMany PersistentVolumeClaim mounted at --results', default: 'rdbm-results' },
  { name: 'rdbm', type: 'string', valueName: '<command>', description: 'with --emit: how a worker starts rdbm (words split on spaces; default: this node and rdbm script by absolute path for slurm, `rdbm` for k8s)' },
];

/** Options that shape the job, not the sweep: never passed on to the workers. */
const NOT_PASSED = new Set(['results', 'shard', 'shards', 'dry-run', 'list', 'json', ...EMIT_OPTIONS.map((o) => o.name)]);
/** Options naming files: made absolute for Slurm workers, which start in the submit folder but may be moved with --chdir. */
const PATHS = new Set(['data', 'diffuir-checkpoint', 'rdbm-checkpoint']);

/** The sweep's own arguments, as the workers get them. */
export function sweepArguments(command: Command, args: ParsedArgs, absolute: (path: string) => string): string[] {
  const argv = args.positionals.map((p) => (p.endsWith('.json') && existsSync(p) ? absolute(p) : p));
  for (const spec of command.options) {
    const value = args.options[spec.name];
    if (NOT_PASSED.has(spec.name) || value === undefined || value === false || (value === spec.default && spec.name !== 'scale')) continue;
    if (value === true) argv.push(`--${spec.name}`);
    else for (const v of Array.isArray(value) ? value : [value]) argv.push(`--${spec.name}`, PATHS.has(spec.name) ? absolute(String(v)) : String(v));
  }
  return argv;
}

/** Prints the job for `--emit`; returns the exit code. */
export function emitSweep(command: Command, args: ParsedArgs, plan: Plan, io: Io): number {
  const { options } = args;
  const target = options.emit as 'slurm' | 'k8s';
  if (plan.jobs.length === 0) throw new RdbmError(`--emit ${target}: the sweep plans no job (${plan.experiments.join(', ')} at scale ${plan.scale}); nothing to submit`);
  const shards = (options.shards as number | undefined) ?? Math.max(1, plan.groups.length);
  const words = options.rdbm ? String(options.rdbm).split(' ').filter(Boolean) : undefined;
  const slurm = target === 'slurm';
  const absolute = (p: string) => (slurm ? resolve(p) : p);
  const resultsDir = slurm ? resolve(String(options.results)) : String(options.results);
  if (!slurm && !isAbsolute(resultsDir)) throw new RdbmError(`--results ${resultsDir}: a Kubernetes worker needs an absolute path (where the claim is mounted), e.g. --results /results`);
  const sweepArgs = sweepArguments(command, args, absolute);
  const report: string[][] = [['results', 'status', '--results', resultsDir], ['results', '--results', resultsDir]];
  if (args.positionals.length === 1 && args.positionals[0] === 'reproduce') {
    report.push(['reproduce', '--report-only', '--scale', plan.scale, '--results', resultsDir, ...(options.data ? ['--data', absolute(String(options.data))] : [])]);
  }
  const input: SweepJobInput = {
    name: `rdbm-${plan.experiments.join('-')}`.slice(0, 60),
    rdbm: words ?? (slurm ? [process.execPath, resolve(process.argv[1] ?? 'rdbm')] : ['rdbm']),
    sweepArgs,
    resultsDir,
    shards,
    report,
  };
  const resources = {
    ...(options['array-parallelism'] ? { arrayParallelism: options['array-parallelism'] as number } : {}),
    ...(options.time ? { time: String(options.time) } : {}),
    ...(options['gpus-per-task'] ? { gpusPerTask: options['gpus-per-task'] as number } : {}),
    ...(options['cpus-per-task'] ? { cpusPerTask: options['cpus-per-task'] as number } : {}),
  };
  if (slurm) {
    io.out(slurmScript(input, { ...resources, workdir: process.cwd(), ...(options.partition ? { partition: String(options.partition) } : {}) }));
    io.err(`rdbm sweep: a ${shards}-task array for ${plan.groups.length} training groups (${plan.jobs.length} jobs) into ${resultsDir}; submit with: sbatch <file>\n`);
  } else {
    if (options.partition) throw new RdbmError('--partition is a Slurm option (with --emit k8s, pick nodes through the image and resources)');
    io.out(k8sManifest(input, { ...resources, image: String(options.image), claim: String(options.claim) }));
    io.err(`rdbm sweep: an Indexed Job of ${shards} completions (${plan.jobs.length} jobs) writing to claim ${String(options.claim)} at ${resultsDir}; apply with: kubectl apply -f <file>, then kubectl wait --for=condition=complete job/${k8sName(input.name)}\n`);
  }
  return 0;
}
