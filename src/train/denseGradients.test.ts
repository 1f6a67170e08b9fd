import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeProblem, finiteDifferenceGradients, relativeError, type GradientProblem } from '../testing/gradientChecks';
import { autodiffLossAndGradients, denseLossAndGradients } from './denseGradients';
import { crossEntropy, predict } from './network';
import { createRandom } from './random';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Problem = GradientProblem;

/** A small random dense network and batch; `scale` sets how confident its softmax is. */
function randomProblem(seed: number, inputs: number, hidden: number, classes: number, batch: number, scale = 1): Problem {
  const random = createRandom(seed, 99);
  const uniform = (n: number, s: number) => Float32Array.from({ length: n }, () => (2 * random.next() - 1) * s);
  const labels = Int32Array.from({ length: batch }, () => random.int(classes));
  const oneHot = new Float32Array(batch * classes);
  labels.forEach((label, row) => (oneHot[row * classes + label] = 1));
  return {
    params: [
      tf.variable(tf.tensor2d(uniform(inputs * hidden, scale), [inputs, hidden])),
      tf.variable(tf.tensor1d(uniform(hidden, 0.1 * scale))),
      tf.variable(tf.tensor2d(uniform(hidden * classes, scale), [hidden, classes])),
      tf.variable(tf.tensor1d(uniform(classes, 0.1 * scale))),
    ],
    images: tf.tensor2d(Float32Array.from({ length: batch * inputs }, () => (random.next() < 0.3 ? 0 : random.next())), [batch, inputs]),
    oneHot: tf.tensor2d(oneHot, [batch, classes]),
    labels: tf.tensor1d(labels, 'int32'),
  };
}


describe('hand-written dense gradients', () => {
  it.each([
    [1, 6, 5, 3, 4, 1],
    [2, 20, 16, 10, 32, 0.5],
    [3, 784, 128, 10, 16, 0.08],
  ])('match tfjs autodiff (seed %i, %i-%i-%i, batch %i)', (seed, inputs, hidden, classes, batch, scale) => {
    const p = randomProblem(seed, inputs, hidden, classes, batch, scale);
    const [manual, reference] = [
      tf.tidy(() => {
        const r = denseLossAndGradients(p.params, p.images, p.oneHot, p.labels);
        return [r.loss, r.correct, ...r.gradients].map((t) => t.dataSync().slice());
      }),
      tf.tidy(() => {
        const r = autodiffLossAndGradients(p.params, p.images, p.oneHot, p.labels, predict);
        return [r.loss, r.correct, ...r.gradients].map((t) => t.dataSync().slice());
      }),
    ];
    expect(manual[0][0]).toBeCloseTo(reference[0][0], 5);
    expect(manual[1][0]).toBe(reference[1][0]);
    for (let i = 2; i < 6; i++) expect(relativeError(manual[i], reference[i])).toBeLessThan(1e-5);
    disposeProblem(p);
  });

  it('agree with central finite differences of the Keras loss', () => {
    const p = randomProblem(7, 6, 5, 3, 4, 1);
    const gradients = tf.tidy(() => denseLossAndGradients(p.params, p.images, p.oneHot, p.labels).gradients.map((g) => g.dataSync().slice()));
    const lossAt = () => tf.tidy(() => crossEntropy(predict(p.params, p.images), p.oneHot).dataSync()[0]);
    finiteDifferenceGradients(p.params, lossAt).forEach((numeric, index) => {
      expect(relativeError(gradients[index], numeric)).toBeLessThan(2e-2);
    });
    disposeProblem(p);
  });

  it('pass no gradient for examples whose true-class probability is clipped', () => {
    // Large weights saturate the softmax: half of these examples are clipped.
    const p = randomProblem(11, 6, 5, 3, 8, 5);
    const trueClass = tf.tidy(() => tf.sum(tf.mul(predict(p.params, p.images), p.oneHot), 1).dataSync().slice());
    // The case is only meaningful if some examples really are clipped, and some are not.
    expect(trueClass.some((q) => q < 1e-7 || q > 1 - 1e-7)).toBe(true);
    expect(trueClass.some((q) => q >= 1e-7 && q <= 1 - 1e-7)).toBe(true);
    const [manual, reference] = [
      tf.tidy(() => denseLossAndGradients(p.params, p.images, p.oneHot, p.labels).gradients.map((g) => g.dataSync().slice())),
      tf.tidy(() => autodiffLossAndGradients(p.params, p.images, p.oneHot, p.labels, predict).gradients.map((g) => g.dataSync().slice())),
    ];
    manual.forEach((g, i) => expect(relativeError(g, reference[i])).toBeLessThan(1e-4));
    disposeProblem(p);
  });

  it('leave no tensors behind inside a tidy', () => {
    const p = randomProblem(5, 6, 5, 3, 4);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      denseLossAndGradients(p.params, p.images, p.oneHot, p.labels);
      autodiffLossAndGradients(p.params, p.images, p.oneHot, p.labels, predict);
    });
    expect(tf.memory().numTensors).toBe(before);
    disposeProblem(p);
  });
});
