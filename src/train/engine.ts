/**
 * What the trainer asks of an engine (tfjs tensors or the fused kernel), and what
 * an engine is built from. The trainer owns the lockstep schedule, read-backs,
 * divergence and events; an engine owns weights, optimizer slots and batches.
 */
import type * as tf from '@tensorflow/tfjs';
import type { MnistData } from '../data/shardLoader';
import type { NetworkSettings } from '../experiment/network';
import type { OptimizerId } from '../experiment/optimizers';
import type { ParameterValues } from '../experiment/parameters';
import type { ScheduleSettings } from '../experiment/schedules';

/** One optimizer run: which rule, with which hyperparameters (the shared knobs among them) and learning-rate schedule. */
export interface RunSpec {
  optimizer: OptimizerId;
  hyperparameters: ParameterValues;
  /** Absent: a constant learning rate. */
  schedule?: ScheduleSettings;
}

/** Everything an engine needs to lay itself out; runs are numbered in this order. */
export interface EnginePlan {
  network: NetworkSettings;
  /** The largest batch loadBatch will be given. */
  batchSize: number;
  runs: readonly RunSpec[];
}

/**
 * Loss and correct count (of a step or of an evaluation): still on the device (tfjs,
 * read back later in one transfer) or already on the host (the wasm kernel).
 */
export type PendingValues = tf.Tensor1D | Float64Array;

export interface TrainingEngine {
  /** Makes the examples at `indices` the current batch of every run. */
  loadBatch(indices: Uint32Array): void;
  /**
   * One optimizer step of `run` on the current batch: [mean loss, correct count] before the update.
   * A sampled step (`sample`, the panel's "Inside the optimizers") appends its figures,
   * flattenInside's (experiment/optimizerInsides.ts): the learning rate, then per Dense layer
   * ‖g‖, ‖Δw‖, ‖w‖ and each slot's summary; a plain step computes none of them.
   */
  step(run: number, sample?: boolean): PendingValues;
  /** [loss sum, correct count] over the whole test set, for each of `runs` (together, so shared work is done once). */
  evaluate(runs: readonly number[]): PendingValues[];
  /**
   * A copy of one run's current weights in Keras order: kernel [fanIn, fanOut]
   * row-major, then bias, layer by layer (what the worker keeps for evaluation).
   */
  weights(run: number): Promise<Float32Array[]>;
  /** Frees one run's memory early (it diverged). */
  release(run: number): void;
  dispose(): void;
}

/** Builds an engine whose every run starts from `initial` (Keras order: kernel then bias, layer by layer). */
export type EngineFactory = (data: MnistData, plan: EnginePlan, initial: readonly Float32Array[]) => Promise<TrainingEngine>;
