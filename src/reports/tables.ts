/**
 * Pure table builders in the paper's layouts: published figures beside reproduced ones, with deltas
 * (ours − paper). Published unknowns stay `unknown`; figures the paper does not have are `–`.
 */
import { shownTasks } from './tasks.js';
import { type AblationId, PUBLISHED_ABLATIONS, PUBLISHED_FLAGS, PUBLISHED_MAIN, PUBLISHED_PROVENANCE, type PublishedRow, publishedAblation } from '../experiments/paper.js';
import { type CellValue, type Column, type Table, delta } from './table.js';
import { PSNR_DIGITS, SSIM_DIGITS, hasStatistics, healthNotes, inputEntry, markedLabel, oursCells, oursColumns, statisticsNotes } from './table-statistics.js';
import type { ReproducedEntry, ReproducedSet } from './types.js';

/** Parses "10/255", "0.0392" or "10" to a number; NaN for anything else. */
function numeric(value: string): number {
  const fraction = /^\s*([0-9.eE+-]+)\s*\/\s*([0-9.eE+-]+)\s*$/.exec(value);
  if (fraction) return Number(fraction[1]) / Number(fraction[2]);
  return value.trim() === '' ? Number.NaN : Number(value);
}

/** Same axis value: numerically within 1e-9 relative (λ = 10/255 spelled either way), else equal strings. */
export function sameKey(a: string, b: string): boolean {
  if (a === b) return true;
  const x = numeric(a);
  const y = numeric(b);
  return Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
}

function find(set: ReproducedSet | undefined, key: string): ReproducedEntry | undefined {
  return set?.entries.find((e) => sameKey(e.key, key));
}

/**
 * Published and reproduced figures side by side, without a difference between them: ours ran at another
 * budget (model, steps, data), so ours − paper measures the budget, not the method. Read ours against
 * the input row and the default entry (the Δ vs default columns) instead.
 */
function scoreColumns(withSsim = true): Column[] {
  const cols: Column[] = [
    { key: 'psnr_paper', header: 'PSNR (paper)', kind: 'number', digits: PSNR_DIGITS, source: 'paper' },
    { key: 'psnr_ours', header: 'PSNR (ours)', kind: 'number', digits: PSNR_DIGITS, source: 'ours' },
  ];
  if (withSsim) {
    cols.push(
      { key: 'ssim_paper', header: 'SSIM (paper)', kind: 'number', digits: SSIM_DIGITS, source: 'paper' },
      { key: 'ssim_ours', header: 'SSIM (ours)', kind: 'number', digits: SSIM_DIGITS + 1, source: 'ours' },
    );
  }
  return cols;
}

function scoreCells(paper: { psnr: number | null; ssim: number | null } | undefined, ours: ReproducedEntry | undefined): Record<string, CellValue> {
  return {
    psnr_paper: paper ? paper.psnr : undefined,
    psnr_ours: ours ? ours.average.psnr : undefined,
    ssim_paper: paper ? paper.ssim : undefined,
    ssim_ours: ours ? ours.average.ssim : undefined,
  };
}

function flagNotes(flags: Iterable<string>): string[] {
  return [...new Set(flags)].map((f) => `${f}: ${PUBLISHED_FLAGS[f]}`);
}

function commonNotes(set: ReproducedSet | undefined): string[] {
  const notes = [
    `paper: ${PUBLISHED_PROVENANCE.source}; unknown = not published; – = not in the paper or not run here.`,
    'ours ran at another budget than the paper (see the scale): read it against the input row and the default entry, not against the paper\'s figure.',
  ];
  if (set) notes.push(`ours: ${set.experiment} runs${set.model ? ` (model ${set.model})` : ''} on ${set.dataset ?? 'the dataset named in the run files'}; averages are the mean of the task means.`);
  else notes.push('ours: no reproduced runs supplied.');
  return notes;
}

/**
 * The headline: our entries (the unrestored input first, then each model) with PSNR, SSIM, parameters,
 * FLOPs and the paired Δ against the set's default entry with its interval and verdict — at most 12
 * columns. The paper's figures are in publishedTable. Without reproduced runs it is publishedTable.
 */
