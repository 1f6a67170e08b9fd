/**
 * Test helper: a small, deterministic TrainingEngine for the trainer's own tests
 * (scheduling, read-backs, divergence, stop, events, memory), with no maths to wait for.
 *
 * Each run "learns" along a fixed curve whose speed depends on its optimizer and
 * hyperparameters, so runs differ and a trainer that mixed them up would show it.
 * The engine keeps a log of everything the trainer asked of it, checks that it is
 * used as the interface says (no step before a batch, none on a released run,
 * nothing after dispose: each throws), and can hand its results back as tfjs
 * tensors, as the tfjs engine does, so the trainer's read-back and disposal of
 * tensors are exercised too.
 */
import * as tf from '@tensorflow/tfjs';
import type { MnistData } from '../data/shardLoader';
import type { EngineFactory, EnginePlan, PendingValues, RunSpec, TrainingEngine } from '../train/engine';

export interface FakeStep {
  run: number;
  /** The run's own step count, from 1. */
  step: number;
  /** Which loadBatch call (from 1) the step trained on. */
  batch: number;
  size: number;
  loss: number;
  correct: number;
  /** Sampled for "Inside the optimizers". */
  sampled: boolean;
}

export interface FakeEngineLog {
  /** How many engines the factory built. */
  built: number;
  plan?: EnginePlan;
  /** The initial weights the factory was given (as given, not copied). */
  initial?: readonly Float32Array[];
  /** Every loadBatch, as the list of example indices (copied). */
  batches: number[][];
  steps: FakeStep[];
  /** Each evaluate call's runs. */
  evaluations: number[][];
  released: number[];
  /** Each weights() call's run. */
  weightsRead: number[];
  disposed: number;
}

export interface FakeEngineOptions {
  /** Results as tfjs tensors (read back later, as on the tfjs engine) instead of host arrays. */
  onDevice?: boolean;
  /** Overrides the loss of a run's `step`-th step (from 1): NaN for a blow-up, 16 for a collapse. */
  loss?: (spec: RunSpec, step: number, run: number) => number | undefined;
  /** Overrides the test loss sum of an evaluation after `steps` steps. */
  testLossSum?: (spec: RunSpec, steps: number, run: number) => number | undefined;
  /** Called after every step and every evaluate (e.g. to advance a fake clock). */
  onStep?: (run: number) => void;
  onEvaluate?: (runs: readonly number[]) => void;
  /** Throws from the step of `run` numbered `step`, as a lost device would. */
  failAt?: { run: number; step: number };
}

/** How fast a run learns: differs between optimizers and with their hyperparameters. */
export function fakeRate(spec: RunSpec): number {
  const lr = typeof spec.hyperparameters.learningRate === 'number' ? spec.hyperparameters.learningRate : 0.01;
  const salt = [...spec.optimizer].reduce((sum, c) => sum + c.charCodeAt(0), 0) % 17;
  return 0.02 + Math.min(0.3, lr * 3) + salt / 400;
}

/** The fake's training curve: loss and accuracy after `steps` steps. */
export function fakeCurve(spec: RunSpec, steps: number): { loss: number; accuracy: number } {
  const progress = 1 - Math.exp(-fakeRate(spec) * steps);
  return { loss: 2.3 - 2 * progress, accuracy: 0.1 + 0.85 * progress };
}

export function fakeEngine(options: FakeEngineOptions = {}): { factory: EngineFactory; log: FakeEngineLog } {
  const log: FakeEngineLog = { built: 0, batches: [], steps: [], evaluations: [], released: [], weightsRead: [], disposed: 0 };
  const pending = (values: readonly number[]): PendingValues => (options.onDevice ? tf.tensor1d([...values]) : Float64Array.from(values));

  const factory: EngineFactory = async (data: MnistData, plan: EnginePlan, initial: readonly Float32Array[]): Promise<TrainingEngine> => {
    log.built += 1;
    log.plan = plan;
    log.initial = initial;
    const stepCounts = plan.runs.map(() => 0);
    const released = plan.runs.map(() => false);
    let batch: Uint32Array | undefined;
    let disposed = false;
    const live = (run: number) => {
      if (disposed) throw new Error('fake engine: used after dispose');
      if (!(run >= 0 && run < plan.runs.length)) throw new RangeError(`fake engine: no run ${run}`);
      if (released[run]) throw new Error(`fake engine: run ${run} was released`);
    };
    return {
      loadBatch(indices) {
        if (disposed) throw new Error('fake engine: used after dispose');
        if (indices.length > plan.batchSize) throw new Error(`fake engine: batch of ${indices.length} over ${plan.batchSize}`);
        for (const i of indices) if (!(i < data.train.count)) throw new RangeError(`fake engine: example ${i} outside the data`);
        batch = indices;
        log.batches.push(Array.from(indices));
      },
      step(run, sample = false) {
        live(run);
        if (!batch) throw new Error('fake engine: step before loadBatch');
        const spec = plan.runs[run];
        const step = ++stepCounts[run];
        if (options.failAt?.run === run && options.failAt.step === step) throw new Error('fake engine: device lost');
        // Before the update, as the real engines report it; the labels make batches differ.
        const curve = fakeCurve(spec, step - 1);
        let labelSum = 0;
        for (const i of batch) labelSum += data.train.labels[i];
        const loss = options.loss?.(spec, step, run) ?? curve.loss + (labelSum % 7) / 100;
        const correct = Math.round(curve.accuracy * batch.length);
        log.steps.push({ run, step, batch: log.batches.length, size: batch.length, loss, correct, sampled: sample });
        options.onStep?.(run);
        if (!sample) return pending([loss, correct]);
        // Figures that name the step: its number as the learning rate, and per layer ‖g‖ = step, ‖Δw‖ = 1, ‖w‖ = 2, no slots.
        const layers = plan.network.hiddenLayers.length + 1;
        return pending([loss, correct, step, ...Array.from({ length: layers }, () => [step, 1, 2]).flat()]);
      },
      evaluate(runs) {
        runs.forEach(live);
        log.evaluations.push([...runs]);
        const results = runs.map((run) => {
          const spec = plan.runs[run];
          const curve = fakeCurve(spec, stepCounts[run]);
          const lossSum = options.testLossSum?.(spec, stepCounts[run], run) ?? curve.loss * data.test.count;
          return pending([lossSum, Math.round(curve.accuracy * data.test.count)]);
        });
        options.onEvaluate?.(runs);
        return results;
      },
      async weights(run) {
        live(run);
        log.weightsRead.push(run);
        // The initial weights with the run's step count in the first bias: enough to tell runs and moments apart.
        const copy = initial.map((w) => w.slice());
        copy[1][0] = stepCounts[run];
        return copy;
      },
      release(run) {
        live(run);
        released[run] = true;
        log.released.push(run);
      },
      dispose() {
        if (disposed) throw new Error('fake engine: disposed twice');
        disposed = true;
        log.disposed += 1;
      },
    };
  };
  return { factory, log };
}

/** MNIST-shaped data with blank images and labels 0-9 in a fixed scramble; the fake reads only the labels. */
export function fakeData(trainCount: number, testCount: number): MnistData {
  const split = (count: number, salt: number) => ({
    count,
    images: new Uint8Array(count * 784),
    labels: Uint8Array.from({ length: count }, (_, i) => (i * 7 + salt + (i >> 3)) % 10),
  });
  return { train: split(trainCount, 1), test: split(testCount, 3) };
}
