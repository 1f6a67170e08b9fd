/**
 * The landscape between the runs against the run's own numbers: its ends are the losses
 * the evaluation code computes from the initial and the final weights on the same
 * examples (and, on the test set, the run's final test loss), every point is the loss
 * of the interpolated weights themselves, and the slice's three marked points are the
 * line's ends.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { MnistData, SplitData } from '../data/shardLoader';
import { LINE_ALPHAS, SLICE_COORDINATES } from '../experiment/landscape';
import type { EpochMetrics } from '../experiment/metrics';
import { experimentWith } from '../testing/experiments';
import { relativeError } from '../testing/kernelFixtures';
import { loadKernel } from '../testing/kernelNode';
import { loadRealMnist } from '../testing/realMnist';
import type { EngineFactory } from './engine';
import { CpuNetwork, evaluateSplit } from './evaluation';
import { kernelEngine } from './kernelEngine';
import { planeLosses, type LandscapeControl } from './landscape';
import { initialWeights } from './network';
import { trainExperiment } from './trainer';

let data: MnistData;
let kernel: EngineFactory;
const config = experimentWith({ trainExamples: 1000, batchSize: 100, epochs: 1, optimizers: ['adam', 'sgd'] });
const final = new Map<string, Float32Array[]>();
const metrics = new Map<string, EpochMetrics>();
let initial: Float32Array[];

const control: LandscapeControl = { stopRequested: () => false, yieldToEventLoop: async () => {} };
/** The first `count` examples of a split, as the landscape reads them. */
const firstOf = (split: SplitData, count: number): SplitData => ({ count, images: split.images.subarray(0, count * 784), labels: split.labels.subarray(0, count) });
const meanLoss = (weights: readonly Float32Array[], split: SplitData) => evaluateSplit(new CpuNetwork(config.network, weights), split).lossSum / split.count;

beforeAll(async () => {
  data = loadRealMnist(1000, 300);
  kernel = kernelEngine(await loadKernel('simd'));
  await trainExperiment(
    data,
    config,
    { runStatus: () => {}, epochEnd: (id, m) => metrics.set(id, m), progress: () => {}, finalWeights: (id, w) => final.set(id, w) },
    { stopRequested: () => false, yieldToEventLoop: async () => {} },
    { readbackIntervalMs: 0, engine: kernel },
  );
  initial = initialWeights(config.seed, config.network);
});

describe('the line from the initial weights to a contestant', () => {
  const line = (ends: Float32Array[][], split: SplitData, count: number) =>
    planeLosses(config.network, initial, ends, LINE_ALPHAS.map((a) => [a]), split, count, control).then((l) => l!);

  it('starts at the loss of the initial weights and ends at that of the final weights, on the same examples', async () => {
    const count = 250;
    const losses = await line([final.get('adam')!], data.train, count);
    expect(losses).toHaveLength(61);
    expect(LINE_ALPHAS[10]).toBe(0);
    expect(LINE_ALPHAS[50]).toBe(1);
    expect(relativeError(losses[10], meanLoss(initial, firstOf(data.train, count)))).toBeLessThan(1e-12);
    expect(relativeError(losses[50], meanLoss(final.get('adam')!, firstOf(data.train, count)))).toBeLessThan(1e-12);
    // Training lowered the loss: the line falls from α = 0 to α = 1.
    expect(losses[50]).toBeLessThan(losses[10] * 0.8);
  });

  it('ends, on the test set, at the run\'s own final test loss', async () => {
    for (const key of ['adam', 'sgd']) {
      const losses = await line([final.get(key)!], data.test, data.test.count);
      expect(relativeError(losses[50], metrics.get(key)!.testLoss), key).toBeLessThan(1e-5);
    }
  });

  it('is the loss of the linearly interpolated weights at every α', async () => {
    const end = final.get('sgd')!;
    const split = firstOf(data.train, 120);
    const losses = await line([end], split, split.count);
    for (const k of [0, 7, 24, 37, 60]) {
      const alpha = LINE_ALPHAS[k];
      const weights = initial.map((w0, i) => Float32Array.from(w0, (v, j) => v + alpha * (end[i][j] - v)));
      expect(relativeError(losses[k], meanLoss(weights, split)), `α = ${alpha}`).toBeLessThan(1e-6);
    }
  });

  it('gives each contestant of one call the line it would get alone', async () => {
    const ends = [final.get('adam')!, final.get('sgd')!];
    const points = ends.flatMap((_, j) => LINE_ALPHAS.map((a) => ends.map((__, i) => (i === j ? a : 0))));
    const both = (await planeLosses(config.network, initial, ends, points, data.train, 100, control))!;
    const alone = await line([final.get('sgd')!], data.train, 100);
    expect(Array.from(both.subarray(61))).toEqual(Array.from(alone));
  });
});

describe('the slice through the initial weights and two contestants', () => {
  it('has, at its three marked points, the values of the lines at α = 0 and 1', async () => {
    const [a, b] = [final.get('adam')!, final.get('sgd')!];
    const grid = SLICE_COORDINATES.flatMap((y) => SLICE_COORDINATES.map((x) => [x, y]));
    const slice = (await planeLosses(config.network, initial, [a, b], grid, data.train, 150, control))!;
    const lineA = (await planeLosses(config.network, initial, [a], LINE_ALPHAS.map((x) => [x]), data.train, 150, control))!;
    const lineB = (await planeLosses(config.network, initial, [b], LINE_ALPHAS.map((x) => [x]), data.train, 150, control))!;
    const at = (x: number, y: number) => slice[SLICE_COORDINATES.indexOf(y) * SLICE_COORDINATES.length + SLICE_COORDINATES.indexOf(x)];
    expect(at(0, 0)).toBe(lineA[10]);
    expect(at(0, 0)).toBe(lineB[10]);
    expect(at(1, 0)).toBe(lineA[50]);
    expect(at(0, 1)).toBe(lineB[50]);
    // The b = 0 row is the line to A.
    expect(at(0.5, 0)).toBe(lineA[30]);
  });
});

describe('control', () => {
  it('reports progress up to the total and stops when asked', async () => {
    const reports: number[] = [];
    let yields = 0;
    const points = LINE_ALPHAS.map((a) => [a]);
    const done = await planeLosses(config.network, initial, [final.get('adam')!], points, data.train, 300, {
      stopRequested: () => false,
      yieldToEventLoop: async () => void yields++,
      progress: (d, total) => reports.push(d / total),
      yieldEveryMs: 0,
    });
    expect(done).toBeDefined();
    expect(yields).toBeGreaterThan(10);
    expect(reports).toEqual([...reports].sort((x, y) => x - y));
    expect(reports.at(-1)).toBe(1);
    let asked = 0;
    const stopped = await planeLosses(config.network, initial, [final.get('adam')!], points, data.train, 300, {
      stopRequested: () => ++asked > 3,
      yieldToEventLoop: async () => {},
    });
    expect(stopped).toBeUndefined();
    expect(asked).toBe(4);
  });

  it('refuses a point with the wrong number of coefficients', async () => {
    await expect(planeLosses(config.network, initial, [final.get('adam')!], [[0.5, 0.5]], data.train, 10, control)).rejects.toThrow(/1 coefficients/);
  });
});
