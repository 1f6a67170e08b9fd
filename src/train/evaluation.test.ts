/**
 * The final weights the engines hand over, and the CPU evaluation built on them: both
 * engines return the same weights after the same steps (in Keras order, whatever the
 * kernel's own layout), those weights predict what the engine's own evaluate says, and
 * a trained run's confusion matrix agrees with its final test accuracy.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MnistData } from '../data/shardLoader';
import { articleNetwork, type NetworkSettings } from '../experiment/network';
import { optimizerDefaults } from '../experiment/optimizers';
import type { EpochMetrics } from '../experiment/metrics';
import { experimentWith } from '../testing/experiments';
import { normRelativeError, relativeError } from '../testing/kernelFixtures';
import { loadKernel } from '../testing/kernelNode';
import { loadRealMnist } from '../testing/realMnist';
import { useTfjsWasm } from '../testing/tfjsWasm';
import type { EngineFactory, EnginePlan, PendingValues, TrainingEngine } from './engine';
import { argmax, CpuNetwork, evaluateSplit, MAX_MISCLASSIFIED, topDigits } from './evaluation';
import { kernelEngine } from './kernelEngine';
import { initialWeights, parameterShapes } from './network';
import { createRandom, RandomStream, shuffledIndices } from './random';
import { createTfjsEngine } from './tfjsEngine';
import { trainExperiment } from './trainer';

let data: MnistData;
let kernel: EngineFactory;
beforeAll(async () => {
  await useTfjsWasm();
  data = loadRealMnist(1000, 500);
  kernel = kernelEngine(await loadKernel('simd'));
});

const readPending = async (values: PendingValues): Promise<number[]> => Array.from(values instanceof tf.Tensor ? await values.data() : values);

/** Trains `steps` Adam steps of batch 100 on both engines from the same start, on the same batches. */
async function trainBoth(network: NetworkSettings, steps: number): Promise<{ engines: TrainingEngine[]; initial: Float32Array[] }> {
  const plan: EnginePlan = { network, batchSize: 100, runs: [{ optimizer: 'adam', hyperparameters: optimizerDefaults('adam') }] };
  const initial = initialWeights(7, network);
  const engines = [createTfjsEngine(data, plan, initial, 'dense'), await kernel(data, plan, initial)];
  const order = shuffledIndices(data.train.count, createRandom(7, RandomStream.shuffle));
  for (let step = 0; step < steps; step++) {
    const batch = order.subarray(step * 100, (step + 1) * 100);
    for (const engine of engines) {
      engine.loadBatch(batch);
      await readPending(engine.step(0));
    }
  }
  return { engines, initial };
}

const NETWORKS: [string, NetworkSettings][] = [
  ['the article network (784-128-10 ReLU)', articleNetwork()],
  // Two hidden layers: the kernel stores the output kernel transposed and pads widths to 4.
  ['two tanh layers of odd widths', { hiddenLayers: [30, 13], activation: 'tanh' }],
  ['no hidden layer', { hiddenLayers: [], activation: 'relu' }],
  ['a sigmoid layer', { hiddenLayers: [17], activation: 'sigmoid' }],
];

describe('final weights from both engines', () => {
  it.each(NETWORKS)('%s: the same weights in Keras order, which predict what the engine evaluates', async (_name, network) => {
    const { engines, initial } = await trainBoth(network, 8);
    try {
      const [tfjsWeights, kernelWeights] = await Promise.all(engines.map((e) => e.weights(0)));
      const shapes = parameterShapes(network);
      expect(kernelWeights.map((w) => w.length)).toEqual(shapes.map((s) => s.shape.reduce((a, b) => a * b, 1)));
      expect(tfjsWeights.map((w) => w.length)).toEqual(kernelWeights.map((w) => w.length));
      kernelWeights.forEach((w, i) => {
        // Agreement to float32 rounding (summation order differs), and real movement from the start.
        expect(normRelativeError(w, tfjsWeights[i]), shapes[i].name).toBeLessThan(1e-5);
        expect(normRelativeError(w, initial[i]), `${shapes[i].name} moved`).toBeGreaterThan(1e-4);
      });
      // The weights are copies: further training does not change them.
      const snapshot = kernelWeights[0].slice();
      engines[1].loadBatch(Uint32Array.from({ length: 100 }, (_, i) => i));
      engines[1].step(0);
      expect(kernelWeights[0]).toEqual(snapshot);

      for (const [engine, weights] of [[engines[0], tfjsWeights], [engines[1], kernelWeights]] as const) {
        // Evaluate the engine with the weights it had when they were read (the kernel moved on: read again).
        const current = engine === engines[1] ? await engine.weights(0) : weights;
        const [lossSum, correct] = await readPending(engine.evaluate([0])[0]);
        const cpu = evaluateSplit(new CpuNetwork(network, current), data.test);
        expect(cpu.correct).toBe(correct);
        expect(relativeError(cpu.lossSum, lossSum)).toBeLessThan(1e-5);
      }
    } finally {
      for (const engine of engines) engine.dispose();
    }
  });

  it('refuses weights of the wrong shapes', () => {
    expect(() => new CpuNetwork(articleNetwork(), initialWeights(1, { hiddenLayers: [64], activation: 'relu' }))).toThrow(/784x128/);
  });
});

