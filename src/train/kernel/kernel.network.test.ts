/**
 * The kernel trains every network setting: 0 to 3 hidden layers, ReLU, tanh and
 * sigmoid, against the tfjs path (hand-written gradients and the update rules, cpu
 * backend) with the tolerance of kernel.agreement.test.ts; the Keras-order weight
 * interface for every shape; the memory bound; refusal of shapes past the limits.
 * Sizes are kept small: the article network at full size is covered there.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MnistData, SplitData } from '../../data/shardLoader';
import { ARTICLE_OPTIMIZERS } from '../../experiment/contestants';
import { articleNetwork, NETWORK_LIMITS, type Activation, type NetworkSettings } from '../../experiment/network';
import { optimizerDefaults, OPTIMIZER_IDS, type OptimizerId } from '../../experiment/optimizers';
import type { ParameterValues } from '../../experiment/parameters';
import { normRelativeError, randomWeights, relativeError, syntheticSplit, tfjsEvaluate, tfjsTrajectory } from '../../testing/kernelFixtures';
import { loadKernel } from '../../testing/kernelNode';
import { loadRealMnist } from '../../testing/realMnist';
import type { EnginePlan } from '../engine';
import { kernelEngine } from '../kernelEngine';
import { initialWeights } from '../network';
import { createRandom, RandomStream, shuffledIndices } from '../random';
import { createTfjsEngine } from '../tfjsEngine';
import { kernelVariant } from './layout';
import { checkTrainerOptions, Kernel, kernelMemoryBytes, parameterLayout, KernelSizeError, type KernelBuild, type KernelRunSpec } from './kernel';

const BUILDS: KernelBuild[] = ['simd', 'relaxed-simd'];
const TOLERANCE = 1e-6;
const kernels = {} as Record<KernelBuild, Kernel>;
let mnist: SplitData;
let data: MnistData;

beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const build of BUILDS) kernels[build] = await loadKernel(build);
  data = loadRealMnist(512, 300);
  mnist = data.train;
});

afterEach(() => {
  vi.restoreAllMocks();
});

const net = (hiddenLayers: number[], activation: Activation): NetworkSettings => ({ hiddenLayers, activation });
const variant = (optimizer: OptimizerId, params: Partial<ParameterValues> = {}): KernelRunSpec => ({ optimizer, hyperparameters: { ...optimizerDefaults(optimizer), ...params } as ParameterValues });
const ADAM = variant('adam');
const SGD_MOMENTUM = variant('sgd', { learningRate: 0.05, momentum: 0.9 });
const RMSPROP = variant('rmsprop');
const ADAGRAD = variant('adagrad', { learningRate: 0.01 });

function batchesOf(count: number, size: number, steps: number, seed: number): Uint32Array[] {
  const order = shuffledIndices(count, createRandom(seed, RandomStream.shuffle));
  return Array.from({ length: steps }, (_, s) => order.subarray(s * size, (s + 1) * size));
}

const worst = { loss: 0, weights: 0, at: '' };
afterAll(() => {
  console.info(`kernel vs tfjs, other networks, worst: loss ${worst.loss.toExponential(2)}, weights ${worst.weights.toExponential(2)} (${worst.at})`);
});

/**
 * Trains `runs` on the kernel (both builds) and on the tfjs path from the same
 * weights and batches; per-step losses and final tensors within 1e-6, correct
 * counts equal, every tensor moved well past the tolerance.
 */