export function mainTable(reproduced?: ReproducedSet): Table {
  if (!reproduced) return publishedTable();
  const columns: Column[] = [
    { key: 'method', header: 'Method', kind: 'text' },
    { key: 'psnr', header: 'PSNR', kind: 'number', digits: PSNR_DIGITS, source: 'ours' },
    { key: 'ssim', header: 'SSIM', kind: 'number', digits: SSIM_DIGITS + 1, source: 'ours' },
    { key: 'params', header: 'Params M', kind: 'number', digits: 2, source: 'ours' },
    { key: 'flops', header: 'FLOPs G', kind: 'number', digits: 2, source: 'ours' },
    ...oursColumns(reproduced),
  ];
  const input = inputEntry(reproduced);
  const ordered = input ? [input, ...reproduced.entries.filter((e) => e !== input)] : reproduced.entries;
  const rows = ordered.map((e) => ({
    method: markedLabel(e.key === reproduced.default ? `${e.label} (default)` : e.label, e),
    psnr: e.average.psnr ?? undefined,
    ssim: e.average.ssim ?? undefined,
    params: e.paramsM ?? undefined,
    flops: e.flopsG ?? undefined,
    ...oursCells(reproduced, e),
  }));
  const notes = [
    `ours: ${reproduced.experiment} runs${reproduced.model ? ` (model ${reproduced.model})` : ''} on ${reproduced.dataset ?? 'the dataset named in the run files'}; PSNR and SSIM are the ${averageName(reproduced)} (the mean of the task means). The paper's figures are in the table beside the published methods.`,
    ...statisticsNotes(reproduced),
    ...healthNotes(reproduced),
  ];
  if (reproduced.flopsNote) notes.push(reproduced.flopsNote);
  return {
    id: 'main',
    title: `RDBM family (ours): ${averageName(reproduced)} PSNR / SSIM, parameters, FLOPs and the difference from the default model`,
    convention: reproduced.convention,
    scale: reproduced.scale,
    columns,
    rows,
    notes,
  };
}

/**
 * The paper's main table (method | avg PSNR | avg SSIM | Params (M) | FLOPs (G)) with our figures beside
 * the published ones where we ran the same model; reproduced entries the paper lacks follow.
 */
export function publishedTable(reproduced?: ReproducedSet, published: readonly PublishedRow[] = PUBLISHED_MAIN): Table {
  const columns: Column[] = [
    { key: 'method', header: 'Method', kind: 'text' },
    ...scoreColumns(),
    { key: 'params_paper', header: 'Params M (paper)', kind: 'number', digits: 2, source: 'paper' },
    { key: 'params_ours', header: 'Params M (ours)', kind: 'number', digits: 2, source: 'ours' },
    { key: 'flops_paper', header: 'FLOPs G (paper)', kind: 'number', digits: 2, source: 'paper' },
    { key: 'flops_ours', header: 'FLOPs G (ours)', kind: 'number', digits: 2, source: 'ours' },
  ];
  const rows: Record<string, CellValue>[] = [];
  const flags: string[] = [];
  const used = new Set<ReproducedEntry>();
  const input = inputEntry(reproduced);
  if (input) used.add(input);
  for (const row of published) {
    const ours = find(reproduced, row.id);
    if (ours) used.add(ours);
    flags.push(...(row.flags ?? []));
    rows.push({
      method: markedLabel(row.flags?.includes('convir-mair-swap') ? `${row.method} †` : row.method, ours),
      ...scoreCells(row, ours),
      params_paper: row.paramsM,
      params_ours: ours?.paramsM ?? undefined,
      flops_paper: row.flopsG,
      flops_ours: ours?.flopsG ?? undefined,
    });
  }
  for (const ours of reproduced?.entries ?? []) {
    if (used.has(ours)) continue;
    rows.push({ method: markedLabel(ours.label, ours), ...scoreCells(undefined, ours), params_ours: ours.paramsM ?? undefined, flops_ours: ours.flopsG ?? undefined });
  }
  const notes = [...commonNotes(reproduced), ...healthNotes(reproduced), ...flagNotes(flags).map((n) => (n.startsWith('convir-mair-swap') ? `† ${n}` : n))];
  if (reproduced?.flopsNote) notes.push(reproduced.flopsNote);
  return {
    id: 'published',
    title: 'The paper\'s main table (five-task average PSNR / SSIM, parameters, FLOPs) beside ours',
    convention: reproduced?.convention ?? 'none',
    scale: reproduced?.scale ?? 'none',
    columns,
    rows,
    notes,
  };
}

