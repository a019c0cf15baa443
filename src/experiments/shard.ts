/**
 * Sharding for array jobs (Slurm `--array`, Kubernetes indexed jobs) writing to one results folder.
 *
 * The unit of sharding is the training group: a checkpoint and every restoration and evaluation that
 * uses it. Groups sorted by key are dealt round-robin (group j → shard j mod n), so the partition is
 * deterministic, disjoint and independent of the order experiments were named in, and no two shards
 * ever train the same checkpoint: shards never wait for each other; they only share the folder, where
 * every job writes its own file atomically (and is claimed with a lease, lease.ts, so overlapping runs
 * on one folder are safe too). A sweep with fewer training groups
 * than shards (e.g. the NFE ablation alone: one group) leaves the extra shards with nothing to do;
 * plan several experiments together to spread them.
 */
import { RdbmError } from '../errors.js';
import type { Job, Plan } from './plan.js';

export interface Shard {
  /** 0-based index (Slurm: $SLURM_ARRAY_TASK_ID with --array=0-(n−1); Kubernetes: $JOB_COMPLETION_INDEX; both read by `--shard auto`) */
  readonly index: number;
  readonly count: number;
}

/** Parses `i/n` with 0 <= i < n. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new RdbmError(`invalid --shard: ${JSON.stringify(text)} (expected i/n with 0 <= i < n, e.g. 0/4, or auto)`);
  return { index, count };
}

/** The groups a shard owns. */
export function shardGroups(plan: Plan, shard: Shard): Set<string> {
  const sorted = [...plan.groups].sort();
  return new Set(sorted.filter((_, j) => j % shard.count === shard.index));
}

/** The plan's jobs that belong to a shard, in execution order. */
export function shardJobs(plan: Plan, shard?: Shard): Job[] {
  if (!shard) return [...plan.jobs];
  const groups = shardGroups(plan, shard);
  return plan.jobs.filter((j) => groups.has(j.group));
}

const LOOKED_FOR = 'looked for SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MIN/_MAX (a Slurm job array), or JOB_COMPLETION_INDEX with --shards N (a Kubernetes Indexed Job)';

function envIndex(env: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text.trim())) throw new RdbmError(`--shard auto: ${name}=${JSON.stringify(text)} is not a non-negative integer`);
  return Number(text);
}

/**
 * `--shard auto`: this array task's shard from the scheduler's environment.
 * - Slurm job array: SLURM_ARRAY_TASK_ID of `shards` (given: the task id is the shard index, so one task can be
 *   resubmitted alone with `sbatch --array=<id>`), or else of the array itself: SLURM_ARRAY_TASK_COUNT tasks
 *   numbered from SLURM_ARRAY_TASK_MIN (contiguous arrays only), or MIN…MAX.
 * - Kubernetes Indexed Job: JOB_COMPLETION_INDEX of `shards` (required: the pod does not see `completions`).
 * Anywhere else it is refused with one line naming the variables it looked for.
 */
export function shardFromEnvironment(env: Readonly<Record<string, string | undefined>>, shards?: number): Shard {
  const checked = (shard: Shard, from: string): Shard => {
    if (shard.index >= shard.count) throw new RdbmError(`--shard auto: ${from} gives shard ${shard.index} of ${shard.count} (expected an index below the number of shards)`);
    return shard;
  };
  if (shards !== undefined && !(Number.isInteger(shards) && shards >= 1)) throw new RdbmError(`invalid --shards: ${shards} (expected an integer >= 1)`);
  const task = envIndex(env, 'SLURM_ARRAY_TASK_ID');
  if (task !== undefined) {
    if (shards !== undefined) return checked({ index: task, count: shards }, `SLURM_ARRAY_TASK_ID=${task} with --shards ${shards}`);
    const min = envIndex(env, 'SLURM_ARRAY_TASK_MIN');
    const max = envIndex(env, 'SLURM_ARRAY_TASK_MAX');
    const count = envIndex(env, 'SLURM_ARRAY_TASK_COUNT');
    if (count !== undefined) {
      const first = min ?? 0;
      if (max !== undefined && max - first + 1 !== count) throw new RdbmError(`--shard auto: the array ${first}-${max} has ${count} tasks, not contiguous (give --shards N, the array being 0-(N-1))`);
      return checked({ index: task - first, count }, `SLURM_ARRAY_TASK_ID=${task} of SLURM_ARRAY_TASK_COUNT=${count}`);
    }
    if (min !== undefined && max !== undefined) return checked({ index: task - min, count: max - min + 1 }, `SLURM_ARRAY_TASK_ID=${task} in ${min}-${max}`);
    throw new RdbmError(`--shard auto: SLURM_ARRAY_TASK_ID=${task} but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN/_MAX is set (give --shards N)`);
  }
  const completion = envIndex(env, 'JOB_COMPLETION_INDEX');
  if (completion !== undefined) {
    if (shards === undefined) throw new RdbmError(`--shard auto: JOB_COMPLETION_INDEX=${completion} needs --shards N (the Indexed Job's completions)`);
    return checked({ index: completion, count: shards }, `JOB_COMPLETION_INDEX=${completion} with --shards ${shards}`);
  }
  throw new RdbmError(`--shard auto: not inside a job array (${LOOKED_FOR}); give --shard i/n instead`);
}

/** `--shard` as given: `i/n`, or `auto` (shardFromEnvironment). */
export function resolveShard(text: string, env: Readonly<Record<string, string | undefined>>, shards?: number): Shard {
  if (text.trim() === 'auto') return shardFromEnvironment(env, shards);
  const shard = parseShard(text);
  if (shards !== undefined && shards !== shard.count) throw new RdbmError(`--shard ${text} disagrees with --shards ${shards}`);
  return shard;
}

/** Who this worker is in the scheduler, for leases and `rdbm results status`: `slurm job 812_3`, `k8s pod <name> index 2`, or undefined. */
export function schedulerWorker(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.SLURM_ARRAY_JOB_ID && env.SLURM_ARRAY_TASK_ID) return `slurm job ${env.SLURM_ARRAY_JOB_ID}_${env.SLURM_ARRAY_TASK_ID}`;
  if (env.SLURM_JOB_ID) return `slurm job ${env.SLURM_JOB_ID}`;
  if (env.JOB_COMPLETION_INDEX) return `k8s pod ${env.HOSTNAME ?? '?'} index ${env.JOB_COMPLETION_INDEX}`;
  return undefined;
}
