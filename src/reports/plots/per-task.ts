/** Grouped bars: one group per task (and the average), one bar per method or config. */
import type { TopLevelSpec } from 'vega-lite';
import { RdbmError } from '../../errors.js';
import { TASKS } from '../published.js';
import type { ReproducedSet } from '../types.js';
import { METRICS, METRIC_TITLES, type MetricName, context, topLevel } from './common.js';

export function perTaskPlot(set: ReproducedSet, metric: MetricName = 'psnr', options: { title?: string } = {}): TopLevelSpec {
  if (!METRICS.includes(metric)) throw new RdbmError(`invalid metric: ${JSON.stringify(metric)} (expected one of ${METRICS.join(', ')})`);
  const values: { task: string; entry: string; value: number }[] = [];
  for (const entry of set.entries) {
    for (const task of TASKS) {
      const v = entry.tasks[task.id]?.[metric];
      if (typeof v === 'number' && Number.isFinite(v)) values.push({ task: task.title, entry: entry.label, value: v });
    }
    const avg = entry.average[metric];
    if (typeof avg === 'number' && Number.isFinite(avg)) values.push({ task: 'Average', entry: entry.label, value: avg });
  }
  const taskOrder = [...TASKS.map((t) => t.title), 'Average'];
  return topLevel(options.title ?? `${METRIC_TITLES[metric]} per task: ${set.experiment}`, context(set.convention, set.scale), {
    data: { values },
    // with xOffset the step is per bar (vega-lite's default `for: 'offset'`)
    width: { step: set.entries.length > 3 ? 14 : 22 },
    height: 220,
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'task', type: 'nominal', sort: taskOrder, title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'entry', type: 'nominal', sort: set.entries.map((e) => e.label) },
      y: { field: 'value', type: 'quantitative', title: METRIC_TITLES[metric], scale: { zero: false } },
      color: { field: 'entry', type: 'nominal', sort: set.entries.map((e) => e.label), title: set.experiment },
    },
  });
}