async function expectAgreement(network: NetworkSettings, runs: KernelRunSpec[], initial: Float32Array[], split: SplitData, batches: Uint32Array[], dense: boolean) {
  const expected = runs.map((r) => tfjsTrajectory(r.optimizer, r.hyperparameters, initial, split, batches, network.activation));
  for (const build of BUILDS) {
    const trainer = await kernels[build].createTrainer({ network, maxBatch: batches[0].length, runs, initial });
    const losses = runs.map((): number[] => []);
    const correct = runs.map((): number[] => []);
    for (const indices of batches) {
      trainer.setBatch(split.images, split.labels, indices);
      expect(trainer.denseBatch).toBe(dense);
      runs.forEach((_, run) => {
        const step = trainer.trainStep(run);
        losses[run].push(step.loss);
        correct[run].push(step.correct);
      });
    }
    runs.forEach((spec, run) => {
      const name = `${build} ${JSON.stringify(network)} ${spec.optimizer}`;
      const lossError = Math.max(...losses[run].map((l, s) => relativeError(l, expected[run].losses[s])));
      const weights = trainer.weights(run);
      expect(weights).toHaveLength(initial.length);
      const weightErrors = weights.map((w, i) => normRelativeError(w, expected[run].weights[i]));
      if (lossError > worst.loss) Object.assign(worst, { loss: lossError });
      if (Math.max(...weightErrors) > worst.weights) Object.assign(worst, { weights: Math.max(...weightErrors), at: name });
      expect(lossError, `${name}: per-step loss`).toBeLessThanOrEqual(TOLERANCE);
      expect(weightErrors.every((e) => e <= TOLERANCE), `${name}: final weights ${weightErrors.map((e) => e.toExponential(1))}`).toBe(true);
      expect(correct[run], `${name}: correct counts`).toEqual(expected[run].correct);
      weights.forEach((w, i) => expect(normRelativeError(w, initial[i]), `${name}: tensor ${i} moved`).toBeGreaterThan(1e3 * TOLERANCE));
    });
    trainer.dispose();
  }
}

describe('kernel agrees with the tfjs path on other networks (real MNIST, sparse first layer)', () => {
  it.each<[number[], Activation, KernelRunSpec[], number, number]>([
    // Softmax regression: the first layer is the output layer (10 outputs padded to 12).
    [[], 'relu', [ADAM, SGD_MOMENTUM, ADAGRAD], 64, 6],
    [[256, 256], 'tanh', [ADAM, RMSPROP], 32, 4],
    [[32, 32, 32], 'sigmoid', [ADAM, SGD_MOMENTUM, RMSPROP], 64, 6],
    // Widths that are not multiples of 4 or 16 (padding lanes; sigmoid(0) is not 0).
    [[37, 13, 9], 'sigmoid', [ADAM, RMSPROP], 64, 5],
    [[40, 20], 'relu', [ADAM, SGD_MOMENTUM], 64, 5],
    [[21], 'tanh', [ADAM], 64, 5],
  ])('hidden %j, %s, both builds', async (hidden, activation, runs, batch, steps) => {
    const network = net(hidden, activation);
    await expectAgreement(network, runs, randomWeights(hidden.length + 3, hidden), mnist, batchesOf(mnist.count, batch, steps, 4), false);
  });
});

describe('kernel agrees with the tfjs path on other networks (dense synthetic images, dense first layer)', () => {
  it.each<[number[], Activation]>([
    [[], 'tanh'],
    [[24, 20, 12], 'tanh'],
    [[16, 16], 'relu'],
  ])('hidden %j, %s, both builds', async (hidden, activation) => {
    const split = syntheticSplit(4 * 40, 0.7, 5);
    await expectAgreement(net(hidden, activation), [ADAM, SGD_MOMENTUM], randomWeights(9, hidden), split, batchesOf(split.count, 40, 4, 6), true);
  });
});

describe('evaluation and engines on other networks', () => {
  it.each(BUILDS)('%s build: evaluation matches tfjs for 2 x 24 sigmoid and for no hidden layer', async (build) => {
    for (const network of [net([24, 24], 'sigmoid'), net([], 'relu')]) {
      const initial = randomWeights(2, network.hiddenLayers);
      const trainer = await kernels[build].createTrainer({ network, maxBatch: 64, runs: [ADAM], initial });
      for (let s = 0; s < 3; s++) {
        trainer.setBatch(mnist.images, mnist.labels, Array.from({ length: 64 }, (_, i) => 64 * s + i));
        trainer.trainStep(0);
      }
      const result = trainer.evaluate(0, data.test.images, data.test.labels, 0, data.test.count);
      const expected = tfjsEvaluate(trainer.weights(0), data.test, network.activation);
      expect(relativeError(result.lossSum, expected.lossSum)).toBeLessThanOrEqual(TOLERANCE);
      expect(result.correct).toBe(expected.correct);
      trainer.dispose();
    }
  });

  it("the kernel engine trains the plan's network, as the tfjs engine does", async () => {
    const plan: EnginePlan = { network: net([24, 12], 'tanh'), batchSize: 50, runs: [{ optimizer: 'adam', hyperparameters: optimizerDefaults('adam') }] };
    const initial = initialWeights(11, plan.network);
    const kernel = await kernelEngine(kernels['relaxed-simd'])(data, plan, initial);
    const tfjs = createTfjsEngine(data, plan, initial, 'dense');
    for (let s = 0; s < 3; s++) {
      const indices = Uint32Array.from({ length: 50 }, (_, i) => 50 * s + i);
      kernel.loadBatch(indices);
      tfjs.loadBatch(indices);
      const [k, t] = [kernel.step(0) as Float64Array, tfjs.step(0) as tf.Tensor1D];
      const expected = t.dataSync();
      t.dispose();
      expect(relativeError(k[0], expected[0])).toBeLessThanOrEqual(TOLERANCE);
      expect(k[1]).toBe(expected[1]);
    }
    const [k] = kernel.evaluate([0]) as Float64Array[];
    const [t] = tfjs.evaluate([0]) as tf.Tensor1D[];
    const expected = t.dataSync();
    t.dispose();
    expect(relativeError(k[0], expected[0])).toBeLessThanOrEqual(TOLERANCE);
    expect(k[1]).toBe(expected[1]);
    kernel.dispose();
    tfjs.dispose();
  });
});

