import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from './metrics';
import { aggregateHistories, bandEdges, compareTopTwo, incompleteBeta, meanTrace, spreadOf, twoSidedP, welchTest } from './seedStats';

const epoch = (n: number, testAccuracy: number, testLoss = 0.1): EpochMetrics => ({
  epoch: n,
  trainLoss: testLoss * 2,
  trainAccuracy: testAccuracy - 0.01,
  testLoss,
  testAccuracy,
  seconds: 1,
  samplesPerSecond: 1000,
});

describe('spread over seeds', () => {
  it('is the mean, the sample standard deviation (n - 1), min and max', () => {
    const s = spreadOf([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.n).toBe(8);
    expect(s.mean).toBe(5);
    // Population sd of this classic sample is 2; the sample sd is sqrt(32 / 7).
    expect(s.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect([s.min, s.max]).toEqual([2, 9]);
    expect(spreadOf([0.97]).sd).toBe(0);
    expect(bandEdges(s, 'sd')).toEqual({ lower: 5 - s.sd, upper: 5 + s.sd });
    expect(bandEdges(s, 'range')).toEqual({ lower: 2, upper: 9 });
  });

  it('aggregates histories epoch by epoch over the seeds that reached each epoch', () => {
    const agg = aggregateHistories([
      [epoch(1, 0.9), epoch(2, 0.94)],
      [epoch(1, 0.92), epoch(2, 0.96)],
      [epoch(1, 0.94)],
    ]);
    expect(agg).toHaveLength(2);
    expect(agg[0].mean.epoch).toBe(1);
    expect(agg[0].mean.testAccuracy).toBeCloseTo(0.92, 12);
    expect(agg[0].spread.testAccuracy.sd).toBeCloseTo(0.02, 12);
    expect(agg[0].spread.testAccuracy.n).toBe(3);
    expect(agg[1].spread.testAccuracy).toMatchObject({ n: 2, min: 0.94, max: 0.96 });
    expect(agg[1].mean.testAccuracy).toBeCloseTo(0.95, 12);
  });

  it('averages live traces at the first seed’s positions, interpolating the others, only as far as every seed has points', () => {
    const a = [0.1, 0.2, 0.3, 0.4].map((position) => ({ position, trainLoss: 1, trainAccuracy: 0.5, seconds: position }));
    const b = [0.15, 0.25, 0.35].map((position) => ({ position, trainLoss: 3, trainAccuracy: position, seconds: position }));
    const mean = meanTrace([a, b]);
    expect(mean.map((p) => p.position)).toEqual([0.1, 0.2, 0.3]);
    expect(mean[0].trainLoss).toBe(2);
    // b read at 0.2: halfway between 0.15 and 0.25.
    expect(mean[1].trainAccuracy).toBeCloseTo((0.5 + 0.2) / 2, 12);
    expect(meanTrace([a, []])).toEqual([]);
  });
});

describe("Welch's t-test", () => {
  it('matches scipy on the incomplete beta function and Student’s t', () => {
    // scipy.stats.beta.cdf(0.3, 2.5, 1.5), 2 * scipy.stats.t.sf(2, 5)
    expect(incompleteBeta(0.3, 2.5, 1.5)).toBeCloseTo(0.08894372317066562, 12);
    expect(twoSidedP(2, 5)).toBeCloseTo(0.10193947882985835, 12);
    expect(twoSidedP(0, 7)).toBeCloseTo(1, 12);
  });

  it("matches scipy.stats.ttest_ind(equal_var=False) on Welch's own kind of example", () => {
    const a = spreadOf([27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4]);
    const b = spreadOf([27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4]);
    const result = welchTest(a, b)!;
    expect(result.t).toBeCloseTo(-2.455356398286006, 10);
    expect(result.df).toBeCloseTo(24.988529290231416, 9);
    expect(result.p).toBeCloseTo(0.021378001462866992, 10);
    expect(welchTest(spreadOf([1]), b)).toBeUndefined();
    expect(welchTest(spreadOf([1, 1]), spreadOf([2, 2]))).toBeUndefined();
  });
});

describe('the sentence comparing the top two', () => {
  it('says one seed cannot tell', () => {
    const text = compareTopTwo([
      { name: 'SGD', finals: [0.95], seeds: 1 },
      { name: 'Adam', finals: [0.979], seeds: 1 },
      { name: 'RMSprop', finals: [0.977], seeds: 1 },
    ])!;
    expect(text).toBe(
      'Adam leads RMSprop at 97.90 % against 97.70 % final test accuracy, from one seed each. One seed cannot tell whether the order holds: another seed may reverse it. Set Seeds to 3 or more to see the spread.',
    );
  });

  it('reports overlapping intervals without claiming a difference, with both means ± sd, n and the test', () => {
    const text = compareTopTwo([
      { name: 'Adam', finals: [0.976, 0.978, 0.975, 0.979, 0.977], seeds: 5 },
      { name: 'RMSprop', finals: [0.977, 0.975, 0.978, 0.974, 0.976], seeds: 5 },
      { name: 'SGD', finals: [0.93, 0.931, 0.929, 0.93, 0.932], seeds: 5 },
    ])!;
    expect(text).toMatch(/^Final test accuracy, mean ± sample standard deviation over seeds \(n = 5 seeds each\): Adam 97\.70 % ± 0\.16, RMSprop 97\.60 % ± 0\.16\./);
    expect(text).toContain('The intervals (mean ± 1 sd) overlap: the gap of 0.10 percentage points is within the seed-to-seed spread, so these seeds do not show that Adam is better than RMSprop');
    expect(text).toMatch(/Welch's t-test: t = 1\.00, df = 8\.0, p = 0\.35\)\.$/);
    expect(text).not.toMatch(/significant/);
  });

  it('reports a clear separation with its p-value', () => {
    const text = compareTopTwo([
      { name: 'SGD', finals: [0.93, 0.931, 0.929], seeds: 3 },
      { name: 'Adagrad', finals: [0.91, 0.912, 0.911], seeds: 3 },
    ])!;
    expect(text).toContain('SGD 93.00 % ± 0.10, Adagrad 91.10 % ± 0.10');
    expect(text).toContain('do not overlap: SGD leads by 1.90 percentage points, more than their spread, and the difference is unlikely to come from the choice of seeds alone');
    expect(text).toMatch(/p < 0\.001\)\.$/);
  });

  it('does not call a separation significant when the test does not', () => {
    // Two seeds each, intervals just apart, but t with ~2 df is far from significant.
    const text = compareTopTwo([
      { name: 'A', finals: [0.9, 0.92], seeds: 2 },
      { name: 'B', finals: [0.87, 0.89], seeds: 2 },
    ])!;
    expect(text).toContain('do not overlap');
    expect(text).toMatch(/not statistically significant \(Welch's t-test: t = 2\.12, df = 2\.0, p = 0\.17\)/);
  });

  it('says when the means tie, and leaves out seeds that did not finish', () => {
    expect(compareTopTwo([
      { name: 'A', finals: [0.9, 0.92], seeds: 2 },
      { name: 'B', finals: [0.92, 0.9], seeds: 2 },
    ])).toMatch(/They tie: the means are equal\.$/);
    expect(compareTopTwo([
      { name: 'A', finals: [0.9], seeds: 1 },
      { name: 'B', finals: [0.9], seeds: 1 },
    ])).toMatch(/^A and B tie at 90\.00 % final test accuracy, from one seed each\. One seed cannot tell/);
    const partial = compareTopTwo([
      { name: 'A', finals: [0.9, 0.92], seeds: 3 },
      { name: 'B', finals: [0.8, 0.82, 0.81], seeds: 3 },
    ])!;
    expect(partial).toMatch(/^1 of A's 3 seeds did not finish and is left out\. .*\(n = 2 and 3 seeds\)/);
    expect(compareTopTwo([{ name: 'A', finals: [0.9], seeds: 1 }, { name: 'B', finals: [], seeds: 1 }])).toBeUndefined();
  });
});
