import { describe, expect, it } from 'vitest';
import { bestRun, summarize, type EpochMetrics, type RunStatus } from './metrics';

function m(epoch: number, testAccuracy: number, seconds = 1, extra: Partial<EpochMetrics> = {}): EpochMetrics {
  return {
    epoch,
    trainLoss: 1 / epoch,
    trainAccuracy: testAccuracy + 0.01,
    testLoss: 2 / epoch,
    testAccuracy,
    seconds,
    samplesPerSecond: 1000,
    ...extra,
  };
}

describe('summarize', () => {
  it('gives nulls for an empty history', () => {
    expect(summarize([])).toEqual({
      finalTrainLoss: null,
      finalTrainAccuracy: null,
      finalTestLoss: null,
      finalTestAccuracy: null,
      bestTestAccuracy: null,
      bestEpoch: null,
      meanSecondsPerEpoch: null,
    });
  });

  it('reports the last epoch as final, the best test accuracy and the mean seconds', () => {
    const history = [m(1, 0.9, 2), m(2, 0.95, 3), m(3, 0.93, 7)];
    expect(summarize(history)).toEqual({
      finalTrainLoss: 1 / 3,
      finalTrainAccuracy: 0.93 + 0.01,
      finalTestLoss: 2 / 3,
      finalTestAccuracy: 0.93,
      bestTestAccuracy: 0.95,
      bestEpoch: 2,
      meanSecondsPerEpoch: 4,
    });
  });

  it('picks the first epoch on ties for best test accuracy', () => {
    const summary = summarize([m(1, 0.5), m(2, 0.97), m(3, 0.97), m(4, 0.96)]);
    expect(summary.bestEpoch).toBe(2);
    expect(summary.bestTestAccuracy).toBe(0.97);
  });

  it('handles a single epoch', () => {
    const summary = summarize([m(1, 0.8, 5)]);
    expect(summary.bestEpoch).toBe(1);
    expect(summary.finalTestAccuracy).toBe(0.8);
    expect(summary.meanSecondsPerEpoch).toBe(5);
  });

  it('keeps real zeros rather than turning them into nulls', () => {
    const summary = summarize([m(1, 0, 0, { trainLoss: 0, trainAccuracy: 0, testLoss: 0 })]);
    expect(summary.finalTrainLoss).toBe(0);
    expect(summary.finalTestAccuracy).toBe(0);
    expect(summary.bestTestAccuracy).toBe(0);
    expect(summary.bestEpoch).toBe(1);
    expect(summary.meanSecondsPerEpoch).toBe(0);
  });

  it('takes the best epoch even when accuracy later falls', () => {
    const summary = summarize([m(1, 0.1), m(2, 0.99), m(3, 0.2)]);
    expect(summary.bestEpoch).toBe(2);
    expect(summary.finalTestAccuracy).toBe(0.2);
  });
});

describe('bestRun', () => {
  const run = (name: string, status: RunStatus, accuracies: number[]) => ({
    name,
    status,
    history: accuracies.map((a, i) => m(i + 1, a)),
  });

  it('returns undefined for no runs', () => {
    expect(bestRun([])).toBeUndefined();
  });

  it('picks the run with the highest final test accuracy', () => {
    const runs = [run('sgd', 'done', [0.9, 0.92]), run('adam', 'done', [0.95, 0.97]), run('adagrad', 'done', [0.99, 0.93])];
    expect(bestRun(runs)?.name).toBe('adam');
  });

  it('uses the final epoch, not the best one', () => {
    const runs = [run('a', 'done', [0.99, 0.5]), run('b', 'done', [0.6])];
    expect(bestRun(runs)?.name).toBe('b');
  });

  it('ignores diverged runs even when their last accuracy is highest', () => {
    const runs = [run('sgd', 'diverged', [0.99]), run('adam', 'done', [0.9])];
    expect(bestRun(runs)?.name).toBe('adam');
  });

  it('ignores runs without history', () => {
    const runs = [run('queued', 'queued', []), run('adam', 'training', [0.4])];
    expect(bestRun(runs)?.name).toBe('adam');
    expect(bestRun([run('queued', 'queued', []), run('x', 'done', [])])).toBeUndefined();
  });

  it('returns undefined when every run diverged', () => {
    expect(bestRun([run('a', 'diverged', [0.9]), run('b', 'diverged', [0.8])])).toBeUndefined();
  });

  it('counts stopped and still-training runs', () => {
    const runs = [run('a', 'stopped', [0.7]), run('b', 'training', [0.6]), run('c', 'done', [0.5])];
    expect(bestRun(runs)?.name).toBe('a');
  });

  it('keeps the first run on ties', () => {
    const runs = [run('first', 'done', [0.9]), run('second', 'done', [0.9])];
    expect(bestRun(runs)?.name).toBe('first');
  });

  it('returns the same object it was given', () => {
    const runs = [run('a', 'done', [0.9])];
    expect(bestRun(runs)).toBe(runs[0]);
  });

  it('accepts a run whose final accuracy is 0', () => {
    expect(bestRun([run('zero', 'done', [0])])?.name).toBe('zero');
  });
});
