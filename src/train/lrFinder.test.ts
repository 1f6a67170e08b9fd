/**
 * The learning-rate sweep on the wasm kernel in Node, on 2,000 real MNIST images:
 * it follows the sweep's rates, stops where the loss blows up, starts from the
 * seed's weights (its first loss is a training run's first loss) and can be cancelled.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { MnistData } from '../data/shardLoader';
import { RATE_FINDER, suggestRate, type RateFinderPoint } from '../experiment/lrFinder';
import { experimentWith } from '../testing/experiments';
import { loadKernel } from '../testing/kernelNode';
import { loadRealMnist } from '../testing/realMnist';
import type { EngineFactory } from './engine';
import { kernelEngine } from './kernelEngine';
import { findLearningRate } from './lrFinder';
import { trainExperiment, type TrainingProgress } from './trainer';

let data: MnistData;
let engine: EngineFactory;

beforeAll(async () => {
  data = loadRealMnist(2000, 300);
  engine = kernelEngine(await loadKernel('simd'));
});

const config = experimentWith({ optimizers: ['adam'], trainExamples: 2000, batchSize: 32, epochs: 1 });
const control = (reports: RateFinderPoint[][], cancelAfter = Infinity) => ({
  cancelled: () => reports.flat().length >= cancelAfter,
  yieldToEventLoop: () => Promise.resolve(),
  report: (points: readonly RateFinderPoint[]) => void reports.push([...points]),
});

describe('findLearningRate (kernel engine)', () => {
  it('sweeps Adam from 1e-7 upwards, one point a batch, and stops once the loss blows up', async () => {
    const reports: RateFinderPoint[][] = [];
    const { points, end } = await findLearningRate(data, config, 'adam', control(reports), engine);
    expect(end).toBe('divergence');
    expect(points.length).toBeGreaterThan(100);
    expect(points.length).toBeLessThan(RATE_FINDER.steps);
    expect(points[0].rate).toBe(1e-7);
    points.forEach((p, i) => i > 0 && expect(p.rate).toBeGreaterThan(points[i - 1].rate));
    // Reported in chunks that add up to every point.
    expect(reports.flat()).toEqual(points);
    // The loss at tiny rates is the untrained network's (~2.3); the best smoothed loss is far below it.
    expect(points[0].loss).toBeGreaterThan(2);
    expect(Math.min(...points.map((p) => p.smoothed))).toBeLessThan(1.5);
    const suggestion = suggestRate(points)!;
    // Adam's usual range: between 1e-4 and 1e-1 on this network.
    expect(suggestion.rate).toBeGreaterThan(1e-4);
    expect(suggestion.rate).toBeLessThan(1e-1);
  });

  it("starts from the seed's initial weights and batches: its first loss is a training run's first loss", async () => {
    const { points } = await findLearningRate(data, config, 'adam', control([], 10), engine);
    let first: number | undefined;
    await trainExperiment(
      data,
      config,
      { runStatus: () => {}, epochEnd: () => {}, progress: (p: TrainingProgress) => (first ??= p.live.adam?.trainLoss) },
      { stopRequested: () => first !== undefined, yieldToEventLoop: () => Promise.resolve(), pacing: { paused: () => false, next: async () => {}, reportEveryBatch: () => true } },
      { engine },
    ).catch(() => {});
    expect(first).toBeDefined();
    expect(points[0].loss).toBeCloseTo(first!, 5);
  });

  it('stops when cancelled, keeping the points so far', async () => {
    const { points, end } = await findLearningRate(data, config, 'adam', control([], 30), engine);
    expect(end).toBe('cancelled');
    expect(points).toHaveLength(30);
  });
});
