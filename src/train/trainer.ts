/**
 * The lockstep trainer: every selected optimizer gets its own copy of the same
 * initial weights, and each batch is built once and fed to every optimizer in
 * turn, so all of them see identical data in identical order.
 * Runs inside the worker in the app, and in Node (tfjs cpu) in the unit tests.
 */
import * as tf from '@tensorflow/tfjs';
import { batchesPerEpoch, validateExperiment, InvalidExperimentError, type ExperimentConfig } from '../experiment/config';
import type { DivergenceInfo, EpochMetrics, RunStatus } from '../experiment/metrics';
import type { OptimizerId } from '../experiment/optimizers';
import type { MnistData, SplitData } from '../data/shardLoader';
import { batchRanges, gatherBatch, toTensors, type BatchTensors } from './batches';
import { autodiffLossAndGradients, denseLossAndGradients } from './denseGradients';
import { countCorrect, crossEntropySum, initialWeights, KERAS_EPSILON, PARAMETER_SHAPES, predict } from './network';
import { applyRule, UPDATE_RULES, type UpdateRule } from './optimizers';
import { createRandom, RandomStream, shuffledIndices } from './random';

export interface TrainingProgress {
  epoch: number;
  epochs: number;
  /** Batches finished in the current epoch. */
  batch: number;
  batchesPerEpoch: number;
  /** Training examples per second summed over the optimizers still training. */
  samplesPerSecond: number;
  activeRuns: number;
  /** Epochs done so far as a fraction (1.5 = half-way through epoch 2): the x of live points. */
  position: number;
  /** Mean training loss and accuracy over the batches since the previous progress event. */
  live: Partial<Record<OptimizerId, { trainLoss: number; trainAccuracy: number }>>;
}

export interface TrainerEvents {
  runStatus(id: OptimizerId, status: RunStatus, divergence?: DivergenceInfo): void;
  epochEnd(id: OptimizerId, metrics: EpochMetrics): void;
  progress(progress: TrainingProgress): void;
}

export interface TrainerControl {
  stopRequested(): boolean;
  /**
   * Rejects when the device is gone (a lost WebGL context): a read-back from a lost
   * context may never settle, so every read-back races against it.
   */
  deviceLost?: Promise<never>;
  /** Lets pending messages (Stop) in; the trainer calls it at every read-back. */
  yieldToEventLoop(): Promise<void>;
}

/** Test hooks: what each run started from and which examples each step used. */
export interface TrainerObserver {
  initialWeights?(id: OptimizerId, values: Float32Array[]): void;
  step?(id: OptimizerId, epoch: number, batch: number, indices: Uint32Array): void;
}

/** 'dense': the hand-written backward pass (fast); 'autodiff': tf.variableGrads (the reference). */
export type GradientMethod = 'dense' | 'autodiff';

export interface TrainerOptions {
  gradients?: GradientMethod;
  /** Minimum time between read-backs of losses from the device (ms). */
  readbackIntervalMs?: number;
  observer?: TrainerObserver;
}

const EVAL_CHUNK = 1000;

/**
 * Divergence. A non-finite loss is one sign. The other is particular to Keras's
 * clipped cross-entropy, which keeps the loss finite however large the steps: a run
 * that overshoots (SGD at learning rate 1000, say) ends up confidently wrong, its
 * clipped gradients vanish and it stays there, the loss pinned near -ln(1e-7) = 16.1.
 * A mean loss above half of that over several consecutive batches (the true class
 * getting under 0.03 % on average) does not happen in a run that is learning, even
 * with a large but sane learning rate (an untrained network sits at ln(10) = 2.3).
 */
export const COLLAPSE_LOSS = -Math.log(KERAS_EPSILON) / 2;
export const COLLAPSE_WINDOW = 8;

export function hasCollapsed(recentLosses: readonly number[]): boolean {
  return recentLosses.length >= COLLAPSE_WINDOW && recentLosses.reduce((a, b) => a + b, 0) / recentLosses.length > COLLAPSE_LOSS;
}

class OptimizerRun {
  readonly weights: tf.Variable[];
  readonly slots: Record<string, tf.Variable>[];
  private readonly rule: UpdateRule;
  step = 0;
  status: RunStatus = 'training';
  /** One [loss, correct] tensor per batch since the last read-back. */
  pending: { batch: number; size: number; values: tf.Tensor1D }[] = [];
  epochLossSum = 0;
  epochCorrect = 0;
  epochSamples = 0;
  epochSeconds = 0;
  /** The latest per-batch losses, oldest first, for the collapse test. */
  recentLosses: number[] = [];

