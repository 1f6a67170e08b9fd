/**
 * The trainer with real maths, on few examples: the fused wasm kernel (what the app
 * runs on a CPU) and the tfjs engine on tfjs's WebAssembly backend (the same code as on
 * WebGL; the pure-JavaScript cpu backend would take minutes). The trainer's own logic
 * is tested on a fake engine in trainer.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { expectFlatHeap, heapAfterEachEpoch } from '../testing/heap';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../experiment/config';
import type { DivergenceInfo, EpochMetrics, RunStatus } from '../experiment/metrics';
import { ARTICLE_OPTIMIZERS } from '../experiment/contestants';
import type { OptimizerId } from '../experiment/optimizers';
import { experimentWith, type ExperimentOverrides } from '../testing/experiments';
import type { MnistData } from '../data/shardLoader';
import { loadKernel } from '../testing/kernelNode';
import { loadRealMnist } from '../testing/realMnist';
import { useTfjsWasm } from '../testing/tfjsWasm';
import { kernelEngine } from './kernelEngine';
import { RunPacing } from './pacing';
import { UPDATE_RULES } from './optimizers';
import type { GradientMethod } from './tfjsEngine';
import { COLLAPSE_WINDOW, trainExperiment, type TrainerControl, type TrainerOptions, type TrainingProgress } from './trainer';

let data: MnistData;
let kernel: TrainerOptions['engine'];
beforeAll(async () => {
  await useTfjsWasm();
  data = loadRealMnist(1000, 300);
  kernel = kernelEngine(await loadKernel('simd'));
});

function config(overrides: ExperimentOverrides): ExperimentConfig {
  return experimentWith({ trainExamples: 1000, batchSize: 100, epochs: 2, ...overrides });
}

interface Recorded {
  epochs: Map<string, EpochMetrics[]>;
  statuses: Map<string, RunStatus[]>;
  divergence: Map<string, DivergenceInfo>;
  progress: TrainingProgress[];
}

const neverStop: TrainerControl = { stopRequested: () => false, yieldToEventLoop: async () => {} };

/** Trains on the kernel, or on the tfjs engine (tfjs-wasm) when `engine` is 'tfjs'. */
async function run(cfg: ExperimentConfig, engine: 'kernel' | 'tfjs', options: { control?: TrainerControl; gradients?: GradientMethod } = {}) {
  const recorded: Recorded = { epochs: new Map(), statuses: new Map(), divergence: new Map(), progress: [] };
  const outcome = await trainExperiment(
    data,
    cfg,
    {
      runStatus: (id, status, divergence) => {
        recorded.statuses.set(id, [...(recorded.statuses.get(id) ?? []), status]);
        if (divergence) recorded.divergence.set(id, divergence);
      },
      epochEnd: (id, metrics) => recorded.epochs.set(id, [...(recorded.epochs.get(id) ?? []), metrics]),
      progress: (p) => recorded.progress.push(p),
    },
    options.control ?? neverStop,
    { readbackIntervalMs: 0, gradients: options.gradients, engine: engine === 'kernel' ? kernel : undefined },
  );
  return { outcome, ...recorded };
}

const METRICS = ['trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy'] as const;

function expectSameNumbers(actual: Recorded, reference: Recorded, ids: readonly OptimizerId[], tolerance: number) {
  for (const id of ids) {
    expect(actual.epochs.get(id)).toHaveLength(reference.epochs.get(id)!.length);
    actual.epochs.get(id)!.forEach((m, i) => {
      const expected = reference.epochs.get(id)![i];
      for (const key of METRICS) expect(Math.abs(m[key] - expected[key]) / Math.abs(expected[key]), `${id} epoch ${i + 1} ${key}`).toBeLessThan(tolerance);
    });
  }
}

