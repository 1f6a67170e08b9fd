import * as tf from '@tensorflow/tfjs';
import type { NewtonSchulz } from '../../experiment/algebra';

/**
 * Keras's zeropower_via_newtonschulz5 (keras/src/optimizers/muon.py) with tfjs ops,
 * in its order: transpose a tall matrix, X = u / (‖u‖_F + 1e-7), then `steps` times
 * A = X·Xᵀ, B = b·A + (c·A)·A, X = a·X + B·X; transpose back. Call inside tf.tidy.
 */
export function newtonSchulz(u: tf.Tensor2D, { a, b, c, steps }: NewtonSchulz): tf.Tensor2D {
  const [rows, cols] = u.shape;
  const tall = rows > cols;
  let x: tf.Tensor2D = tall ? tf.transpose(u) : u;
  x = tf.div(x, tf.add(tf.norm(x), 1e-7));
  for (let k = 0; k < steps; k++) {
    const gram = tf.matMul(x, x, false, true);
    // Python reads c * A @ A as (c * A) @ A.
    const polynomial = tf.add(tf.mul(gram, b), tf.matMul(tf.mul(gram, c), gram));
    x = tf.add(tf.mul(x, a), tf.matMul(polynomial, x));
  }
  return tall ? tf.transpose(x) : x;
}
