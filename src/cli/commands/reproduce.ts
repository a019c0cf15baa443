/** `rdbm reproduce`: the main job (bundled experiments → results/ with tables, plots and README). */
import { backendOption, startBackend } from '../options/backend.js';
import type { Command } from '../command.js';
import { REPRODUCE_SCALES, type ReproduceScale, reproduce } from '../../reports/reproduce.js';
import { DEFAULT_SCALE } from '../../experiments/scales.js';

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: 'run the bundled experiments and write results/ (tables beside the paper, plots, README)',
  description:
    'Builds the mini-uir benchmark, restores it with the bundled checkpoint zoo (scale whole64, the default, and cpu; other scales train or reuse small checkpoints), ' +
    'runs the ablation sweeps (model size, schedule, λ, NFE, π) ' +
    'and writes tables (Markdown, CSV, LaTeX), plots (Vega-Lite, SVG, PNG) and a README to the results folder. ' +
    'Finished jobs are reused, so a second run only re-renders. Progress goes to stderr.',
  options: [
    { name: 'scale', type: 'string', description: 'budget: smoke (tiny networks; minutes for the whole job), quick (minutes on 2 cores, networks that do not restore), whole64 (the default: the three-seed checkpoint zoo), cpu (the one-seed zoo before it), paper (GPU)', default: DEFAULT_SCALE, choices: REPRODUCE_SCALES },
    { name: 'results', type: 'string', valueName: '<dir>', description: 'results folder', default: 'results' },
    { name: 'only', type: 'string', multiple: true, valueName: '<experiment>', description: 'run only these experiments' },
    { name: 'no-png', type: 'boolean', description: 'write SVG and Vega-Lite specs only' },
    { name: 'report-only', type: 'boolean', description: 'run nothing: rebuild tables, plots and README from the finished runs in the results folder' },
    { name: 'retrain', type: 'boolean', description: 'train every point through the same code path instead of restoring with the matching checkpoint-zoo entries (data/zoo)' },
    { name: 'data', type: 'string', valueName: '<dir>', description: 'a dataset in the RDBM/DGSolver layout instead of the bundled mini-uir (with --report-only: the --data the sweep ran on)' },
    backendOption,
  ],
  examples: [
    'rdbm reproduce',
    'rdbm reproduce --scale smoke --results /tmp/results',
    'rdbm reproduce --report-only   # after sharded `rdbm sweep reproduce --shard i/n` runs',
    'rdbm reproduce --report-only --data /data/uir --scale paper   # after `rdbm sweep reproduce --data /data/uir --scale paper`',
  ],
  async run(args, io) {
    // --report-only trains and restores nothing (the input row is scored by the metrics, without TensorFlow.js)
    if (!args.options['report-only']) await startBackend(args.options.backend, io);
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
