import * as tf from '@tensorflow/tfjs';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultExperiment, type ExperimentConfig } from '../experiment/config';
import type { DivergenceInfo, EpochMetrics, RunStatus } from '../experiment/metrics';
import { OPTIMIZER_IDS, type OptimizerId } from '../experiment/optimizers';
import type { MnistData } from '../data/shardLoader';
import { loadRealMnist } from '../testing/realMnist';
import { UPDATE_RULES } from './optimizers';
import { loadKernel } from '../testing/kernelNode';
import { kernelEngine } from './kernelEngine';
import type { GradientMethod } from './tfjsEngine';
import { COLLAPSE_WINDOW, hasCollapsed, trainExperiment, type TrainerControl, type TrainerObserver, type TrainerOptions, type TrainingProgress } from './trainer';

/** A full garbage collection on demand, without starting Node with --expose-gc. */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** The heap after a forced GC at the end of each epoch; the events keep nothing, so what it gains is the trainer's. */
async function heapAfterEachEpoch(cfg: ExperimentConfig, engine?: TrainerOptions['engine']): Promise<number[]> {
  const collectGarbage = exposeGc();
  const heap: number[] = [];
  let epochsEnded = 0;
  await trainExperiment(
    data,
    cfg,
    { runStatus: () => {}, epochEnd: (_id, metrics) => void (epochsEnded = metrics.epoch), progress: () => {} },
    {
      stopRequested: () => false,
      yieldToEventLoop: async () => {
        if (heap.length < epochsEnded) {
          collectGarbage();
          heap.push(process.memoryUsage().heapUsed);
        }
      },
    },
    { readbackIntervalMs: 0, engine },
  );
  expect(heap).toHaveLength(cfg.epochs);
  return heap;
}

/**
 * From the sixth epoch on (caches warm) the heap wobbles by ~130 KB here; keeping one
 * batch's images per epoch would add ~780 KB an epoch.
 */
function expectFlatHeap(heapAfterEpoch: number[]) {
  const settled = heapAfterEpoch.slice(5);
  expect(Math.max(...settled) - settled[0]).toBeLessThan(512 * 1024);
}

let data: MnistData;
beforeAll(async () => {
  await tf.setBackend('cpu');
  data = loadRealMnist(1000, 300);
});

// tfjs's cpu backend is slow in Node: small sizes keep the suite quick.
function config(overrides: Partial<ExperimentConfig>): ExperimentConfig {
  return { ...defaultExperiment(), trainExamples: 1000, batchSize: 100, epochs: 2, ...overrides };
}

interface Recorded {
  epochs: Map<OptimizerId, EpochMetrics[]>;
  statuses: Map<OptimizerId, RunStatus[]>;
  divergence: Map<OptimizerId, DivergenceInfo>;
  progress: TrainingProgress[];
}

const neverStop: TrainerControl = { stopRequested: () => false, yieldToEventLoop: async () => {} };

async function run(cfg: ExperimentConfig, control = neverStop, observer?: TrainerObserver, gradients?: GradientMethod, engine?: TrainerOptions['engine']) {
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
    control,
    { readbackIntervalMs: 0, observer, gradients, engine },
  );
  return { outcome, ...recorded };
}

