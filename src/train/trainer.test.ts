/**
 * The trainer's own logic on a fake engine (src/testing/fakeEngine.ts): scheduling,
 * lockstep order, read-back cadence, events, divergence, stop, errors and memory.
 * Nothing here does real maths; trainer.engines.test.ts trains for real on the wasm
 * kernel and on tfjs's WebAssembly backend.
 */
import * as tf from '@tensorflow/tfjs';
import { exposeGc, expectFlatHeap, heapAfterEachEpoch } from '../testing/heap';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ExperimentConfig } from '../experiment/config';
import type { DivergenceInfo, EpochMetrics, RunStatus } from '../experiment/metrics';
import { ARTICLE_OPTIMIZERS, sortContestants } from '../experiment/contestants';
import { optimizerDefaults } from '../experiment/optimizers';
import { experimentWith, hyperparametersOf, type ExperimentOverrides } from '../testing/experiments';
import { fakeData, fakeEngine, type FakeEngineLog, type FakeEngineOptions } from '../testing/fakeEngine';
import { initialWeights } from './network';
import { RunPacing } from './pacing';
import { COLLAPSE_LOSS, COLLAPSE_WINDOW, hasCollapsed, MIN_PROGRESS_PER_EPOCH, trainExperiment, type TrainerControl, type TrainerObserver, type TrainingProgress } from './trainer';

const data = fakeData(1000, 300);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  vi.restoreAllMocks();
});

function config(overrides: ExperimentOverrides = {}): ExperimentConfig {
  return experimentWith({ trainExamples: 1000, batchSize: 100, epochs: 2, ...overrides });
}

interface Recorded {
  /** Every event in order, for order checks. */
  events: string[];
  epochs: Map<string, EpochMetrics[]>;
  statuses: Map<string, RunStatus[]>;
  divergence: Map<string, DivergenceInfo>;
  progress: TrainingProgress[];
}

const neverStop: TrainerControl = { stopRequested: () => false, yieldToEventLoop: async () => {} };

interface RunOptions {
  control?: TrainerControl;
  observer?: TrainerObserver;
  engine?: FakeEngineOptions;
  readbackIntervalMs?: number;
  /** 1 by default here: most tests look at the interval alone. */
  minProgressPerEpoch?: number;
}

async function run(cfg: ExperimentConfig, options: RunOptions = {}) {
  const { factory, log } = fakeEngine(options.engine);
  const recorded: Recorded = { events: [], epochs: new Map(), statuses: new Map(), divergence: new Map(), progress: [] };
  const outcome = await trainExperiment(
    data,
    cfg,
    {
      runStatus: (id, status, divergence) => {
        recorded.events.push(`${id}:${status}`);
        recorded.statuses.set(id, [...(recorded.statuses.get(id) ?? []), status]);
        if (divergence) recorded.divergence.set(id, divergence);
      },
      epochEnd: (id, metrics) => {
        recorded.events.push(`${id}:epoch ${metrics.epoch}`);
        recorded.epochs.set(id, [...(recorded.epochs.get(id) ?? []), metrics]);
      },
      progress: (p) => {
        recorded.events.push(`progress ${p.epoch}/${p.batch}`);
        recorded.progress.push(p);
      },
    },
    options.control ?? neverStop,
    { readbackIntervalMs: options.readbackIntervalMs ?? 0, minProgressPerEpoch: options.minProgressPerEpoch ?? 1, observer: options.observer, engine: factory },
  );
  return { outcome, log, ...recorded };
}

/** The steps of one run in the log, optionally of one epoch (10 batches of 100 by default). */
const stepsOf = (log: FakeEngineLog, run: number) => log.steps.filter((s) => s.run === run);
const mean = (values: number[], weights: number[]) => values.reduce((sum, v, i) => sum + v * weights[i], 0) / weights.reduce((a, b) => a + b, 0);

/** The bytes of weight arrays, for quick comparison (deep equality of 100,000 floats is slow). */
const bytesOf = (weights: readonly Float32Array[]) => weights.map((w) => Buffer.from(w.buffer, w.byteOffset, w.byteLength).toString('base64'));

/** A clock the trainer reads through performance.now, moved by the fake engine. */
function fakeClock() {
  const clock = { now: 0 };
  vi.spyOn(performance, 'now').mockImplementation(() => clock.now);
  return clock;
}