describe('evaluateSplit', () => {
  const network = new CpuNetwork(articleNetwork(), initialWeights(3));

  it('counts every example once, row by true label, column by prediction, the diagonal being the correct ones', () => {
    const result = evaluateSplit(network, data.test);
    expect(result.confusion).toHaveLength(100);
    expect(result.confusion.reduce((a, b) => a + b, 0)).toBe(data.test.count);
    for (let label = 0; label < 10; label++) {
      const row = result.confusion.slice(label * 10, label * 10 + 10).reduce((a, b) => a + b, 0);
      expect(row).toBe(data.test.labels.filter((l) => l === label).length);
    }
    expect(result.confusion.filter((_, i) => i % 11 === 0).reduce((a, b) => a + b, 0)).toBe(result.correct);
  });

  it('keeps the most confident mistakes, at most MAX_MISCLASSIFIED, with their top three digits and pixels', () => {
    // An untrained network gets ~90 % wrong: plenty to choose from.
    const result = evaluateSplit(network, data.test);
    expect(data.test.count - result.correct).toBeGreaterThan(MAX_MISCLASSIFIED);
    expect(result.misclassified).toHaveLength(MAX_MISCLASSIFIED);
    const confidences = result.misclassified.map((m) => m.top[0].probability);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    const probabilities = new Float64Array(10);
    const image = new Float32Array(784);
    for (const m of result.misclassified) {
      expect(m.label).toBe(data.test.labels[m.index]);
      expect(m.predicted).not.toBe(m.label);
      expect(m.top).toHaveLength(3);
      expect(m.top[0].digit).toBe(m.predicted);
      expect(m.pixels).toEqual(data.test.images.slice(m.index * 784, (m.index + 1) * 784));
      for (let p = 0; p < 784; p++) image[p] = m.pixels[p] / 255;
      network.probabilities(image, probabilities);
      expect(m.top[0].probability).toBeCloseTo(probabilities[m.predicted], 6);
    }
    // No mistake left out was more confident than the least confident one kept.
    const kept = new Set(result.misclassified.map((m) => m.index));
    const least = confidences.at(-1)!;
    for (let index = 0; index < data.test.count; index++) {
      if (kept.has(index)) continue;
      for (let p = 0; p < 784; p++) image[p] = data.test.images[index * 784 + p] / 255;
      network.probabilities(image, probabilities);
      const predicted = argmax(probabilities);
      if (predicted !== data.test.labels[index]) expect(probabilities[predicted]).toBeLessThanOrEqual(least);
    }
    expect(evaluateSplit(network, data.test, 5).misclassified.map((m) => m.index)).toEqual(result.misclassified.slice(0, 5).map((m) => m.index));
  });

  it('orders the top digits by probability, the lower digit first among equals', () => {
    expect(topDigits([0.1, 0.3, 0.1, 0.5, 0, 0, 0, 0, 0, 0])).toEqual([
      { digit: 3, probability: 0.5 },
      { digit: 1, probability: 0.3 },
      { digit: 0, probability: 0.1 },
    ]);
    expect(argmax([0.2, 0.4, 0.4])).toBe(1);
  });

  it('predicts a probability distribution for one image, and refuses another size', () => {
    const p = network.predict(new Float32Array(784).fill(0.5));
    expect(p).toHaveLength(10);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(() => network.predict(new Float32Array(100))).toThrow(/784 pixels/);
  });

  it('evaluates all 10,000 test images of the article network (its time is logged, not asserted: a loaded machine is slow)', () => {
    const full = loadRealMnist(1, 10_000).test;
    evaluateSplit(network, loadRealMnist(1, 500).test); // warm the JIT, as a worker's second evaluation is
    const started = performance.now();
    const result = evaluateSplit(network, full);
    const seconds = (performance.now() - started) / 1000;
    console.log(`evaluateSplit: 10,000 test images, 784-128-10 ReLU, in ${seconds.toFixed(3)} s`);
    // Measured 0.22 s (Node 20, plain) to 0.33 s (under Vitest) on a quiet 2-core machine.
    expect(result.confusion.reduce((a, b) => a + b, 0)).toBe(10_000);
  });
});

describe('a trained run through the trainer', () => {
  it('hands over weights whose confusion matrix has the final test accuracy on its diagonal; none for a diverged run', async () => {
    const config = experimentWith({ trainExamples: 1000, batchSize: 100, epochs: 2, optimizers: ['adam', 'sgd'], hyperparameters: { sgd: { learningRate: 1000 } } });
    const weights = new Map<string, Float32Array[]>();
    const final = new Map<string, EpochMetrics>();
    await trainExperiment(
      data,
      config,
      { runStatus: () => {}, epochEnd: (id, m) => final.set(id, m), progress: () => {}, finalWeights: (id, w) => weights.set(id, w) },
      { stopRequested: () => false, yieldToEventLoop: async () => {} },
      { readbackIntervalMs: 0, engine: kernel },
    );
    expect([...weights.keys()]).toEqual(['adam']);
    const result = evaluateSplit(new CpuNetwork(config.network, weights.get('adam')!), data.test);
    const diagonal = result.confusion.filter((_, i) => i % 11 === 0).reduce((a, b) => a + b, 0);
    expect(diagonal).toBe(Math.round(final.get('adam')!.testAccuracy * data.test.count));
    expect(relativeError(result.lossSum / data.test.count, final.get('adam')!.testLoss)).toBeLessThan(1e-5);
  });
});