describe('weights in Keras order, every shape', () => {
  const shapes = [net([], 'relu'), net([37], 'tanh'), net([37, 13, 9], 'sigmoid'), net([8, 1024], 'relu')];

  it.each(shapes)('%j: setWeights/weights round-trip, and applyGradients reaches every tensor in that order', async (network) => {
    const initial = randomWeights(3, network.hiddenLayers);
    // Plain SGD at learning rate 1: w - g exactly (float32), so each gradient must land on its own weight.
    const t = await kernels.simd.createTrainer({ network, maxBatch: 8, runs: [variant('sgd', { learningRate: 1 }), ADAM], initial });
    expect(t.weights(0)).toEqual(initial);
    expect(t.weights(1)).toEqual(initial);
    const gradients = randomWeights(4, network.hiddenLayers);
    t.applyGradients(0, gradients);
    t.weights(0).forEach((w, i) => expect(w, `tensor ${i}`).toEqual(initial[i].map((v, j) => Math.fround(v - gradients[i][j]))));
    expect(t.weights(1)).toEqual(initial);
    const replaced = randomWeights(5, network.hiddenLayers);
    t.setWeights(1, replaced);
    expect(t.weights(1)).toEqual(replaced);
    expect(() => t.setWeights(0, initial.slice(0, -1))).toThrow(KernelSizeError);
    t.dispose();
  });
});

describe('memory', () => {
  const cases: [NetworkSettings, number][] = [
    [articleNetwork(), 128],
    [net([], 'relu'), 64],
    [net([256, 256], 'tanh'), 32],
    [net([32, 32, 32], 'sigmoid'), 100],
    [net([1024, 8, 1024], 'relu'), 16],
  ];

  it.each(cases)('%j, batch %i: kernelMemoryBytes is the layout, to the heap base; flat over steps', async (network, batch) => {
    const runs = OPTIMIZER_IDS.map((optimizer) => variant(optimizer));
    const t = await kernels['relaxed-simd'].createTrainer({ network, maxBatch: batch, runs, initial: randomWeights(1, network.hiddenLayers) });
    const variants = runs.map((r) => kernelVariant(r.optimizer, r.hyperparameters));
    const estimate = kernelMemoryBytes(network, batch, variants.map((v) => v.slots.length), variants.some((v) => v.variant.program.reductions.length > 0), variants.map((v) => v.matrix));
    // The estimate starts at a 64 KiB bound on the heap base; the kernel at the real one (a few KiB: its static data).
    const slack = estimate - t.memoryInUse;
    expect(slack).toBeGreaterThan(32 * 1024);
    expect(slack).toBeLessThanOrEqual(64 * 1024);
    expect(t.memoryBytes).toBeLessThanOrEqual(Math.ceil(estimate / 65536) * 65536);
    const before = t.memoryBytes;
    for (let s = 0; s < 4; s++) {
      t.setBatch(mnist.images, mnist.labels, Array.from({ length: batch }, (_, i) => (batch * s + i) % mnist.count));
      runs.forEach((_, run) => t.trainStep(run));
    }
    t.evaluateRuns([0, 1], data.test.images, data.test.labels, 0, 300);
    expect(t.memoryBytes).toBe(before);
    t.dispose();
  });

  it('the same slack for every shape: the bound follows the layout exactly', async () => {
    const slacks = new Set<number>();
    for (const [network, batch] of cases) {
      const t = await kernels.simd.createTrainer({ network, maxBatch: batch, runs: [ADAM, SGD_MOMENTUM], initial: randomWeights(1, network.hiddenLayers) });
      slacks.add(kernelMemoryBytes(network, batch, [2, 1]) - t.memoryInUse);
      t.dispose();
    }
    expect(slacks.size).toBe(1);
  });

  it('grows only with the network, the batch and the runs', () => {
    const bytes = (hidden: number[], batch: number) => kernelMemoryBytes(net(hidden, 'tanh'), batch, [2]);
    expect(bytes([128], 128)).toBe(kernelMemoryBytes(articleNetwork(), 128, [2]));
    expect(bytes([128, 128], 128)).toBeGreaterThan(bytes([128], 128));
    expect(bytes([128], 256)).toBeGreaterThan(bytes([128], 128));
    expect(bytes([], 128)).toBeLessThan(bytes([16], 128));
    // A parameter block is exactly the layout's floats: 784x12 + 12 with no hidden layer.
    expect(parameterLayout(net([], 'relu')).floats).toBe(784 * 12 + 12);
    expect(parameterLayout(net([37, 13], 'relu')).floats).toBe(784 * 40 + 40 + 40 * 16 + 16 + 10 * 16 + 12);
  });
});