describe('events and epoch metrics', () => {
  it('reports every run training, each epoch in order with the engine\'s numbers, then done', async () => {
    const cfg = config({ epochs: 3 });
    const result = await run(cfg);
    expect(result.outcome).toBe('done');
    expect(result.log.built).toBe(1);
    expect(result.log.disposed).toBe(1);
    expect(result.log.plan).toEqual({
      network: cfg.network,
      batchSize: 100,
      runs: ARTICLE_OPTIMIZERS.map((id) => ({ optimizer: id, hyperparameters: hyperparametersOf(cfg, id) })),
    });
    // All 'training' first, then the epochs, and 'done' last.
    expect(result.events.slice(0, 5)).toEqual(ARTICLE_OPTIMIZERS.map((id) => `${id}:training`));
    expect(result.events.slice(-5)).toEqual(ARTICLE_OPTIMIZERS.map((id) => `${id}:done`));
    ARTICLE_OPTIMIZERS.forEach((id, index) => {
      expect(result.statuses.get(id)).toEqual(['training', 'done']);
      const history = result.epochs.get(id)!;
      expect(history.map((m) => m.epoch)).toEqual([1, 2, 3]);
      const steps = stepsOf(result.log, index);
      expect(steps).toHaveLength(30);
      history.forEach((m, e) => {
        const epochSteps = steps.slice(10 * e, 10 * (e + 1));
        // Size-weighted means of what the engine reported, over this epoch's batches only.
        expect(m.trainLoss).toBeCloseTo(mean(epochSteps.map((s) => s.loss), epochSteps.map((s) => s.size)), 12);
        expect(m.trainAccuracy).toBeCloseTo(epochSteps.reduce((sum, s) => sum + s.correct, 0) / 1000, 12);
        expect(m.testAccuracy).toBeGreaterThanOrEqual(0);
        expect(m.testAccuracy).toBeLessThanOrEqual(1);
        expect(m.seconds).toBeGreaterThanOrEqual(0);
        expect(m.samplesPerSecond).toBeGreaterThan(0);
      });
      // The fake learns: its losses fall, so the epochs' do.
      expect(history[2].trainLoss).toBeLessThan(history[0].trainLoss);
      expect(history[2].testLoss).toBeLessThan(history[0].testLoss);
    });
    // One evaluation per epoch, of every run together.
    expect(result.log.evaluations).toEqual([0, 1, 2].map(() => [0, 1, 2, 3, 4]));
  });

  it('reports live progress at growing positions with each training optimizer\'s recent loss', async () => {
    const result = await run(config({ epochs: 3 }));
    // Read back after every batch (interval 0): 10 progress events an epoch, epoch before its epochEnd.
    expect(result.progress).toHaveLength(30);
    const positions = result.progress.map((p) => p.position);
    expect(positions.every((x, i) => i === 0 || x > positions[i - 1])).toBe(true);
    expect(positions.at(-1)).toBe(3);
    expect(result.events.indexOf('progress 1/10')).toBeLessThan(result.events.indexOf('sgd:epoch 1'));
    result.progress.forEach((p, i) => {
      expect(p).toMatchObject({ epoch: Math.floor(i / 10) + 1, epochs: 3, batch: (i % 10) + 1, batchesPerEpoch: 10, activeRuns: 5 });
      expect(p.samplesPerSecond).toBeGreaterThan(0);
      expect(Object.keys(p.live).sort()).toEqual([...ARTICLE_OPTIMIZERS].sort());
      ARTICLE_OPTIMIZERS.forEach((id, index) => {
        const step = stepsOf(result.log, index)[i];
        expect(p.live[id]!.trainLoss).toBeCloseTo(step.loss, 12);
        expect(p.live[id]!.trainAccuracy).toBeCloseTo(step.correct / step.size, 12);
      });
    });
  });

  it('weights a short last batch by its size', async () => {
    // 1000 examples in batches of 300: 300, 300, 300, 100.
    const result = await run(config({ batchSize: 300, epochs: 1, optimizers: ['adam'] }));
    const steps = stepsOf(result.log, 0);
    expect(steps.map((s) => s.size)).toEqual([300, 300, 300, 100]);
    const [epoch] = result.epochs.get('adam')!;
    expect(epoch.trainLoss).toBeCloseTo(mean(steps.map((s) => s.loss), steps.map((s) => s.size)), 12);
    expect(result.progress.map((p) => p.position)).toEqual([0.25, 0.5, 0.75, 1]);
  });
});

