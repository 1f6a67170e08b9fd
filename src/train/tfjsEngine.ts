/**
 * The tfjs engine: each run's weights and optimizer slots are tfjs variables on the
 * current backend (WebGL, wasm or cpu); gradients come from the hand-written
 * backward pass (fast) or from tf.variableGrads (the reference).
 */
import * as tf from '@tensorflow/tfjs';
import type { ParameterValues } from '../experiment/parameters';
import type { MnistData } from '../data/shardLoader';
import { gatherBatch, toTensors, type BatchTensors } from './batches';
import { autodiffLossAndGradients, denseLossAndGradients } from './denseGradients';
import type { EnginePlan, RunSpec, TrainingEngine } from './engine';
import type { Activation } from '../experiment/network';
import { countCorrect, crossEntropySum, parameterShapes, predict, type LayerShape } from './network';
import type { ScheduleSettings } from '../experiment/schedules';
import { learningRateAt } from '../experiment/schedules';
import { insideSlots, type InsideSlot, type SlotSummary } from '../experiment/optimizerInsides';
import { applyStep, UPDATE_RULES, type Slots, type UpdateRule } from './optimizers';

/** 'dense': the hand-written backward pass (fast); 'autodiff': tf.variableGrads (the reference). */
export type GradientMethod = 'dense' | 'autodiff';

const EVAL_CHUNK = 1000;

/** A slot summary's per-element terms, summed; finished per layer (mean, or root for the norm). */
const SUMMARY_TERMS: Record<SlotSummary, (s: tf.Tensor) => tf.Tensor> = {
  mean: (s) => tf.sum(s),
  meanAbs: (s) => tf.sum(tf.abs(s)),
  meanSqrt: (s) => tf.sum(tf.sqrt(s)),
  norm: (s) => tf.sum(tf.square(s)),
};

/**
 * A sampled step's figures as one tensor, flattenInside's order (experiment/optimizerInsides.ts):
 * per Dense layer (kernel and bias together) ‖g‖, ‖Δw‖, ‖w‖ and each slot's summary. Stays on
 * the device, read back with the losses.
 */
function insideFigures(learningRate: number, before: readonly tf.Tensor[], after: readonly tf.Tensor[], gradients: readonly tf.Tensor[], slots: readonly Slots[], described: readonly InsideSlot[]): tf.Tensor1D {
  const squares = (t: tf.Tensor) => tf.sum(tf.square(t));
  const figures: tf.Tensor[] = [tf.scalar(learningRate)];
  for (let k = 0; k < before.length; k += 2) {
    const layer = [k, k + 1];
    const both = (term: (i: number) => tf.Tensor) => tf.add(term(k), term(k + 1));
    const count = layer.reduce((n, i) => n + before[i].size, 0);
    figures.push(tf.sqrt(both((i) => squares(gradients[i]))), tf.sqrt(both((i) => squares(tf.sub(after[i], before[i])))), tf.sqrt(both((i) => squares(before[i]))));
    for (const { name, summary } of described) {
      const sum = both((i) => SUMMARY_TERMS[summary](slots[i][name]));
      figures.push(summary === 'norm' ? tf.sqrt(sum) : tf.div(sum, count));
    }
  }
  return tf.stack(figures) as tf.Tensor1D;
}

/** One optimizer's weights and slots as tfjs variables. */
class TfjsRun {
  readonly weights: tf.Variable[];
  readonly slots: Record<string, tf.Variable>[];
  private readonly rule: UpdateRule;
  private readonly params: ParameterValues;
  private readonly schedule: ScheduleSettings | undefined;
  private readonly insideSlots: InsideSlot[];
  private stepCount = 0;

  constructor(
    { optimizer, hyperparameters, schedule }: RunSpec,
    initial: readonly Float32Array[],
    shapes: readonly LayerShape[],
    private readonly activation: Activation,
  ) {
    this.params = hyperparameters;
    this.schedule = schedule;
    this.rule = UPDATE_RULES[optimizer];
    this.insideSlots = insideSlots(optimizer, hyperparameters);
    // From a copy of the shared initial values: no run can disturb another's start.
    // tf.variable shares its initial tensor's data; the tidy releases that tensor's handle.
    this.weights = initial.map((values, i) => tf.tidy(() => tf.variable(tf.tensor(values, shapes[i].shape), true)));
    const slotInit = this.rule.slots(hyperparameters);
    this.slots = shapes.map(({ shape }) =>
      Object.fromEntries(
        Object.entries(slotInit).map(([name, value]) => [name, tf.tidy(() => tf.variable(tf.fill(shape, value), false))]),
      ),
    );
  }

