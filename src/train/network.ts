/**
 * The network a run trains, built from its NetworkSettings (experiment/network.ts):
 * Flatten(784) -> 0 to 3 hidden Dense layers (ReLU, tanh or sigmoid, as Keras
 * defines them) -> Dense(10, softmax), trained on categorical cross-entropy
 * exactly as Keras computes it. The article's network (one hidden layer of 128,
 * ReLU) is the default.
 */
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE, NUM_CLASSES } from '../data/manifest';
import { articleNetwork, type Activation, type NetworkSettings } from '../experiment/network';
import { createRandom, RandomStream } from './random';

export interface LayerShape {
  name: string;
  shape: [number, number] | [number];
}

/** Units of every Dense layer's output, input side first: the hidden layers, then the 10 classes. */
export function layerWidths(network: NetworkSettings): number[] {
  return [...network.hiddenLayers, NUM_CLASSES];
}

/**
 * Kernel then bias for each Dense layer, in order (Keras order; kernels are
 * [fanIn, fanOut]); optimizer slots follow the same order.
 */
export function parameterShapes(network: NetworkSettings): LayerShape[] {
  let fanIn = IMAGE_SIZE;
  return layerWidths(network).flatMap((fanOut, i) => {
    const shapes: LayerShape[] = [
      { name: `dense${i + 1}/kernel`, shape: [fanIn, fanOut] },
      { name: `dense${i + 1}/bias`, shape: [fanOut] },
    ];
    fanIn = fanOut;
    return shapes;
  });
}

/** The article network's parameter shapes: 784x128, 128, 128x10, 10. */
export const PARAMETER_SHAPES: readonly LayerShape[] = parameterShapes(articleNetwork());

/** Keras's categorical cross-entropy clips probabilities to [epsilon, 1 - epsilon] with epsilon 1e-7. */
export const KERAS_EPSILON = 1e-7;

/**
 * Initial weights as Keras builds them by default: Glorot-uniform kernels
 * (limit sqrt(6 / (fan_in + fan_out))) and zero biases, drawn from our own seeded
 * generator (one stream, kernels in layer order) so every backend starts from
 * bit-identical values.
 */
export function initialWeights(seed: number, network: NetworkSettings = articleNetwork()): Float32Array[] {
  const random = createRandom(seed, RandomStream.weights);
  return parameterShapes(network).map(({ shape }) => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (shape.length === 2) {
      const limit = Math.sqrt(6 / (shape[0] + shape[1]));
      for (let i = 0; i < values.length; i++) values[i] = (2 * random.next() - 1) * limit;
    }
    return values;
  });
}

export type Parameters = readonly tf.Tensor[];

/** Keras's activation functions, as tfjs ops. */
export function activate(activation: Activation, x: tf.Tensor): tf.Tensor {
  switch (activation) {
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    default:
      throw new Error(`Unknown activation ${String(activation)}.`);
  }
}

/**
 * Softmax probabilities for a batch of flattened images in [0, 1]. The number of
 * layers is that of `params` (kernel, bias per layer); `activation` follows every
 * hidden layer.
 */
export function predict(params: Parameters, images: tf.Tensor2D, activation: Activation = 'relu'): tf.Tensor2D {
  return tf.tidy(() => {
    const layers = params.length / 2;
    let x: tf.Tensor = images;
    for (let layer = 0; layer < layers; layer++) {
      const z = tf.add(tf.matMul(x as tf.Tensor2D, params[2 * layer] as tf.Tensor2D), params[2 * layer + 1]);
      x = layer < layers - 1 ? activate(activation, z) : z;
    }
    return tf.softmax(x as tf.Tensor2D);
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
