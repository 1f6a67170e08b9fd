import * as tf from '@tensorflow/tfjs';
import type { UpdateRule } from './rule';

export interface AdamParams extends Record<string, number | boolean> {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  amsgrad: boolean;
}

/**
 * keras/src/optimizers/adam.py. Unlike tf.train.adam, epsilon is added to the raw
 * sqrt(v) and the bias correction is folded into the step size.
 */
export const adam: UpdateRule<AdamParams> = {
  slots: (p): Record<string, number> => (p.amsgrad ? { m: 0, v: 0, vHat: 0 } : { m: 0, v: 0 }),
  update(w, g, slots, step, p) {
    // Scalars in float64 on the host, as Keras computes them before casting.
    const alpha = (p.learningRate * Math.sqrt(1 - p.beta2 ** step)) / (1 - p.beta1 ** step);
    const m = tf.add(slots.m, tf.mul(tf.sub(g, slots.m), 1 - p.beta1));
    const v = tf.add(slots.v, tf.mul(tf.sub(tf.square(g), slots.v), 1 - p.beta2));
    const next: Record<string, tf.Tensor> = { m, v };
    let denominatorSource = v;
    if (p.amsgrad) {
      next.vHat = tf.maximum(slots.vHat, v);
      denominatorSource = next.vHat;
    }
    const weight = tf.sub(w, tf.div(tf.mul(m, alpha), tf.add(tf.sqrt(denominatorSource), p.epsilon)));
    return { weight, slots: next };
  },
};
