/**
 * Noise schedules θ_i, i = 0 … T−1 (the paper's θ_t, the OU mean-reversion rate per step).
 * A registry of named builders; a user-supplied θ array is accepted wherever a name is.
 */
import { RdbmError, invalid } from '../errors.js';

export interface ThetaSchedule {
  readonly name: string;
  /** what θ_i is, stated exactly */
  readonly definition: string;
  build(timesteps: number): Float64Array;
}

/** Official cap on θ_i (improved-DDPM `max_beta`). */
export const THETA_MAX = 0.999;
/** Linear/sigmoid end points: the constants `theta_start`, `theta_end` carried (unused) by the official code. */
export const THETA_START = 1e-4;
export const THETA_END = 0.02;

/** ā(s) = cos(((s + 0.008) / 1.008) · π/2)² — the improved-DDPM cosine curve. */
function cosineAlphaBar(s: number): number {
  return Math.cos(((s + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
}

const cosine: ThetaSchedule = {
  name: 'cosine',
  definition: 'θ_i = min(1 − ā((i+1)/T) / ā(i/T), 0.999) with ā(s) = cos(((s+0.008)/1.008)·π/2)² (official code, betas_for_alpha_bar)',
  build(T) {
    const theta = new Float64Array(T);
    for (let i = 0; i < T; i++) theta[i] = Math.min(1 - cosineAlphaBar((i + 1) / T) / cosineAlphaBar(i / T), THETA_MAX);
    return theta;
  },
};

const linear: ThetaSchedule = {
  name: 'linear',
  definition: `θ_i = θ_start + (θ_end − θ_start)·i/(T−1), θ_start = ${THETA_START}, θ_end = ${THETA_END} (the official code's unused constants)`,
  build(T) {
    const theta = new Float64Array(T);
    for (let i = 0; i < T; i++) theta[i] = THETA_START + ((THETA_END - THETA_START) * i) / (T - 1);
    return theta;
  },
};

const sigmoid: ThetaSchedule = {
  name: 'sigmoid',
  definition: `θ_i = θ_start + (θ_end − θ_start)·σ(−6 + 12·i/(T−1)), σ the logistic function (the common sigmoid beta schedule), θ_start = ${THETA_START}, θ_end = ${THETA_END}`,
  build(T) {
    const theta = new Float64Array(T);
    for (let i = 0; i < T; i++) {
      const s = 1 / (1 + Math.exp(-(-6 + (12 * i) / (T - 1))));
      theta[i] = THETA_START + (THETA_END - THETA_START) * s;
    }
    return theta;
  },
};

/** The registered θ schedules, by name. */
export const THETA_SCHEDULES: Readonly<Record<string, ThetaSchedule>> = Object.freeze({ cosine, linear, sigmoid });

export type ThetaScheduleName = 'cosine' | 'linear' | 'sigmoid';
export const THETA_SCHEDULE_NAMES = Object.keys(THETA_SCHEDULES) as ThetaScheduleName[];

/** A schedule by name, or θ values given directly (length = T). */
export type ScheduleSpec = ThetaScheduleName | string | ArrayLike<number>;

/** Resolves a schedule spec to θ of length T (a custom array fixes T to its length). */
export function thetaValues(schedule: ScheduleSpec, timesteps?: number): Float64Array {
  if (typeof schedule === 'string') {
    const entry = THETA_SCHEDULES[schedule];
    if (!entry) return invalid('schedule', schedule, `one of ${THETA_SCHEDULE_NAMES.join(', ')}, or an array of θ values`);
    if (timesteps === undefined) throw new RdbmError('missing timesteps (expected an integer T >= 2 for a named schedule)');
    return entry.build(timesteps);
  }
  if (schedule === null || typeof schedule !== 'object' || typeof (schedule as ArrayLike<number>).length !== 'number') {
    return invalid('schedule', schedule, `one of ${THETA_SCHEDULE_NAMES.join(', ')}, or an array of θ values`);
  }
  const theta = Float64Array.from(schedule as ArrayLike<number>);
  if (timesteps !== undefined && theta.length !== timesteps) {
    return invalid('timesteps', timesteps, `${theta.length}, the length of the θ array given as schedule`);
  }
  theta.forEach((v, i) => {
    if (!Number.isFinite(v) || v <= 0) invalid(`schedule θ[${i}]`, v, 'a finite number > 0');
  });
  return theta;
}
