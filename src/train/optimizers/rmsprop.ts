import * as tf from '@tensorflow/tfjs';
import type { Slots, UpdateRule } from './rule';

export interface RmspropParams extends Record<string, number | boolean> {
  learningRate: number;
  rho: number;
  momentum: number;
  epsilon: number;
  centered: boolean;
}

/** keras/src/optimizers/rmsprop.py */
export const rmsprop: UpdateRule<RmspropParams> = {
  slots: (p) => ({
    velocity: 0,
    ...(p.momentum > 0 ? { momentum: 0 } : {}),
    ...(p.centered ? { averageGrad: 0 } : {}),
  }),
  update(w, g, slots, _step, p) {
    const velocity = tf.add(tf.mul(slots.velocity, p.rho), tf.mul(tf.square(g), 1 - p.rho));
    const next: Slots = { velocity };
    let denominator: tf.Tensor;
    if (p.centered) {
      next.averageGrad = tf.add(tf.mul(slots.averageGrad, p.rho), tf.mul(g, 1 - p.rho));
      denominator = tf.add(tf.sub(velocity, tf.square(next.averageGrad)), p.epsilon);
    } else {
      denominator = tf.add(velocity, p.epsilon);
    }
    const increment = tf.div(tf.mul(g, p.learningRate), tf.sqrt(denominator));
    if (p.momentum > 0) {
      next.momentum = tf.add(tf.mul(slots.momentum, p.momentum), increment);
      return { weight: tf.sub(w, next.momentum), slots: next };
    }
    return { weight: tf.sub(w, increment), slots: next };
  },
};
