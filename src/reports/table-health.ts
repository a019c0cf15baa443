/**
 * The training-health table (issue 31 point 5): per trained entry its final loss window, the best
 * window before it, its largest loss spike and the verdict (stats/training-health.ts), and the mark a
 * row of any other table carries when its entry's training was unstable or diverged. Pure builders.
 */
import { DIVERGED_RATIO, type LossRecord, type TrainingHealth, type TrainingVerdict, UNSTABLE_RATIO, trainingHealth } from '../stats/training-health.js';
import type { CellValue, Column, Table } from './table.js';

/** A trained entry as the zoo records it (zoo.json's name and history). */
export interface TrainedEntry {
  readonly name: string;
  readonly history: readonly LossRecord[];
}

/** What a row shows after its label when its entry's training was not ok: ` ⚠ diverged`, ` ⚠ unstable`, or ''. */
export function healthMark(verdict: TrainingVerdict | undefined): string {
  return verdict === undefined || verdict === 'ok' ? '' : ` ⚠ ${verdict}`;
}

/** The note that explains the mark, for tables with a marked row. */
export const HEALTH_MARK_NOTE = `⚠ diverged / ⚠ unstable: the entry's training loss diverged (final window ≥ ${DIVERGED_RATIO} × its best earlier window) or spiked (a window ≥ ${UNSTABLE_RATIO} × the best before it); see the training-health table.`;

const steps = (w: { fromStep: number; toStep: number }) => `${w.fromStep}–${w.toStep}`;

export function trainingHealthTable(entries: readonly TrainedEntry[], options: { scale?: string; title?: string } = {}): Table {
  const columns: Column[] = [
    { key: 'entry', header: 'Entry', kind: 'text' },
    { key: 'steps', header: 'Steps', kind: 'number', digits: 0 },
    { key: 'final_steps', header: 'Final window (steps)', kind: 'text' },
    { key: 'final_loss', header: 'Final loss', kind: 'number', digits: 4 },
    { key: 'best_loss', header: 'Best earlier loss', kind: 'number', digits: 4 },
    { key: 'best_steps', header: 'Best earlier window (steps)', kind: 'text' },
    { key: 'spike', header: 'Largest spike', kind: 'text' },
    { key: 'verdict', header: 'Verdict', kind: 'text' },
  ];
  const rows = entries.map((e): Record<string, CellValue> => {
    const h: TrainingHealth = trainingHealth(e.history);
    return {
      entry: `${e.name}${healthMark(h.verdict)}`,
      steps: h.steps,
      final_steps: steps(h.finalWindow),
      final_loss: h.finalWindow.loss,
      best_loss: h.bestBefore?.loss,
      best_steps: h.bestBefore ? steps(h.bestBefore) : undefined,
      spike: h.spike ? `${h.spike.ratio.toFixed(2)} × at steps ${steps(h.spike.window)}` : 'none',
      verdict: `${h.verdict}: ${h.reason}`,
    };
  });
  return {
    id: 'training-health',
    title: options.title ?? 'Training health: final loss window and largest loss spike of every trained entry',
    convention: 'none',
    scale: options.scale ?? 'zoo',
    columns,
    rows,
    notes: [
      'Loss = the mean training loss over a window: the steps since the previous record of the run (history.jsonl / zoo.json history).',
      'Largest spike = the largest ratio of a window to the lowest window before it; none = the loss never rose above an earlier window.',
      `Verdict: diverged = a non-finite loss, or the final window ≥ ${DIVERGED_RATIO} × the best earlier window; unstable = a spike ≥ ${UNSTABLE_RATIO} × (not diverged); ok otherwise.`,
    ],
  };
}
