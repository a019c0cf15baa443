/**
 * What `rdbm sweep … --emit slurm|k8s` needs to print a scheduler's job: the command that runs rdbm on a
 * worker, the sweep's own arguments, the shared results folder and the number of shards. The emitters
 * (emit-slurm.ts, emit-k8s.ts) are pure functions of it; the CLI gathers it.
 */
import { RdbmError } from '../errors.js';

export interface SweepJobInput {
  /** job name (Slurm --job-name; Kubernetes metadata.name, lower-cased) */
  readonly name: string;
  /** the argv that runs rdbm on a worker, e.g. [node, /abs/bin/rdbm.js] or [rdbm] */
  readonly rdbm: readonly string[];
  /** the experiments and options after `rdbm sweep`, without --results, --shard, --shards and the emit options */
  readonly sweepArgs: readonly string[];
  /** the results folder every worker writes to, as the workers see it */
  readonly resultsDir: string;
  /** array tasks / completions: one per shard */
  readonly shards: number;
  /** the `rdbm …` argv (after the rdbm command) of the final report, run once every shard has ended */
  readonly report: readonly (readonly string[])[];
}

export interface WorkerResources {
  /** tasks of the array that run at once (Slurm `%N`; Kubernetes parallelism) */
  readonly arrayParallelism?: number;
  /** Slurm --time: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS */
  readonly time?: string;
  readonly gpusPerTask?: number;
  readonly cpusPerTask?: number;
}

/** The sweep argv of one worker: the same sweep, into the shared folder, its shard read from the array's environment. */
export function workerArgv(input: SweepJobInput): string[] {
  return [...input.rdbm, 'sweep', ...input.sweepArgs, '--results', input.resultsDir, '--shard', 'auto', '--shards', String(input.shards)];
}

/** Seconds of a Slurm time limit (`--time`), e.g. `90` (minutes), `1:30:00`, `2-12`; throws on anything else. */
export function slurmTimeSeconds(text: string): number {
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(text.trim());
  if (!m) throw new RdbmError(`invalid --time: ${JSON.stringify(text)} (expected a Slurm time: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS)`);
  const [, d, a, b, c] = m;
  const n = (x: string | undefined) => (x === undefined ? 0 : Number(x));
  if (d !== undefined) return n(d) * 86400 + n(a) * 3600 + n(b) * 60 + n(c);
  if (c !== undefined) return n(a) * 3600 + n(b) * 60 + n(c);
  if (b !== undefined) return n(a) * 60 + n(b);
  return n(a) * 60;
}
