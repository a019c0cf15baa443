/**
 * `rdbm metrics`: PSNR / SSIM of a pair of images or of whole folders under a named convention.
 * Loads sharp and the metrics code only; never TensorFlow.js (test/metrics/no-tf.test.ts).
 */
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Command, Io, ParsedArgs } from '../command.js';
import { scanLayout, type DatasetSplit } from '../../datasets/layout.js';
import { readMapping } from '../../datasets/mapping.js';
import { conditionPairs, pairFolderTree, pairFoldersReside, pairRestored, type ImagePair } from '../../datasets/pairs.js';
import { RdbmError } from '../../errors.js';
import { writeFileAtomic } from '../../util/fs.js';
import { createProgress } from '../../util/progress.js';
import type { ImageResult } from '../../metrics/aggregate.js';
import { CONVENTION_IDS, getConvention, type Convention } from '../../metrics/conventions.js';
import { evaluatePairs } from '../../metrics/evaluate.js';
import { metricsCsv, metricsReport } from '../../metrics/report.js';
import { checkScoreOptions, scorePair } from '../../metrics/score.js';

type Kind = 'file' | 'dir' | 'missing';
function kindOf(path: string): Kind {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

interface Source {
  readonly pairs: ImagePair[];
  readonly single: boolean;
}

/** Turns the path options into pairs; every problem is a one-line RdbmError (exit 2). */
function resolvePairs(o: ParsedArgs['options'], warn: (m: string) => void): Source {
  const gt = o.gt as string | undefined;
  const pred = o.pred as string | undefined;
  const layout = o.layout as string | undefined;
  const mapping = o.mapping as string | undefined;
  const split = o.split as DatasetSplit;
  const strict = !(o['allow-unpaired'] as boolean);
  if (mapping) {
    if (gt || pred || layout) throw new RdbmError('metrics: --mapping lists the pairs itself; do not combine it with --gt, --pred or --layout');
    return { pairs: readMapping(mapping), single: false };
  }
  if (layout) {
    if (gt) throw new RdbmError('metrics: --layout names the ground truth (its label folders); do not combine it with --gt');
    const pairs = pred ? pairRestored(layout, pred, { split, strict, warn }) : conditionPairs(scanLayout(layout, { split, strict, warn }));
    return { pairs, single: false };
  }
  if (!gt || !pred) throw new RdbmError('metrics: give --gt and --pred (files or folders), or --layout <root> [--pred <restored>], or --mapping <file>');
  const kg = kindOf(gt);
  const kp = kindOf(pred);
  if (kg === 'missing') throw new RdbmError(`${gt}: no such file or directory`);
  if (kp === 'missing') throw new RdbmError(`${pred}: no such file or directory`);
  if (kg !== kp) throw new RdbmError(`metrics: --gt ${gt} is a ${kg === 'dir' ? 'folder' : 'file'} but --pred ${pred} is a ${kp === 'dir' ? 'folder' : 'file'} (give two files or two folders)`);
  if (kg === 'file') return { pairs: [{ name: pred, gt, pred }], single: true };
  // folders of task folders (<Task>[/<SubDataset>]/<name>) give per-task means too
  const pairs = o['reside-names'] ? pairFoldersReside(gt, pred, { strict, warn }) : pairFolderTree(gt, pred, { strict, warn });
  return { pairs, single: false };
}

const fmt = (v: number | null | undefined, digits: number): string => (v === null || v === undefined ? '—' : Number.isFinite(v) ? v.toFixed(digits) : v > 0 ? 'inf' : '-inf');

function printSummary(io: Io, report: Record<string, unknown>, convention: Convention): void {
  type Row = { psnr: number | null; ssim: number | null; count: number; failed?: number; infinitePsnr?: number };
  const line = (label: string, r: Row): string =>
    `${label.padEnd(36)} ${String(r.count).padStart(6)}  PSNR ${fmt(r.psnr, 4).padStart(8)} dB  SSIM ${fmt(r.ssim, 6)}${r.failed ? `  (${r.failed} failed)` : ''}${r.infinitePsnr ? `  (${r.infinitePsnr} identical)` : ''}`;
  const out: string[] = [`convention ${convention.id}: ${convention.reference}`];
  const tasks = report.tasks as (Row & { task: string; subDatasets: (Row & { subDataset: string })[] })[];
  for (const t of tasks) {
    // task folders without sub-dataset folders form one unnamed group: the task line says it
    for (const s of t.subDatasets) if (s.subDataset !== '') out.push(line(`  ${t.task}/${s.subDataset}`, s));
    out.push(line(t.task, t));
  }
  out.push(line('mean over images', report.mean as Row));
  if (report.meanOfTaskMeans) out.push(line('mean of task means', report.meanOfTaskMeans as Row));
  io.out(`${out.join('\n')}\n`);
}

/**
 * Writes a file of scores atomically. When that fails (a full disk, no permission) the scores are not lost: they
 * go to a file in the temporary folder (another file system, as a rule), or else to stdout, and the one-line
 * error names the file that could not be written, why, and where the scores are.
 */
function saveScores(path: string, content: string, io: Io): void {
  try {
    writeFileAtomic(path, content);
    return;
  } catch (error) {
    if (!(error instanceof RdbmError)) throw error;
    const rescue = join(tmpdir(), `rdbm-scores-${process.pid}-${basename(path)}`);
    let where: string;
    try {
      writeFileAtomic(rescue, content);
      where = `saved to ${rescue} instead`;
    } catch {
      io.out(content);
      where = 'printed on stdout instead';
    }
    throw new RdbmError(`${error.message}; the scores were ${where}`);
  }
}

async function run(args: ParsedArgs, io: Io): Promise<number> {
  const o = args.options;
  const convention = getConvention(o.convention as string);
  const options = checkScoreOptions(convention, { cropBorder: o['crop-border'] as number, resizeGt: o['resize-gt'] as boolean });
  const warn = (m: string): void => io.err(`rdbm: warning: ${m}\n`);
  if (convention.preview) warn('image-ssim is a preview metric (8×8 blocks, Rec.709 luma): never use it in paper tables');
  const { pairs, single } = resolvePairs(o, warn);
  let results: ImageResult[];
  if (single) {
    // one pair: errors are the run's errors (exit 2)
    const p = pairs[0];
    // sharp is loaded only where a file needs it (image/io.ts: plain PNGs do not)
    const { readImage } = await import('../../image/io.js');
    const [gt, pred] = await Promise.all([readImage(p.gt, { warn }), readImage(p.pred, { warn })]);
    const s = scorePair(gt, pred, convention, options, { gt: p.gt, pred: p.pred });
    results = [{ name: p.name, gt: p.gt, pred: p.pred, psnr: s.psnr, ssim: s.ssim, identical: s.identical }];
  } else {
    const progress = createProgress(io, 'metrics', pairs.length, 'images');
    results = await evaluatePairs(pairs, convention.id, options, {
      workers: o.workers as number | undefined,
      warn,
      onResult: (r) => {
        if (r.error) io.err(`rdbm: ${r.name}: ${r.error}\n`);
        progress.tick();
      },
    });
    progress.done();
  }
  const report = metricsReport(results, convention, options);
  // the scores are printed first and the files written after: a full disk cannot lose them (issue 32, defect 7)
  if (o.json) io.out(`${JSON.stringify(report)}\n`);
  else if (single) {
    const r = results[0];
    io.out(`PSNR ${fmt(r.psnr, 6)} dB  SSIM ${fmt(r.ssim, 6)}${r.identical ? '  (identical)' : ''}  [${convention.id}]\n`);
  } else printSummary(io, report, convention);
  if (o.csv) saveScores(o.csv as string, metricsCsv(results, convention), io);
  if (o.out) saveScores(o.out as string, `${JSON.stringify(report, null, 2)}\n`, io);
  const failed = results.filter((r) => r.error).length;
  if (failed) io.err(`rdbm: ${failed} of ${results.length} pairs failed (listed above; the others were scored${o.csv || o.out ? ' and saved' : ''})\n`);
  return failed ? 1 : 0;
}

export const metricsCommand: Command = {
  name: 'metrics',
  summary: 'PSNR / SSIM of images or folders under a named convention (rdbm, basicsr-y, …)',
  description: [
    'PSNR and SSIM computed exactly as a named reference implementation computes them.',
    '',
    'Conventions:',
    ...CONVENTION_IDS.map((id) => `  ${id.padEnd(17)} ${getConvention(id).description}`),
    '',
    'Inputs: two image files; two folders paired by file name (folders of task folders, <Task>[/<SubDataset>]/<name>,',
    'pair folder by folder and give per-task means); --layout <root> for the',
    'RDBM/DGSolver layout <root>/<Task>/<SubDataset>/<split>/{label,condition} (conditions are scored',
    'against labels unless --pred names a folder of restored outputs <pred>/<Task>/<SubDataset>/<name>);',
    'or --mapping <file.csv|file.json> listing gt,pred[,task][,subDataset] pairs.',
    'Exit codes: 0 all pairs scored, 1 some pairs failed (reported, the rest saved), 2 bad input.',
  ].join('\n'),
  options: [
    { name: 'gt', type: 'string', valueName: '<file|dir>', description: 'ground-truth image or folder' },
    { name: 'pred', type: 'string', valueName: '<file|dir>', description: 'predicted image or folder (restored outputs with --layout)' },
    { name: 'layout', type: 'string', valueName: '<root>', description: 'dataset root in the RDBM/DGSolver layout' },
    { name: 'split', type: 'string', choices: ['test', 'train'], default: 'test', description: 'split folder of --layout' },
    { name: 'mapping', type: 'string', valueName: '<file>', description: 'CSV or JSON mapping file of gt,pred[,task][,subDataset] pairs' },
    { name: 'convention', type: 'string', choices: CONVENTION_IDS, required: true, description: 'metric convention' },
    { name: 'crop-border', type: 'integer', min: 0, default: 0, valueName: '<N>', description: 'pixels removed on each side before both metrics' },
    { name: 'resize-gt', type: 'boolean', description: 'matlab-y: resize the ground truth to the prediction size (MATLAB imresize, bicubic)' },
    { name: 'json', type: 'boolean', description: 'print one JSON object on stdout' },
    { name: 'csv', type: 'string', valueName: '<file>', description: 'write per-image, per-task and overall rows as CSV' },
    { name: 'out', type: 'string', valueName: '<file>', description: 'write the JSON object to a file' },
    { name: 'workers', type: 'integer', min: 1, valueName: '<N>', description: 'threads scoring folder runs: this one and N − 1 worker threads (default: all cores)' },
    { name: 'reside-names', type: 'boolean', description: 'folder pairs: prediction 0001_0.8_0.2.jpg ↔ ground truth 0001.* (SOTS / ITS naming)' },
    { name: 'allow-unpaired', type: 'boolean', description: 'skip unpaired files with a warning instead of failing' },
  ],
  examples: [
    'rdbm metrics --gt gt.png --pred out.png --convention basicsr-y',
    'rdbm metrics --gt data/gt --pred results --convention rdbm --json',
    'rdbm metrics --layout data/test-root --pred results/model-10 --convention rdbm --csv metrics.csv',
    'rdbm metrics --gt sots/gt --pred sots/out --reside-names --convention matlab-y --resize-gt',
  ],
  run,
};
