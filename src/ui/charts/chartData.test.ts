import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../../experiment/metrics';
import { ACCURACY, LOSS, chartRows, seriesKey, traceRows } from './chartData';

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

describe('seriesKey', () => {
  it('joins optimizer and split', () => {
    expect(seriesKey('adam', 'test')).toBe('adam:test');
    expect(seriesKey('sgd', 'train')).toBe('sgd:train');
  });
});

describe('chartRows', () => {
  it('is empty without histories', () => {
    expect(chartRows({}, LOSS)).toEqual([]);
    expect(chartRows({ sgd: [], adam: [] }, ACCURACY)).toEqual([]);
  });

  it('maps LOSS to the loss fields', () => {
    expect(chartRows({ sgd: [m(1, 0)] }, LOSS)).toEqual([{ epoch: 1, 'sgd:test': 0.3, 'sgd:train': 0.1 }]);
  });

  it('maps ACCURACY to the accuracy fields', () => {
    expect(chartRows({ sgd: [m(1, 0)] }, ACCURACY)).toEqual([{ epoch: 1, 'sgd:test': 0.4, 'sgd:train': 0.2 }]);
  });

  it('merges optimizers with different history lengths into one row per epoch', () => {
    const rows = chartRows({ sgd: [m(1, 1), m(2, 2), m(3, 3)], adam: [m(1, 10)] }, LOSS);
    expect(rows.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(rows[0]).toEqual({ epoch: 1, 'sgd:test': 1.3, 'sgd:train': 1.1, 'adam:test': 10.3, 'adam:train': 10.1 });
    expect(rows[1]).toEqual({ epoch: 2, 'sgd:test': 2.3, 'sgd:train': 2.1 });
    expect(rows[2]).toEqual({ epoch: 3, 'sgd:test': 3.3, 'sgd:train': 3.1 });
    expect(rows[2]).not.toHaveProperty('adam:test');
  });

  it('sorts rows by epoch whatever order histories and entries come in', () => {
    const rows = chartRows({ adam: [m(3, 0), m(1, 0)], sgd: [m(2, 0), m(4, 0)] }, ACCURACY);
    expect(rows.map((r) => r.epoch)).toEqual([1, 2, 3, 4]);
    expect(Object.keys(rows[0]).sort()).toEqual(['adam:test', 'adam:train', 'epoch']);
    expect(Object.keys(rows[1]).sort()).toEqual(['epoch', 'sgd:test', 'sgd:train']);
  });

  it('sorts numerically, not as strings', () => {
    const history = [10, 2, 1, 11, 9].map((e) => m(e, 0));
    expect(chartRows({ rmsprop: history }, LOSS).map((r) => r.epoch)).toEqual([1, 2, 9, 10, 11]);
  });

  it('keeps non-finite values (a diverged run) as they are', () => {
    const diverged = { ...m(1, 0), trainLoss: NaN, testLoss: Infinity };
    const [row] = chartRows({ sgd: [diverged] }, LOSS);
    expect(row['sgd:train']).toBeNaN();
    expect(row['sgd:test']).toBe(Infinity);
  });

  it('skips optimizers whose history is undefined', () => {
    expect(chartRows({ sgd: undefined, adam: [m(1, 0)] }, LOSS)).toEqual([{ epoch: 1, 'adam:test': 0.3, 'adam:train': 0.1 }]);
  });

  it('does not mutate the histories', () => {
    const history = [m(2, 0), m(1, 0)];
    const copy = structuredClone(history);
    chartRows({ sgd: history }, LOSS);
    expect(history).toEqual(copy);
  });
});

describe('traceRows', () => {
  it('places live training points at their fractional epoch, for the metric asked', () => {
    const trace = [
      { position: 0.25, trainLoss: 1.5, trainAccuracy: 0.6 },
      { position: 0.5, trainLoss: 0.9, trainAccuracy: 0.8 },
    ];
    expect(traceRows('adam', trace, LOSS)).toEqual([
      { epoch: 0.25, 'adam:train': 1.5 },
      { epoch: 0.5, 'adam:train': 0.9 },
    ]);
    expect(traceRows('adam', trace, ACCURACY).map((r) => r['adam:train'])).toEqual([0.6, 0.8]);
  });
});
