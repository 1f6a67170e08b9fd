/**
 * The network as a setting on the tfjs path: parameter shapes, seeded Glorot
 * initialisation (the article network's bits unchanged), predict as Keras
 * defines each activation, and the hand-written backward pass against autodiff
 * and finite differences for several depths and activations, 0 hidden layers
 * included; then a whole run through the trainer with another network.
 */
import * as tf from '@tensorflow/tfjs';
import { disposeProblem, finiteDifferenceGradients, relativeError, type GradientProblem } from '../testing/gradientChecks';
import { experimentWith } from '../testing/experiments';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_SIZE, NUM_CLASSES } from '../data/manifest';
import { articleNetwork, type Activation, type NetworkSettings } from '../experiment/network';
import { loadRealMnist } from '../testing/realMnist';
import { autodiffLossAndGradients, denseLossAndGradients } from './denseGradients';
import { crossEntropy, initialWeights, parameterShapes, PARAMETER_SHAPES, predict } from './network';
import { createRandom, RandomStream } from './random';
import { trainExperiment } from './trainer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const net = (hiddenLayers: number[], activation: Activation = 'relu'): NetworkSettings => ({ hiddenLayers, activation });

describe('parameter shapes and initial weights', () => {
  it('lists kernel then bias per layer, Keras order, for 0 to 3 hidden layers', () => {
    const shapes = (n: NetworkSettings) => parameterShapes(n).map((s) => `${s.name} ${s.shape.join('x')}`);
    expect(shapes(net([]))).toEqual(['dense1/kernel 784x10', 'dense1/bias 10']);
    expect(shapes(articleNetwork())).toEqual(['dense1/kernel 784x128', 'dense1/bias 128', 'dense2/kernel 128x10', 'dense2/bias 10']);
    expect(PARAMETER_SHAPES.map((s) => s.shape)).toEqual(parameterShapes(articleNetwork()).map((s) => s.shape));
    expect(shapes(net([256, 64, 32], 'tanh'))).toEqual([
      'dense1/kernel 784x256', 'dense1/bias 256', 'dense2/kernel 256x64', 'dense2/bias 64',
      'dense3/kernel 64x32', 'dense3/bias 32', 'dense4/kernel 32x10', 'dense4/bias 10',
    ]);
  });

  it("keeps the article network's initial weights bit for bit (the generator and draw order of before)", () => {
    // The former initialWeights, written out: 784x128, 128, 128x10, 10 from one stream.
    const random = createRandom(42, RandomStream.weights);
    const draw = (fanIn: number, fanOut: number) => {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return Float32Array.from({ length: fanIn * fanOut }, () => (2 * random.next() - 1) * limit);
    };
    const before = [draw(IMAGE_SIZE, 128), new Float32Array(128), draw(128, NUM_CLASSES), new Float32Array(NUM_CLASSES)];
    expect(initialWeights(42)).toEqual(before);
    expect(initialWeights(42, articleNetwork())).toEqual(before);
  });

  it('draws Glorot-uniform kernels in layer order from the one seeded stream, zero biases', () => {
    const weights = initialWeights(7, net([64, 32], 'sigmoid'));
    const shapes = parameterShapes(net([64, 32]));
    expect(weights.map((w) => w.length)).toEqual(shapes.map((s) => s.shape.reduce((a, b) => a * b, 1)));
    shapes.forEach(({ shape }, i) => {
      if (shape.length === 1) return expect(weights[i].every((v) => v === 0)).toBe(true);
      const limit = Math.sqrt(6 / (shape[0] + shape[1]));
      const max = weights[i].reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(max).toBeLessThanOrEqual(limit);
      expect(max).toBeGreaterThan(0.95 * limit);
    });
    // Same stream: the first kernel is the same whatever follows it; the activation draws nothing.
    expect(weights[0]).toEqual(initialWeights(7, net([64], 'relu'))[0]);
    expect(initialWeights(7, net([]))[0]).toEqual(initialWeights(7, net([10]))[0]);
  });
});

interface Problem extends GradientProblem {
  activation: Activation;
}

