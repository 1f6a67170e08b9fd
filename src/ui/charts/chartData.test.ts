import fc from 'fast-check';
import uPlot from 'uplot';
import { smoothDebiased } from './smoothing';
import { describe, expect, it } from 'vitest';
import { defaultExperiment } from '../../experiment/config';
import { contestantStyle } from '../../experiment/contestants';
import type { EpochMetrics } from '../../experiment/metrics';
import { optimizerDefaults } from '../../experiment/optimizers';
import { runLineup } from '../../store/runState';
import { ACCURACY, LOSS, alignSeries, chartSeries, learningRateSeries, nearestPoint, type ChartContestant, type OptimizerCurves, type SeriesOptions } from './chartData';

function m(epoch: number, base: number): EpochMetrics {
  return {
    epoch,
    trainLoss: base + 0.1,
    trainAccuracy: base + 0.2,
    testLoss: base + 0.3,
    testAccuracy: base + 0.4,
    seconds: 1,
    samplesPerSecond: 1000,
  };
}

const options = (change: Partial<SeriesOptions> = {}): SeriesOptions => ({ showTrain: true, smoothing: 0, xAxis: 'epochs', trainExamples: 60_000, hidden: [], ...change });

const NAMES: Record<string, string> = { sgd: 'SGD', adam: 'Adam', adam2: 'Adam 2', rmsprop: 'RMSprop' };

/** A lineup as the panels build it: in the order given, styled by position. */
function lineup(states: [key: string, state: OptimizerCurves][]): ChartContestant[] {
  return states.map(([key, state], i) => ({ key, name: NAMES[key], style: contestantStyle(i), state }));
}

