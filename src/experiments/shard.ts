/**
 * Sharding for array jobs (Slurm `--array`, Kubernetes indexed jobs) writing to one results folder.
 *
 * The unit of sharding is the training group: a checkpoint and every restoration and evaluation that
 * uses it. Groups sorted by key are dealt round-robin (group j → shard j mod n), so the partition is
 * deterministic, disjoint and independent of the order experiments were named in, and no two shards
 * ever train the same checkpoint: shards need no locks and never wait for each other; they only
 * share the folder, where every job writes its own file atomically. A sweep with fewer training groups
 * than shards (e.g. the NFE ablation alone: one group) leaves the extra shards with nothing to do;
 * plan several experiments together to spread them.
 */
import { RdbmError } from '../errors.js';
import type { Job, Plan } from './plan.js';

export interface Shard {
  /** 0-based index (Slurm: $SLURM_ARRAY_TASK_ID with --array=0-(n−1); Kubernetes: $JOB_COMPLETION_INDEX) */
  readonly index: number;
  readonly count: number;
}

/** Parses `i/n` with 0 <= i < n. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new RdbmError(`invalid --shard: ${JSON.stringify(text)} (expected i/n with 0 <= i < n, e.g. 0/4)`);
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