  constructor(
    readonly id: OptimizerId,
    private readonly params: ExperimentConfig['hyperparameters'][OptimizerId],
    initial: Float32Array[],
  ) {
    this.rule = UPDATE_RULES[id];
    // From a copy of the shared initial values: no run can disturb another's start.
    // tf.variable shares its initial tensor's data; the tidy releases that tensor's handle.
    this.weights = initial.map((values, i) => tf.tidy(() => tf.variable(tf.tensor(values, PARAMETER_SHAPES[i].shape), true)));
    const slotInit = this.rule.slots(params);
    this.slots = PARAMETER_SHAPES.map(({ shape }) =>
      Object.fromEntries(
        Object.entries(slotInit).map(([name, value]) => [name, tf.tidy(() => tf.variable(tf.fill(shape, value), false))]),
      ),
    );
  }

  /** One training step on a batch; returns [mean loss, correct count] before the update. */
  train(images: tf.Tensor2D, oneHot: tf.Tensor2D, labels: tf.Tensor1D, method: GradientMethod): tf.Tensor1D {
    this.step += 1;
    return tf.tidy(() => {
      const { loss, correct, gradients } =
        method === 'autodiff'
          ? autodiffLossAndGradients(this.weights, images, oneHot, labels, predict)
          : denseLossAndGradients(this.weights, images, oneHot, labels);
      this.weights.forEach((weight, i) => {
        const { weight: next, slots } = applyRule(this.rule, weight, gradients[i], this.slots[i], this.step, this.params);
        weight.assign(next);
        for (const [name, slot] of Object.entries(slots)) this.slots[i][name].assign(slot);
      });
      return tf.stack([loss, correct]) as tf.Tensor1D;
    });
  }

  resetEpoch() {
    this.epochLossSum = 0;
    this.epochCorrect = 0;
    this.epochSamples = 0;
    this.epochSeconds = 0;
  }

  dispose() {
    for (const p of this.pending) p.values.dispose();
    this.pending = [];
    tf.dispose(this.weights);
    for (const slots of this.slots) tf.dispose(Object.values(slots));
  }
}

/** The test set as device tensors, built once per experiment. */
function prepareTestChunks(test: SplitData): BatchTensors[] {
  const chunks: BatchTensors[] = [];
  for (let start = 0; start < test.count; start += EVAL_CHUNK) {
    const size = Math.min(EVAL_CHUNK, test.count - start);
    chunks.push(toTensors(gatherBatch(test, Array.from({ length: size }, (_, i) => start + i))));
  }
  return chunks;
}

/** [loss sum, correct count] over the whole test set, left on the device. */
function evaluate(run: OptimizerRun, chunks: BatchTensors[]): tf.Tensor1D {
  return tf.tidy(() => {
    let lossSum: tf.Tensor = tf.scalar(0);
    let correct: tf.Tensor = tf.scalar(0);
    for (const chunk of chunks) {
      const probabilities = predict(run.weights, chunk.images);
      lossSum = tf.add(lossSum, crossEntropySum(probabilities, chunk.oneHot));
      correct = tf.add(correct, countCorrect(probabilities, chunk.labels));
    }
    return tf.stack([lossSum, correct]) as tf.Tensor1D;
  });
}

export type TrainingOutcome = 'done' | 'stopped';