/** One ablation of the paper (all on RDBM-L): axis value | PSNR paper/ours/Δ | SSIM paper/ours/Δ. */
export function ablationTable(id: AblationId, reproduced?: ReproducedSet): Table {
  // the paper ran every ablation on RDBM-L
  const ablation = publishedAblation(id);
  const columns: Column[] = [{ key: 'value', header: ablation.title, kind: 'text' }, ...scoreColumns(), ...oursColumns(reproduced)];
  const rows: Record<string, CellValue>[] = [];
  const flags: string[] = [];
  const used = new Set<ReproducedEntry>();
  const input = inputEntry(reproduced);
  if (input) {
    used.add(input);
    rows.push({ value: input.label, ...scoreCells(undefined, input), ...oursCells(reproduced, input) });
  }
  for (const row of ablation.rows) {
    const ours = find(reproduced, row.value);
    if (ours) used.add(ours);
    flags.push(...(row.flags ?? []));
    rows.push({ value: markedLabel(row.isDefault ? `${row.label} (default)` : row.label, ours), ...scoreCells(row, ours), ...oursCells(reproduced, ours) });
  }
  for (const ours of reproduced?.entries ?? []) {
    if (!used.has(ours)) rows.push({ value: markedLabel(ours.label, ours), ...scoreCells(undefined, ours), ...oursCells(reproduced, ours) });
  }
  return {
    id: `ablation-${id}`,
    title: `Ablation: ${ablation.title} (${reproduced ? averageName(reproduced) : 'five-task average'})`,
    convention: reproduced?.convention ?? 'none',
    scale: reproduced?.scale ?? 'none',
    columns,
    rows,
    notes: [...commonNotes(reproduced), 'paper: RDBM-L; only the default row has a published SSIM.', ...statisticsNotes(reproduced), ...healthNotes(reproduced), ...flagNotes(flags)],
  };
}

/**
 * Per-task breakdown of reproduced entries: PSNR and SSIM per task, then the average. A task column
 * "(paper)" is added where the paper publishes a task figure for this ablation (λ: dehazing).
 */