  /** [loss, correct], and on a sampled step the inside figures after them. */
  train(batch: BatchTensors, method: GradientMethod, sample = false): tf.Tensor1D {
    this.stepCount += 1;
    return tf.tidy(() => {
      const { images, oneHot, labels } = batch;
      const { loss, correct, gradients } =
        method === 'autodiff'
          ? autodiffLossAndGradients(this.weights, images, oneHot, labels, (params, x) => predict(params, x, this.activation))
          : denseLossAndGradients(this.weights, images, oneHot, labels, this.activation);
      const next = applyStep(this.rule, this.weights, gradients, this.slots, this.stepCount, this.params, this.schedule);
      const inside = sample
        ? insideFigures(learningRateAt(this.schedule, this.params.learningRate as number, this.stepCount - 1), this.weights, next.weights, gradients, next.slots, this.insideSlots)
        : undefined;
      this.weights.forEach((weight, i) => {
        weight.assign(next.weights[i]);
        for (const [name, slot] of Object.entries(next.slots[i])) this.slots[i][name].assign(slot);
      });
      const values = tf.stack([loss, correct]) as tf.Tensor1D;
      return inside ? tf.concat([values, inside]) : values;
    });
  }

  dispose() {
    tf.dispose(this.weights);
    for (const slots of this.slots) tf.dispose(Object.values(slots));
  }
}

/** tfjs on its current backend (WebGL, wasm or cpu), with hand-written or automatic gradients. */
export function createTfjsEngine(data: MnistData, plan: EnginePlan, initial: readonly Float32Array[], method: GradientMethod): TrainingEngine {
  const shapes = parameterShapes(plan.network);
  if (initial.length !== shapes.length || initial.some((values, i) => values.length !== shapes[i].shape.reduce((a, b) => a * b, 1))) {
    throw new Error(`Expected initial weights of shapes ${shapes.map((s) => s.shape.join('x')).join(', ')}.`);
  }
  const { activation } = plan.network;
  const runs: (TfjsRun | undefined)[] = plan.runs.map((spec) => new TfjsRun(spec, initial, shapes, activation));
  const testChunks: BatchTensors[] = [];
  for (let start = 0; start < data.test.count; start += EVAL_CHUNK) {
    const size = Math.min(EVAL_CHUNK, data.test.count - start);
    testChunks.push(toTensors(gatherBatch(data.test, Array.from({ length: size }, (_, i) => start + i))));
  }
  let batch: BatchTensors | undefined;
  const disposeBatch = (b: BatchTensors | undefined) => b && tf.dispose([b.images, b.oneHot, b.labels]);
  const evaluateRun = (run: number): tf.Tensor1D =>
    tf.tidy(() => {
      let lossSum: tf.Tensor = tf.scalar(0);
      let correct: tf.Tensor = tf.scalar(0);
      for (const chunk of testChunks) {
        const probabilities = predict(runs[run]!.weights, chunk.images, activation);
        lossSum = tf.add(lossSum, crossEntropySum(probabilities, chunk.oneHot));
        correct = tf.add(correct, countCorrect(probabilities, chunk.labels));
      }
      return tf.stack([lossSum, correct]) as tf.Tensor1D;
    });
  return {
    loadBatch(indices) {
      disposeBatch(batch);
      batch = toTensors(gatherBatch(data.train, indices));
    },
    step: (run, sample) => runs[run]!.train(batch!, method, sample),
    evaluate: (indices) => indices.map(evaluateRun),
    async weights(run) {
      const live = runs[run];
      if (!live) throw new Error(`Run ${run} was released; its weights are gone.`);
      // Copies: a backend may hand back its own buffer, which the next assign or dispose reuses.
      const values = await Promise.all(live.weights.map((w) => w.data<'float32'>()));
      return values.map((v) => Float32Array.from(v));
    },
    release(run) {
      runs[run]?.dispose();
      runs[run] = undefined;
    },
    dispose() {
      runs.forEach((_, i) => this.release(i));
      disposeBatch(batch);
      batch = undefined;
      for (const chunk of testChunks) disposeBatch(chunk);
    },
  };
}