/** A small random network of these widths (inputs, hidden..., classes) and a batch. */
function randomProblem(seed: number, widths: number[], activation: Activation, batch: number, scale = 1): Problem {
  const random = createRandom(seed, 99);
  const uniform = (n: number, s: number) => Float32Array.from({ length: n }, () => (2 * random.next() - 1) * s);
  const classes = widths.at(-1)!;
  const labels = Int32Array.from({ length: batch }, () => random.int(classes));
  const oneHot = new Float32Array(batch * classes);
  labels.forEach((label, row) => (oneHot[row * classes + label] = 1));
  const params: tf.Variable[] = [];
  for (let l = 1; l < widths.length; l++) {
    params.push(tf.variable(tf.tensor2d(uniform(widths[l - 1] * widths[l], scale / Math.sqrt(widths[l - 1] / 6)), [widths[l - 1], widths[l]])));
    params.push(tf.variable(tf.tensor1d(uniform(widths[l], 0.1 * scale))));
  }
  return {
    params,
    images: tf.tensor2d(Float32Array.from({ length: batch * widths[0] }, () => (random.next() < 0.3 ? 0 : random.next())), [batch, widths[0]]),
    oneHot: tf.tensor2d(oneHot, [batch, classes]),
    labels: tf.tensor1d(labels, 'int32'),
    activation,
  };
}


/** Keras's definitions in float64, for predict. */
const KERAS_ACTIVATIONS: Record<Activation, (x: number) => number> = {
  relu: (x) => Math.max(0, x),
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};

describe('predict', () => {
  it.each([
    [[6, 3], 'relu'],
    [[6, 5, 3], 'tanh'],
    [[6, 5, 4, 3], 'sigmoid'],
    [[6, 5, 4, 4, 3], 'relu'],
  ] as [number[], Activation][])('widths %j, %s: softmax of the layers as Keras defines them (float64 reference)', (widths, activation) => {
    const p = randomProblem(3, widths, activation, 5, 2);
    const got = tf.tidy(() => predict(p.params, p.images, activation).arraySync());
    const params = p.params.map((v) => Array.from(v.dataSync()));
    const images = p.images.arraySync();
    images.forEach((row, b) => {
      let x = row;
      for (let l = 1; l < widths.length; l++) {
        const [kernel, bias] = [params[2 * l - 2], params[2 * l - 1]];
        const z = Array.from({ length: widths[l] }, (_, j) => x.reduce((s, xi, i) => s + xi * kernel[i * widths[l] + j], bias[j]));
        x = l < widths.length - 1 ? z.map(KERAS_ACTIVATIONS[activation]) : z;
      }
      const top = Math.max(...x);
      const e = x.map((z) => Math.exp(z - top));
      const sum = e.reduce((a, b) => a + b, 0);
      e.forEach((v, c) => expect(got[b][c]).toBeCloseTo(v / sum, 5));
    });
    disposeProblem(p);
  });
});