export function perTaskTable(reproduced: ReproducedSet, options: { ablation?: AblationId; title?: string } = {}): Table {
  const paperRows: { key: string; taskPsnr?: Readonly<Partial<Record<string, number>>> }[] = options.ablation
    ? PUBLISHED_ABLATIONS[options.ablation].rows.map((r) => ({ key: r.value, taskPsnr: r.taskPsnr }))
    : PUBLISHED_MAIN.map((r) => ({ key: r.id, taskPsnr: r.taskPsnr }));
  const tasks = shownTasks(reproduced);
  const paperTasks = tasks.filter((task) => paperRows.some((r) => (r.taskPsnr as Record<string, number> | undefined)?.[task.id] !== undefined));
  const columns: Column[] = [{ key: 'entry', header: options.ablation ? PUBLISHED_ABLATIONS[options.ablation].title : 'Method', kind: 'text' }];
  for (const task of tasks) {
    if (paperTasks.includes(task)) columns.push({ key: `${task.id}_psnr_paper`, header: `${task.title} PSNR (paper)`, kind: 'number', digits: PSNR_DIGITS, source: 'paper' });
    columns.push({ key: `${task.id}_psnr`, header: `${task.title} PSNR`, kind: 'number', digits: PSNR_DIGITS, source: 'ours' });
    columns.push({ key: `${task.id}_ssim`, header: `${task.title} SSIM`, kind: 'number', digits: SSIM_DIGITS + 1, source: 'ours' });
  }
  columns.push({ key: 'avg_psnr', header: 'Avg PSNR', kind: 'number', digits: PSNR_DIGITS, source: 'ours' });
  columns.push({ key: 'avg_ssim', header: 'Avg SSIM', kind: 'number', digits: SSIM_DIGITS + 1, source: 'ours' });
  if (hasStatistics(reproduced)) columns.push({ key: 'seeds', header: 'Seeds', kind: 'number', digits: 0, source: 'ours' });
  const input = inputEntry(reproduced);
  const ordered = input ? [input, ...reproduced.entries.filter((e) => e !== input)] : reproduced.entries;
  const rows = ordered.map((entry) => {
    const row: Record<string, CellValue> = { entry: markedLabel(entry.label, entry) };
    const paperRow = paperRows.find((r) => sameKey(r.key, entry.key));
    for (const task of tasks) {
      const score = entry.tasks[task.id];
      if (paperTasks.includes(task)) row[`${task.id}_psnr_paper`] = (paperRow?.taskPsnr as Record<string, number> | undefined)?.[task.id] ?? null;
      row[`${task.id}_psnr`] = score?.psnr ?? undefined;
      row[`${task.id}_ssim`] = score?.ssim ?? undefined;
    }
    row.avg_psnr = entry.average.psnr;
    row.avg_ssim = entry.average.ssim;
    if (hasStatistics(reproduced)) row.seeds = entry.seeds;
    return row;
  });
  const images = reproduced.entries.flatMap((e) => Object.values(e.tasks).map((t) => t.images)).filter((n): n is number => n !== undefined);
  const notes = [
    'ours only: the paper does not publish per-task figures (except where a "(paper)" column appears).',
    `ours: ${reproduced.experiment} runs${reproduced.model ? ` (model ${reproduced.model})` : ''} on ${reproduced.dataset ?? 'the dataset named in the run files'}; Avg = mean of the task means.`,
  ];
  if (images.length > 0) notes.push(`test images per task: ${Math.min(...images) === Math.max(...images) ? Math.min(...images) : `${Math.min(...images)}–${Math.max(...images)}`}.`);
  notes.push(...statisticsNotes(reproduced).slice(1), ...healthNotes(reproduced));
  return {
    id: `per-task-${options.ablation ?? reproduced.experiment}`,
    title: options.title ?? `Per-task breakdown: ${options.ablation ? PUBLISHED_ABLATIONS[options.ablation].title : reproduced.experiment}`,
    convention: reproduced.convention,
    scale: reproduced.scale,
    columns,
    rows,
    notes,
  };
}

const COUNT_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** What the set's average is over, by its actual task count: `five-task average`, `two-task average`, `12-task average`. */
export function averageName(set: ReproducedSet): string {
  const n = new Set(set.entries.flatMap((e) => Object.keys(e.tasks))).size;
  return `${COUNT_WORDS[n] ?? n}-task average`;
}

/**
 * Any experiment's comparison table (those the paper has no table for): entry | PSNR | SSIM | seeds |
 * Δ against the default entry with its interval and p, input row first.
 */
export function comparisonTable(set: ReproducedSet, options: { title?: string } = {}): Table {
  const columns: Column[] = [
    { key: 'entry', header: set.experiment, kind: 'text' },
    { key: 'psnr_ours', header: 'PSNR', kind: 'number', digits: PSNR_DIGITS, source: 'ours' },
    { key: 'ssim_ours', header: 'SSIM', kind: 'number', digits: SSIM_DIGITS + 1, source: 'ours' },
    ...oursColumns(set),
  ];
  const input = inputEntry(set);
  const ordered = input ? [input, ...set.entries.filter((e) => e !== input)] : set.entries;
  const rows = ordered.map((e) => ({
    entry: markedLabel(e.key === set.default ? `${e.label} (default)` : e.label, e),
    psnr_ours: e.average.psnr ?? undefined,
    ssim_ours: e.average.ssim ?? undefined,
    ...oursCells(set, e),
  }));
  return {
    id: `compare-${set.experiment}`,
    title: options.title ?? `${set.title ?? `Comparison: ${set.experiment}`} (${averageName(set)}${set.default !== undefined ? ', Δ against the default entry' : ''})`,
    convention: set.convention,
    scale: set.scale,
    columns,
    rows,
    notes: [`ours: ${set.experiment} runs${set.model ? ` (model ${set.model})` : ''} on ${set.dataset ?? 'the dataset named in the run files'}; averages are the mean of the task means.`, ...statisticsNotes(set), ...healthNotes(set)],
  };
}
