import fc from 'fast-check';
import uPlot from 'uplot';
import { smoothDebiased } from './smoothing';
import { describe, expect, it } from 'vitest';
import { defaultExperiment } from '../../experiment/config';
import { contestantStyle } from '../../experiment/contestants';
import type { EpochMetrics } from '../../experiment/metrics';
import { optimizerDefaults } from '../../experiment/optimizers';
import { averagedLineup, runLineup } from '../../store/runState';
import { plotOptions } from './plotOptions';
import { ACCURACY, LOSS, alignSeries, asBaseline, baselineSeries, chartSeries, learningRateSeries, nearestPoint, type ChartContestant, type OptimizerCurves, type SeriesOptions } from './chartData';

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

describe('baselineSeries', () => {
  const pinned = lineup([['sgd', { history: [m(1, 0), m(2, 0.5)] }], ['adam', { history: [m(1, 1), m(2, 1.5)] }]]);

  it("names and keys a baseline's lines apart from the run's, marked to be drawn as ghosts", () => {
    const series = baselineSeries(pinned, LOSS, options());
    expect(series.map((s) => s.key)).toEqual(['baseline:sgd:train', 'baseline:sgd:test', 'baseline:adam:train', 'baseline:adam:test']);
    expect(series.map((s) => s.label)).toEqual(['Baseline SGD train', 'Baseline SGD test', 'Baseline Adam train', 'Baseline Adam test']);
    expect(series.every((s) => s.baseline === true)).toBe(true);
    // The contestant stays its own key, so the legend's toggle hides the ghost with the live line.
    expect(series.map((s) => s.contestant)).toEqual(['sgd', 'sgd', 'adam', 'adam']);
    expect(series[3].points).toEqual([{ x: 1, y: 1.3 }, { x: 2, y: 1.8 }]);
    expect(chartSeries(pinned, LOSS, options()).some((s) => s.baseline)).toBe(false);
  });

  it("follows the chart's options: hidden contestants, training lines, and its own examples per epoch", () => {
    expect(baselineSeries(pinned, ACCURACY, options({ hidden: ['sgd'], showTrain: false })).map((s) => s.key)).toEqual(['baseline:adam:test']);
    const examples = baselineSeries(pinned, ACCURACY, options({ xAxis: 'examples', trainExamples: 2_000, showTrain: false }));
    expect(examples[0].points.map((p) => p.x)).toEqual([2_000, 4_000]);
  });

  it("marks any chart's lines as a baseline's, the Learning rate chart's too", () => {
    const rates = learningRateSeries([{ key: 'adam', name: 'Adam', style: contestantStyle(0), learningRate: 0.01 }], { batchesPerEpoch: 2, batchSize: 10, epochs: 1 }, 'epochs', []);
    expect(asBaseline(rates)).toEqual([{ ...rates[0], key: 'baseline:adam:rate', label: 'Baseline Adam', baseline: true }]);
  });

  it('aligns with a live run on one x: ghosts at their epochs, the run at its live points', () => {
    const live = lineup([['adam', { history: [m(1, 2)], trace: [0.5, 1].map((position) => ({ position, trainLoss: 1, trainAccuracy: 0.5, seconds: position })) }]]);
    const series = [...baselineSeries(pinned, LOSS, options({ showTrain: false })), ...chartSeries(live, LOSS, options())];
    const [x, ...columns] = alignSeries(series);
    expect(x).toEqual([0.5, 1, 2]);
    expect(columns.map((c) => c.length)).toEqual([3, 3, 3, 3]);
    expect(columns[1]).toEqual([undefined, 1.3, 1.8]);
  });
});

