/**
 * The one sampler loop (k-diffusion's shape: a loop over the time grid calling a model and an update
 * rule), shared by the bridge sampler (sampler.ts) and RDDM's (src/rddm/sampler.ts): from a start
 * state, for each (t, t_next) pair, ask the model, apply the sampler's step, release the model's
 * tensors and the previous state, and report. Samplers differ only in what the model returns and
 * in their step.
 */
import { tf } from '../tf/index.js';

export interface StepLoop<P> {
  /** tensors the caller owns (μ): never released, even when the model hands one back */
  readonly protect?: readonly tf.Tensor[];
  /** the (t, t_next) pairs to visit; t_next < 0 is the last step (its output is x̂₀) */
  readonly pairs: readonly (readonly [number, number])[];
  /** the start state; the loop owns it (it is states[0] of a trajectory, else disposed after the first step) */
  readonly start: tf.Tensor4D;
  /** the model at (x_t, t) */
  predict(x: tf.Tensor4D, t: number): P | Promise<P>;
  /** the update rule: a new state from x_t and the model's answer (may return one of the answer's tensors) */
  step(x: tf.Tensor4D, prediction: P, t: number, tNext: number): tf.Tensor4D;
  /** the tensors of the model's answer, released after the step unless the step returned one of them */
  tensors(prediction: P): readonly (tf.Tensor | undefined)[];
  /** called after every step with the new state (do not dispose it) */
  readonly onStep?: (info: { index: number; t: number; tNext: number; x: tf.Tensor4D }) => void;
}

export interface Trajectory {
  /** the final state */
  readonly output: tf.Tensor4D;
  /** [start, x after step 1, …, output] when kept (NFE + 1 states; the caller disposes them), else [] */
  readonly states: tf.Tensor4D[];
  /** the (t, t_next) pairs visited */
  readonly times: Array<[number, number]>;
}

/** Runs the loop; with `keepStates` every state is kept (a trajectory), else only the last survives. */
export async function runSteps<P>(loop: StepLoop<P>, keepStates: boolean): Promise<Trajectory> {
  const protect = new Set(loop.protect ?? []);
  let x = loop.start;
  const states: tf.Tensor4D[] = keepStates ? [x] : [];
  for (let index = 0; index < loop.pairs.length; index++) {
    const [t, tNext] = loop.pairs[index];
    const prediction = await loop.predict(x, t);
    let next: tf.Tensor4D | undefined;
    try {
      next = loop.step(x, prediction, t, tNext);
    } finally {
      // the model returns new tensors; a step may hand one of them on (x̂₀ unclipped as the output)
      for (const v of loop.tensors(prediction)) if (v && v !== x && v !== next && !protect.has(v) && !v.isDisposed) v.dispose();
    }
    if (!keepStates) x.dispose();
    x = next as tf.Tensor4D; // assigned: the step returned
    if (keepStates) states.push(x);
    loop.onStep?.({ index, t, tNext, x });
  }
  return { output: x, states, times: loop.pairs.map(([t, tNext]) => [t, tNext]) };
}
