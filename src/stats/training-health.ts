/**
 * Training health from a run's recorded loss history (issue 31 point 5): history.jsonl of the trainer,
 * kept in a zoo entry's zoo.json. Each record is a window: the mean training loss over the steps since
 * the previous record (steps 1–10, 11–100, then every checkpoint interval in the zoo). Pure.
 *
 *   final window   the last record: its steps and mean loss;
 *   spike          the largest ratio of a window's mean loss to the running minimum of the windows
 *                  before it (how far the loss came back up from the best it had reached), with its
 *                  step; none when no window rose above an earlier one;
 *   verdict        diverged  a non-finite loss, or the final window at ≥ DIVERGED_RATIO × the best
 *                            earlier window (the run ended far above its best);
 *                  unstable  not diverged, but a spike of ≥ UNSTABLE_RATIO (a window 20 % above the
 *                            best before it: at ≥ 100-step windows the mean's own noise is a few %);
 *                  ok        otherwise.
 * The zoo's RDBM-L (0.0955 at step 2000, 0.1526 at 2500, 3.6371 at 3000) is diverged: its final window
 * is 38 × its best.
 */
import { RdbmError } from '../errors.js';

/** A window at ≥ this × the best window before it is a spike that makes the run unstable. */
export const UNSTABLE_RATIO = 1.2;
/** A final window at ≥ this × the best window before it makes the run diverged. */
export const DIVERGED_RATIO = 2;

/** The verdicts, mildest first. */
export const VERDICTS = ['ok', 'unstable', 'diverged'] as const;
export type TrainingVerdict = (typeof VERDICTS)[number];

/** One recorded window: its last step and the mean loss since the previous record. */
export interface LossRecord {
  readonly step: number;
  readonly loss: number;
}

export interface LossWindow {
  /** first and last training step of the window */
  readonly fromStep: number;
  readonly toStep: number;
  /** mean training loss over the window */
  readonly loss: number;
}

export interface LossSpike {
  /** the window's mean over the running minimum before it (> 1) */
  readonly ratio: number;
  readonly window: LossWindow;
  /** the best earlier window it is compared with */
  readonly best: LossWindow;
}

export interface TrainingHealth {
  readonly steps: number;
  readonly finalWindow: LossWindow;
  /** the best (lowest) window before the final one; undefined with a single record */
  readonly bestBefore?: LossWindow;
  /** the largest spike; null when the loss never rose above an earlier window */
  readonly spike: LossSpike | null;
  readonly verdict: TrainingVerdict;
  /** why, in one phrase: "final window 38.1 × the best (steps 1501–2000)" */
  readonly reason: string;
}

export interface TrainingHealthOptions {
  readonly unstableRatio?: number;
  readonly divergedRatio?: number;
}

const windows = (history: readonly LossRecord[]): LossWindow[] => history.map((h, k) => ({ fromStep: k === 0 ? 1 : history[k - 1].step + 1, toStep: h.step, loss: h.loss }));

const span = (w: LossWindow) => `steps ${w.fromStep}–${w.toStep}`;

/** The health of one run from its recorded history (records in step order); an empty or unordered history is refused. */
export function trainingHealth(history: readonly LossRecord[], options: TrainingHealthOptions = {}): TrainingHealth {
  if (history.length === 0) throw new RdbmError('trainingHealth: no recorded loss (expected at least one history line)');
  history.forEach((h, k) => {
    if (!Number.isInteger(h.step) || h.step < 1 || (k > 0 && h.step <= history[k - 1].step)) {
      throw new RdbmError(`trainingHealth: history line ${k} has step ${h.step} (expected increasing positive integer steps)`);
    }
  });
  const unstableRatio = options.unstableRatio ?? UNSTABLE_RATIO;
  const divergedRatio = options.divergedRatio ?? DIVERGED_RATIO;
  const all = windows(history);
  const finalWindow = all[all.length - 1];
  const steps = finalWindow.toStep;
  let best: LossWindow | undefined;
  let spike: LossSpike | null = null;
  for (const w of all) {
    if (best && Number.isFinite(w.loss) && w.loss > best.loss && (!spike || w.loss / best.loss > spike.ratio)) spike = { ratio: w.loss / best.loss, window: w, best };
    if (Number.isFinite(w.loss) && (!best || w.loss < best.loss)) best = w;
  }
  const bestBefore = all.slice(0, -1).reduce<LossWindow | undefined>((b, w) => (Number.isFinite(w.loss) && (!b || w.loss < b.loss) ? w : b), undefined);
  const base = { steps, finalWindow, ...(bestBefore ? { bestBefore } : {}), spike };
  const nonFinite = all.find((w) => !Number.isFinite(w.loss));
  if (nonFinite) return { ...base, verdict: 'diverged', reason: `loss ${nonFinite.loss} over ${span(nonFinite)}` };
  const finalRatio = bestBefore ? finalWindow.loss / bestBefore.loss : 1;
  if (bestBefore && finalRatio >= divergedRatio) return { ...base, verdict: 'diverged', reason: `final window ${finalRatio.toFixed(1)} × the best (${span(bestBefore)})` };
  if (spike && spike.ratio >= unstableRatio) return { ...base, verdict: 'unstable', reason: `${span(spike.window)} at ${spike.ratio.toFixed(2)} × the best before (${span(spike.best)})` };
  return { ...base, verdict: 'ok', reason: spike ? `largest rise ${spike.ratio.toFixed(2)} × (${span(spike.window)})` : 'the loss never rose above an earlier window' };
}
