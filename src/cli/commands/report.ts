/** `rdbm report`: tables, plots and grids from an experiment file of points (restored folders, checkpoints). */
import { backendOption, startBackend } from '../options/backend.js';
import type { Command } from '../command.js';

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
    backendOption,
  ],
  examples: ['rdbm report my-nfe.json --data /data/uir --out reports/my-nfe', 'rdbm report my-nfe.json --data /data/uir --out /tmp/r --json'],
  async run(args, io) {
    const { experimentReport } = await import('../../reports/experiment-report.js');
    // checkpoint points are restored with TensorFlow.js; restored folders are only scored
    const { loadPointsExperiment } = await import('../../experiments/points.js');
    const file = args.positionals[0];
    if (typeof file === 'string' && loadPointsExperiment(file).points.some((p) => p.checkpoint !== undefined)) await startBackend(args.options.backend, io);
    const out = args.options.out as string;
    const r = await experimentReport(args.positionals[0] as string, { data: args.options.data as string, out, io, png: !args.options['no-png'] });
    if (args.options.json) io.out(`${JSON.stringify(r.json)}\n`);
    else io.out(`${r.report.files.length} files written to ${out}; see ${out}/README.md\n`);
    return 0;
  },
};
