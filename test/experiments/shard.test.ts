import { describe, expect, it } from 'vitest';
import { resolveShard, shardFromEnvironment } from '../../src/experiments/shard.js';

describe('--shard auto', () => {
  it('reads a Slurm array task: the task id of --shards N, else of the array (COUNT from MIN, or MIN..MAX)', () => {
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '2' }, 4)).toEqual({ index: 2, count: 4 });
    // --shards wins over the array's size: one task resubmitted alone (sbatch --array=2) is still shard 2 of 4
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '1', SLURM_ARRAY_TASK_MIN: '2', SLURM_ARRAY_TASK_MAX: '2' }, 4)).toEqual({ index: 2, count: 4 });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '3' })).toEqual({ index: 3, count: 4 });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '2', SLURM_ARRAY_TASK_MAX: '5' })).toEqual({ index: 3, count: 4 });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '3' })).toEqual({ index: 1, count: 3 });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_MIN: '4', SLURM_ARRAY_TASK_MAX: '9' })).toEqual({ index: 3, count: 6 });
  });

  it('reads a Kubernetes Indexed Job: JOB_COMPLETION_INDEX of --shards N', () => {
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' }, 3)).toEqual({ index: 0, count: 3 });
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' })).toThrow('--shard auto: JOB_COMPLETION_INDEX=0 needs --shards N (the Indexed Job\'s completions)');
  });

  it('anywhere else, refuses with one line naming the variables it looked for', () => {
    const message = '--shard auto: not inside a job array (looked for SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MIN/_MAX (a Slurm job array), or JOB_COMPLETION_INDEX with --shards N (a Kubernetes Indexed Job)); give --shard i/n instead';
    expect(() => shardFromEnvironment({ HOME: '/root', SLURM_JOB_ID: '12' })).toThrow(message);
    expect(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '' }, 2)).toThrow(message);
    expect(message).not.toContain('\n');
  });

  it('refuses what cannot be a shard of the sweep', () => {
    expect(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '4' }, 4)).toThrow('--shard auto: SLURM_ARRAY_TASK_ID=4 with --shards 4 gives shard 4 of 4 (expected an index below the number of shards)');
    expect(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: 'x' }, 4)).toThrow('--shard auto: SLURM_ARRAY_TASK_ID="x" is not a non-negative integer');
    expect(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '4' })).toThrow('--shard auto: the array 0-4 has 3 tasks, not contiguous (give --shards N, the array being 0-(N-1))');
    expect(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '1' })).toThrow('neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN/_MAX is set');
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '1' }, 0)).toThrow('invalid --shards: 0 (expected an integer >= 1)');
  });

  it('--shard i/n is taken as given, and must agree with --shards', () => {
    expect(resolveShard('1/3', {})).toEqual({ index: 1, count: 3 });
    expect(resolveShard('auto', { JOB_COMPLETION_INDEX: '2' }, 3)).toEqual({ index: 2, count: 3 });
    expect(() => resolveShard('1/3', {}, 4)).toThrow('--shard 1/3 disagrees with --shards 4');
    expect(() => resolveShard('3/3', {})).toThrow('invalid --shard: "3/3" (expected i/n with 0 <= i < n, e.g. 0/4, or auto)');
  });
});

describe('the worker label', () => {
  it('names the Slurm array task, the Slurm job or the Kubernetes pod, else nothing', async () => {
    const { schedulerWorker } = await import('../../src/experiments/shard.js');
    expect(schedulerWorker({ SLURM_JOB_ID: '815', SLURM_ARRAY_JOB_ID: '812', SLURM_ARRAY_TASK_ID: '3' })).toBe('slurm job 812_3');
    expect(schedulerWorker({ SLURM_JOB_ID: '815' })).toBe('slurm job 815');
    expect(schedulerWorker({ JOB_COMPLETION_INDEX: '2', HOSTNAME: 'rdbm-sweep-2-x7k' })).toBe('k8s pod rdbm-sweep-2-x7k index 2');
    expect(schedulerWorker({ HOME: '/root' })).toBeUndefined();
  });
});
