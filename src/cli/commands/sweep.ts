/** `rdbm sweep`: plan or run experiments. */
import { backendOption, startBackend } from '../options/backend.js';
import { zooEntryCheckpoint } from '../../zoo/entry.js';
import type { Command, Io } from '../command.js';
import { CHECKPOINT_EXPERIMENTS, DEFAULT_SWEEP, listExperiments } from '../../experiments/builtins.js';
import { RUN_FIELDS, type RunStage } from '../../experiments/config.js';
import { planExperiments, runExperiment } from '../../experiments/api.js';
import { axesAt } from '../../experiments/experiment.js';
import { countJobs, type Plan } from '../../experiments/plan.js';
import { runRowsTable, runRows } from '../../experiments/results.js';
import { type JobStatus, type SweepReport, inspectPlan } from '../../experiments/runner.js';
import { DEFAULT_SCALE, SCALES, SCALE_NAMES, type ScaleName } from '../../experiments/scales.js';
import { type Shard, resolveShard, schedulerWorker, shardGroups } from '../../experiments/shard.js';
import { type ResultsStore, openResults } from '../../experiments/store.js';
import { missExplainer } from '../../experiments/why.js';
import { awaitingZooNotes } from '../../experiments/zoo.js';
import { RdbmError } from '../../errors.js';
import { EMIT_OPTIONS, emitSweep } from './sweep-emit.js';

function experimentList(scale: ScaleName): string {
  return [...listExperiments(), ...Object.values(CHECKPOINT_EXPERIMENTS)]
    .map((e) => {
      const axes = Object.entries(axesAt(e, scale))
        .map(([k, v]) => `${k} [${(v as unknown[]).map((x) => (typeof x === 'number' ? Number(x.toPrecision(4)) : x)).join(', ')}] (${RUN_FIELDS[k as keyof typeof RUN_FIELDS].stage})`)
        .join('; ');
      const note = Object.hasOwn(CHECKPOINT_EXPERIMENTS, e.name) ? '  (named only: needs --diffuir-checkpoint)' : DEFAULT_SWEEP.includes(e.name) ? '' : '  (not in `reproduce`)';
      return `  ${e.name.padEnd(18)} ${e.title}\n  ${''.padEnd(18)} axes: ${axes}${note}`;
    })
    .join('\n');
}

const KINDS: readonly RunStage[] = ['train', 'restore', 'evaluate'];

function summaryLines(plan: Plan, statuses: readonly JobStatus[], shard: Shard | undefined): string[] {
  const all = countJobs(plan.jobs);
  const lines = [
    `plan: ${plan.experiments.join(', ')} at scale ${plan.scale}: ${plan.points.length} points → ${plan.jobs.length} unique jobs (${KINDS.map((k) => `${all[k]} ${k}`).join(', ')})`,
    `  reuse: ${plan.points.length} points share ${all.train} trained checkpoints and ${all.restore} restorations`,
  ];
  for (const note of awaitingZooNotes(plan.awaitingZoo ?? [], plan.scale)) lines.push(`  left out: ${note}`);
  if (shard) lines.push(`  shard ${shard.index}/${shard.count}: ${shardGroups(plan, shard).size} of ${plan.groups.length} training groups, ${statuses.length} jobs`);
  const count = (pred: (s: JobStatus) => boolean) => KINDS.map((k) => `${statuses.filter((s) => s.job.kind === k && pred(s)).length} ${k}`).join(', ');
  lines.push(`  cached (finished): ${count((s) => s.status.state === 'done')}`);
  lines.push(`  to run: ${count((s) => s.toRun)}`);
  const damaged = statuses.filter((s) => s.status.state === 'corrupt').length;
  if (damaged) lines.push(`  damaged records to redo: ${damaged}`);
  return lines;
}