export async function trainExperiment(
  data: MnistData,
  config: ExperimentConfig,
  events: TrainerEvents,
  control: TrainerControl,
  options: TrainerOptions = {},
): Promise<TrainingOutcome> {
  const problems = validateExperiment(config);
  if (problems.length) throw new InvalidExperimentError(problems);
  if (config.trainExamples > data.train.count) throw new InvalidExperimentError([`Only ${data.train.count} training examples are loaded.`]);

  const readbackIntervalMs = options.readbackIntervalMs ?? 200;
  const read = (tensor: tf.Tensor) => (control.deviceLost ? Promise.race([tensor.data(), control.deviceLost]) : tensor.data());
  const gradientMethod = options.gradients ?? 'dense';
  const initial = initialWeights(config.seed);
  const runs = config.optimizers.map((id) => new OptimizerRun(id, config.hyperparameters[id], initial));
  for (const run of runs) options.observer?.initialWeights?.(run.id, initial.map((w) => w.slice()));
  const testChunks = prepareTestChunks(data.test);
  const shuffle = createRandom(config.seed, RandomStream.shuffle);
  const totalBatches = batchesPerEpoch(config);
  const active = () => runs.filter((r) => r.status === 'training');
  for (const run of runs) events.runStatus(run.id, 'training');

  /**
   * Pulls every pending per-batch loss from the device in one transfer; marks diverged
   * runs. Returns each healthy run's mean loss and accuracy over the batches read.
   */
  const readBack = async (epoch: number): Promise<TrainingProgress['live']> => {
    const live: TrainingProgress['live'] = {};
    const withPending = runs.filter((r) => r.pending.length);
    if (!withPending.length) return live;
    const started = performance.now();
    const stacked = tf.concat(withPending.flatMap((r) => r.pending.map((p) => p.values)));
    const values = await read(stacked);
    stacked.dispose();
    const share = (performance.now() - started) / 1000 / withPending.length;
    let offset = 0;
    for (const run of withPending) {
      run.epochSeconds += share;
      let windowLoss = 0;
      let windowCorrect = 0;
      let windowSamples = 0;
      for (const p of run.pending) {
        const loss = values[offset];
        const correct = values[offset + 1];
        offset += 2;
        if (run.status !== 'training') continue;
        run.recentLosses.push(loss);
        if (run.recentLosses.length > COLLAPSE_WINDOW) run.recentLosses.shift();
        if (!Number.isFinite(loss) || hasCollapsed(run.recentLosses)) {
          run.status = 'diverged';
          events.runStatus(run.id, 'diverged', { epoch, batch: p.batch });
          continue;
        }
        run.epochLossSum += loss * p.size;
        run.epochCorrect += correct;
        run.epochSamples += p.size;
        windowLoss += loss * p.size;
        windowCorrect += correct;
        windowSamples += p.size;
      }
      for (const p of run.pending) p.values.dispose();
      run.pending = [];
      if (run.status === 'diverged') run.dispose();
      else if (windowSamples) live[run.id] = { trainLoss: windowLoss / windowSamples, trainAccuracy: windowCorrect / windowSamples };
    }
    return live;
  };

  let outcome: TrainingOutcome = 'done';
  // A run still marked 'training' after an exception ends as stopped, not done.
  let completed = false;
  try {
    epochs: for (let epoch = 1; epoch <= config.epochs; epoch++) {
      for (const run of active()) run.resetEpoch();
      const order = shuffledIndices(config.trainExamples, shuffle);
      let batch = 0;
      let lastReadback = performance.now();
      let windowStart = lastReadback;
      let windowSamples = 0;
      for (const indices of batchRanges(order, config.batchSize)) {
        const current = active();
        if (!current.length) break epochs;
        batch += 1;
        const host = gatherBatch(data.train, indices);
        const { images, oneHot, labels } = toTensors(host);
        for (const run of current) {
          const started = performance.now();
          run.pending.push({ batch, size: host.size, values: run.train(images, oneHot, labels, gradientMethod) });
          run.epochSeconds += (performance.now() - started) / 1000;
          options.observer?.step?.(run.id, epoch, batch, indices);
        }
        tf.dispose([images, oneHot, labels]);
        windowSamples += host.size * current.length;

        const now = performance.now();
        if (now - lastReadback >= readbackIntervalMs || batch === totalBatches) {
          const live = await readBack(epoch);
          const after = performance.now();
          events.progress({
            epoch,
            epochs: config.epochs,
            batch,
            batchesPerEpoch: totalBatches,
            samplesPerSecond: windowSamples / Math.max((after - windowStart) / 1000, 1e-6),
            activeRuns: active().length,
            position: epoch - 1 + batch / totalBatches,
            live,
          });
          windowStart = after;
          windowSamples = 0;
          await control.yieldToEventLoop();
          lastReadback = performance.now();
          if (control.stopRequested()) {
            outcome = 'stopped';
            break epochs;
          }
        }
      }

      // The last batch of the epoch always triggers a read-back above.
      const finishing = active();
      if (!finishing.length) break;
      const evalSeconds = finishing.map(() => 0);
      const evaluations = finishing.map((run, i) => {
        const started = performance.now();
        const result = evaluate(run, testChunks);
        evalSeconds[i] = (performance.now() - started) / 1000;
        return result;
      });
      const readStarted = performance.now();
      const stacked = tf.stack(evaluations);
      const values = await read(stacked);
      tf.dispose([stacked, ...evaluations]);
      const readShare = (performance.now() - readStarted) / 1000 / finishing.length;
      finishing.forEach((run, i) => {
        const seconds = run.epochSeconds + evalSeconds[i] + readShare;
        const testLoss = values[2 * i] / data.test.count;
        if (!Number.isFinite(testLoss)) {
          run.status = 'diverged';
          events.runStatus(run.id, 'diverged', { epoch, batch: totalBatches });
          run.dispose();
          return;
        }
        events.epochEnd(run.id, {
          epoch,
          trainLoss: run.epochLossSum / run.epochSamples,
          trainAccuracy: run.epochCorrect / run.epochSamples,
          testLoss,
          testAccuracy: values[2 * i + 1] / data.test.count,
          seconds,
          samplesPerSecond: run.epochSamples / Math.max(run.epochSeconds, 1e-6),
        });
      });
      await control.yieldToEventLoop();
      if (control.stopRequested() && epoch < config.epochs) {
        outcome = 'stopped';
        break;
      }
    }
    completed = true;
  } finally {
    for (const run of runs) {
      if (run.status === 'training') {
        run.status = completed && outcome === 'done' ? 'done' : 'stopped';
        events.runStatus(run.id, run.status);
        run.dispose();
      }
    }
    for (const chunk of testChunks) tf.dispose([chunk.images, chunk.oneHot, chunk.labels]);
  }
  return outcome;
}
