/**
 * The dense network's backward pass written out by hand, for any depth and
 * activation (experiment/network.ts). On the wasm backend,
 * autodiff's transposed matMuls dominate a step (~13.6 of 14.5 ms measured); an
 * explicit tf.transpose followed by a plain matMul is several times faster, with
 * the same result. Autodiff (tf.variableGrads) stays as the reference: the unit
 * tests compare the two and check both against finite differences.
 *
 * Loss: Keras's categorical cross-entropy on clipped softmax probabilities. With
 * one-hot targets its gradient with respect to the logits is (p - y) / batch for
 * each example whose true-class probability lies inside the clip range
 * [1e-7, 1 - 1e-7], and zero for the others (the clip passes no gradient there).
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../experiment/network';
import { activate, countCorrect, crossEntropy, KERAS_EPSILON, type Parameters } from './network';

export interface StepResult {
  loss: tf.Scalar;
  correct: tf.Scalar;
  /** One gradient per parameter, in parameter order. */
  gradients: tf.Tensor[];
}

/**
 * The gradient through a hidden layer's activation, as tfjs's own gradient
 * functions compute it: ReLU passes dy where its input was strictly positive;
 * tanh is (1 - y^2) dy and sigmoid dy (y (1 - y)), from the layer's output y.
 */
function activationGradient(activation: Activation, dy: tf.Tensor, preActivation: tf.Tensor, y: tf.Tensor): tf.Tensor {
  switch (activation) {
    case 'relu':
      return tf.mul(dy, tf.cast(tf.greater(preActivation, 0), 'float32'));
    case 'tanh':
      return tf.mul(tf.sub(tf.scalar(1), tf.square(y)), dy);
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(tf.scalar(1), y)));
    default:
      throw new Error(`Unknown activation ${String(activation)}.`);
  }
}

/**
 * Forward and backward pass for one batch, any depth (params: kernel, bias per
 * layer, the last layer's output the 10 logits). Call inside tf.tidy.
 */
export function denseLossAndGradients(
  params: Parameters,
  images: tf.Tensor2D,
  oneHot: tf.Tensor2D,
  labels: tf.Tensor1D,
  activation: Activation = 'relu',
): StepResult {
  const layers = params.length / 2;
  const batch = images.shape[0];

  // Forward, keeping each layer's input and each hidden layer's pre-activation.
  const inputs: tf.Tensor2D[] = [images];
  const preActivations: tf.Tensor2D[] = [];
  let logits: tf.Tensor2D | undefined;
  for (let layer = 0; layer < layers; layer++) {
    const z = tf.add(tf.matMul(inputs[layer], params[2 * layer] as tf.Tensor2D), params[2 * layer + 1]) as tf.Tensor2D;
    if (layer < layers - 1) {
      preActivations.push(z);
      inputs.push(activate(activation, z) as tf.Tensor2D);
    } else logits = z;
  }
  const probabilities = tf.softmax(logits!);

  const trueClassProbability = tf.sum(tf.mul(probabilities, oneHot), 1, true);
  const insideClip = tf.logicalAnd(tf.greaterEqual(trueClassProbability, KERAS_EPSILON), tf.lessEqual(trueClassProbability, 1 - KERAS_EPSILON));
  // The gradient with respect to the current layer's output (pre-activation for hidden layers).
  let outputGradient = tf.mul(tf.sub(probabilities, oneHot), tf.div(tf.cast(insideClip, 'float32'), batch)) as tf.Tensor2D;

  const gradients: tf.Tensor[] = new Array<tf.Tensor>(params.length);
  for (let layer = layers - 1; layer >= 0; layer--) {
    gradients[2 * layer] = tf.matMul(tf.transpose(inputs[layer]), outputGradient);
    gradients[2 * layer + 1] = tf.sum(outputGradient, 0);
    if (layer > 0) {
      const inputGradient = tf.matMul(outputGradient, tf.transpose(params[2 * layer] as tf.Tensor2D));
      outputGradient = activationGradient(activation, inputGradient, preActivations[layer - 1], inputs[layer]) as tf.Tensor2D;
    }
  }

  return {
    loss: crossEntropy(probabilities, oneHot),
    correct: countCorrect(probabilities, labels),
    gradients,
  };
}

/** The same quantities through tfjs autodiff: the reference implementation. */
export function autodiffLossAndGradients(
  params: readonly tf.Variable[],
  images: tf.Tensor2D,
  oneHot: tf.Tensor2D,
  labels: tf.Tensor1D,
  predict: (params: Parameters, images: tf.Tensor2D) => tf.Tensor2D,
): StepResult {
  let correct: tf.Scalar | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const probabilities = predict(params, images);
    // Kept past variableGrads' own scope: accuracy comes from the same forward pass, as in Keras.
    correct = tf.keep(countCorrect(probabilities, labels));
    return crossEntropy(probabilities, oneHot);
  }, params as tf.Variable[]);
  // Re-enter the caller's tidy scope so the kept tensor is released with the rest.
  const tracked = tf.clone(correct!);
  correct!.dispose();
  return { loss: value, correct: tracked, gradients: params.map((p) => grads[p.name]) };
}
