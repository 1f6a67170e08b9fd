/** Shared by the gradient tests: a small problem's tensors, and the checks made on them. */
import * as tf from '@tensorflow/tfjs';

export interface GradientProblem {
  params: tf.Variable[];
  images: tf.Tensor2D;
  oneHot: tf.Tensor2D;
  labels: tf.Tensor1D;
}

export const disposeProblem = (p: GradientProblem) => tf.dispose([...p.params, p.images, p.oneHot, p.labels]);

/** |a - b| / |b| over whole vectors (Euclidean norms). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-12);
}

/** Central finite differences of `loss` with respect to every value of every parameter (each put back after). */
export function finiteDifferenceGradients(params: readonly tf.Variable[], loss: () => number, h = 1e-2): number[][] {
  return params.map((param) => {
    const values = param.dataSync().slice();
    const numeric: number[] = [];
    for (let i = 0; i < values.length; i++) {
      const probe = (delta: number) => {
        const shifted = values.slice();
        shifted[i] += delta;
        param.assign(tf.tensor(shifted, param.shape));
        return loss();
      };
      numeric.push((probe(h) - probe(-h)) / (2 * h));
    }
    param.assign(tf.tensor(values, param.shape));
    return numeric;
  });
}
