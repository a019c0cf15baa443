/**
 * What the numbers of a scale can and cannot show: one statement, a pure function of the scale's
 * budget (and, when given, the measured average), used by results/README.md and checked against
 * README.md by test/readme.test.ts, so the two never contradict each other.
 */
import type { RunConfig } from '../experiments/config.js';
import { PAPER_CONFIG } from '../experiments/paper.js';
import { SCALES, type Scale } from '../experiments/scales.js';

export interface MeasuredAverage {
  /** our average PSNR (dB) and the paper's for the same row */
  readonly ours: number;
  readonly paper: number;
}

/** The honest reading of figures produced at `scale` (a name of SCALES or a Scale record). */
/** How test images met the network, when not whole (RunConfig.tile): `, restored in … windows (…)`, or ''. */
function windowsPhrase(c: Pick<RunConfig, 'tile' | 'cropSize'>): string {
  if (c.tile === 'auto') return '';
  const how = c.tile === 'crop' ? 'overlapping' : 'non-overlapping';
  return `, restored in ${how} ${c.cropSize}-px windows (the training crop; the paper restores whole images)`;
}

export function scaleStatement(scale: string | Scale, measured?: MeasuredAverage): string {
  const s = typeof scale === 'string' ? (Object.hasOwn(SCALES, scale) ? SCALES[scale as keyof typeof SCALES] : undefined) : scale;
  if (!s) return `Scale ${scale} is not a built-in budget: read its figures knowing the budget they came from.`;
  const c = { ...PAPER_CONFIG, ...s.overrides };
  const tail = measured ? ` Here the average is ${measured.ours.toFixed(2)} dB against the paper's ${measured.paper.toFixed(2)} dB.` : '';
  if (c.steps >= PAPER_CONFIG.steps && c.cropSize >= PAPER_CONFIG.cropSize) {
    return `At scale ${s.name} the runs use the published budget (${c.steps} steps, batch ${c.batchSize}, ${c.cropSize}-px crops): figures compare with the paper's under the same metric convention, and differences between configurations are evidence only where they exceed their run-to-run spread.${tail}`;
  }
  const images = c.testLimit === 0 ? 'all test images' : `${c.testLimit} test image${c.testLimit === 1 ? '' : 's'} per task`;
  if (s.zooOnly) {
    const whole = c.dataset === 'mini-uir' && c.cropSize >= c.datasetSize;
    const seeds = s.seeds?.length ?? 1;
    return (
      `At scale ${s.name} the networks come from the checkpoint zoo: trained for ${c.steps} steps (the paper: ${PAPER_CONFIG.steps}) on ` +
      (whole ? `whole ${c.datasetSize}-px mini-uir images` : `${c.cropSize}-px crops${c.dataset === 'mini-uir' ? ` of ${c.datasetSize}-px mini-uir images` : ''}`) +
      `${windowsPhrase(c)} and scored on ${images}. ` +
      (seeds > 1
        ? `They restore: read each row (the mean over its ${seeds} training seeds) against the unrestored input's row, and every difference with its 95 % interval over the training seeds and the test images (two-level paired bootstrap). ` +
          'The interval covers the choice of test images and of training run; '
        : "They restore: read each row against the unrestored input's row, and every difference with its 95 % interval over the test images. " +
          'Each configuration is one training run (one seed), so an interval covers the choice of test images, not the training run; ') +
      "at this budget neither the absolute figures nor an ablation's direction is evidence about the paper's claims, and a direction that differs from the paper's is reported as measured." +
      tail
    );
  }
  return (
    `At scale ${s.name} the networks train for ${c.steps} steps (the paper: ${PAPER_CONFIG.steps}) on ${c.cropSize}-px crops` +
    `${c.dataset === 'mini-uir' ? ` of ${c.datasetSize}-px mini-uir images` : ''} and are scored on ${images}` +
    `${windowsPhrase(c)}: ` +
    'the run exercises every stage and shows the shape of every table, but neither its absolute figures nor the differences ' +
    `between configurations are evidence about the paper's claims; do not read ablation trends into them.${tail}`
  );
}
