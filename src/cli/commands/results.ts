/** `rdbm results`: list and merge finished sweep runs. */
import { writeFileSync } from 'node:fs';
import type { Command, Io } from '../command.js';
import { mergeRuns, runRowsCsv, runRowsTable, runRows } from '../../experiments/results.js';
import { folderStatus, observeFolder, statusText } from '../../experiments/status.js';

export const resultsCommand: Command = {
  name: 'results',
  summary: 'list and merge finished sweep runs (table, JSON or CSV)',
  description: [
    'Lists every finished run (runs/<hash>.json) of one or more results folders, merged by key (shards that wrote',
    'to separate folders are combined). PSNR/SSIM are the mean of the task means (the paper\'s five-task average);',
    'per-task columns pool each task\'s images across its sub-datasets. Damaged run files are reported and skipped.',
  ].join('\n'),
  options: [
    { name: 'results', type: 'string', valueName: '<dir>', description: 'results folder; several are merged', multiple: true },
    { name: 'json', type: 'boolean', description: 'print one JSON object {"runs": [...full run records], "problems": [...]}' },
    { name: 'csv', type: 'string', valueName: '<file>', description: 'write one row per run (config, averages, per-task PSNR/SSIM, timings) as CSV' },
  ],
  examples: ['rdbm results', 'rdbm results --results shard0 --results shard1 --csv all.csv', 'rdbm results --json'],
  run({ options }, io: Io) {
    const dirs = (options.results as string[] | undefined) ?? ['results'];
    const merged = mergeRuns(dirs);
    for (const p of merged.problems) io.err(`rdbm: ${p}; skipped (rdbm sweep redoes it)\n`);
    const rows = runRows(merged.runs);
    if (options.csv) {
      writeFileSync(options.csv as string, runRowsCsv(rows));
      io.err(`wrote ${rows.length} runs to ${options.csv as string}\n`);
    }
    if (options.json) io.out(`${JSON.stringify({ folders: dirs, runs: merged.runs, problems: merged.problems })}\n`);
    else if (!options.csv) io.out(rows.length ? runRowsTable(rows) : `no finished runs in ${dirs.join(', ')}\n`);
    return 0;
  },
};

export const resultsStatusCommand: Command = {
  name: 'results status',
  summary: 'progress of the sweeps on a results folder: each job done, running (by whom, since when), failed or pending',
  description: [
    'Lists every job of the sweeps started on the folder (recorded in <results>/plans/) as done, running (the worker',
    'holding its lease, since when, and how fresh its heartbeat is; a stale lease is taken over by the next worker),',
    'failed (its one-line error; the next run retries it) or pending (ready, or waiting for the job it needs), then',
    'the progress. Reads the folder only: safe while workers run.',
  ].join('\n'),
  options: [
    { name: 'results', type: 'string', valueName: '<dir>', description: 'results folder', default: 'results' },
    { name: 'json', type: 'boolean', description: 'print one JSON object {"dir", "sweeps", "jobs": [{kind, key, points, state, …}], "summary"}' },
  ],
  examples: ['rdbm results status --results /shared/results', 'rdbm results status --json'],
  run({ options }, io: Io) {
    const status = folderStatus(observeFolder(options.results as string), Date.now());
    io.out(options.json ? `${JSON.stringify(status)}\n` : statusText(status));
    return 0;
  },
};
