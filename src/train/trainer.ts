/**
 * The lockstep trainer: every selected optimizer gets its own copy of the same
 * initial weights, and each batch is built once and fed to every optimizer in
 * turn, so all of them see identical data in identical order.
 * With several seeds, each seed is a group of its own: its own initial weights,
 * batch order and engine, exactly as a one-seed run of that seed would have; the
 * groups advance batch by batch together, so every seed's curve moves at once.
 * Runs inside the worker in the app, and in Node (tfjs cpu) in the unit tests.
 */
import * as tf from '@tensorflow/tfjs';
import {
  batchesPerEpoch,
  experimentTrainings,
  trainingId,
  trainingSeed,
  validateExperiment,
  InvalidExperimentError,
  type ExperimentConfig,
  type Training,
} from '../experiment/config';
import type { Contestant } from '../experiment/contestants';
import type { DivergenceInfo, EpochMetrics, RunStatus } from '../experiment/metrics';
import { contestantKey } from '../experiment/contestants';
import type { MnistData } from '../data/shardLoader';
import { batchRanges } from './batches';
import type { EngineFactory, EnginePlan, PendingValues, TrainingEngine } from './engine';
import type { Pacing } from './pacing';
import { initialWeights, KERAS_EPSILON } from './network';
import { createRandom, RandomStream, shuffledIndices } from './random';
import { createTfjsEngine, type GradientMethod } from './tfjsEngine';
import { unflattenInside, type InsideSample } from '../experiment/optimizerInsides';

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
  /**
   * Mean training loss and accuracy over the batches since the previous progress event, and
   * the contestant's own seconds of computing so far (its steps, read-backs and evaluations).
   */
  live: Record<string, { trainLoss: number; trainAccuracy: number; seconds: number }>;
  /**
   * "Inside the optimizers": each training's figures at the step sampled since the previous
   * progress event (the first step after it), where it has one.
   */
  inside?: Record<string, InsideSample>;
}

/** Events name each run by its training's id: the contestant's key ("adam", "adam2"), "adam+1" for seed + 1 (trainingId). */
export interface TrainerEvents {
  runStatus(id: string, status: RunStatus, divergence?: DivergenceInfo): void;
  epochEnd(id: string, metrics: EpochMetrics): void;
  progress(progress: TrainingProgress): void;
  /**
   * At the end of a run that completed (done or stopped), before the engine is freed:
   * each contestant's final weights (Keras order), except those that diverged. The
   * worker keeps them to evaluate and predict on request.
   */
  finalWeights?(id: string, weights: Float32Array[]): void;
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
  /** Pause, step and speed, asked before every batch; absent: full speed. */
  pacing?: Pacing;
}

/** Test hooks: what each run started from and which examples each step used. */
export interface TrainerObserver {
  initialWeights?(id: string, values: Float32Array[]): void;
  step?(id: string, epoch: number, batch: number, indices: Uint32Array): void;
}

export interface TrainerOptions {
  /** tfjs path only: hand-written (default) or automatic gradients. */
  gradients?: GradientMethod;
  /** Builds the engine; default: tfjs on its current backend. */
  engine?: EngineFactory;
  /** Minimum time between read-backs of losses from the device (ms). */
  readbackIntervalMs?: number;
  /** Read back at least this many times an epoch, however fast the steps (default MIN_PROGRESS_PER_EPOCH). */
  minProgressPerEpoch?: number;
  observer?: TrainerObserver;
  /** The trainings to run (a worker's share of the pool's); default: every contestant that trains, once per seed. */
  trainings?: readonly Training[];
  /** Sample the first step after every read-back for "Inside the optimizers" (default true). */
  inside?: boolean;
}

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

/**
 * Read-backs happen every readbackIntervalMs, and also at least this often per epoch
 * however fast the machine: the live curve always has this many points inside each
 * epoch, so it visibly moves before the epoch's first test point exists.
 */
export const MIN_PROGRESS_PER_EPOCH = 20;

