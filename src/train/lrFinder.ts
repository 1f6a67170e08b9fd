/**
 * The learning-rate range test in the worker (experiment/lrFinder.ts has the rule):
 * one contestant, from the seed's initial weights and batch order, with its own
 * hyperparameters, knobs and the sweep as its schedule, on the engine the training
 * uses. One read-back per batch (at most 300), reported in chunks.
 */
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../experiment/config';
import { contestantKey } from '../experiment/contestants';
import { addRatePoint, RATE_FINDER, sweepSchedule, type RateFinderPoint } from '../experiment/lrFinder';
import { learningRateAt } from '../experiment/schedules';
import type { MnistData } from '../data/shardLoader';
import { batchRanges } from './batches';
import type { EngineFactory, EnginePlan } from './engine';
import { initialWeights } from './network';
import { createRandom, RandomStream, shuffledIndices } from './random';
import { createTfjsEngine } from './tfjsEngine';

export type RateFinderEnd = 'end' | 'divergence' | 'cancelled';

export interface RateFinderControl {
  cancelled(): boolean;
  yieldToEventLoop(): Promise<void>;
  /** New points since the last call (every few batches, and at the end). */
  report(points: readonly RateFinderPoint[]): void;
}

/** How often, in batches, the points so far are reported (and a Cancel can get in). */
const REPORT_EVERY = 10;

export async function findLearningRate(data: MnistData, config: ExperimentConfig, contestant: string, control: RateFinderControl, engineFactory?: EngineFactory): Promise<{ points: RateFinderPoint[]; end: RateFinderEnd }> {
  const found = config.contestants.find((c) => contestantKey(c) === contestant);
  if (!found) throw new Error(`There is no contestant "${contestant}" to find a rate for.`);
  const steps = RATE_FINDER.steps;
  const sweep = sweepSchedule(steps);
  const plan: EnginePlan = {
    network: config.network,
    batchSize: config.batchSize,
    runs: [{ optimizer: found.optimizer, hyperparameters: { ...found.hyperparameters, learningRate: sweep.learningRate }, schedule: sweep.schedule }],
  };
  const engine = engineFactory ? await engineFactory(data, plan, initialWeights(config.seed, config.network)) : createTfjsEngine(data, plan, initialWeights(config.seed, config.network), 'dense');
  const points: RateFinderPoint[] = [];
  let reported = 0;
  const flush = () => {
    if (points.length > reported) control.report(points.slice(reported));
    reported = points.length;
  };
  const state = { average: 0, best: Infinity };
  const shuffle = createRandom(config.seed, RandomStream.shuffle);
  let step = 0;
  let end: RateFinderEnd = 'end';
  try {
    sweep: while (step < steps) {
      // The same batches as a training run of this seed: pass after pass of its shuffles.
      for (const indices of batchRanges(shuffledIndices(config.trainExamples, shuffle), config.batchSize)) {
        if (step === steps) break sweep;
        engine.loadBatch(indices);
        const pending = engine.step(0);
        let loss: number;
        if (pending instanceof tf.Tensor) {
          loss = (await pending.data())[0];
          pending.dispose();
        } else loss = pending[0];
        const rate = learningRateAt(sweep.schedule, sweep.learningRate, step);
        step += 1;
        if (addRatePoint(points, rate, loss, state)) {
          end = 'divergence';
          break sweep;
        }
        if (step % REPORT_EVERY === 0) {
          flush();
          await control.yieldToEventLoop();
          if (control.cancelled()) {
            end = 'cancelled';
            break sweep;
          }
        }
      }
    }
  } finally {
    engine.dispose();
  }
  flush();
  return { points, end };
}
