/** `rdbm zoo list`, `rdbm zoo verify`, `rdbm zoo add` and `rdbm zoo shrink`: the checkpoint zoo. */
import type { Command } from '../command.js';
import { backendOption, startBackend, threadsOption } from '../options/backend.js';
import { BACKEND_IDS, currentBackendId, selectedBackend, threadsOfDescription } from '../../tf/index.js';
import { addSweepToZoo } from '../../experiments/zoo-add.js';
import { DEFAULT_SCALE, SCALES, SCALE_NAMES, type ScaleName } from '../../experiments/scales.js';
import { shrinkZooEntries, shrinkableEntries } from '../../experiments/zoo-storage.js';
import { BUNDLED_ZOO_DIR, listZoo, readZooEntry, zooEntryDir } from '../../zoo/entry.js';
import { NARROW_DTYPES, STORAGE_MAX_DIFF, type StorageChecks } from '../../zoo/storage.js';
import { LOSS_TOLERANCE, recordedStep, verifyZooEntry } from '../../zoo/verify.js';
import { isAbsolute, join, relative } from 'node:path';
import { duration } from '../../util/progress.js';

/** A path below the working directory as a relative one (what to pass to --checkpoint), others as they are. */
function shown(path: string): string {
  const r = relative(process.cwd(), path);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : path;
}

const zooOption = { name: 'zoo', type: 'string', valueName: '<dir>', description: `zoo folder (default: the bundled ${'data/zoo'})` } as const;

export const zooListCommand: Command = {
  name: 'zoo list',
  summary: 'the bundled checkpoint zoo: every entry with its run config, steps, wall time, commit and path (files verified)',
  description: 'An entry\'s path (or its name) works wherever a checkpoint is asked for: rdbm restore --checkpoint T, rdbm model info data/zoo/T, rdbm sweep --rdbm-checkpoint T, a report point\'s "checkpoint".',
  options: [zooOption, { name: 'json', type: 'boolean', description: 'print one JSON array' }],
  run({ options }, io) {
    const dir = (options.zoo as string | undefined) ?? BUNDLED_ZOO_DIR;
    const entries = listZoo(dir);
    if (options.json) {
      io.out(`${JSON.stringify(entries.map(({ history, ...rest }) => ({ ...rest, path: shown(join(dir, rest.name)), finalLoss: history[history.length - 1].loss })))}\n`);
      return 0;
    }
    if (entries.length === 0) {
      io.out(`no zoo entries in ${dir}\n`);
      return 0;
    }
    for (const e of entries) {
      const t = e.training;
      io.out(`${e.name.padEnd(30)} ${String(t.model).padEnd(3)} ${String(t.schedule).padEnd(8)} λ=${Number(t.lambda).toFixed(4)} π=${String(t.pi).padEnd(12)} seed ${String(t.seed)} ${String(e.steps).padStart(6)} steps  ${(e.seconds / 60).toFixed(1)} min  loss ${e.history[e.history.length - 1].loss.toFixed(4)}  ${e.weights.dtype}  commit ${e.commit.slice(0, 10)}  ${shown(join(dir, e.name))}\n`);
    }
    // what training the zoo cost (the recorded wall times; runs on two cores overlapped, so elapsed time was less)
    io.out(`${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, ${duration(entries.reduce((sum, e) => sum + e.seconds, 0))} of training wall time in all (the sum above)\n`);
    return 0;
  },
};

