/**
 * A TensorFlow.js scope around async work: every tensor made inside and not returned is disposed when
 * the work settles. tf.tidy takes synchronous functions only; restoring and sampling are async. The
 * notebook calls run in one (model construction leaves each weight's initial tensor beside its
 * variable, and a restoration its input tensors: src/models, to be fixed there).
 * Scopes nest as a stack, so the work inside must not interleave with other tensor work.
 */
import { tf } from '../tf/index.js';

export async function tensorScope<T>(work: () => Promise<T>): Promise<T> {
  const engine = tf.engine();
  engine.startScope();
  let result: T | undefined;
  try {
    result = await work();
    return result;
  } finally {
    // a returned tensor (or tensors in a returned array / object) survives the scope
    engine.endScope(result as tf.TensorContainer);
  }
}
