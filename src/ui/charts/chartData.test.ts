import { smoothDebiased } from './smoothing';
import { describe, expect, it } from 'vitest';
import { defaultExperiment } from '../../experiment/config';
import { contestantStyle } from '../../experiment/contestants';
import type { EpochMetrics } from '../../experiment/metrics';
import { optimizerDefaults } from '../../experiment/optimizers';
import { runLineup } from '../../store/runState';
import { ACCURACY, LOSS, chartAxes, chartSeries, type ChartContestant, type OptimizerCurves } from './chartData';

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

const NAMES: Record<string, string> = { sgd: 'SGD', adam: 'Adam', adam2: 'Adam 2', rmsprop: 'RMSprop' };

/** A lineup as the panels build it: in the order given, styled by position. */
function lineup(states: [key: string, state: OptimizerCurves][]): ChartContestant[] {
  return states.map(([key, state], i) => ({ key, name: NAMES[key], style: contestantStyle(i), state }));
}

describe('chartSeries', () => {
  it('gives each contestant a training line then a test line, in the lineup order', () => {
    const series = chartSeries(lineup([['sgd', { history: [m(1, 0)] }], ['adam', { history: [m(1, 1)] }]]), LOSS, true);
    expect(series.map((s) => s.key)).toEqual(['sgd:train', 'sgd:test', 'adam:train', 'adam:test']);
    expect(series.map((s) => s.label)).toEqual(['SGD train', 'SGD test', 'Adam train', 'Adam test']);
    expect(series.map((s) => s.contestant)).toEqual(['sgd', 'sgd', 'adam', 'adam']);
  });

  it('keeps two contestants of one optimizer apart: their own keys, names, colours and dashes', () => {
    const entries = lineup([['adam', { history: [m(1, 0)] }], ['adam2', { history: [m(1, 1)] }]]);
    entries[1].style = contestantStyle(9); // past the palette: a dashed line
    const series = chartSeries(entries, LOSS, true);
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
    const series = chartSeries(runLineup(run), ACCURACY, false);
    expect(series.map((s) => s.key)).toEqual(['sgd:test', 'adam:test', 'adam2:test']);
    expect(series.map((s) => s.label)).toEqual(['SGD test', 'Adam test', 'Adam 2 test']);
    expect(series.map((s) => s.color)).toEqual([0, 1, 2].map((i) => contestantStyle(i).color));
    expect(new Set(series.map((s) => s.color)).size).toBe(3);
    expect(series.map((s) => s.points.length)).toEqual([0, 0, 1]);
  });

  it('maps LOSS and ACCURACY to their fields, one point per epoch', () => {
    const curves = lineup([['sgd', { history: [m(1, 0), m(2, 1)] }]]);
    const [train, test] = chartSeries(curves, LOSS, true);
    expect(train.points).toEqual([{ x: 1, y: 0.1 }, { x: 2, y: 1.1 }]);
    expect(test.points).toEqual([{ x: 1, y: 0.3 }, { x: 2, y: 1.3 }]);
    const [, accuracy] = chartSeries(curves, ACCURACY, true);
    expect(accuracy.points.map((p) => p.y)).toEqual([0.4, 1.4]);
  });

  it('draws live training points at their fractional epoch when a trace exists', () => {
    const trace = [
      { position: 0.25, trainLoss: 1.5, trainAccuracy: 0.6 },
      { position: 0.5, trainLoss: 0.9, trainAccuracy: 0.8 },
    ];
    const [train] = chartSeries(lineup([['adam', { history: [], trace }]]), LOSS, true);
    expect(train.points).toEqual([{ x: 0.25, y: 1.5 }, { x: 0.5, y: 0.9 }]);
    expect(chartSeries(lineup([['adam', { history: [], trace }]]), ACCURACY, true)[0].points.map((p) => p.y)).toEqual([0.6, 0.8]);
  });

  it('smooths a live trace with TensorBoard’s average, keeping the raw curve behind it; epoch points are never smoothed', () => {
    const trace = [
      { position: 0.25, trainLoss: 2, trainAccuracy: 0.6 },
      { position: 0.5, trainLoss: 1, trainAccuracy: 0.8 },
      { position: 0.75, trainLoss: 4, trainAccuracy: 0.7 },
    ];
    const [raw, train, test] = chartSeries(lineup([['adam', { history: [m(1, 0)], trace }]]), LOSS, true, 0.6);
    expect(raw).toMatchObject({ split: 'raw', key: 'adam:raw', points: [{ x: 0.25, y: 2 }, { x: 0.5, y: 1 }, { x: 0.75, y: 4 }] });
    expect(train.split).toBe('train');
    expect(train.points.map((p) => p.x)).toEqual([0.25, 0.5, 0.75]);
    expect(train.points.map((p) => p.y)).toEqual(smoothDebiased([2, 1, 4], 0.6));
    expect(test.split).toBe('test');
    // Opened results have epoch points only: nothing to smooth, no raw line.
    const epochsOnly = chartSeries(lineup([['adam', { history: [m(1, 0), m(2, 0)] }]]), LOSS, true, 0.9);
    expect(epochsOnly.map((s) => s.split)).toEqual(['train', 'test']);
    // Smoothing 0 draws the raw trace as the training line, as before.
    expect(chartSeries(lineup([['adam', { history: [], trace }]]), LOSS, true, 0).map((s) => s.split)).toEqual(['train', 'test']);
  });

  it('leaves out training lines when they are hidden, and copes with contestants not started', () => {
    const series = chartSeries(lineup([['sgd', { history: [m(1, 0)] }], ['adam', { history: [] }]]), LOSS, false);
    expect(series.map((s) => s.key)).toEqual(['sgd:test', 'adam:test']);
    expect(series[1].points).toEqual([]);
  });
});