describe('lockstep order', () => {
  it('builds each batch once and steps every optimizer on it in turn, from identical initial weights', async () => {
    const initial = new Map<string, Float32Array[]>();
    const steps = new Map<string, string[]>();
    const result = await run(config({ seed: 7 }), {
      observer: {
        initialWeights: (id, values) => initial.set(id, values),
        step: (id, epoch, batch, indices) => steps.set(id, [...(steps.get(id) ?? []), `${epoch}/${batch}:${Array.from(indices).join(',')}`]),
      },
    });
    // The engine got the seed's weights once, for every run.
    const seeded = bytesOf(initialWeights(7));
    expect(bytesOf(result.log.initial!)).toEqual(seeded);
    const [first, ...others] = ARTICLE_OPTIMIZERS;
    expect(bytesOf(initial.get(first)!)).toEqual(seeded);
    for (const id of others) {
      expect(bytesOf(initial.get(id)!)).toEqual(seeded);
      // Copies: what an observer does with them cannot reach the engine or another run.
      expect(initial.get(id)![0] === initial.get(first)![0]).toBe(false);
      expect(steps.get(id)).toEqual(steps.get(first));
    }
    initial.get(first)![0][0] = 99;
    expect(result.log.initial![0][0]).not.toBe(99);
    // 2 epochs x 10 batches, each loaded once and stepped by the five runs in catalog order.
    expect(result.log.batches).toHaveLength(20);
    result.log.steps.forEach((s, i) => {
      expect(s.batch).toBe(Math.floor(i / 5) + 1);
      expect(s.run).toBe(i % 5);
    });
    // Each epoch is a permutation of the examples, shuffled differently from the last.
    const epochs = [result.log.batches.slice(0, 10).flat(), result.log.batches.slice(10).flat()];
    for (const order of epochs) expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(epochs[0]).not.toEqual(epochs[1]);
    expect(steps.get(first)![0]).toBe(`1/1:${result.log.batches[0].join(',')}`);
  });

  it('trains two contestants of one optimizer side by side, each with its own settings, same start and batches', async () => {
    const cfg = config({ optimizers: ['adam'] });
    cfg.contestants = sortContestants([...cfg.contestants, { optimizer: 'adam', ordinal: 2, selected: true, hyperparameters: { ...optimizerDefaults('adam'), learningRate: 0.01 } }]);
    const steps = new Map<string, string[]>();
    const result = await run(cfg, { observer: { step: (id, epoch, batch, indices) => steps.set(id, [...(steps.get(id) ?? []), `${epoch}/${batch}:${indices.join(',')}`]) } });
    expect(result.log.plan!.runs).toEqual([
      { optimizer: 'adam', hyperparameters: optimizerDefaults('adam') },
      { optimizer: 'adam', hyperparameters: { ...optimizerDefaults('adam'), learningRate: 0.01 } },
    ]);
    expect(result.statuses.get('adam')).toEqual(['training', 'done']);
    expect(result.statuses.get('adam2')).toEqual(['training', 'done']);
    expect(result.epochs.get('adam2')).toHaveLength(2);
    expect(steps.get('adam2')).toEqual(steps.get('adam'));
  });

  it('uses only the first trainExamples examples of the data', async () => {
    const big = { train: fakeData(3000, 300).train, test: data.test };
    const { factory, log } = fakeEngine();
    await trainExperiment(big, config({ trainExamples: 1000, epochs: 1, optimizers: ['sgd'] }), { runStatus: () => {}, epochEnd: () => {}, progress: () => {} }, neverStop, { engine: factory });
    expect(Math.max(...log.batches.flat())).toBeLessThan(1000);
  });

  it('gives the same batch order and weights for the same seed, and different ones for another', async () => {
    const orders: number[][][] = [];
    const weights: Float32Array[][] = [];
    for (const seed of [1, 1, 2]) {
      const result = await run(config({ seed, epochs: 1, optimizers: ['sgd'] }), { observer: { initialWeights: (_id, w) => weights.push(w) } });
      orders.push(result.log.batches);
    }
    expect(orders[1]).toEqual(orders[0]);
    expect(bytesOf(weights[1])).toEqual(bytesOf(weights[0]));
    expect(orders[2]).not.toEqual(orders[0]);
    expect(bytesOf(weights[2])[0]).not.toEqual(bytesOf(weights[0])[0]);
  });

  it('gives an optimizer the same numbers whichever others run beside it', async () => {
    const alone = await run(config({ optimizers: ['adam'] }));
    const together = await run(config({ optimizers: ['sgd', 'adam', 'adadelta'] }));
    const strip = (h: EpochMetrics[]) => h.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest);
    expect(strip(together.epochs.get('adam')!)).toEqual(strip(alone.epochs.get('adam')!));
    // Not vacuous: the fake's optimizers do differ.
    expect(strip(together.epochs.get('sgd')!)).not.toEqual(strip(together.epochs.get('adam')!));
  });
});