describe('chartSeries', () => {
  it('gives each contestant a training line then a test line, in the lineup order', () => {
    const series = chartSeries(lineup([['sgd', { history: [m(1, 0)] }], ['adam', { history: [m(1, 1)] }]]), LOSS, options());
    expect(series.map((s) => s.key)).toEqual(['sgd:train', 'sgd:test', 'adam:train', 'adam:test']);
    expect(series.map((s) => s.label)).toEqual(['SGD train', 'SGD test', 'Adam train', 'Adam test']);
    expect(series.map((s) => s.contestant)).toEqual(['sgd', 'sgd', 'adam', 'adam']);
  });

  it('keeps two contestants of one optimizer apart: their own keys, names, colours and dashes', () => {
    const entries = lineup([['adam', { history: [m(1, 0)] }], ['adam2', { history: [m(1, 1)] }]]);
    entries[1].style = contestantStyle(9); // past the palette: a dashed line
    const series = chartSeries(entries, LOSS, options());
    expect(series.map((s) => s.key)).toEqual(['adam:train', 'adam:test', 'adam2:train', 'adam2:test']);
    expect(series.map((s) => s.label)).toEqual(['Adam train', 'Adam test', 'Adam 2 train', 'Adam 2 test']);
    expect(series.map((s) => s.color)).toEqual([contestantStyle(0).color, contestantStyle(0).color, contestantStyle(9).color, contestantStyle(9).color]);
    expect(series.map((s) => s.dash)).toEqual(['', '', contestantStyle(9).dash, contestantStyle(9).dash]);
    expect(contestantStyle(9).dash).not.toBe('');
    expect(series[2].points).toEqual([{ x: 1, y: 1.1 }]);
  });

  it("draws a run's lineup (runLineup) with each contestant's style, in the run's order", () => {
    const config = defaultExperiment();
    for (const c of config.contestants) c.selected = c.optimizer === 'sgd' || c.optimizer === 'adam';
    config.contestants.splice(2, 0, { optimizer: 'adam', ordinal: 2, selected: true, hyperparameters: { ...optimizerDefaults('adam'), learningRate: 0.01 } });
    const run = { config, contestants: { adam2: { status: 'training' as const, history: [m(1, 2)] } } };
    const series = chartSeries(runLineup(run), ACCURACY, options({ showTrain: false }));
    expect(series.map((s) => s.key)).toEqual(['sgd:test', 'adam:test', 'adam2:test']);
    expect(series.map((s) => s.label)).toEqual(['SGD test', 'Adam test', 'Adam 2 test']);
    expect(series.map((s) => s.color)).toEqual([0, 1, 2].map((i) => contestantStyle(i).color));
    expect(new Set(series.map((s) => s.color)).size).toBe(3);
    expect(series.map((s) => s.points.length)).toEqual([0, 0, 1]);
  });

  it('maps LOSS and ACCURACY to their fields, one point per epoch', () => {
    const curves = lineup([['sgd', { history: [m(1, 0), m(2, 1)] }]]);
    const [train, test] = chartSeries(curves, LOSS, options());
    expect(train.points).toEqual([{ x: 1, y: 0.1 }, { x: 2, y: 1.1 }]);
    expect(test.points).toEqual([{ x: 1, y: 0.3 }, { x: 2, y: 1.3 }]);
    const [, accuracy] = chartSeries(curves, ACCURACY, options());
    expect(accuracy.points.map((p) => p.y)).toEqual([0.4, 1.4]);
  });

  it('draws live training points at their fractional epoch when a trace exists', () => {
    const trace = [
      { position: 0.25, trainLoss: 1.5, trainAccuracy: 0.6, seconds: 1 },
      { position: 0.5, trainLoss: 0.9, trainAccuracy: 0.8, seconds: 2 },
    ];
    const [train] = chartSeries(lineup([['adam', { history: [], trace }]]), LOSS, options());
    expect(train.points).toEqual([{ x: 0.25, y: 1.5 }, { x: 0.5, y: 0.9 }]);
    expect(chartSeries(lineup([['adam', { history: [], trace }]]), ACCURACY, options())[0].points.map((p) => p.y)).toEqual([0.6, 0.8]);
  });

  it('smooths a live trace with TensorBoard’s average, keeping the raw curve behind it; epoch points are never smoothed', () => {
    const trace = [
      { position: 0.25, trainLoss: 2, trainAccuracy: 0.6, seconds: 1 },
      { position: 0.5, trainLoss: 1, trainAccuracy: 0.8, seconds: 2 },
      { position: 0.75, trainLoss: 4, trainAccuracy: 0.7, seconds: 3 },
    ];
    const [raw, train, test] = chartSeries(lineup([['adam', { history: [m(1, 0)], trace }]]), LOSS, options({ smoothing: 0.6 }));
    expect(raw).toMatchObject({ split: 'raw', key: 'adam:raw', points: [{ x: 0.25, y: 2 }, { x: 0.5, y: 1 }, { x: 0.75, y: 4 }] });
    expect(train.split).toBe('train');
    expect(train.points.map((p) => p.x)).toEqual([0.25, 0.5, 0.75]);
    expect(train.points.map((p) => p.y)).toEqual(smoothDebiased([2, 1, 4], 0.6));
    expect(test.split).toBe('test');
    // Opened results have epoch points only: nothing to smooth, no raw line.
    const epochsOnly = chartSeries(lineup([['adam', { history: [m(1, 0), m(2, 0)] }]]), LOSS, options({ smoothing: 0.9 }));
    expect(epochsOnly.map((s) => s.split)).toEqual(['train', 'test']);
    // Smoothing 0 draws the raw trace as the training line, as before.
    expect(chartSeries(lineup([['adam', { history: [], trace }]]), LOSS, options({ smoothing: 0 })).map((s) => s.split)).toEqual(['train', 'test']);
  });

  it('leaves out training lines when they are hidden, and copes with contestants not started', () => {
    const series = chartSeries(lineup([['sgd', { history: [m(1, 0)] }], ['adam', { history: [] }]]), LOSS, options({ showTrain: false }));
    expect(series.map((s) => s.key)).toEqual(['sgd:test', 'adam:test']);
    expect(series[1].points).toEqual([]);
  });

  it('puts points on the chosen X axis: epochs, examples seen, or the contestant\'s own seconds', () => {
    const trace = [
      { position: 0.5, trainLoss: 2, trainAccuracy: 0.6, seconds: 0.4 },
      { position: 1.5, trainLoss: 1, trainAccuracy: 0.8, seconds: 1.3 },
    ];
    const history = [{ ...m(1, 0), seconds: 1 }, { ...m(2, 0), seconds: 0.5 }];
    const at = (xAxis: SeriesOptions['xAxis']) => chartSeries(lineup([['adam', { history, trace }]]), LOSS, options({ xAxis, trainExamples: 2000 })).map((s) => s.points.map((p) => p.x));
    expect(at('epochs')).toEqual([[0.5, 1.5], [1, 2]]);
    expect(at('examples')).toEqual([[1000, 3000], [2000, 4000]]);
    // Seconds: live points carry theirs; an epoch ends at the sum of its contestant's epoch times.
    expect(at('seconds')).toEqual([[0.4, 1.3], [1, 1.5]]);
  });

  it('leaves hidden contestants out of every line', () => {
    const series = chartSeries(lineup([['sgd', { history: [m(1, 0)] }], ['adam', { history: [m(1, 1)] }]]), LOSS, options({ hidden: ['sgd'] }));
    expect(series.map((s) => s.key)).toEqual(['adam:train', 'adam:test']);
  });

  it('drops points it cannot draw (a diverged NaN or Infinity)', () => {
    const series = chartSeries(lineup([['sgd', { history: [m(1, 0), { ...m(2, 0), testLoss: NaN, trainLoss: Infinity }] }]]), LOSS, options());
    expect(series.map((s) => s.points.length)).toEqual([1, 1]);
  });
});

