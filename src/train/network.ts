/**
 * The article's network: Flatten(784) -> Dense(128, ReLU) -> Dense(10, softmax),
 * trained on categorical cross-entropy exactly as Keras computes it.
 */
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE, NUM_CLASSES } from '../data/manifest';
import { createRandom, RandomStream } from './random';

export const HIDDEN_UNITS = 128;

export interface LayerShape {
  name: string;
  shape: [number, number] | [number];
}

/** Kernel then bias for each Dense layer, in order; optimizer slots follow the same order. */
export const PARAMETER_SHAPES: readonly LayerShape[] = [
  { name: 'dense1/kernel', shape: [IMAGE_SIZE, HIDDEN_UNITS] },
  { name: 'dense1/bias', shape: [HIDDEN_UNITS] },
  { name: 'dense2/kernel', shape: [HIDDEN_UNITS, NUM_CLASSES] },
  { name: 'dense2/bias', shape: [NUM_CLASSES] },
];

/** Keras's categorical cross-entropy clips probabilities to [epsilon, 1 - epsilon] with epsilon 1e-7. */
export const KERAS_EPSILON = 1e-7;

/**
 * Initial weights as Keras builds them by default: Glorot-uniform kernels
 * (limit sqrt(6 / (fan_in + fan_out))) and zero biases, drawn from our own seeded
 * generator so every backend starts from bit-identical values.
 */
export function initialWeights(seed: number): Float32Array[] {
  const random = createRandom(seed, RandomStream.weights);
  return PARAMETER_SHAPES.map(({ shape }) => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (shape.length === 2) {
      const limit = Math.sqrt(6 / (shape[0] + shape[1]));
      for (let i = 0; i < values.length; i++) values[i] = (2 * random.next() - 1) * limit;
    }
    return values;
  });
}

export type Parameters = readonly tf.Tensor[];

/** Softmax probabilities for a batch of flattened images in [0, 1]. */
export function predict(params: Parameters, images: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [kernel1, bias1, kernel2, bias2] = params;
    const hidden = tf.relu(tf.add(tf.matMul(images, kernel1 as tf.Tensor2D), bias1));
    const logits = tf.add(tf.matMul(hidden, kernel2 as tf.Tensor2D), bias2) as tf.Tensor2D;
    return tf.softmax(logits);
  });
}

/**
 * Keras 3's categorical_crossentropy on probabilities: renormalise, clip to
 * [1e-7, 1 - 1e-7], then the mean over the batch of -sum(y * log p).
 */
export function crossEntropy(probabilities: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const normalised = tf.div(probabilities, tf.sum(probabilities, -1, true));
    const clipped = tf.clipByValue(normalised, KERAS_EPSILON, 1 - KERAS_EPSILON);
    return tf.mean(tf.neg(tf.sum(tf.mul(oneHot, tf.log(clipped)), -1)));
  });
}

/** Sum over the batch of per-example cross-entropy (for evaluation over many chunks). */
export function crossEntropySum(probabilities: tf.Tensor2D, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mul(crossEntropy(probabilities, oneHot), probabilities.shape[0]));
}

export function countCorrect(probabilities: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(probabilities, 1), labels), 'float32')));
}