describe('trainExperiment on real MNIST with the fused wasm kernel', () => {
  it('lowers the loss for every optimizer at its Keras defaults', async () => {
    const result = await run(config({ epochs: 3 }), 'kernel');
    expect(result.outcome).toBe('done');
    for (const id of ARTICLE_OPTIMIZERS) {
      const history = result.epochs.get(id)!;
      expect(history.map((m) => m.epoch)).toEqual([1, 2, 3]);
      expect(history[2].trainLoss).toBeLessThan(history[0].trainLoss);
      expect(history[2].testLoss).toBeLessThan(history[0].testLoss);
      expect(result.statuses.get(id)).toEqual(['training', 'done']);
    }
    expect(result.progress.every((p) => Object.keys(p.live).length === ARTICLE_OPTIMIZERS.length)).toBe(true);
    // The faster optimizers learn digits within 3 epochs of 1,000 examples.
    expect(result.epochs.get('adam')!.at(-1)!.testAccuracy).toBeGreaterThan(0.75);
    expect(result.epochs.get('rmsprop')!.at(-1)!.testAccuracy).toBeGreaterThan(0.75);
  });

  it('gives an optimizer the same numbers whichever others run beside it', async () => {
    const alone = await run(config({ optimizers: ['sgd'] }), 'kernel');
    const together = await run(config({ optimizers: ['sgd', 'adam', 'adadelta'] }), 'kernel');
    const strip = (h: EpochMetrics[]) => h.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest);
    expect(strip(together.epochs.get('sgd')!)).toEqual(strip(alone.epochs.get('sgd')!));
  });

  it('marks SGD at learning rate 1000 as diverged (collapsed at the clip ceiling) while Adam finishes', async () => {
    const cfg = config({ optimizers: ['sgd', 'adam'], hyperparameters: { sgd: { learningRate: 1000 } } });
    const result = await run(cfg, 'kernel');
    expect(result.statuses.get('sgd')).toEqual(['training', 'diverged']);
    expect(result.divergence.get('sgd')).toEqual({ epoch: 1, batch: COLLAPSE_WINDOW });
    expect(result.statuses.get('adam')).toEqual(['training', 'done']);
    expect(result.epochs.get('adam')!.at(-1)!.testAccuracy).toBeGreaterThan(0.6);
    expect(result.progress.some((p) => p.live.adam !== undefined && p.live.sgd === undefined)).toBe(true);
  });

  it('trains seed 43 of a two-seed run exactly as a plain run with seed 43: every number and final weight, bit for bit', async () => {
    const optimizers: OptimizerId[] = ['sgd', 'adam', 'rmsprop'];
    const weightsOf = async (cfg: ExperimentConfig, trainings?: TrainerOptions['trainings']) => {
      const weights = new Map<string, Float32Array[]>();
      const recorded: Recorded = { epochs: new Map(), statuses: new Map(), divergence: new Map(), progress: [] };
      await trainExperiment(
        data,
        cfg,
        {
          runStatus: () => {},
          epochEnd: (id, m) => recorded.epochs.set(id, [...(recorded.epochs.get(id) ?? []), m]),
          progress: (p) => recorded.progress.push(p),
          finalWeights: (id, w) => weights.set(id, w),
        },
        neverStop,
        { readbackIntervalMs: 0, engine: kernel, trainings },
      );
      return { ...recorded, weights };
    };
    const twoSeeds = await weightsOf(config({ optimizers, seed: 42, seeds: 2 }));
    const plain43 = await weightsOf(config({ optimizers, seed: 43 }));
    const plain42 = await weightsOf(config({ optimizers, seed: 42 }));
    const strip = (h: EpochMetrics[]) => h.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest);
    const liveOf = (r: Recorded, id: string) => r.progress.map((p) => p.live[id] && [p.live[id].trainLoss, p.live[id].trainAccuracy]);
    expect([...twoSeeds.epochs.keys()].sort()).toEqual(['adam', 'adam+1', 'rmsprop', 'rmsprop+1', 'sgd', 'sgd+1']);
    for (const id of optimizers) {
      expect(strip(twoSeeds.epochs.get(`${id}+1`)!)).toEqual(strip(plain43.epochs.get(id)!));
      expect(strip(twoSeeds.epochs.get(id)!)).toEqual(strip(plain42.epochs.get(id)!));
      expect(twoSeeds.weights.get(`${id}+1`)).toEqual(plain43.weights.get(id));
      expect(twoSeeds.weights.get(id)).toEqual(plain42.weights.get(id));
      // The live curve too: the same batches in the same order.
      expect(liveOf(twoSeeds, `${id}+1`)).toEqual(liveOf(plain43, id));
    }
    // The seeds really differ.
    expect(twoSeeds.weights.get('adam+1')).not.toEqual(twoSeeds.weights.get('adam'));
    // A worker's share of the pool (Adam's second seed alone) gives the same numbers again.
    const cfg = config({ optimizers, seed: 42, seeds: 2 });
    const adam = cfg.contestants.find((c) => c.optimizer === 'adam' && c.ordinal === 1)!;
    const share = await weightsOf(cfg, [{ contestant: adam, seedOffset: 1 }]);
    expect([...share.epochs.keys()]).toEqual(['adam+1']);
    expect(strip(share.epochs.get('adam+1')!)).toEqual(strip(plain43.epochs.get('adam')!));
    expect(share.weights.get('adam+1')).toEqual(plain43.weights.get('adam'));
  });

  it('keeps the JS heap flat across 20 epochs', async () => {
    expectFlatHeap(await heapAfterEachEpoch(data, config({ epochs: 20, optimizers: ['adam', 'rmsprop'] }), { engine: kernel }));
  });
});