export function hasCollapsed(recentLosses: readonly number[]): boolean {
  return recentLosses.length >= COLLAPSE_WINDOW && recentLosses.reduce((a, b) => a + b, 0) / recentLosses.length > COLLAPSE_LOSS;
}

/**
 * Pulls many pending values to the host in one transfer (at most one per read-back):
 * each [loss, correct] (or [loss sum, correct]), a sampled step's figures after them.
 */
async function readValues(pending: readonly PendingValues[], read: (tensor: tf.Tensor) => Promise<ArrayLike<number>>): Promise<Float64Array[]> {
  const onDevice = pending.filter((p): p is tf.Tensor1D => p instanceof tf.Tensor);
  let deviceValues: ArrayLike<number> = [];
  if (onDevice.length) {
    const stacked = tf.concat(onDevice);
    try {
      deviceValues = await read(stacked);
    } finally {
      stacked.dispose();
    }
  }
  let fromDevice = 0;
  return pending.map((p) => {
    if (!(p instanceof tf.Tensor)) return p;
    const values = Float64Array.from({ length: p.size }, (_, i) => deviceValues[fromDevice + i]);
    fromDevice += p.size;
    return values;
  });
}

const disposePending = (pending: readonly PendingValues[]) => tf.dispose(pending.filter((p): p is tf.Tensor1D => p instanceof tf.Tensor));

/** The trainer's bookkeeping for one optimizer, whichever engine computes it. */
class OptimizerRun {
  status: RunStatus = 'training';
  /** One [loss, correct] per batch since the last read-back; a sampled step's carries its figures and where it was. */
  pending: { batch: number; size: number; values: PendingValues; sampled?: Pick<InsideSample, 'position' | 'seconds'> }[] = [];
  /** The next step is sampled (the first after each read-back). */
  sampleNext = true;
  epochLossSum = 0;
  epochCorrect = 0;
  epochSamples = 0;
  epochSeconds = 0;
  /** Seconds of the finished epochs (what the epochs' `seconds` add up to). */
  secondsBefore = 0;
  /** The latest per-batch losses, oldest first, for the collapse test. */
  recentLosses: number[] = [];

  constructor(
    readonly id: string,
    /** The engine of its seed, and its run number there. */
    readonly engine: TrainingEngine,
    readonly index: number,
  ) {}

  resetEpoch() {
    this.epochLossSum = 0;
    this.epochCorrect = 0;
    this.epochSamples = 0;
    this.epochSeconds = 0;
  }

  dropPending() {
    disposePending(this.pending.map((p) => p.values));
    this.pending = [];
  }
}

export type TrainingOutcome = 'done' | 'stopped';

/** What an engine is built from: the network, the batch size and one run per contestant of one seed. */
export function enginePlan(config: ExperimentConfig, contestants: readonly Contestant[]): EnginePlan {
  return {
    network: config.network,
    batchSize: config.batchSize,
    runs: contestants.map(({ optimizer, hyperparameters, schedule }) => ({ optimizer, hyperparameters, schedule })),
  };
}

/** The trainings of one seed: one engine, one batch order, the same initial weights. */
interface SeedGroup {
  seedOffset: number;
  contestants: Contestant[];
}

