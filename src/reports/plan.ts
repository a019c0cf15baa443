/**
 * Which tables and plots a set of reproduced results yields (pure): the main table and each paper
 * ablation beside the published figures, per-task breakdowns, and the plots that go with them.
 * The writer (write.ts) renders and saves what this returns.
 */
import type { TopLevelSpec } from 'vega-lite';
import { BRIDGE_PRESETS, THETA_SCHEDULE_NAMES, bridgeSchedule } from '../bridge/index.js';
import { rddmScheduleCurves } from '../rddm/bridge-form.js';
import { ABLATION_IDS, type AblationId, PAPER_CONFIG, ablationAxis, lambdaLabel } from '../experiments/paper.js';
import { perTaskPlot } from './plots/per-task.js';
import { psnrVsCostPlot } from './plots/cost.js';
import { psnrVsNfePlot } from './plots/nfe.js';
import { type ScheduleCurve, scheduleCurvesPlot } from './plots/schedule.js';
import type { Table } from './table.js';
import { ablationTable, comparisonTable, mainTable, perTaskTable, publishedTable } from './tables.js';
import type { ReproducedSet } from './types.js';

export interface PlannedPlot {
  readonly id: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
  /** PNG pixel ratio (default 2); photo grids use 1 to stay small */
  readonly pngScale?: number;
}

export interface ReportSection {
  readonly id: string;
  readonly title: string;
  readonly tables: readonly Table[];
  readonly plots: readonly PlannedPlot[];
}

export interface ReportPlan {
  readonly sections: readonly ReportSection[];
}

/** Experiment ids whose entries are model sizes / methods (joined with the main table). */
export const MAIN_EXPERIMENTS = ['main', 'size'] as const;

function isAblation(id: string): id is AblationId {
  return (ABLATION_IDS as readonly string[]).includes(id);
}

/** The θ schedules and λ values the paper ablates, as curves for the bridge-coefficient plot. */
export function paperScheduleCurves(timesteps = 100): ScheduleCurve[] {
  const curves: ScheduleCurve[] = THETA_SCHEDULE_NAMES.map((schedule) => ({
    label: `${schedule}, λ = ${lambdaLabel(PAPER_CONFIG.lambda)}`,
    schedule: bridgeSchedule({ schedule, timesteps, lambda: PAPER_CONFIG.lambda }),
  }));
  for (const lambda of ablationAxis('lambda').map(Number).filter((l) => l !== PAPER_CONFIG.lambda)) {
    curves.push({ label: `cosine, λ = ${lambdaLabel(lambda)}`, schedule: bridgeSchedule({ schedule: 'cosine', timesteps, lambda }) });
  }
  curves.push({ label: `cosine, λ = 1e-4 (official code)`, schedule: BRIDGE_PRESETS['rdbm-official'].schedule(timesteps) });
  return curves;
}

/** The bridge family of BRIDGE_PRESETS (the VP bridge aside: its coefficients are another process's) as curves, labelled by preset title. */
export function bridgeFamilyCurves(timesteps = 100): ScheduleCurve[] {
  return Object.values(BRIDGE_PRESETS).filter((p) => p.id !== 'vp-bridge').map((p) => ({ label: p.title, schedule: p.schedule(timesteps) }));
}

function perTaskPlots(set: ReproducedSet): PlannedPlot[] {
  return (['psnr', 'ssim'] as const).map((metric) => ({
    id: `per-task-${metric}-${set.experiment}`,
    title: `${metric.toUpperCase()} per task (${set.experiment})`,
    spec: perTaskPlot(set, metric),
  }));
}

/** An experiment the paper has no table for: its comparison table, per-task table and plots. */
function experimentSection(set: ReproducedSet): ReportSection {
  return {
    id: set.experiment,
    title: set.title ?? `Experiment: ${set.experiment}`,
    tables: [comparisonTable(set), perTaskTable(set, { title: `${set.title ?? set.experiment}: per task` })],
    plots: perTaskPlots(set),
  };
}

/** The model rows of `main` and `size` as one set (main's entry wins when both ran the same model). */
export function mergeModelSets(sets: readonly ReproducedSet[]): ReproducedSet | undefined {
  if (sets.length <= 1) return sets[0];
  const entries = [...sets[0].entries];
  for (const set of sets.slice(1)) for (const e of set.entries) if (!entries.some((x) => x.key === e.key)) entries.push(e);
  const join = (f: (s: ReproducedSet) => string | undefined) => [...new Set(sets.flatMap((s) => (f(s) ?? '').split(', ')).filter(Boolean))].join(', ') || undefined;
  // each entry keeps its Δ against its own set's default (both are the scale's model: see runs.ts defaultPoint)
  return { ...sets[0], experiment: sets.map((s) => s.experiment).join('-'), convention: join((s) => s.convention)!, scale: join((s) => s.scale)!, dataset: join((s) => s.dataset), model: join((s) => s.model), entries };
}

/** The model sizes of a reproduction as one set: `main` and `size` merged (RDBM-T/S/B/L as results/ has them); undefined without either. */
export function modelSet(sets: readonly ReproducedSet[]): ReproducedSet | undefined {
  return mergeModelSets(sets.filter((s) => (MAIN_EXPERIMENTS as readonly string[]).includes(s.experiment)));
}

/**
 * Sections in the paper's order: main table (model sizes), then schedule, λ, NFE, π, then any other
 * experiment, then the bridge coefficients. With `paper: false` (a file of the user's own points)
 * every set is an experiment of its own, without the paper's tables and curves.
 */
export function planReport(sets: readonly ReproducedSet[], options: { paper?: boolean } = {}): ReportPlan {
  if (options.paper === false) return { sections: sets.map(experimentSection) };
  const sections: ReportSection[] = [];
  const main = modelSet(sets);
  sections.push({
    id: 'main',
    title: 'Main table: RDBM family beside the published methods',
    tables: main ? [mainTable(main), publishedTable(main), perTaskTable(main, { title: 'Per-task breakdown: model sizes' })] : [publishedTable()],
    plots: main
      ? [...perTaskPlots(main), { id: 'psnr-vs-cost', title: 'PSNR vs parameters and FLOPs', spec: psnrVsCostPlot(main) }]
      : [],
  });
  for (const id of ABLATION_IDS) {
    const set = sets.find((s) => s.experiment === id);
    if (!set) continue;
    const plots = perTaskPlots(set);
    if (id === 'nfe') plots.push({ id: 'psnr-vs-nfe', title: 'PSNR vs NFE', spec: psnrVsNfePlot(set) });
    sections.push({ id, title: ablationTable(id).title, tables: [ablationTable(id, set), perTaskTable(set, { ablation: id })], plots });
  }
  for (const set of sets) {
    if ((MAIN_EXPERIMENTS as readonly string[]).includes(set.experiment) || isAblation(set.experiment)) continue;
    sections.push(experimentSection(set));
  }
  sections.push({
    id: 'bridge',
    title: 'Bridge coefficients of the ablated schedules and λ',
    tables: [],
    plots: [
      { id: 'bridge-curves', title: 'Θ_t, Σ_t and the residual-to-noise factor', spec: scheduleCurvesPlot(paperScheduleCurves()) },
      { id: 'lineage-curves', title: 'The residual diffusion lineage: RDBM schedules beside RDDM / DiffUIR (noisy endpoint)', spec: scheduleCurvesPlot([...paperScheduleCurves(), ...rddmScheduleCurves()], { title: 'The residual diffusion lineage: RDBM beside RDDM / DiffUIR (noisy endpoint)', legendTitle: 'schedule, λ / RDDM member' }) },
    ],
  });
  return { sections };
}