describe('pause and resume with real maths', () => {
  /** Pauses before the first batch, steps three batches one at a time, then resumes; the rest as usual. */
  async function pausedAndResumed(cfg: ExperimentConfig, engine: 'kernel' | 'tfjs') {
    const pacing = new RunPacing(() => false);
    pacing.pause();
    const running = run(cfg, engine, { control: { ...neverStop, pacing } });
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      pacing.step();
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    pacing.resume();
    return running;
  }

  for (const engine of ['kernel', 'tfjs'] as const) {
    it(`continues bit-identically on the ${engine === 'kernel' ? 'kernel' : 'tfjs engine'}: every loss and accuracy equals an uninterrupted run's`, async () => {
      const cfg = config({ epochs: 2, optimizers: ['sgd', 'adam', 'adadelta'] });
      const resumed = await pausedAndResumed(cfg, engine);
      const straight = await run(cfg, engine);
      for (const id of ['sgd', 'adam', 'adadelta']) {
        const numbers = (r: Recorded) => r.epochs.get(id)!.map((m) => METRICS.map((key) => m[key]));
        expect(numbers(resumed)).toEqual(numbers(straight));
      }
      // The stepped batches were shown one by one.
      expect(resumed.progress.slice(0, 3).map((p) => p.batch)).toEqual([1, 2, 3]);
    });
  }
});