describe('read-back cadence and timing', () => {
  it('reads back at least MIN_PROGRESS_PER_EPOCH times an epoch however fast the steps, so the live curve moves inside every epoch', async () => {
    // 100 batches an epoch, an interval never reached: read-backs every 5th batch, and at the end.
    const result = await run(config({ optimizers: ['adam'], batchSize: 10, epochs: 2 }), { readbackIntervalMs: 1e9, minProgressPerEpoch: MIN_PROGRESS_PER_EPOCH });
    const perEpoch = [1, 2].map((epoch) => result.progress.filter((p) => p.epoch === epoch));
    for (const progress of perEpoch) {
      expect(progress).toHaveLength(MIN_PROGRESS_PER_EPOCH);
      expect(progress.map((p) => p.batch)).toEqual(Array.from({ length: MIN_PROGRESS_PER_EPOCH }, (_, i) => 5 * (i + 1)));
      // Each has live points, at fractional positions inside the epoch.
      expect(progress.every((p) => p.live.adam !== undefined)).toBe(true);
    }
    expect(perEpoch[0].filter((p) => p.position < 1)).toHaveLength(MIN_PROGRESS_PER_EPOCH - 1);
  });

  it('reads back when the interval has passed and at the end of every epoch, timing steps, read-backs and evaluation', async () => {
    const clock = fakeClock();
    // Every step takes 7 ms, evaluating takes 10 ms; with two runs a batch takes 14 ms.
    const result = await run(config({ optimizers: ['sgd', 'adam'] }), {
      readbackIntervalMs: 50,
      engine: { onStep: () => (clock.now += 7), onEvaluate: () => (clock.now += 10) },
    });
    // 4 batches (56 ms) pass 50 ms: read-backs after batches 4 and 8, and the epoch's last, 10.
    expect(result.progress.map((p) => `${p.epoch}/${p.batch}`)).toEqual(['1/4', '1/8', '1/10', '2/4', '2/8', '2/10']);
    // Throughput over the window since the previous read-back: both runs' samples over its time.
    expect(result.progress[0].samplesPerSecond).toBeCloseTo((4 * 100 * 2) / 0.056, 6);
    expect(result.progress[2].samplesPerSecond).toBeCloseTo((2 * 100 * 2) / 0.028, 6);
    // Live values: the mean over the batches read back together.
    const adam = stepsOf(result.log, 1);
    expect(result.progress[0].live.adam!.trainLoss).toBeCloseTo(mean(adam.slice(0, 4).map((s) => s.loss), [1, 1, 1, 1]), 12);
    // The contestant's own seconds so far (the charts' "Seconds of training" axis): its steps, then also its finished epochs.
    expect(result.progress[0].live.adam!.seconds).toBeCloseTo(4 * 0.007, 9);
    expect(result.progress[3].live.adam!.seconds).toBeCloseTo(10 * 0.007 + 0.005 + 4 * 0.007, 9);
    for (const id of ['sgd', 'adam'] as const) {
      for (const m of result.epochs.get(id)!) {
        // A run's time: its own ten 7 ms steps, and half of the 10 ms evaluation.
        expect(m.seconds).toBeCloseTo(10 * 0.007 + 0.005, 9);
        // Throughput counts training time only.
        expect(m.samplesPerSecond).toBeCloseTo(1000 / 0.07, 6);
      }
    }
  });

  it('pulls every pending value of every run in one transfer per read-back', async () => {
    const data = vi.spyOn(tf.Tensor.prototype, 'data');
    const clock = fakeClock();
    const result = await run(config({ optimizers: ['sgd', 'adam', 'rmsprop'] }), { readbackIntervalMs: 50, engine: { onDevice: true, onStep: () => (clock.now += 7) } });
    // 21 ms a batch: read-backs after batches 3, 6, 9 and 10 of each epoch, and one for each epoch's evaluation.
    expect(result.progress).toHaveLength(8);
    expect(data).toHaveBeenCalledTimes(8 + 2);
  });

  it('samples the first step after every read-back for "Inside the optimizers", and carries its figures with the next one', async () => {
    const clock = fakeClock();
    for (const onDevice of [false, true]) {
      const result = await run(config({ optimizers: ['sgd', 'adam'] }), { readbackIntervalMs: 50, engine: { onDevice, onStep: () => (clock.now += 7) } });
      // Read-backs after batches 4, 8 and 10 of each epoch (above): sampled are batches 1, 5 and 9 of each.
      for (const r of [0, 1]) {
        const sampled = result.log.steps.filter((s) => s.run === r && s.sampled).map((s) => s.step);
        expect(sampled).toEqual([1, 5, 9, 11, 15, 19]);
      }
      expect(result.progress).toHaveLength(6);
      result.progress.forEach((p, i) => {
        const step = [1, 5, 9, 11, 15, 19][i];
        for (const id of ['sgd', 'adam']) {
          // The fake's figures name the sampled step; the sample says where it was taken.
          expect(p.inside![id]).toEqual({
            position: Math.floor((step - 1) / 10) + (((step - 1) % 10) + 1) / 10,
            seconds: expect.any(Number),
            learningRate: step,
            layers: [{ gradientNorm: step, updateNorm: 1, weightNorm: 2, slots: [] }, { gradientNorm: step, updateNorm: 1, weightNorm: 2, slots: [] }],
          });
        }
      });
    }
  });

  it('samples nothing when told not to', async () => {
    const { factory, log } = fakeEngine();
    const progress: TrainingProgress[] = [];
    await trainExperiment(data, config({ optimizers: ['adam'] }), { runStatus: () => {}, epochEnd: () => {}, progress: (p) => progress.push(p) }, neverStop, { engine: factory, inside: false });
    expect(log.steps.some((s) => s.sampled)).toBe(false);
    expect(progress.some((p) => p.inside)).toBe(false);
  });

  it('yields to the event loop at every read-back and after every epoch', async () => {
    let yields = 0;
    const result = await run(config({ epochs: 2, optimizers: ['sgd'] }), { control: { stopRequested: () => false, yieldToEventLoop: async () => void (yields += 1) } });
    expect(yields).toBe(result.progress.length + 2);
  });
});

