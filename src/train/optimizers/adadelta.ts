import * as tf from '@tensorflow/tfjs';
import type { UpdateRule } from './rule';

export interface AdadeltaParams extends Record<string, number | boolean> {
  learningRate: number;
  rho: number;
  epsilon: number;
}

/**
 * keras/src/optimizers/adadelta.py. The delta divides by the *updated* running
 * average of squared gradients; tf.train.adadelta uses the previous one, which
 * makes its first step plain SGD.
 */
export const adadelta: UpdateRule<AdadeltaParams> = {
  slots: () => ({ accumulatedGrad: 0, accumulatedDelta: 0 }),
  update(w, g, slots, _step, p) {
    const rms = (x: tf.Tensor) => tf.sqrt(tf.add(x, p.epsilon));
    const accumulatedGrad = tf.add(tf.mul(slots.accumulatedGrad, p.rho), tf.mul(tf.square(g), 1 - p.rho));
    const delta = tf.neg(tf.div(tf.mul(rms(slots.accumulatedDelta), g), rms(accumulatedGrad)));
    const accumulatedDelta = tf.add(tf.mul(slots.accumulatedDelta, p.rho), tf.mul(tf.square(delta), 1 - p.rho));
    const weight = tf.add(w, tf.mul(delta, p.learningRate));
    return { weight, slots: { accumulatedGrad, accumulatedDelta } };
  },
};
