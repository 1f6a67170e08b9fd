import type * as tf from '@tensorflow/tfjs';
import type { ParameterValues } from '../../experiment/parameters';

export type Slots = Record<string, tf.Tensor>;

/**
 * One optimizer's update, as a pure function over tfjs ops: given a weight, its
 * gradient, the optimizer's per-weight slots and the 1-based step number, return
 * the new weight and slots. The caller assigns them, so rules stay testable in
 * isolation and never touch variables.
 */
export interface UpdateRule<P extends ParameterValues = ParameterValues> {
  /** Slots kept per weight, and the value each starts at (Keras: zero unless said). */
  slots(params: P): Record<string, number>;
  /** `learningRate`: the step's rate after any schedule (params.learningRate when absent). */
  update(weight: tf.Tensor, gradient: tf.Tensor, slots: Slots, step: number, params: P, learningRate?: number): { weight: tf.Tensor; slots: Slots };
}