describe('divergence', () => {
  it('marks a run whose loss turns non-finite with where it happened, frees it and lets the others finish', async () => {
    // SGD's 14th step (batch 4 of epoch 2) reports NaN.
    const before = tf.memory().numTensors;
    const result = await run(config({ optimizers: ['sgd', 'adam'] }), { engine: { onDevice: true, loss: (spec, step) => (spec.optimizer === 'sgd' && step >= 14 ? NaN : undefined) } });
    expect(result.statuses.get('sgd')).toEqual(['training', 'diverged']);
    expect(result.divergence.get('sgd')).toEqual({ epoch: 2, batch: 4 });
    expect(result.epochs.get('sgd')).toHaveLength(1);
    expect(result.statuses.get('adam')).toEqual(['training', 'done']);
    expect(result.epochs.get('adam')).toHaveLength(2);
    // Released once, never stepped again, and left out of progress from then on.
    expect(result.log.released).toEqual([0]);
    expect(stepsOf(result.log, 0)).toHaveLength(14);
    expect(result.progress.filter((p) => p.epoch === 2 && p.batch >= 4).every((p) => p.live.sgd === undefined && p.activeRuns === 1)).toBe(true);
    expect(result.log.evaluations).toEqual([[0, 1], [1]]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('counts no batch of a run after its first non-finite loss within one read-back', async () => {
    const clock = fakeClock();
    // Read back every 4 batches; SGD's loss is NaN on steps 2 and 3 only.
    const result = await run(config({ epochs: 1, optimizers: ['sgd', 'adam'] }), {
      readbackIntervalMs: 50,
      engine: { onStep: () => (clock.now += 7), loss: (spec, step) => (spec.optimizer === 'sgd' && (step === 2 || step === 3) ? NaN : undefined) },
    });
    expect(result.divergence.get('sgd')).toEqual({ epoch: 1, batch: 2 });
    expect(result.progress[0].live.sgd).toBeUndefined();
    expect(result.progress[0].live.adam).toBeDefined();
    expect(stepsOf(result.log, 0)).toHaveLength(4);
  });

  it('marks a run collapsed at the clip ceiling after COLLAPSE_WINDOW batches, counting across epochs', async () => {
    // Pinned at -ln(1e-7) from step 8 (batch 8 of epoch 1) on, after losses near 2: the mean of
    // the last COLLAPSE_WINDOW passes COLLAPSE_LOSS with the fourth pinned loss, batch 1 of epoch 2.
    const pinned = -Math.log(1e-7);
    const result = await run(config({ optimizers: ['sgd', 'adam'] }), { engine: { loss: (spec, step) => (spec.optimizer === 'sgd' && step >= 8 ? pinned : undefined) } });
    expect(result.statuses.get('sgd')).toEqual(['training', 'diverged']);
    expect(result.divergence.get('sgd')).toEqual({ epoch: 2, batch: 1 });
    expect(result.epochs.get('sgd')).toHaveLength(1);
    expect(result.statuses.get('adam')).toEqual(['training', 'done']);
  });

  it('does not call a high but learning run collapsed', async () => {
    const result = await run(config({ epochs: 1, optimizers: ['sgd'] }), { engine: { loss: (_spec, step) => COLLAPSE_LOSS * 0.99 - step * 1e-3 } });
    expect(result.statuses.get('sgd')).toEqual(['training', 'done']);
  });

  it('judges collapse by the mean of the last COLLAPSE_WINDOW losses', () => {
    expect(hasCollapsed([2.3, 2.2, 2.1, 2.0, 1.9, 1.8, 1.7, 1.6])).toBe(false);
    expect(hasCollapsed([16, 16, 16])).toBe(false); // too few batches to judge
    expect(hasCollapsed(Array(COLLAPSE_WINDOW).fill(14.7))).toBe(true);
    expect(hasCollapsed([...Array(COLLAPSE_WINDOW - 1).fill(16), 0])).toBe(true);
    expect(hasCollapsed(Array(COLLAPSE_WINDOW).fill(COLLAPSE_LOSS))).toBe(false);
  });

  it('marks a run whose test loss is not finite as diverged at the end of that epoch', async () => {
    const before = tf.memory().numTensors;
    const result = await run(config({ epochs: 3, optimizers: ['sgd', 'adam'] }), {
      engine: { onDevice: true, testLossSum: (spec, steps) => (spec.optimizer === 'adam' && steps >= 20 ? Infinity : undefined) },
    });
    expect(result.divergence.get('adam')).toEqual({ epoch: 2, batch: 10 });
    expect(result.epochs.get('adam')!.map((m) => m.epoch)).toEqual([1]);
    expect(result.statuses.get('sgd')).toEqual(['training', 'done']);
    expect(result.epochs.get('sgd')).toHaveLength(3);
    expect(result.log.released).toEqual([1]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('ends the run early, done, when every optimizer has diverged', async () => {
    const result = await run(config({ epochs: 5, optimizers: ['sgd', 'adam'] }), { engine: { loss: (_spec, step) => (step >= 3 ? NaN : undefined) } });
    expect(result.outcome).toBe('done');
    expect(result.statuses.get('sgd')).toEqual(['training', 'diverged']);
    expect(result.statuses.get('adam')).toEqual(['training', 'diverged']);
    expect(result.log.batches).toHaveLength(3);
    expect(result.log.released.sort()).toEqual([0, 1]);
    expect(result.log.disposed).toBe(1);
  });
});

describe('stop', () => {
  it('stops on request at a read-back, keeping the finished epochs', async () => {
    let readbacks = 0;
    const result = await run(config({ epochs: 5, optimizers: ['adam', 'sgd'] }), {
      control: { stopRequested: () => readbacks > 15, yieldToEventLoop: async () => void (readbacks += 1) },
    });
    expect(result.outcome).toBe('stopped');
    expect(result.statuses.get('adam')).toEqual(['training', 'stopped']);
    expect(result.statuses.get('sgd')).toEqual(['training', 'stopped']);
    // 10 read-backs and the epoch-end yield in epoch 1, then 5 more: stopped after batch 5 of epoch 2.
    expect(result.epochs.get('adam')).toHaveLength(1);
    expect(result.progress.at(-1)).toMatchObject({ epoch: 2, batch: 5 });
    expect(result.log.batches).toHaveLength(15);
    expect(result.log.disposed).toBe(1);
  });

  it('stops between epochs without starting the next', async () => {
    let epochsEnded = 0;
    const { factory, log } = fakeEngine();
    const outcome = await trainExperiment(
      data,
      config({ epochs: 3, optimizers: ['sgd'] }),
      { runStatus: () => {}, epochEnd: () => void (epochsEnded += 1), progress: () => {} },
      { stopRequested: () => epochsEnded >= 1, yieldToEventLoop: async () => {} },
      { readbackIntervalMs: 1e9, engine: factory },
    );
    // The last batch's read-back comes before the epoch ends: the stop is seen after it.
    expect(outcome).toBe('stopped');
    expect(epochsEnded).toBe(1);
    expect(log.batches).toHaveLength(10);
  });

  it('a stop requested during the last epoch\'s evaluation still ends done', async () => {
    let evaluated = 0;
    const result = await run(config({ epochs: 2, optimizers: ['sgd'] }), {
      control: { stopRequested: () => evaluated >= 2, yieldToEventLoop: async () => {} },
      engine: { onEvaluate: () => void (evaluated += 1) },
    });
    expect(result.outcome).toBe('done');
    expect(result.statuses.get('sgd')).toEqual(['training', 'done']);
  });
});

describe('pause, step and speed', () => {
  const timeless = (epochs: EpochMetrics[] | undefined) => epochs?.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest);
  const settle = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };

  it('waits while paused, trains one batch per contestant a Step and reports it, and resumes to the same result', async () => {
    const cfg = config({ epochs: 2, optimizers: ['sgd', 'adam'] });
    const pacing = new RunPacing(() => false);
    pacing.pause();
    const paused = run(cfg, { control: { ...neverStop, pacing }, readbackIntervalMs: 1e9, minProgressPerEpoch: 1 });
    await settle();
    // The run is built but held before its first batch: trainExperiment has not finished.
    let finished = false;
    void paused.then(() => (finished = true));
    await settle();
    expect(finished).toBe(false);
    pacing.step();
    await settle();
    pacing.step();
    await settle();
    pacing.resume();
    const result = await paused;
    // Each stepped batch was reported on its own (paused runs report every batch).
    expect(result.progress.slice(0, 2).map((p) => `${p.epoch}/${p.batch}`)).toEqual(['1/1', '1/2']);
    // Steps in lockstep: both contestants' first two steps came from those two Steps.
    expect(result.log.steps.slice(0, 4).map((s) => s.run)).toEqual([0, 1, 0, 1]);
    const straight = await run(cfg, { readbackIntervalMs: 1e9, minProgressPerEpoch: 1 });
    for (const id of ['sgd', 'adam']) expect(timeless(result.epochs.get(id))).toEqual(timeless(straight.epochs.get(id)));
    expect(result.outcome).toBe('done');
  });

  it('reports what it has when paused mid-epoch, and a Stop while paused ends the run', async () => {
    let stop = false;
    const pacing = new RunPacing(() => stop);
    const events: string[] = [];
    const control: TrainerControl = {
      stopRequested: () => stop,
      yieldToEventLoop: async () => {},
      pacing,
    };
    // Pause from inside the engine after the third batch: mid-window, values still pending.
    let steps = 0;
    const running = run(config({ epochs: 1, optimizers: ['sgd'] }), {
      control,
      readbackIntervalMs: 1e9,
      minProgressPerEpoch: 1,
      engine: { onStep: () => void (++steps === 3 && pacing.pause()) },
    });
    await settle();
    await settle();
    stop = true;
    pacing.wakeUp();
    const result = await running;
    events.push(...result.progress.map((p) => `${p.epoch}/${p.batch}`));
    // The three batches before the pause were read back and shown, then the run stopped.
    expect(events).toEqual(['1/3']);
    expect(result.outcome).toBe('stopped');
    expect(result.statuses.get('sgd')).toEqual(['training', 'stopped']);
  });
});

describe('errors', () => {
  it('refuses an invalid experiment before building an engine', async () => {
    const { factory, log } = fakeEngine();
    const events = { runStatus: vi.fn(), epochEnd: vi.fn(), progress: vi.fn() };
    const train = (cfg: ExperimentConfig) => trainExperiment(data, cfg, events, neverStop, { engine: factory });
    await expect(train(config({ batchSize: 0 }))).rejects.toThrow(/Batch size/);
    await expect(train(config({ optimizers: [] }))).rejects.toThrow(/at least one optimizer/);
    await expect(train(config({ trainExamples: 2000 }))).rejects.toThrow(/Only 1000 training examples are loaded/);
    expect(log.built).toBe(0);
    expect(events.runStatus).not.toHaveBeenCalled();
  });

  it('ends every run stopped, not done, and frees everything when the engine throws', async () => {
    const before = tf.memory().numTensors;
    const { factory, log } = fakeEngine({ onDevice: true, failAt: { run: 1, step: 13 } });
    const statuses: string[] = [];
    await expect(
      trainExperiment(data, config({ optimizers: ['sgd', 'adam'] }), { runStatus: (id, s) => statuses.push(`${id}:${s}`), epochEnd: () => {}, progress: () => {} }, neverStop, {
        readbackIntervalMs: 1e9,
        engine: factory,
      }),
    ).rejects.toThrow(/device lost/);
    expect(statuses).toEqual(['sgd:training', 'adam:training', 'sgd:stopped', 'adam:stopped']);
    expect(log.disposed).toBe(1);
    // The pending tensors of the unfinished epoch were dropped.
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects when the device is lost during a read-back', async () => {
    const before = tf.memory().numTensors;
    const { factory, log } = fakeEngine({ onDevice: true });
    const lost = Promise.reject(new Error('WebGL context lost'));
    lost.catch(() => {});
    await expect(
      trainExperiment(data, config({ optimizers: ['sgd'] }), { runStatus: () => {}, epochEnd: () => {}, progress: () => {} }, { ...neverStop, deviceLost: lost }, { engine: factory }),
    ).rejects.toThrow(/context lost/);
    expect(log.disposed).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('final weights', () => {
  /** Runs with a finalWeights handler; records each call among the status events, and whether the engine was disposed then. */
  async function withWeights(cfg: ExperimentConfig, engineOptions: FakeEngineOptions, control: TrainerControl = neverStop) {
    const { factory, log } = fakeEngine(engineOptions);
    const events: string[] = [];
    const weights = new Map<string, Float32Array[]>();
    const outcome = await trainExperiment(
      data,
      cfg,
      {
        runStatus: (id, status) => events.push(`${id}:${status}`),
        epochEnd: () => {},
        progress: () => {},
        finalWeights: (id, values) => {
          events.push(`${id}:weights${log.disposed ? ' after dispose' : ''}`);
          weights.set(id, values);
        },
      },
      control,
      { readbackIntervalMs: 0, engine: factory },
    );
    return { outcome, events, weights, log };
  }

  it('hands each finished run its weights before its final status and before the engine is freed; none for a diverged run', async () => {
    const result = await withWeights(config({ optimizers: ['sgd', 'adam', 'adagrad'] }), { loss: (spec, step) => (spec.optimizer === 'adam' && step >= 3 ? NaN : undefined) });
    expect(result.outcome).toBe('done');
    expect(result.events).toEqual(['sgd:training', 'adam:training', 'adagrad:training', 'adam:diverged', 'sgd:weights', 'adagrad:weights', 'sgd:done', 'adagrad:done']);
    // The fake marks the weights with the run's steps: both trained 2 epochs of 10 batches.
    expect([...result.weights.keys()]).toEqual(['sgd', 'adagrad']);
    expect(result.weights.get('sgd')![1][0]).toBe(20);
    expect(result.log.weightsRead).toEqual([0, 2]);
    expect(result.log.disposed).toBe(1);
  });

  it('hands the weights of a stopped run as they are at the stop', async () => {
    let epochs = 0;
    const result = await withWeights(config({ epochs: 3, optimizers: ['sgd'] }), { onEvaluate: () => void (epochs += 1) }, { stopRequested: () => epochs >= 1, yieldToEventLoop: async () => {} });
    expect(result.outcome).toBe('stopped');
    expect(result.events).toEqual(['sgd:training', 'sgd:weights', 'sgd:stopped']);
    expect(result.weights.get('sgd')![1][0]).toBe(10);
  });

  it('hands no weights when the run ends with an error', async () => {
    const { factory, log } = fakeEngine({ failAt: { run: 1, step: 13 } });
    const finalWeights = vi.fn();
    await expect(
      trainExperiment(data, config({ optimizers: ['sgd', 'adam'] }), { runStatus: () => {}, epochEnd: () => {}, progress: () => {}, finalWeights }, neverStop, { engine: factory }),
    ).rejects.toThrow(/device lost/);
    expect(finalWeights).not.toHaveBeenCalled();
    expect(log.weightsRead).toEqual([]);
    expect(log.disposed).toBe(1);
  });
});

describe('memory', () => {
  it('keeps the tensor count flat across epochs and releases everything at the end', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await run(config({ epochs: 4, optimizers: ['adam', 'adadelta'] }), {
      engine: { onDevice: true },
      control: { stopRequested: () => false, yieldToEventLoop: async () => void counts.push(tf.memory().numTensors) },
    });
    expect(tf.memory().numTensors).toBe(before);
    // Sampled at every read-back: the live set is the same at each point of each epoch.
    const perEpoch = counts.length / 4;
    expect(perEpoch).toBe(11);
    for (let i = perEpoch; i < counts.length; i++) expect(counts[i]).toBe(counts[i % perEpoch]);
    // Nothing pending at a read-back: every step's tensor was read and freed.
    expect(new Set(counts)).toEqual(new Set([before]));
  });

  it('keeps the JS heap flat across 20 epochs', async () => {
    const { factory } = fakeEngine({ onDevice: true });
    expectFlatHeap(await heapAfterEachEpoch(data, config({ epochs: 20, optimizers: ['adam', 'sgd'] }), { engine: factory }));
  });

  it('keeps tensors and the JS heap flat across repeated Train/Stop', async () => {
    const collectGarbage = exposeGc();
    const tensorsBefore = tf.memory().numTensors;
    const heap: number[] = [];
    for (let cycle = 0; cycle < 20; cycle++) {
      let readbacks = 0;
      // Stopped after a few batches, as a user pressing Train then Stop would; read-backs every 3 batches leave steps pending.
      const clock = fakeClock();
      const stopSoon: TrainerControl = { stopRequested: () => readbacks > 2, yieldToEventLoop: async () => void (readbacks += 1) };
      const { outcome, log } = await run(config({ optimizers: cycle % 2 ? ['adam', 'sgd'] : ['rmsprop'] }), {
        control: stopSoon,
        readbackIntervalMs: 20,
        engine: { onDevice: true, onStep: () => (clock.now += 4) },
      });
      vi.restoreAllMocks();
      expect(outcome).toBe('stopped');
      expect(log.disposed).toBe(1);
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      collectGarbage();
      heap.push(process.memoryUsage().heapUsed);
    }
    expectFlatHeap(heap);
  });
});