describe('trainExperiment on real MNIST with the tfjs engine (tfjs-wasm)', () => {
  it('trains every optimizer to the same numbers as the kernel, and frees every tensor', async () => {
    const cfg = config({ epochs: 2, batchSize: 250 });
    const before = tf.memory().numTensors;
    const tfjs = await run(cfg, 'tfjs');
    expect(tf.memory().numTensors).toBe(before);
    const fused = await run(cfg, 'kernel');
    for (const id of ARTICLE_OPTIMIZERS) expect(tfjs.statuses.get(id)).toEqual(['training', 'done']);
    expectSameNumbers(fused, tfjs, ARTICLE_OPTIMIZERS, 1e-4);
  });

  it('trains Lamb (sums over whole tensors: tf.sum and tf.where on the wasm backend) to the kernel\'s numbers, and frees every tensor', async () => {
    const cfg = config({ epochs: 2, batchSize: 250, optimizers: ['lamb', 'adam'] });
    const before = tf.memory().numTensors;
    const tfjs = await run(cfg, 'tfjs');
    expect(tf.memory().numTensors).toBe(before);
    const fused = await run(cfg, 'kernel');
    expect(tfjs.statuses.get('lamb')).toEqual(['training', 'done']);
    // tfjs-wasm sums in its own order too: the same tolerance as the other optimizers.
    expectSameNumbers(fused, tfjs, ['lamb', 'adam'], 1e-4);
    expect(tfjs.epochs.get('lamb')![1].trainLoss).toBeLessThan(tfjs.epochs.get('lamb')![0].trainLoss);
  });

  it('trains to the same numbers with hand-written gradients as with autodiff', async () => {
    const cfg = config({ epochs: 1, batchSize: 250, optimizers: ['sgd', 'adam'] });
    const dense = await run(cfg, 'tfjs', { gradients: 'dense' });
    const autodiff = await run(cfg, 'tfjs', { gradients: 'autodiff' });
    expectSameNumbers(dense, autodiff, ['sgd', 'adam'], 1e-4);
  });

  it('keeps the tensor count flat across epochs', async () => {
    const counts: number[] = [];
    await run(config({ epochs: 3, batchSize: 250, optimizers: ['adam', 'adadelta'] }), 'tfjs', {
      control: { stopRequested: () => false, yieldToEventLoop: async () => void counts.push(tf.memory().numTensors) },
    });
    // Sampled at every read-back: the live set is the same at each point of each epoch.
    const perEpoch = counts.length / 3;
    for (let i = perEpoch; i < counts.length; i++) expect(counts[i]).toBe(counts[i % perEpoch]);
  });

  it('frees a diverged run\'s tensors and lets the others finish', async () => {
    // With Keras's clipped loss even SGD at lr 1000 stays finite (it collapses instead),
    // so inject the fault: an update that turns SGD's weights into NaN at its 13th step.
    const original = UPDATE_RULES.sgd;
    UPDATE_RULES.sgd = { ...original, update: (w, g, slots, step, p) => (step === 13 ? { weight: tf.mul(w, NaN), slots } : original.update(w, g, slots, step, p)) };
    try {
      const before = tf.memory().numTensors;
      const result = await run(config({ optimizers: ['sgd', 'adam'] }), 'tfjs');
      expect(result.statuses.get('sgd')).toEqual(['training', 'diverged']);
      // Step 13 updates the weights after batch 3 of epoch 2. On tfjs cpu the loss of batch 4 is NaN;
      // tfjs-wasm's clip maps NaN probabilities to the clip bound, so the loss sits at the ceiling
      // instead and the collapse test catches it a few batches later.
      const { epoch, batch } = result.divergence.get('sgd')!;
      expect(epoch).toBe(2);
      expect(batch).toBeGreaterThanOrEqual(4);
      expect(batch).toBeLessThan(4 + COLLAPSE_WINDOW);
      expect(result.epochs.get('sgd')).toHaveLength(1);
      expect(result.statuses.get('adam')).toEqual(['training', 'done']);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      UPDATE_RULES.sgd = original;
    }
  });

  it('frees every tensor when stopped mid-epoch', async () => {
    const before = tf.memory().numTensors;
    for (const optimizers of [['rmsprop'], ['adam', 'sgd']] as OptimizerId[][]) {
      let readbacks = 0;
      const { outcome } = await run(config({ optimizers }), 'tfjs', { control: { stopRequested: () => readbacks > 2, yieldToEventLoop: async () => void (readbacks += 1) } });
      expect(outcome).toBe('stopped');
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('keeps the JS heap flat across 12 epochs', async () => {
    expectFlatHeap(await heapAfterEachEpoch(data, config({ epochs: 12, batchSize: 500, optimizers: ['adam'] })));
  });
});
