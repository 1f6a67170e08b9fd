import * as tf from '@tensorflow/tfjs';
import type { UpdateRule } from './rule';

export interface AdagradParams extends Record<string, number | boolean> {
  learningRate: number;
  initialAccumulator: number;
  epsilon: number;
}

/** keras/src/optimizers/adagrad.py. tf.train.adagrad cannot set epsilon. */
export const adagrad: UpdateRule<AdagradParams> = {
  slots: (p) => ({ accumulator: p.initialAccumulator }),
  update(w, g, slots, _step, p) {
    const accumulator = tf.add(slots.accumulator, tf.square(g));
    const weight = tf.sub(w, tf.div(tf.mul(g, p.learningRate), tf.sqrt(tf.add(accumulator, p.epsilon))));
    return { weight, slots: { accumulator } };
  },
};