function pointTable(plan: Plan, statuses: readonly JobStatus[]): string[] {
  const state = new Map(statuses.map((s) => [s.job.key, s]));
  const rows = [['point', 'train', 'restore', 'evaluate', 'status']];
  for (const p of plan.points) {
    const e = state.get(p.keys.evaluate);
    if (!e) continue; // another shard's point
    const status = e.status.state === 'done' ? 'cached' : KINDS.filter((k) => { const key = p.keys[k]; return key && state.get(key)?.toRun; }).join('+') || 'cached';
    rows.push([`${p.experiment}:${p.label}`, p.keys.train?.slice(0, 8) ?? '(given)', p.keys.restore.slice(0, 8), p.keys.evaluate.slice(0, 8), status === 'cached' ? 'cached' : `to run: ${status}`]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `  ${r.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd()}`);
}

/** Why each job that will run is not cached (one entry per job). */
function notCached(statuses: readonly JobStatus[], store: ResultsStore): { kind: RunStage; key: string; points: readonly string[]; why: string }[] {
  const explain = missExplainer(store);
  return statuses.filter((s) => s.toRun).map((s) => ({ kind: s.job.kind, key: s.job.key, points: s.job.points, why: explain(s.job, s.status) ?? 'cached' }));
}

function whyLines(entries: ReturnType<typeof notCached>): string[] {
  if (entries.length === 0) return [];
  return ['  why not cached:', ...entries.map((e) => `    ${e.kind} ${e.key.slice(0, 8)} (${e.points[0]}${e.points.length > 1 ? ` +${e.points.length - 1}` : ''}): ${e.why}`)];
}

function reportJson(report: Pick<SweepReport, 'plan' | 'jobs' | 'shard'> & Partial<Pick<SweepReport, 'ran' | 'cached' | 'byOthers' | 'tookOver' | 'redone' | 'runs'>>): unknown {
  return {
    experiments: report.plan.experiments,
    scale: report.plan.scale,
    ...(report.shard ? { shard: report.shard } : {}),
    points: report.plan.points.length,
    jobs: countJobs(report.plan.jobs),
    shardJobs: countJobs(report.jobs.map((s) => s.job)),
    cached: countJobs(report.jobs.filter((s) => s.status.state === 'done').map((s) => s.job)),
    toRun: countJobs(report.jobs.filter((s) => s.toRun).map((s) => s.job)),
    ...(report.ran ? { ran: report.ran } : {}),
    ...(report.byOthers ? { byOthers: report.byOthers } : {}),
    ...(report.tookOver ? { tookOver: report.tookOver } : {}),
    ...(report.redone ? { redone: report.redone } : {}),
    plan: report.plan.points.map((p) => ({ experiment: p.experiment, label: p.label, axes: p.axes, keys: p.keys })),
    ...(report.runs ? { runs: report.runs.map((r) => ({ key: r.key, points: r.points, psnr: r.metrics.overall.meanOfTasks.psnr, ssim: r.metrics.overall.meanOfTasks.ssim })) } : {}),
  };
}

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'plan or run an experiment (ablation sweep): resumable, shardable, content-hashed jobs',
  description: [
    'Plans the experiments into train → restore → evaluate jobs keyed by content hashes (points that differ only in',
    'sampling reuse one checkpoint; identical jobs run once), then runs the unfinished ones, writing each result',
    'atomically to <results>/runs/<hash>.json. Rerunning resumes; --shard i/n runs a disjoint slice (by training',
    'group, so shards never train the same checkpoint) into the same results folder. Several workers may share one',
    'folder (shards, array tasks, identical sweeps): each job is claimed with a lease in <results>/leases/ and runs',
    'once; a worker waits for jobs another one holds and takes over those whose holder died. --emit slurm|k8s prints',
    'the sweep as a Slurm job array or a Kubernetes Indexed Job (one task per shard, --shard auto); `rdbm results',
    'status` shows the progress. The folder must be on a filesystem with atomic rename and exclusive create (local,',
    'NFS, Lustre, GPFS, CephFS) and hosts with synchronised clocks (docs/many-machines.md).',
    `Scales: ${SCALE_NAMES.map((s) => `${s}: ${SCALES[s].description}`).join('\n        ')}`,
    'Experiments (names, `reproduce` = the default job\'s set, `all` (all but the checkpoint comparisons), or an experiment .json file):',
    experimentList('paper'),
  ].join('\n'),
  positionals: [{ name: 'experiment', description: 'experiment names, `reproduce`, `all`, or .json files', variadic: true }],
  options: [
    { name: 'scale', type: 'string', description: 'budget', choices: SCALE_NAMES, default: DEFAULT_SCALE },
    { name: 'results', type: 'string', valueName: '<dir>', description: 'results folder', default: 'results' },
    { name: 'shard', type: 'string', valueName: '<i/n|auto>', description: 'run only shard i of n (0-based); auto: from SLURM_ARRAY_TASK_ID (Slurm array) or JOB_COMPLETION_INDEX (Kubernetes, with --shards)' },
    { name: 'shards', type: 'integer', min: 1, valueName: '<n>', description: 'number of shards: of --shard auto (required for Kubernetes), or the array size of --emit (default: the number of training groups)' },
    { name: 'data', type: 'string', valueName: '<dir>', description: 'a dataset in the RDBM/DGSolver layout instead of the bundled mini-uir' },
    { name: 'diffuir-checkpoint', type: 'string', valueName: '<file>', description: 'DiffUIR trainer .pt for the family=diffuir points (diffuir-vs-rdbm)' },
    { name: 'rdbm-checkpoint', type: 'string', valueName: '<path|zoo entry>', description: 'restore the family=rdbm points with this checkpoint (or zoo entry) instead of training one (its own training config governs sampling unless the experiment sets a field)' },
    { name: 'shared-checkpoint', type: 'boolean', description: 'sample every point of a training axis (λ, π, schedule, model) with the one given checkpoint instead of refusing' },
    { name: 'dry-run', type: 'boolean', description: 'print the plan (job counts, reuse, cache hits) and run nothing' },
    { name: 'retrain', type: 'boolean', description: 'train every point instead of restoring with matching checkpoint-zoo entries (data/zoo)' },
    { name: 'train-only', type: 'boolean', description: 'run the training jobs only (filling the checkpoint zoo: `rdbm zoo add` then takes them); restore and evaluate run later' },
    { name: 'train-missing', type: 'boolean', description: 'at a zoo scale (whole64, cpu: networks from the zoo), train the points without a zoo entry instead of leaving them out' },
    { name: 'list', type: 'boolean', description: 'list the built-in experiments with their axes at --scale' },
    { name: 'json', type: 'boolean', description: 'print one JSON object (plan summary, and finished runs) on stdout' },
    backendOption,
    ...EMIT_OPTIONS,
  ],
  examples: [
    'rdbm sweep nfe --scale smoke --dry-run',
    'rdbm sweep reproduce --scale quick',
    'rdbm sweep lambda pi --scale paper --data /data/uir --results /shared/results --emit slurm --partition gpu --gpus-per-task 1 --backend node-gpu > sweep.sbatch',
    'rdbm sweep lambda pi --scale paper --data /data/uir --shard $SLURM_ARRAY_TASK_ID/8 --results /shared/results',
    'rdbm sweep diffuir-vs-rdbm --data /data/uir --diffuir-checkpoint model-300.pt --scale paper',
  ],
  async run(args, io: Io) {
    const { options, positionals } = args;
    const scale = options.scale as ScaleName;
    if (options.list) {
      io.out(`Experiments at scale ${scale} (axis stage: train = one checkpoint per value; restore/evaluate = reuse):\n${experimentList(scale)}\n`);
      return 0;
    }
    const shards = options.shards as number | undefined;
    if (options.emit && options.shard) throw new RdbmError('--emit and --shard do not go together (each task of the emitted job runs --shard auto)');
    if (shards !== undefined && !options.shard && !options.emit) throw new RdbmError('--shards needs --shard auto (or --emit)');
    const shard = options.shard ? resolveShard(options.shard as string, process.env, shards) : undefined;
    const resultsDir = options.results as string;
    const dataset = options.data as string | undefined;
    const checkpoints = {
      ...(options['diffuir-checkpoint'] ? { diffuir: options['diffuir-checkpoint'] as string } : {}),
      // a zoo entry (T, data/zoo/T) stands for its checkpoint
      ...(options['rdbm-checkpoint'] ? { rdbm: zooEntryCheckpoint(options['rdbm-checkpoint'] as string)?.checkpoint ?? (options['rdbm-checkpoint'] as string) } : {}),
    };
    const allowSharedCheckpoint = Boolean(options['shared-checkpoint']);
    const zoo = options.retrain ? { zoo: false as const } : options['train-missing'] ? { trainMissing: true } : {};
    const plan = planExperiments(positionals, { scale, checkpoints, allowSharedCheckpoint, ...zoo, ...(dataset ? { dataset } : {}) });
    if (options.emit) return emitSweep(sweepCommand, args, plan, io);
    if (options['dry-run']) {
      const store = openResults(resultsDir);
      const statuses = inspectPlan(plan, store, shard);
      const why = notCached(statuses, store);
      if (options.json) io.out(`${JSON.stringify({ ...(reportJson({ plan, jobs: statuses, ...(shard ? { shard } : {}) }) as object), notCached: why })}\n`);
      else io.out(`${[...summaryLines(plan, statuses, shard), ...pointTable(plan, statuses), ...whyLines(why)].join('\n')}\n`);
      return 0;
    }
    for (const note of awaitingZooNotes(plan.awaitingZoo ?? [], plan.scale)) io.err(`rdbm sweep: left out ${note}\n`);
    // the executors initialise the backend (and their worker threads) from RDBM_BACKEND
    if (options.backend) process.env.RDBM_BACKEND = options.backend as string;
    await startBackend(options.backend, io);
    // SIGTERM (scancel, a pod's deletion) or Ctrl-C: stop the running job and give its lease back, so another worker takes it at once
    const stop = new AbortController();
    let caught: NodeJS.Signals | undefined;
    const onSignal = (name: NodeJS.Signals) => {
      caught = name;
      io.err(`rdbm sweep: ${name}: stopping (finished jobs are saved; the running job's lease is released)\n`);
      stop.abort();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    let report: SweepReport;
    try {
      const worker = schedulerWorker(process.env);
      report = await runExperiment(positionals, { scale, resultsDir, io, checkpoints, allowSharedCheckpoint, ...zoo, ...(shard ? { shard } : {}), ...(dataset ? { dataset } : {}), ...(worker ? { worker } : {}), ...(options['train-only'] ? { stages: ['train'] as const } : {}), signal: stop.signal });
    } catch (error) {
      if (stop.signal.aborted) {
        // the shell's convention: 128 + the signal's number. The running job's lease is released; its executor may
        // still be busy (data generation does not look at the signal): exit soon rather than let it write on
        const code = caught === 'SIGINT' ? 130 : 143;
        setTimeout(() => process.exit(code), 200).unref();
        return code;
      }
      throw error;
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
    if (options.json) {
      io.out(`${JSON.stringify(reportJson(report))}\n`);
      return 0;
    }
    const others = KINDS.reduce((n, k) => n + report.byOthers[k], 0);
    io.out(`ran ${KINDS.map((k) => `${report.ran[k]} ${k}`).join(', ')}; reused ${KINDS.map((k) => `${report.cached[k]} ${k}`).join(', ')}${others ? `; finished by other workers meanwhile ${KINDS.map((k) => `${report.byOthers[k]} ${k}`).join(', ')}` : ''}\n`);
    io.out(runRowsTable(runRows(report.runs)));
    return 0;
  },
};
