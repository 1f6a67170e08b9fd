/**
 * The dense network's backward pass written out by hand. On the wasm backend,
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
import { countCorrect, crossEntropy, KERAS_EPSILON, type Parameters } from './network';

export interface StepResult {
  loss: tf.Scalar;
  correct: tf.Scalar;
  /** One gradient per parameter, in parameter order. */
  gradients: tf.Tensor[];
}

/** Forward and backward pass for one batch. Call inside tf.tidy. */
export function denseLossAndGradients(params: Parameters, images: tf.Tensor2D, oneHot: tf.Tensor2D, labels: tf.Tensor1D): StepResult {
  const [kernel1, bias1, kernel2, bias2] = params as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
  const batch = images.shape[0];

  const preActivation = tf.add(tf.matMul(images, kernel1), bias1);
  const hidden = tf.relu(preActivation);
  const probabilities = tf.softmax(tf.add(tf.matMul(hidden, kernel2), bias2) as tf.Tensor2D);

  const trueClassProbability = tf.sum(tf.mul(probabilities, oneHot), 1, true);
  const insideClip = tf.logicalAnd(tf.greaterEqual(trueClassProbability, KERAS_EPSILON), tf.lessEqual(trueClassProbability, 1 - KERAS_EPSILON));
  const logitsGradient = tf.mul(tf.sub(probabilities, oneHot), tf.div(tf.cast(insideClip, 'float32'), batch)) as tf.Tensor2D;

  const kernel2Gradient = tf.matMul(tf.transpose(hidden), logitsGradient);
  const bias2Gradient = tf.sum(logitsGradient, 0);
  const hiddenGradient = tf.matMul(logitsGradient, tf.transpose(kernel2));
  // ReLU passes gradient where its input was strictly positive, as tfjs's own gradient does.
  const preActivationGradient = tf.mul(hiddenGradient, tf.cast(tf.greater(preActivation, 0), 'float32')) as tf.Tensor2D;
  const kernel1Gradient = tf.matMul(tf.transpose(images), preActivationGradient);
  const bias1Gradient = tf.sum(preActivationGradient, 0);

  return {
    loss: crossEntropy(probabilities, oneHot),
    correct: countCorrect(probabilities, labels),
    gradients: [kernel1Gradient, bias1Gradient, kernel2Gradient, bias2Gradient],
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
