/** `rdbm reproduce`: the main job (bundled experiments → results/ with tables, plots and README). */
import type { Command } from '../cli/command.js';
import { REPRODUCE_SCALES, type ReproduceScale, reproduce } from './reproduce.js';
import { DEFAULT_SCALE } from '../experiments/scales.js';

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: 'run the bundled experiments and write results/ (tables beside the paper, plots, README)',
  description:
    'Builds the mini-uir benchmark, restores it with the bundled checkpoint zoo (scale cpu, the default; other scales train or reuse small checkpoints), ' +
    'runs the ablation sweeps (model size, schedule, λ, NFE, π) ' +
    'and writes tables (Markdown, CSV, LaTeX), plots (Vega-Lite, SVG, PNG) and a README to the results folder. ' +
    'Finished jobs are reused, so a second run only re-renders. Progress goes to stderr.',
  options: [
    { name: 'scale', type: 'string', description: 'budget: smoke (seconds), quick (minutes on 2 cores, networks that do not restore), cpu (the default: the checkpoint zoo), paper (GPU)', default: DEFAULT_SCALE, choices: REPRODUCE_SCALES },
    { name: 'results', type: 'string', valueName: '<dir>', description: 'results folder', default: 'results' },
    { name: 'only', type: 'string', multiple: true, valueName: '<experiment>', description: 'run only these experiments (repeatable)' },
    { name: 'no-png', type: 'boolean', description: 'write SVG and Vega-Lite specs only' },
    { name: 'report-only', type: 'boolean', description: 'run nothing: rebuild tables, plots and README from the finished runs in the results folder' },
    { name: 'retrain', type: 'boolean', description: 'train every point through the same code path instead of restoring with the matching checkpoint-zoo entries (data/zoo)' },
    { name: 'data', type: 'string', valueName: '<dir>', description: 'a dataset in the RDBM/DGSolver layout instead of the bundled mini-uir (with --report-only: the --data the sweep ran on)' },
  ],
  examples: [
    'rdbm reproduce',
    'rdbm reproduce --scale smoke --results /tmp/results',
    'rdbm reproduce --report-only   # after sharded `rdbm sweep reproduce --shard i/n` runs',
    'rdbm reproduce --report-only --data /data/uir --scale paper   # after `rdbm sweep reproduce --data /data/uir --scale paper`',
  ],
  async run(args, io) {
    const result = await reproduce({
      scale: args.options.scale as ReproduceScale,
      resultsDir: args.options.results as string,
      io,
      only: (args.options.only as string[] | undefined) ?? [],
      noPng: Boolean(args.options['no-png']),
      reportOnly: Boolean(args.options['report-only']),
      ...(args.options.data ? { dataset: args.options.data as string } : {}),
      retrain: Boolean(args.options.retrain),
    });
    io.out(`${result.report.files.length} files written to ${args.options.results as string}; see ${args.options.results as string}/README.md\n`);
    return result.failed.length > 0 ? 1 : 0;
  },
};

export const reportCommand: Command = {
  name: 'report',
  summary: 'tables, plots and grids from your own restored folders and checkpoints (an experiment file of points)',
  description: [
    'Reads an experiment file of points, each a folder of restored images (<Task>/<SubDataset>/<name>, as',
    '`rdbm metrics --layout --pred` pairs them) or a checkpoint the toolkit restores (its own training config governs',
    'sampling unless the point sets nfe, schedule, lambda, timesteps, objective, …). Scores every point and the unrestored',
    'input on the test split of --data under the file\'s metric, then writes what `reproduce` writes to --out: Markdown,',
    'CSV and LaTeX tables, per-task plots, a restoration grid, reproduced.json and a README. Paths in the file are',
    'relative to the file. Averages are the mean of the task means; task keys are deraining, low-light, desnowing,',
    'dehazing, deblurring for the five known task folders, else the folder name. Any bad point stops the report',
    'before anything is written (one line naming the point and the path, exit 2).',
    '',
    '  { "name": "my-nfe", "title": "NFE on my outputs", "metric": "basicsr-y", "baseline": "NFE 10",',
    '    "points": [ { "label": "NFE 2",  "restored": "runs/nfe2" },',
    '                { "label": "NFE 10", "restored": "runs/nfe10" },',
    '                { "label": "RDBM-B (mine)", "checkpoint": "ckpt/b.pt", "nfe": 10 } ] }',
  ].join('\n'),
  positionals: [{ name: 'experiment', description: 'experiment file (.json) of points' }],
  options: [
    { name: 'data', type: 'string', valueName: '<dir>', description: 'dataset root in the RDBM/DGSolver layout (its test split is scored)', required: true },
    { name: 'out', type: 'string', valueName: '<dir>', description: 'report folder (checkpoint points are restored into it too; finished restorations are reused)', required: true },
    { name: 'json', type: 'boolean', description: 'print one JSON object {"points": [{label, average, tasks, delta?}], "input": {…}} on stdout' },
    { name: 'no-png', type: 'boolean', description: 'write SVG and Vega-Lite specs only' },
  ],
  examples: ['rdbm report my-nfe.json --data /data/uir --out reports/my-nfe', 'rdbm report my-nfe.json --data /data/uir --out /tmp/r --json'],
  async run(args, io) {
    const { experimentReport } = await import('./experiment-report.js');
    const out = args.options.out as string;
    const r = await experimentReport(args.positionals[0] as string, { data: args.options.data as string, out, io, png: !args.options['no-png'] });
    if (args.options.json) io.out(`${JSON.stringify(r.json)}\n`);
    else io.out(`${r.report.files.length} files written to ${out}; see ${out}/README.md\n`);
    return 0;
  },
};
