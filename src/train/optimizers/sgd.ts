import * as tf from '@tensorflow/tfjs';
import type { UpdateRule } from './rule';

export interface SgdParams extends Record<string, number | boolean> {
  learningRate: number;
  momentum: number;
  nesterov: boolean;
}

/** keras/src/optimizers/sgd.py */
export const sgd: UpdateRule<SgdParams> = {
  slots: (p): Record<string, number> => (p.momentum !== 0 ? { momentum: 0 } : {}),
  update(w, g, slots, _step, p) {
    if (p.momentum === 0) return { weight: tf.sub(w, tf.mul(g, p.learningRate)), slots };
    const m = tf.add(tf.mul(g, -p.learningRate), tf.mul(slots.momentum, p.momentum));
    const weight = p.nesterov ? tf.add(w, tf.add(tf.mul(g, -p.learningRate), tf.mul(m, p.momentum))) : tf.add(w, m);
    return { weight, slots: { momentum: m } };
  },
};
