/**
 * Test helpers for the wasm kernel: the tfjs path it must agree with (the
 * trainer's hand-written gradients plus the update rules, on the cpu backend),
 * networks of any hidden width, dense synthetic data and the error measure.
 */
import * as tf from '@tensorflow/tfjs';
import { IMAGE_SIZE, NUM_CLASSES } from '../data/manifest';
import type { SplitData } from '../data/shardLoader';
import type { Activation } from '../experiment/network';
import type { OptimizerId } from '../experiment/optimizers';
import type { ParameterValues } from '../experiment/parameters';
import { gatherBatch, toTensors } from '../train/batches';
import { denseLossAndGradients } from '../train/denseGradients';
import { countCorrect, crossEntropySum, predict } from '../train/network';
import { applyStep, UPDATE_RULES } from '../train/optimizers';
import type { ScheduleSettings } from '../experiment/schedules';
import { createRandom } from '../train/random';

export const shapesFor = (hidden: number): number[][] => shapesOf([hidden]);

/** Keras-order shapes of a network with these hidden widths (784 inputs, 10 outputs). */
export function shapesOf(hiddenLayers: readonly number[]): number[][] {
  const widths = [...hiddenLayers, NUM_CLASSES];
  return widths.flatMap((fanOut, i) => [[i === 0 ? IMAGE_SIZE : widths[i - 1], fanOut], [fanOut]]);
}

/** The shapes of Keras-order weights, read off their sizes: each bias gives its layer's width. */
function shapesFromWeights(weights: readonly ArrayLike<number>[]): number[][] {
  return shapesOf(weights.filter((_, i) => i % 2 === 1 && i < weights.length - 1).map((b) => b.length));
}

/**
 * Glorot-uniform kernels and small nonzero biases (so bias handling is exercised):
 * one hidden layer of `hidden` units, or any hidden widths.
 */
export function randomWeights(seed: number, hidden: number | readonly number[]): Float32Array[] {
  const random = createRandom(seed, 7);
  return shapesOf(typeof hidden === 'number' ? [hidden] : hidden).map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const limit = shape.length === 2 ? Math.sqrt(6 / (shape[0] + shape[1])) : 0.05;
    return Float32Array.from({ length: n }, () => (2 * random.next() - 1) * limit);
  });
}

/** Synthetic images with about `density` of the pixels nonzero, and random labels. */
export function syntheticSplit(count: number, density: number, seed: number): SplitData {
  const random = createRandom(seed, 11);
  const images = Uint8Array.from({ length: count * IMAGE_SIZE }, () => (random.next() < density ? 1 + random.int(255) : 0));
  const labels = Uint8Array.from({ length: count }, () => random.int(NUM_CLASSES));
  return { count, images, labels };
}

export interface Trajectory {
  losses: number[];
  correct: number[];
  weights: Float32Array[];
}

/** Trains with the tfjs path (as trainer.ts does per run) on the given batches; the network's shape is read off `initial`. */
export function tfjsTrajectory(
  optimizer: OptimizerId,
  params: ParameterValues,
  initial: readonly Float32Array[],
  split: SplitData,
  batches: readonly ArrayLike<number>[],
  activation: Activation = 'relu',
  schedule?: ScheduleSettings,
): Trajectory {
  const rule = UPDATE_RULES[optimizer];
  const shapes = shapesFromWeights(initial);
  let weights = initial.map((values, i) => tf.tensor(values, shapes[i]));
  let slots = shapes.map((shape) => Object.fromEntries(Object.entries(rule.slots(params)).map(([name, value]) => [name, tf.fill(shape, value)])));
  const losses: number[] = [];
  const correct: number[] = [];
  batches.forEach((indices, step) => {
    const batch = toTensors(gatherBatch(split, indices));
    const [loss, right, ...gradients] = tf.tidy(() => {
      const r = denseLossAndGradients(weights, batch.images, batch.oneHot, batch.labels, activation);
      return [r.loss, r.correct, ...r.gradients];
    });
    losses.push(loss.dataSync()[0]);
    correct.push(right.dataSync()[0]);
    const next = applyStep(rule, weights, gradients, slots, step + 1, params, schedule);
    tf.dispose([loss, right, ...gradients, ...weights, ...slots.flatMap((s) => Object.values(s)), batch.images, batch.oneHot, batch.labels]);
    ({ weights, slots } = next);
  });
  const result = { losses, correct, weights: weights.map((w) => w.dataSync() as Float32Array) };
  tf.dispose([...weights, ...slots.flatMap((s) => Object.values(s))]);
  return result;
}

/** Loss sum and correct count over a split, as trainer.ts evaluates the test set. */
export function tfjsEvaluate(weights: readonly Float32Array[], split: SplitData, activation: Activation = 'relu'): { lossSum: number; correct: number } {
  const shapes = shapesFromWeights(weights);
  const params = weights.map((values, i) => tf.tensor(values, shapes[i]));
  const batch = toTensors(gatherBatch(split, Array.from({ length: split.count }, (_, i) => i)));
  const [lossSum, correct] = tf.tidy(() => {
    const p = predict(params, batch.images, activation);
    return [crossEntropySum(p, batch.oneHot).dataSync()[0], countCorrect(p, batch.labels).dataSync()[0]];
  });
  tf.dispose([...params, batch.images, batch.oneHot, batch.labels]);
  return { lossSum, correct };
}

/**
 * ||a - b|| / ||b||. Norm-wise rather than element-wise: an element that is
 * itself the small difference of large terms (a gradient summed in another order,
 * an Adam step where sqrt(v) is near epsilon) carries a large relative error
 * of its own while the tensor as a whole agrees to float32 rounding.
 */
export function normRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff) / Math.sqrt(norm);
}

export const relativeError = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
