import * as tf from '@tensorflow/tfjs';
import type { Knobs } from '../../experiment/knobs';

/**
 * Keras's gradient clipping (base_optimizer.py `_clip_gradients`) with tfjs ops, in
 * float32 as Keras computes it: clip_by_norm per variable, clip_by_global_norm over
 * all of them, or an elementwise clip. Call inside tf.tidy.
 */
export function clipGradients(gradients: readonly tf.Tensor[], { clip, clipAmount: amount }: Knobs): tf.Tensor[] {
  switch (clip) {
    case 'none':
      return [...gradients];
    case 'value':
      return gradients.map((g) => tf.clipByValue(g, -amount, amount));
    case 'norm':
      return gradients.map((g) => {
        const l2sum = tf.sum(tf.square(g));
        // The norm where the sum is positive, else the sum itself (0), as Keras's _clip_by_norm.
        const norm = tf.where(tf.greater(l2sum, 0), tf.sqrt(l2sum), l2sum);
        return tf.div(tf.mul(g, amount), tf.maximum(norm, amount));
      });
    case 'global': {
      const norm = tf.sqrt(tf.sum(tf.stack(gradients.map((g) => tf.sum(tf.square(g))))));
      // clip * min(1 / norm, 1 / clip) + (norm - norm): NaN when the norm is not finite.
      const scale = tf.add(tf.mul(amount, tf.minimum(tf.div(1, norm), 1 / amount)), tf.sub(norm, norm));
      return gradients.map((g) => tf.mul(g, scale));
    }
  }
}

/** Keras's decoupled weight decay, w − w·wd·lr in float32, or w itself when off. */
export function decayWeight(weight: tf.Tensor, weightDecay: number, learningRate: number): tf.Tensor {
  return weightDecay === 0 ? weight : tf.sub(weight, tf.mul(tf.mul(weight, weightDecay), learningRate));
}
