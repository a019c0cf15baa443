/**
 * Writes a report plan to a results folder: its tables, plots and README where the results layout puts them
 * (src/experiments/layout.ts), all as one batch (rendered first, then staged and renamed into place, so a full
 * disk leaves the previous report, not half of a new one). Rendering is the slow part (PNG through resvg):
 * progress goes to io.err.
 */
import { relative } from 'node:path';
import type { Io } from '../util/io.js';
import { writeFilesAtomic } from '../util/fs.js';
import { createProgress } from '../util/progress.js';
import { plotPath, readmePath, tablePath } from '../experiments/layout.js';
import { tableToCsv } from './csv.js';
import { tableToLatex } from './latex.js';
import { tableToMarkdown } from './markdown.js';
import type { PlannedPlot, ReportPlan } from './plan.js';
import { type ReadmeMeta, resultsReadme } from './readme.js';
import { renderSvg, svgToPng } from './render.js';

export interface WriteReportOptions {
  readonly dir: string;
  readonly io?: Pick<Io, 'err' | 'errIsTTY'>;
  /** render PNGs (default true); SVG and the spec are always written */
  readonly png?: boolean;
  /** extra plots shown in their own README section (e.g. restoration grids) */
  readonly extraPlots?: readonly PlannedPlot[];
  readonly meta: ReadmeMeta;
  /** more files of the same batch, e.g. reproduced.json (relative path, content) */
  readonly extraFiles?: readonly (readonly [string, string | Uint8Array])[];
}

export interface WrittenReport {
  readonly readme: string;
  readonly files: readonly string[];
}

export async function writeReport(plan: ReportPlan, options: WriteReportOptions): Promise<WrittenReport> {
  const { dir } = options;
  const batch: (readonly [string, string | Uint8Array])[] = [...(options.extraFiles ?? [])];
  const put = (path: string, data: string | Uint8Array) => void batch.push([relative(dir, path), data]);
  const sections = options.extraPlots?.length
    ? [...plan.sections, { id: 'restorations', title: 'Restorations', tables: [], plots: options.extraPlots }]
    : plan.sections;
  for (const section of sections) {
    for (const table of section.tables) {
      put(tablePath(dir, table.id, 'md'), tableToMarkdown(table));
      put(tablePath(dir, table.id, 'csv'), tableToCsv(table));
      put(tablePath(dir, table.id, 'tex'), tableToLatex(table));
    }
  }
  const plots = sections.flatMap((s) => s.plots);
  const progress = options.io ? createProgress(options.io, 'report: rendering plots', plots.length, 'plots') : undefined;
  for (const plot of plots) {
    put(plotPath(dir, plot.id, 'vl.json'), `${JSON.stringify(plot.spec, null, 2)}\n`);
    const svg = await renderSvg(plot.spec);
    put(plotPath(dir, plot.id, 'svg'), svg);
    if (options.png !== false) put(plotPath(dir, plot.id, 'png'), svgToPng(svg, { scale: plot.pngScale ?? 2 }));
    progress?.tick(1, plot.id);
  }
  const readme = resultsReadme({ sections }, { ...options.meta, png: options.png !== false });
  put(readmePath(dir), readme);
  writeFilesAtomic(dir, batch);
  return { readme, files: batch.map(([rel]) => rel).filter((rel) => !(options.extraFiles ?? []).some(([x]) => x === rel)) };
}
