/**
 * Grouped bars: one group per task (and the average), one bar per method or config, each with its
 * 95% interval over test images × seeds as an error bar (statistics.ts) where the set carries one.
 */
import { unknownName } from '../../util/registry.js';
import type { TopLevelSpec } from 'vega-lite';
import { shownTasks } from '../tasks.js';
import type { ReproducedSet, Score } from '../types.js';
import { METRICS, METRIC_TITLES, type MetricName, context, topLevel } from './common.js';

export interface PerTaskValue {
  readonly task: string;
  readonly entry: string;
  readonly value: number;
  /** interval bounds, when known */
  readonly low?: number;
  readonly high?: number;
  readonly seeds?: number;
}

/** The bars (and error bars) of a per-task plot, in entry order. */
export function perTaskValues(set: ReproducedSet, metric: MetricName = 'psnr'): PerTaskValue[] {
  const values: PerTaskValue[] = [];
  const push = (task: string, label: string, score: Score | undefined, seeds: number | undefined) => {
    const v = score?.[metric];
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    const ci = score?.ci?.[metric];
    values.push({ task, entry: label, value: v, ...(ci ? { low: ci.low, high: ci.high } : {}), ...(seeds !== undefined ? { seeds } : {}) });
  };
  for (const entry of set.entries) {
    for (const task of shownTasks(set)) push(task.title, entry.label, entry.tasks[task.id], entry.seeds);
    push('Average', entry.label, entry.average, entry.seeds);
  }
  return values;
}

/** Axis labels are 10-px sans-serif: about 6.5 px a character, with a margin between neighbours. */
const LABEL_PX_PER_CHAR = 6.5;
const LABEL_GAP_PX = 12;

/** Pixels per bar: narrower bars when many entries share a task, but each task's group of bars at least as wide as its longest label (one entry with the title `Denoising/MyNoise` overlapped its neighbours at 22 px). */
export function barStep(taskTitles: readonly string[], entries: number): number {
  const longest = Math.max(...taskTitles.map((t) => t.length));
  const group = longest * LABEL_PX_PER_CHAR + LABEL_GAP_PX;
  return Math.max(entries > 3 ? 14 : 22, Math.ceil(group / Math.max(1, entries)));
}

export function perTaskPlot(set: ReproducedSet, metric: MetricName = 'psnr', options: { title?: string } = {}): TopLevelSpec {
  if (!METRICS.includes(metric)) throw unknownName('metric', metric, METRICS);
  const values = perTaskValues(set, metric);
  const taskOrder = [...shownTasks(set).map((t) => t.title), 'Average'];
  const order = set.entries.map((e) => e.label);
  const x = { field: 'task', type: 'nominal', sort: taskOrder, title: null, axis: { labelAngle: 0 } };
  const xOffset = { field: 'entry', type: 'nominal', sort: order };
  const hasIntervals = values.some((v) => v.low !== undefined);
  const subtitle = [context(set.convention, set.scale)];
  if (hasIntervals) subtitle.push('error bars: 95% bootstrap interval of the mean over test images × seeds (average: tasks as strata)');
  return topLevel(options.title ?? `${METRIC_TITLES[metric]} per task: ${set.experiment}`, subtitle.length > 1 ? subtitle : subtitle[0], {
    data: { values },
    // with xOffset the step is per bar (vega-lite's default `for: 'offset'`)
    width: { step: barStep(taskOrder, set.entries.length) },
    height: 220,
    encoding: { x, xOffset },
    layer: [
      {
        mark: { type: 'bar', tooltip: true },
        encoding: {
          y: { field: 'value', type: 'quantitative', title: METRIC_TITLES[metric], scale: { zero: false } },
          // labels whole (the default limit of 160 px cut `32-px windows, no overlap (tile grid)` to `32-px windows, no…`)
          // below the bars, two columns: on the right, long labels made the image far wider than the bars
          color: { field: 'entry', type: 'nominal', sort: order, title: set.experiment, legend: { labelLimit: 360, orient: 'bottom', columns: 2 } },
        },
      },
      ...(hasIntervals
        ? [{
            transform: [{ filter: 'isValid(datum.low)' }],
            mark: { type: 'errorbar', ticks: { size: 4 }, color: '#333' },
            encoding: { y: { field: 'low', type: 'quantitative', title: METRIC_TITLES[metric] }, y2: { field: 'high' } },
          }]
        : []),
    ],
  });
}