export const zooVerifyCommand: Command = {
  name: 'zoo verify',
  summary: 'retrain the first K steps of a zoo entry and check the recorded weight hash at step K',
  description: [
    'Checks that a zoo checkpoint is what the toolkit trains: its files are verified against zoo.json, then the',
    'first K steps of its run (same config, seed and regenerated mini-uir) are retrained and the sha256 of the',
    'sampling weights at step K is compared with the recorded one. If the training code changed since the entry',
    `was trained, the weights may differ in the last bits; then the mean training loss at step K must agree within`,
    `${LOSS_TOLERANCE} (relative), and the output says so. Exit 1 when neither holds.`,
  ].join('\n'),
  positionals: [{ name: 'name', description: 'entry name (see rdbm zoo list)', required: true }],
  options: [
    zooOption,
    { name: 'steps', type: 'integer', description: 'K: a recorded step (default: the first, 10)', min: 1 },
    { ...backendOption, description: "TensorFlow.js backend (default: the entry's, whose kernels the recorded hashes come from)" },
    { ...threadsOption, description: "native backends: TensorFlow's intra-op threads (default: the entry's, as its backend line names them)" },
    { name: 'json', type: 'boolean', description: 'print one JSON object' },
  ],
  async run({ options, positionals }, io) {
    const dir = (options.zoo as string | undefined) ?? BUNDLED_ZOO_DIR;
    const entryDir = zooEntryDir(dir, positionals[0]);
    // the recorded hashes are the entry's backend's float arithmetic: retrain on it unless told otherwise
    const entry = readZooEntry(entryDir);
    recordedStep(entry, options.steps as number | undefined); // bad input fails before the backend starts
    const trainedOn = entry.backend.split(' ')[0];
    // a native entry's sums depend on TensorFlow's thread count: retrain at the entry's unless --threads or the
    // environment says otherwise (TF reads it once, when the binding loads in startBackend)
    const trainedThreads = threadsOfDescription(entry.backend);
    const threadsFromEnv = process.env.RDBM_THREADS !== undefined || process.env.TF_NUM_INTRAOP_THREADS !== undefined;
    await startBackend(options.backend ?? ((BACKEND_IDS as readonly string[]).includes(trainedOn) ? trainedOn : undefined), io, options.threads ?? (threadsFromEnv ? undefined : trainedThreads));
    const current = currentBackendId();
    const threads = selectedBackend()?.tensorflow?.threads;
    // why the weights cannot repeat bit for bit here, if they cannot: then the recorded loss window decides
    const otherArithmetic =
      current !== trainedOn
        ? `retrained on ${current}, trained on ${trainedOn}: another backend's float arithmetic`
        : threads !== trainedThreads
          ? `retrained with ${threads ?? 'no'} TensorFlow threads, trained with ${trainedThreads ?? 'no'}: other float sums`
          : undefined;
    if (otherArithmetic) io.err(`zoo verify: ${entry.name}: ${otherArithmetic}, so the weights cannot repeat bit for bit and its recorded loss window at the step decides\n`);
    const r = await verifyZooEntry(entryDir, { ...(options.steps ? { steps: options.steps as number } : {}), io });
    if (options.json) io.out(`${JSON.stringify(r)}\n`);
    else if (r.identical) io.out(`${r.name}: step ${r.step} retrained in ${r.seconds.toFixed(0)} s: weights identical (sha256 ${r.retrained.sha256.slice(0, 16)}…), as recorded at commit ${r.commit.slice(0, 10)}\n`);
    else {
      io.out(
        `${r.name}: step ${r.step}: weights differ from those recorded at commit ${r.commit.slice(0, 10)} (${otherArithmetic ? `${otherArithmetic}, so the recorded loss window is compared instead` : 'the training code changed since'}); ` +
          `loss ${r.retrained.loss.toPrecision(6)} vs ${r.recorded.loss.toPrecision(6)} recorded, relative difference ${r.lossRelDiff.toExponential(2)} ${r.ok ? '<=' : '>'} tolerance ${r.tolerance}: ${r.ok ? 'consistent' : 'NOT consistent'}\n`,
      );
    }
    return r.ok ? 0 : 1;
  },
};

