/**
 * `--emit slurm`: the sweep as an sbatch script. One job-array task per shard, each running the same sweep
 * with `--shard auto --shards N` into the same results folder (the task id is the shard, so a single task can
 * be resubmitted with `sbatch --array=<id> <script>`); the first task also queues the report job, which
 * depends on the array with `afterany` (it runs once every task has ended, however it ended) and prints
 * `rdbm results status` and the results table from the shared folder.
 */
import { shellCommand, shellQuote } from '../util/shell.js';
import { type SweepJobInput, type WorkerResources, slurmTimeSeconds, workerArgv } from './emit.js';

export interface SlurmOptions extends WorkerResources {
  readonly partition?: string;
  /** the folder the tasks run in (sbatch --chdir) and write their logs to */
  readonly workdir: string;
}

/** The sbatch script (submit with `sbatch <file>`). */
export function slurmScript(input: SweepJobInput, options: SlurmOptions): string {
  if (options.time !== undefined) slurmTimeSeconds(options.time);
  const limit = options.arrayParallelism ? `%${options.arrayParallelism}` : '';
  const common = [
    ...(options.partition ? [`--partition=${options.partition}`] : []),
    ...(options.time ? [`--time=${options.time}`] : []),
    `--chdir=${options.workdir}`,
  ];
  const worker = [
    `--job-name=${input.name}`,
    `--array=0-${input.shards - 1}${limit}`,
    '--ntasks=1',
    ...(options.cpusPerTask ? [`--cpus-per-task=${options.cpusPerTask}`] : []),
    ...(options.gpusPerTask ? [`--gpus-per-task=${options.gpusPerTask}`] : []),
    ...common,
    '--output=%x-%A_%a.out',
  ];
  const report = [`--job-name=${input.name}-report`, '--ntasks=1', '--cpus-per-task=1', ...common, '--output=%x-%j.out'];
  const reportLines = input.report.map((argv) => shellCommand([...input.rdbm, ...argv]));
  return [
    '#!/bin/bash',
    `# rdbm sweep as a Slurm job array: ${input.shards} task${input.shards > 1 ? 's' : ''}, one per shard, all writing to ${input.resultsDir}.`,
    '# Submit with: sbatch <this file>. Rerunning it resumes: finished jobs are kept, each job runs once (leases).',
    ...worker.map((o) => `#SBATCH ${o}`),
    'set -euo pipefail',
    '',
    '# the first task queues the report: it runs when every task of this array has ended (afterany)',
    'if [ "${SLURM_ARRAY_TASK_ID}" = "${SLURM_ARRAY_TASK_MIN:-0}" ]; then',
    `  sbatch --parsable --dependency=afterany:\${SLURM_ARRAY_JOB_ID} ${report.map(shellQuote).join(' ')} <<'RDBM_REPORT' || echo 'rdbm: could not queue the report job; run it by hand when the array has ended' >&2`,
    '#!/bin/bash',
    ...reportLines.map((line, i) => (i === reportLines.length - 1 ? line : `${line} || true`)),
    'RDBM_REPORT',
    'fi',
    '',
    `exec ${shellCommand(workerArgv(input))}`,
    '',
  ].join('\n');
}