/** Groups trainings by seed, in seed order, each group's contestants in the order given. */
function seedGroups(trainings: readonly Training[]): SeedGroup[] {
  const groups = new Map<number, SeedGroup>();
  for (const { contestant, seedOffset } of trainings) {
    const group = groups.get(seedOffset) ?? { seedOffset, contestants: [] };
    group.contestants.push(contestant);
    groups.set(seedOffset, group);
  }
  return [...groups.values()].sort((a, b) => a.seedOffset - b.seedOffset);
}

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
  const settle = <T>(pending: Promise<T>): Promise<T> => (control.deviceLost ? Promise.race([pending, control.deviceLost]) : pending);
  const read = (tensor: tf.Tensor) => settle(tensor.data());
  const trainings = options.trainings ?? experimentTrainings(config);
  if (!trainings.length) throw new InvalidExperimentError(['Nothing to train.']);
  const groups: (SeedGroup & { engine: TrainingEngine; runs: OptimizerRun[]; shuffle: ReturnType<typeof createRandom> })[] = [];
  try {
    for (const group of seedGroups(trainings)) {
      const seed = trainingSeed(config.seed, group.seedOffset);
      const initial = initialWeights(seed, config.network);
      const plan = enginePlan(config, group.contestants);
      const engine = options.engine ? await options.engine(data, plan, initial) : createTfjsEngine(data, plan, initial, options.gradients ?? 'dense');
      const runs = group.contestants.map((contestant, index) => new OptimizerRun(trainingId(contestantKey(contestant), group.seedOffset), engine, index));
      groups.push({ ...group, engine, runs, shuffle: createRandom(seed, RandomStream.shuffle) });
      for (const run of runs) options.observer?.initialWeights?.(run.id, initial.map((w) => w.slice()));
    }
  } catch (error) {
    for (const group of groups) group.engine.dispose();
    throw error;
  }
  const runs = groups.flatMap((group) => group.runs);
  for (const run of runs) run.sampleNext = options.inside !== false;
  const retire = (run: OptimizerRun) => {
    run.dropPending();
    run.engine.release(run.index);
  };
  const totalBatches = batchesPerEpoch(config);
  const readbackEvery = Math.max(1, Math.ceil(totalBatches / (options.minProgressPerEpoch ?? MIN_PROGRESS_PER_EPOCH)));
  const active = () => runs.filter((r) => r.status === 'training');
  for (const run of runs) events.runStatus(run.id, 'training');

  /**
   * Pulls every pending per-batch loss from the device in one transfer; marks diverged
   * runs. Returns each healthy run's mean loss and accuracy over the batches read.
   */
  const layerCount = config.network.hiddenLayers.length + 1;
  const readBack = async (epoch: number): Promise<Pick<TrainingProgress, 'live' | 'inside'>> => {
    const live: TrainingProgress['live'] = {};
    const inside: NonNullable<TrainingProgress['inside']> = {};
    for (const run of runs) run.sampleNext = options.inside !== false;
    const withPending = runs.filter((r) => r.pending.length);
    if (!withPending.length) return { live };
    const started = performance.now();
    const values = await readValues(withPending.flatMap((r) => r.pending.map((p) => p.values)), read);
    const share = (performance.now() - started) / 1000 / withPending.length;
    let offset = 0;
    for (const run of withPending) {
      run.epochSeconds += share;
      let windowLoss = 0;
      let windowCorrect = 0;
      let windowSamples = 0;
      for (const p of run.pending) {
        const read = values[offset++];
        const loss = read[0];
        const correct = read[1];
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
        if (p.sampled && read.length > 2) inside[run.id] = { ...p.sampled, ...unflattenInside(read.subarray(2), layerCount) };
      }
      if (run.status === 'diverged') {
        retire(run);
        continue;
      }
      run.dropPending();
      if (windowSamples) live[run.id] = { trainLoss: windowLoss / windowSamples, trainAccuracy: windowCorrect / windowSamples, seconds: run.secondsBefore + run.epochSeconds };
    }
    return Object.keys(inside).length ? { live, inside } : { live };
  };

  let outcome: TrainingOutcome = 'done';
  // A run still marked 'training' after an exception ends as stopped, not done.
  let completed = false;
  try {
    epochs: for (let epoch = 1; epoch <= config.epochs; epoch++) {
      for (const run of active()) run.resetEpoch();
      // Every seed shuffles every epoch, even one whose runs all diverged, as a one-seed run of it would.
      const batchesOf = groups.map((group) => batchRanges(shuffledIndices(config.trainExamples, group.shuffle), config.batchSize));
      let batch = 0;
      let lastReadback = performance.now();
      let windowStart = lastReadback;
      let windowSamples = 0;
      /** Reads back what is pending and reports it (the live points, the progress line). */
      const report = async (at: number) => {
        const { live, inside } = await readBack(epoch);
        const after = performance.now();
        events.progress({
          epoch,
          epochs: config.epochs,
          batch: at,
          batchesPerEpoch: totalBatches,
          samplesPerSecond: windowSamples / Math.max((after - windowStart) / 1000, 1e-6),
          activeRuns: active().length,
          position: epoch - 1 + at / totalBatches,
          live,
          ...(inside ? { inside } : {}),
        });
        windowStart = after;
        windowSamples = 0;
      };
      while (batch < totalBatches) {
        const current = active();
        if (!current.length) break epochs;
        if (control.pacing) {
          // Paused: show everything up to here, then wait (weights and slots stay as they are).
          if (control.pacing.paused() && active().some((r) => r.pending.length)) await report(batch);
          const waitStarted = performance.now();
          await control.pacing.next();
          // Time spent paused or slowed is not training time.
          windowStart += performance.now() - waitStarted;
          if (control.stopRequested()) {
            outcome = 'stopped';
            break epochs;
          }
        }
        batch += 1;
        groups.forEach((group, g) => {
          const indices: Uint32Array = batchesOf[g].next().value!;
          const stepping = group.runs.filter((run) => run.status === 'training');
          if (!stepping.length) return;
          group.engine.loadBatch(indices);
          for (const run of stepping) {
            const started = performance.now();
            const sample = run.sampleNext;
            run.sampleNext = false;
            const values = group.engine.step(run.index, sample);
            run.epochSeconds += (performance.now() - started) / 1000;
            const sampled = sample ? { position: epoch - 1 + batch / totalBatches, seconds: run.secondsBefore + run.epochSeconds } : undefined;
            run.pending.push({ batch, size: indices.length, values, ...(sampled ? { sampled } : {}) });
            options.observer?.step?.(run.id, epoch, batch, indices);
          }
          windowSamples += indices.length * stepping.length;
        });

        const now = performance.now();
        if (now - lastReadback >= readbackIntervalMs || batch % readbackEvery === 0 || batch === totalBatches || control.pacing?.reportEveryBatch()) {
          await report(batch);
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
      const evalStarted = performance.now();
      // Each seed's engine evaluates its own runs together (shared work once per engine), in the order of `finishing`.
      const evaluations = groups.flatMap((group) => {
        const indices = finishing.filter((run) => run.engine === group.engine).map((run) => run.index);
        return indices.length ? group.engine.evaluate(indices) : [];
      });
      const evalShare = (performance.now() - evalStarted) / 1000 / finishing.length;
      const readStarted = performance.now();
      let values: Float64Array[];
      try {
        values = await readValues(evaluations, read);
      } finally {
        disposePending(evaluations);
      }
      const readShare = (performance.now() - readStarted) / 1000 / finishing.length;
      finishing.forEach((run, i) => {
        const seconds = run.epochSeconds + evalShare + readShare;
        run.secondsBefore += seconds;
        const testLoss = values[i][0] / data.test.count;
        if (!Number.isFinite(testLoss)) {
          run.status = 'diverged';
          events.runStatus(run.id, 'diverged', { epoch, batch: totalBatches });
          retire(run);
          return;
        }
        events.epochEnd(run.id, {
          epoch,
          trainLoss: run.epochLossSum / run.epochSamples,
          trainAccuracy: run.epochCorrect / run.epochSamples,
          testLoss,
          testAccuracy: values[i][1] / data.test.count,
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
    try {
      // Only after a clean end: after an exception (a lost device) the weights may be unreadable.
      if (completed && events.finalWeights) {
        for (const run of runs) {
          if (run.status === 'training') events.finalWeights(run.id, await settle(run.engine.weights(run.index)));
        }
      }
    } finally {
      for (const run of runs) {
        if (run.status === 'training') {
          run.status = completed && outcome === 'done' ? 'done' : 'stopped';
          events.runStatus(run.id, run.status);
        }
        run.dropPending();
      }
      for (const group of groups) group.engine.dispose();
    }
  }
  return outcome;
}
