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
  /** A matrix-wise step for 2-D weights (Muon), where `update` steps only the others; it returns only the slots it changes (applyStep keeps the others). */
  matrixUpdate?(weight: tf.Tensor2D, gradient: tf.Tensor2D, slots: Slots, step: number, params: P, learningRate: number): { weight: tf.Tensor; slots: Slots };
  /** The weight decay of a weight (the shared knob, unless the definition gives elementwise-stepped weights their own). */
  weightDecay(params: P, matrix: boolean): number;
}