export const zooAddCommand: Command = {
  name: 'zoo add',
  summary: 'add the finished training jobs of a sweep (at a scale) to the checkpoint zoo',
  description: [
    'Train with `rdbm sweep reproduce --train-missing --train-only --results DIR` (or scripts/zoo-retrain.sh), then `rdbm zoo add --results DIR`.',
    'At a scale that stores narrow weights (whole64), each run\'s test split is first restored from its float32 weights',
    `and from their rounding to ${NARROW_DTYPES.join(', then ')}: the first format whose restorations no value differs from`,
    `by more than ${STORAGE_MAX_DIFF}/255 is stored, else float32; the measurements are recorded in zoo.json (weights.checks).`,
    'An entry already added from the same run whose format its recorded measurements decide is left as it is.',
  ].join('\n'),
  positionals: [{ name: 'experiment', description: 'experiments whose training jobs to add (default: reproduce)', variadic: true }],
  options: [
    { name: 'results', type: 'string', valueName: '<dir>', description: 'the sweep results folder', required: true },
    { name: 'scale', type: 'string', description: 'the scale the sweep ran at', default: DEFAULT_SCALE, choices: SCALE_NAMES },
    { name: 'zoo', type: 'string', valueName: '<dir>', description: 'zoo folder (default: the bundled data/zoo)' },
    { ...backendOption, description: 'TensorFlow.js backend of the storage measurements (scales that store narrow weights)' },
    threadsOption,
  ],
  async run({ options, positionals }, io) {
    const scale = options.scale as ScaleName;
    if (SCALES[scale].zooNarrow) await startBackend(options.backend, io, options.threads);
    const report = await addSweepToZoo(positionals.length ? positionals : ['reproduce'], {
      scale,
      resultsDir: options.results as string,
      io,
      ...(options.zoo ? { zooDir: options.zoo as string } : {}),
    });
    for (const a of report.added) io.out(`added ${a.name} (${a.steps} steps, ${(a.seconds / 60).toFixed(1)} min of training), ${a.dtype}${a.checks ? `: ${checksLine(a.checks)}` : ''}\n`);
    for (const k of report.kept) io.out(`kept ${k} (already added from the same training run, its format decided by the recorded measurements)\n`);
    for (const p of report.pending) io.out(`not finished: ${p.name} (train job ${p.key})\n`);
    return 0;
  },
};

/** The measurements of an entry's storage in one line: per format, how far its restorations are from float32's. */
function checksLine(checks: StorageChecks): string {
  return NARROW_DTYPES.filter((d) => checks[d])
    .map((d) => {
      const c = checks[d]!;
      return `${d} restores at most ${c.maxDiff}/255 from float32 (${c.valuesDiffering} of ${c.values} values in ${c.imagesDiffering} of ${c.images} images differ)`;
    })
    .join('; ');
}

export const zooShrinkCommand: Command = {
  name: 'zoo shrink',
  summary: `store float32 zoo entries in the narrowest format (${NARROW_DTYPES.join(', ')}) whose restorations stay within ${STORAGE_MAX_DIFF}/255`,
  description: [
    'Each entry\'s test split (its recorded run config: windows, NFE, λ, schedule, test images per task) is restored from',
    `its float32 weights and from their rounding to ${NARROW_DTYPES.join(', then ')}; the entry is rewritten in the first format`,
    `no value of which differs by more than ${STORAGE_MAX_DIFF}/255 (zoo.json keeps the float32 hash its history records, and`,
    'every measurement in weights.checks). An entry no format allows stays float32 with its measurements; exit 1 then.',
  ].join('\n'),
  positionals: [{ name: 'name', description: 'entry names (see rdbm zoo list)', required: true, variadic: true }],
  options: [zooOption, backendOption, threadsOption],
  async run({ options, positionals }, io) {
    const zooDir = (options.zoo as string | undefined) ?? BUNDLED_ZOO_DIR;
    // bad names and entries already narrow fail before the backend starts
    const entries = shrinkableEntries(positionals, zooDir);
    await startBackend(options.backend, io, options.threads);
    const reports = await shrinkZooEntries(entries, { io });
    for (const r of reports) io.out(`${r.name}: stored in ${r.dtype}: ${checksLine(r.checks)}\n`);
    return reports.every((r) => r.dtype !== 'float32') ? 0 : 1;
  },
};