describe('trainExperiment on real MNIST (tfjs cpu)', () => {
  it('lowers the loss for every optimizer at its Keras defaults', async () => {
    const result = await run(config({ epochs: 3 }));
    expect(result.outcome).toBe('done');
    for (const id of OPTIMIZER_IDS) {
      const history = result.epochs.get(id)!;
      expect(history.map((m) => m.epoch)).toEqual([1, 2, 3]);
      expect(history[2].trainLoss).toBeLessThan(history[0].trainLoss);
      expect(history[2].testLoss).toBeLessThan(history[0].testLoss);
      expect(result.statuses.get(id)).toEqual(['training', 'done']);
      for (const m of history) {
        expect(m.testAccuracy).toBeGreaterThanOrEqual(0);
        expect(m.testAccuracy).toBeLessThanOrEqual(1);
        expect(m.seconds).toBeGreaterThan(0);
      }
    }
    // Live points: every progress event carries each training optimizer's recent loss, at a growing position.
    const positions = result.progress.map((p) => p.position);
    expect(positions.every((x, i) => i === 0 || x > positions[i - 1])).toBe(true);
    expect(positions.at(-1)).toBe(3);
    for (const p of result.progress) {
      expect(Object.keys(p.live).sort()).toEqual([...OPTIMIZER_IDS].sort());
      for (const live of Object.values(p.live)) expect(live!.trainLoss).toBeGreaterThan(0);
    }
    // The faster optimizers learn digits within 3 epochs of 1,000 examples.
    expect(result.epochs.get('adam')!.at(-1)!.testAccuracy).toBeGreaterThan(0.75);
    expect(result.epochs.get('rmsprop')!.at(-1)!.testAccuracy).toBeGreaterThan(0.75);
  });

  it('starts every optimizer from identical weights and feeds identical batches', async () => {
    const initial = new Map<OptimizerId, Float32Array[]>();
    const steps = new Map<OptimizerId, string[]>();
    await run(config({ epochs: 2 }), neverStop, {
      initialWeights: (id, values) => initial.set(id, values),
      step: (id, epoch, batch, indices) => steps.set(id, [...(steps.get(id) ?? []), `${epoch}/${batch}:${Array.from(indices).join(',')}`]),
    });
    const [first, ...others] = OPTIMIZER_IDS;
    expect(initial.get(first)!.length).toBe(4);
    for (const id of others) {
      expect(initial.get(id)).toEqual(initial.get(first));
      expect(steps.get(id)).toEqual(steps.get(first));
    }
    // 1000 examples / batch 100 = 10 batches per epoch, shuffled differently each epoch.
    const batches = steps.get(first)!;
    expect(batches.length).toBe(20);
    expect(batches[0].split(':')[1]).not.toBe(batches[10].split(':')[1]);
  });

  it('gives an optimizer the same numbers whichever others run beside it', async () => {
    const alone = await run(config({ optimizers: ['sgd'] }));
    const together = await run(config({ optimizers: ['sgd', 'adam', 'adadelta'] }));
    const strip = (h: EpochMetrics[]) => h.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest);
    expect(strip(together.epochs.get('sgd')!)).toEqual(strip(alone.epochs.get('sgd')!));
  });

  it('trains to the same numbers with hand-written gradients as with autodiff', async () => {
    const cfg = config({ epochs: 2, optimizers: ['sgd', 'adam'] });
    const dense = await run(cfg, neverStop, undefined, 'dense');
    const autodiff = await run(cfg, neverStop, undefined, 'autodiff');
    for (const id of cfg.optimizers) {
      dense.epochs.get(id)!.forEach((m, i) => {
        const reference = autodiff.epochs.get(id)![i];
        for (const key of ['trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy'] as const) {
          expect(Math.abs(m[key] - reference[key]) / Math.abs(reference[key])).toBeLessThan(1e-4);
        }
      });
    }
  });

  it('different seeds give different starting points', async () => {
    const seen: Float32Array[][] = [];
    for (const seed of [1, 2]) await run(config({ seed, epochs: 1, optimizers: ['sgd'] }), neverStop, { initialWeights: (_id, w) => seen.push(w) });
    expect(seen[0][0]).not.toEqual(seen[1][0]);
  });

  it('keeps the tensor count flat across epochs and releases everything at the end', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await run(config({ epochs: 4, optimizers: ['adam', 'adadelta'] }), {
      stopRequested: () => false,
      yieldToEventLoop: async () => {
        counts.push(tf.memory().numTensors);
      },
    });
    expect(tf.memory().numTensors).toBe(before);
    // Sampled at every read-back: the live set is the same at each point of each epoch.
    const perEpoch = counts.length / 4;
    for (let i = perEpoch; i < counts.length; i++) expect(counts[i]).toBe(counts[i % perEpoch]);
  });

  it('keeps the JS heap flat across 20 epochs', async () => {
    expectFlatHeap(await heapAfterEachEpoch(config({ epochs: 20, batchSize: 250, optimizers: ['adam'] })));
  });

  it('marks a diverging optimizer with where it happened and lets the others finish', async () => {
    // With Keras's clipped loss even SGD at lr 1000 stays finite (it collapses instead),
    // so inject the fault: an update that turns SGD's weights into NaN at its 13th step.
    const original = UPDATE_RULES.sgd;
    UPDATE_RULES.sgd = { ...original, update: (w, g, slots, step, p) => (step === 13 ? { weight: tf.mul(w, NaN), slots } : original.update(w, g, slots, step, p)) };
    try {
      const before = tf.memory().numTensors;
      const result = await run(config({ optimizers: ['sgd', 'adam'] }));
      expect(result.statuses.get('sgd')).toEqual(['training', 'diverged']);
      // Step 13 updates the weights after batch 3 of epoch 2; the loss of batch 4 is the first non-finite one.
      expect(result.divergence.get('sgd')).toEqual({ epoch: 2, batch: 4 });
      expect(result.epochs.get('sgd')!.length).toBe(1);
      expect(result.statuses.get('adam')).toEqual(['training', 'done']);
      expect(result.epochs.get('adam')!.length).toBe(2);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      UPDATE_RULES.sgd = original;
    }
  });

  it('marks SGD at learning rate 1000 as diverged (collapsed at the clip ceiling) while Adam finishes', async () => {
    const cfg = config({ optimizers: ['sgd', 'adam'] });
    cfg.hyperparameters = { ...cfg.hyperparameters, sgd: { ...cfg.hyperparameters.sgd, learningRate: 1000 } };
    const result = await run(cfg);
    expect(result.statuses.get('sgd')).toEqual(['training', 'diverged']);
    expect(result.divergence.get('sgd')).toEqual({ epoch: 1, batch: COLLAPSE_WINDOW });
    expect(result.statuses.get('adam')).toEqual(['training', 'done']);
    expect(result.epochs.get('adam')!.at(-1)!.testAccuracy).toBeGreaterThan(0.6);
  });

  it('never calls a learning run collapsed', () => {
    expect(hasCollapsed([2.3, 2.2, 2.1, 2.0, 1.9, 1.8, 1.7, 1.6])).toBe(false);
    expect(hasCollapsed([16, 16, 16])).toBe(false); // too few batches to judge
    expect(hasCollapsed(Array(COLLAPSE_WINDOW).fill(14.7))).toBe(true);
  });

  it('stops on request, keeping the finished epochs', async () => {
    let readbacks = 0;
    const result = await run(config({ epochs: 5, optimizers: ['adam', 'sgd'] }), {
      stopRequested: () => readbacks > 15,
      yieldToEventLoop: async () => {
        readbacks += 1;
      },
    });
    expect(result.outcome).toBe('stopped');
    expect(result.statuses.get('adam')).toEqual(['training', 'stopped']);
    expect(result.epochs.get('adam')!.length).toBe(1);
  });

  it('keeps tensors and the JS heap flat across repeated Train/Stop', async () => {
    const collectGarbage = exposeGc();
    const tensorsBefore = tf.memory().numTensors;
    const heap: number[] = [];
    for (let cycle = 0; cycle < 20; cycle++) {
      let readbacks = 0;
      // Stopped after a few batches, as a user pressing Train then Stop would.
      const stopSoon: TrainerControl = { stopRequested: () => readbacks > 2, yieldToEventLoop: async () => void (readbacks += 1) };
      const { outcome } = await run(config({ optimizers: cycle % 2 ? ['adam', 'sgd'] : ['rmsprop'] }), stopSoon);
      expect(outcome).toBe('stopped');
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      collectGarbage();
      heap.push(process.memoryUsage().heapUsed);
    }
    expectFlatHeap(heap);
  });

  it('refuses an invalid experiment before touching the device', async () => {
    const before = tf.memory().numTensors;
    await expect(run(config({ batchSize: 0 }))).rejects.toThrow(/Batch size/);
    await expect(run(config({ optimizers: [] }))).rejects.toThrow(/at least one optimizer/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('trainExperiment with the fused wasm kernel', () => {
  const kernel = async () => kernelEngine(await loadKernel('simd'));

  it('trains every optimizer to the same numbers as the tfjs path', async () => {
    const cfg = config({ epochs: 2 });
    const tfjs = await run(cfg);
    const fused = await run(cfg, neverStop, undefined, undefined, await kernel());
    for (const id of OPTIMIZER_IDS) {
      expect(fused.statuses.get(id)).toEqual(['training', 'done']);
      fused.epochs.get(id)!.forEach((m, i) => {
        const reference = tfjs.epochs.get(id)![i];
        for (const key of ['trainLoss', 'testLoss', 'trainAccuracy', 'testAccuracy'] as const) {
          expect(Math.abs(m[key] - reference[key]) / Math.abs(reference[key]), `${id} epoch ${i + 1} ${key}`).toBeLessThan(1e-4);
        }
      });
    }
  });

  it('reports live progress and marks divergence the same way', async () => {
    const result = await run(config({ epochs: 2, optimizers: ['sgd', 'adam'], hyperparameters: { ...defaultExperiment().hyperparameters, sgd: { learningRate: 1000, momentum: 0, nesterov: false } } }), neverStop, undefined, undefined, await kernel());
    expect(result.statuses.get('sgd')).toEqual(['training', 'diverged']);
    expect(result.divergence.get('sgd')?.epoch).toBe(1);
    expect(result.statuses.get('adam')).toEqual(['training', 'done']);
    expect(result.progress.some((p) => p.live.adam !== undefined)).toBe(true);
  });

  it('keeps the JS heap flat across 20 epochs', async () => {
    expectFlatHeap(await heapAfterEachEpoch(config({ epochs: 20, optimizers: ['adam', 'rmsprop'] }), await kernel()));
  });
});