describe('hand-written gradients, any depth and activation', () => {
  const cases: [number[], Activation, number][] = [
    [[20, 10], 'relu', 1],
    [[20, 10], 'tanh', 1],
    [[20, 12, 10], 'tanh', 1],
    [[20, 12, 10], 'sigmoid', 1],
    [[20, 16, 12, 8, 10], 'relu', 1],
    [[20, 16, 12, 8, 10], 'tanh', 1.5],
    [[20, 16, 12, 8, 10], 'sigmoid', 2],
    [[784, 32, 16, 10], 'tanh', 1],
  ];
  it.each(cases)('widths %j, %s: match tfjs autodiff', (widths, activation, scale) => {
    const p = randomProblem(widths.length, widths, activation, 16, scale);
    const [manual, reference] = [
      tf.tidy(() => {
        const r = denseLossAndGradients(p.params, p.images, p.oneHot, p.labels, activation);
        return [r.loss, r.correct, ...r.gradients].map((t) => t.dataSync().slice());
      }),
      tf.tidy(() => {
        const r = autodiffLossAndGradients(p.params, p.images, p.oneHot, p.labels, (params, x) => predict(params, x, activation));
        return [r.loss, r.correct, ...r.gradients].map((t) => t.dataSync().slice());
      }),
    ];
    expect(manual).toHaveLength(2 + p.params.length);
    expect(manual[0][0]).toBeCloseTo(reference[0][0], 5);
    expect(manual[1][0]).toBe(reference[1][0]);
    for (let i = 2; i < manual.length; i++) {
      expect(relativeError(manual[i], reference[i]), `tensor ${i - 2}`).toBeLessThan(1e-5);
      expect(manual[i].some((g) => g !== 0), `tensor ${i - 2} has a gradient`).toBe(true);
    }
    disposeProblem(p);
  });

  it.each([
    [[6, 3], 'relu'],
    [[6, 5, 3], 'tanh'],
    [[6, 4, 5, 3], 'sigmoid'],
    [[6, 5, 4, 4, 3], 'tanh'],
  ] as [number[], Activation][])('widths %j, %s: agree with central finite differences of the Keras loss', (widths, activation) => {
    const p = randomProblem(17, widths, activation, 4, 1.5);
    const gradients = tf.tidy(() => denseLossAndGradients(p.params, p.images, p.oneHot, p.labels, activation).gradients.map((g) => g.dataSync().slice()));
    const lossAt = () => tf.tidy(() => crossEntropy(predict(p.params, p.images, activation), p.oneHot).dataSync()[0]);
    finiteDifferenceGradients(p.params, lossAt).forEach((numeric, index) => {
      expect(relativeError(gradients[index], numeric), `tensor ${index}`).toBeLessThan(2e-2);
    });
    disposeProblem(p);
  });

  it('0 hidden layers: the gradients of softmax regression, (p - y) / batch', () => {
    const p = randomProblem(5, [8, 3], 'sigmoid', 4);
    const [kernel, bias] = tf.tidy(() => denseLossAndGradients(p.params, p.images, p.oneHot, p.labels, 'sigmoid').gradients.map((g) => g.dataSync().slice()));
    const expected = tf.tidy(() => {
      const d = tf.div(tf.sub(predict(p.params, p.images), p.oneHot), 4);
      return [tf.matMul(tf.transpose(p.images), d as tf.Tensor2D).dataSync().slice(), tf.sum(d, 0).dataSync().slice()];
    });
    expect(relativeError(kernel, expected[0])).toBeLessThan(1e-6);
    expect(relativeError(bias, expected[1])).toBeLessThan(1e-6);
    disposeProblem(p);
  });

  it('leave no tensors behind inside a tidy', () => {
    const p = randomProblem(5, [6, 5, 4, 3], 'tanh', 4);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      denseLossAndGradients(p.params, p.images, p.oneHot, p.labels, 'tanh');
      autodiffLossAndGradients(p.params, p.images, p.oneHot, p.labels, (params, x) => predict(params, x, 'tanh'));
    });
    expect(tf.memory().numTensors).toBe(before);
    disposeProblem(p);
  });
});

describe('the trainer trains the configured network', () => {
  it.each([
    [net([], 'relu')],
    [net([16, 12], 'tanh')],
  ])('%j on tfjs: initial weights of its shapes, the loss falls', async (network) => {
    const data = loadRealMnist(1000, 100);
    const config = experimentWith({ network, optimizers: ['adam'], epochs: 2, batchSize: 250, trainExamples: 1000, seed: 3 });
    const epochs: { trainLoss: number }[] = [];
    let initial: Float32Array[] = [];
    await trainExperiment(
      data,
      config,
      { runStatus: () => {}, epochEnd: (_id, metrics) => epochs.push(metrics), progress: () => {} },
      { stopRequested: () => false, yieldToEventLoop: async () => {} },
      { observer: { initialWeights: (_id, values) => (initial = values) } },
    );
    expect(initial).toEqual(initialWeights(3, network));
    expect(epochs).toHaveLength(2);
    expect(epochs[1].trainLoss).toBeLessThan(epochs[0].trainLoss);
  });
});