describe('alignSeries', () => {
  it('puts every series on the union of their x values, nothing where a series has no point', () => {
    const line = (points: [number, number][]) => ({ key: 'k', contestant: 'sgd', split: 'test' as const, label: 'l', color: '#000', dash: '', points: points.map(([x, y]) => ({ x, y })) });
    // undefined, not null: uPlot draws across a missing point and breaks a line only at a null.
    expect(alignSeries([line([[0.5, 2], [1, 1]]), line([[1, 3], [2, 4]])])).toStrictEqual([
      [0.5, 1, 2],
      [2, 1, undefined],
      [undefined, 3, 4],
    ]);
    expect(alignSeries([])).toEqual([[]]);
  });

  it('is what uPlot.join computes, for any lines with increasing x (property, 300 runs)', () => {
    const xs = fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 25 }).map((values) => values.sort((a, b) => a - b).map((v) => v / 4));
    const lines = fc.array(fc.tuple(xs, fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(lines, (groups) => {
        // Several lines may share one x array, as a worker's contestants do.
        const series = groups.flatMap(([x, copies], g) =>
          Array.from({ length: copies }, (_, c) => ({ key: `${g}.${c}`, contestant: 'sgd', split: 'test' as const, label: 'l', color: '#000', dash: '', points: x.map((v, i) => ({ x: v, y: g * 100 + c * 10 + i })) })),
        );
        expect(alignSeries(series)).toStrictEqual(uPlot.join(series.map((s) => [s.points.map((p) => p.x), s.points.map((p) => p.y)])));
      }),
      { numRuns: 300 },
    );
  });
});

describe('nearestPoint', () => {
  const points = [0, 1, 2.5, 4].map((x) => ({ x, y: x * 10 }));
  it('finds the nearest point by x on either side, and nothing in an empty series', () => {
    expect(nearestPoint(points, 2.4)).toEqual({ x: 2.5, y: 25 });
    expect(nearestPoint(points, 1.7)).toEqual({ x: 1, y: 10 });
    expect(nearestPoint(points, -3)).toEqual({ x: 0, y: 0 });
    expect(nearestPoint(points, 99)).toEqual({ x: 4, y: 40 });
    expect(nearestPoint([], 1)).toBeUndefined();
  });
});

describe('learningRateSeries', () => {
  const style = { color: '#0072B2', dash: '' };
  const run = { batchesPerEpoch: 10, batchSize: 100, epochs: 2 };
  const contestants = [
    { key: 'sgd', name: 'SGD', style, learningRate: 0.1, schedule: { kind: 'exponential' as const, values: { decaySteps: 10, decayRate: 0.5, staircase: true } } },
    { key: 'adam', name: 'Adam', style, learningRate: 0.001 },
  ];
  it("draws each contestant's rate at every step, step t at iteration t − 1, on the epochs or examples axis", () => {
    const [sgd, adam] = learningRateSeries(contestants, run, 'epochs', []);
    expect(sgd.points).toHaveLength(20);
    expect(sgd.points[0]).toEqual({ x: 0.1, y: 0.1 });
    // Step 11 is iteration 10: the first staircase step.
    expect(sgd.points[9]).toEqual({ x: 1, y: 0.1 });
    expect(sgd.points[10]).toEqual({ x: 1.1, y: 0.05 });
    expect(adam.points.every((p) => p.y === 0.001)).toBe(true);
    expect(learningRateSeries(contestants, run, 'examples', [])[0].points[10]).toEqual({ x: 1100, y: 0.05 });
    expect(learningRateSeries(contestants, run, 'epochs', ['sgd']).map((s) => s.label)).toEqual(['Adam']);
  });
});