describe('chartSeries over several seeds', () => {
  /** Adam over three seeds (7, 8, 9 % worse each), SGD over three with one diverged in epoch 1; as the store holds them. */
  function threeSeeds() {
    const config = defaultExperiment();
    config.seeds = 3;
    config.epochs = 2;
    for (const c of config.contestants) c.selected = c.optimizer === 'sgd' || c.optimizer === 'adam';
    const history = (base: number) => [m(1, base), m(2, base + 0.1)];
    return averagedLineup(
      runLineup({
        config,
        contestants: {
          sgd: { status: 'done', history: history(0.3) },
          'sgd+1': { status: 'diverged', history: [], divergence: { epoch: 1, batch: 4 } },
          'sgd+2': { status: 'done', history: history(0.5) },
          adam: { status: 'done', history: history(0.1), trace: [0.5, 1].map((position) => ({ position, trainLoss: 1, trainAccuracy: 0.5, seconds: position })) },
          'adam+1': { status: 'done', history: history(0.2), trace: [0.5, 1].map((position) => ({ position, trainLoss: 2, trainAccuracy: 0.6, seconds: position })) },
          'adam+2': { status: 'done', history: history(0.3), trace: [0.5, 1].map((position) => ({ position, trainLoss: 3, trainAccuracy: 0.7, seconds: position })) },
        },
      }),
    );
  }

  it('draws the mean over seeds with a band of ±1 sample sd around each test line, diverged seeds left out', () => {
    const series = chartSeries(threeSeeds(), ACCURACY, options());
    expect(series.map((s) => s.label)).toEqual([
      'SGD train', 'SGD test mean + sd', 'SGD test mean − sd', 'SGD test',
      'Adam train', 'Adam test mean + sd', 'Adam test mean − sd', 'Adam test',
    ]);
    const of = (label: string) => series.find((s) => s.label === label)!.points;
    // Adam's test accuracy: 0.5, 0.6, 0.7 at epoch 1 (mean 0.6, sd 0.1).
    expect(of('Adam test')[0].y).toBeCloseTo(0.6, 12);
    expect(of('Adam test mean + sd')[0].y).toBeCloseTo(0.7, 12);
    expect(of('Adam test mean − sd')[1].y).toBeCloseTo(0.6, 12);
    // SGD: seeds 1 and 3 only (0.7 and 0.9).
    expect(of('SGD test')[0].y).toBeCloseTo(0.8, 12);
    expect(of('SGD test mean + sd')[0].y).toBeCloseTo(0.8 + Math.SQRT1_2 * 0.2, 12);
    // The live curve is the seeds' mean at each position.
    expect(of('Adam train')).toEqual([{ x: 0.5, y: 0.6 }, { x: 1, y: 0.6 }].map((p) => ({ ...p, y: expect.closeTo(p.y, 12) })));
  });

  it('spans min to max when the band says so, and draws no band with one seed', () => {
    const series = chartSeries(threeSeeds(), ACCURACY, options({ band: 'range' }));
    const of = (label: string) => series.find((s) => s.label === label)!.points;
    expect(of('Adam test max').map((p) => p.y)).toEqual([0.7, 0.8].map((y) => expect.closeTo(y, 12)));
    expect(of('Adam test min').map((p) => p.y)).toEqual([0.5, 0.6].map((y) => expect.closeTo(y, 12)));
    const one = chartSeries(lineup([['adam', { history: [m(1, 0)] }]]).map((c) => ({ ...c, spread: [] })), ACCURACY, options());
    expect(one.some((s) => s.split === 'upper' || s.split === 'lower')).toBe(false);
  });

  it('pairs each band in uPlot by contestant', () => {
    const series = chartSeries(threeSeeds(), LOSS, options({ showTrain: false }));
    const opts = plotOptions({ title: 'Loss', kind: 'loss', series, xAxis: 'epochs', xEnd: 2, logScale: false, formatTick: String }, { width: 400, height: 300 }, () => null, {});
    // uPlot numbers series from 1 (0 is X): SGD's band is 1-2, Adam's 4-5.
    expect(opts.bands?.map((b) => b.series)).toEqual([
      [1, 2],
      [4, 5],
    ]);
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