describe('shapes past the limits are refused before any wasm runs', () => {
  const base = { maxBatch: 64, runs: [ADAM] };
  const withNetwork = (network: NetworkSettings) => ({ ...base, network, initial: randomWeights(1, network.hiddenLayers.map((u) => Math.max(1, Math.floor(u) || 1))) });
  const over = NETWORK_LIMITS.maxUnits + 1;
  const bad: [string, Parameters<Kernel['createTrainer']>[0], RegExp][] = [
    ['4 hidden layers', withNetwork(net([16, 16, 16, 16], 'relu')), /4 hidden layers is over the limit of 3 \(NETWORK_LIMITS.maxHiddenLayers\)/],
    [`${over} units in layer 2`, withNetwork(net([16, over], 'tanh')), /Hidden layer 2 width 1025 .*1 to 1024 \(NETWORK_LIMITS.maxUnits\)/],
    ['0 units in layer 3', withNetwork(net([16, 16, 0], 'sigmoid')), /Hidden layer 3 width 0/],
    ['a fractional width', withNetwork(net([16.5], 'relu')), /Hidden layer 1 width 16.5/],
    ['an unknown activation', withNetwork({ hiddenLayers: [16], activation: 'gelu' as Activation }), /Unknown activation "gelu"/],
    ['weights of another network', { ...withNetwork(net([16, 16], 'relu')), initial: randomWeights(1, [16]) }, /Expected 6 weight arrays/],
    ['weights in the wrong order', { ...withNetwork(net([16, 8], 'relu')), initial: randomWeights(1, [8, 16]) }, /Expected 6 weight arrays of 12544, 16, 128, 8, 80, 10/],
    [
      'three layers of 1024 over the memory cap',
      { ...withNetwork(net([1024, 1024, 1024], 'relu')), maxBatch: 4096, runs: new Array(40).fill(variant('adam', { amsgrad: true })) },
      /Hidden layers 1024 x 1024 x 1024, batch size 4096 and 40 runs need \d+ MiB of kernel memory, over the 512 MiB cap/,
    ],
  ];

  it.each(bad)('refuses %s', async (_name, options, message) => {
    const instantiate = vi.spyOn(WebAssembly, 'instantiate');
    expect(() => checkTrainerOptions(options)).toThrow(KernelSizeError);
    await expect(kernels.simd.createTrainer(options)).rejects.toThrow(message);
    expect(instantiate).not.toHaveBeenCalled();
  });

  it('accepts the largest network the settings allow, with the five optimizers at batch 4096', () => {
    const network = net([1024, 1024, 1024], 'sigmoid');
    expect(() => checkTrainerOptions({ network, maxBatch: 4096, runs: ARTICLE_OPTIMIZERS.map((o) => variant(o)), initial: randomWeights(1, network.hiddenLayers) })).not.toThrow();
  });
});