describe('chartAxes', () => {
  const series = (ys: number[], xs = ys.map((_, i) => i + 1)) => [
    { key: 'k', contestant: 'sgd', split: 'test' as const, label: 'l', color: '#000', dash: '', points: ys.map((y, i) => ({ x: xs[i], y })) },
  ];

  it('starts loss at zero and covers the largest value', () => {
    const { y } = chartAxes(series([2.31, 0.4]), 5, 'loss', false);
    expect(y.domain[0]).toBe(0);
    expect(y.domain[1]).toBeGreaterThanOrEqual(2.31);
  });

  it('ends accuracy at 100 % and starts at or below the lowest value', () => {
    const { y } = chartAxes(series([0.11, 0.97]), 5, 'accuracy', false);
    expect(y.domain[1]).toBe(1);
    expect(y.domain[0]).toBeLessThanOrEqual(0.11);
  });

  it('uses powers of ten on a log scale and skips values it cannot draw there', () => {
    const { y } = chartAxes(series([0.05, 2.3, 0, NaN]), 5, 'loss', true);
    expect(y.domain).toEqual([0.01, 10]);
  });

  it('runs the epoch axis from 1 for per-epoch points and from 0 once live points exist', () => {
    expect(chartAxes(series([1, 2]), 5, 'loss', false).x).toEqual({ domain: [1, 5], ticks: [1, 2, 3, 4, 5] });
    expect(chartAxes(series([1], [0.3]), 3, 'loss', false).x.domain).toEqual([0, 3]);
    // One epoch still gets an axis wide enough to read.
    expect(chartAxes(series([1]), 1, 'loss', false).x.domain).toEqual([1, 2]);
  });

  it('has sane axes before any point exists', () => {
    expect(chartAxes([], 5, 'accuracy', false).y.domain).toEqual([0, 1]);
    expect(chartAxes([], 5, 'loss', true).y.domain[0]).toBeGreaterThan(0);
  });
});
