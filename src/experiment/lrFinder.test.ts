import { describe, expect, it } from 'vitest';
import { addRatePoint, RATE_FINDER, suggestRate, sweepSchedule, type RateFinderPoint } from './lrFinder';
import { learningRateAt } from './schedules';

describe('the learning-rate range test', () => {
  it('sweeps exponentially from 1e-7 at the first step to 10 at the last, as a Keras ExponentialDecay', () => {
    const { learningRate, schedule } = sweepSchedule(300);
    expect(learningRateAt(schedule, learningRate, 0)).toBe(1e-7);
    expect(learningRateAt(schedule, learningRate, 299)).toBeCloseTo(10, 9);
    // Evenly spaced in log: every 299/8 steps one decade.
    expect(Math.log10(learningRateAt(schedule, learningRate, 299 / 8))).toBeCloseTo(-6, 9);
  });

  it('smooths as fast.ai does (debiased average) and stops when the smoothed loss passes four times its lowest', () => {
    const points: RateFinderPoint[] = [];
    const state = { average: 0, best: Infinity };
    expect(addRatePoint(points, 1e-7, 2, state)).toBe(false);
    expect(points[0].smoothed).toBeCloseTo(2, 12); // debiased: the first point is its own loss
    for (let i = 0; i < 20; i++) expect(addRatePoint(points, 1e-6, 1, state)).toBe(false);
    // A loss of 1e6 lifts the average past 4 × its lowest.
    expect(addRatePoint(points, 1, 1e6, state)).toBe(true);
    expect(addRatePoint(points, 1, NaN, state)).toBe(true);
    expect(points).toHaveLength(22);
  });

  it('suggests the rate of steepest descent, skipping the start and the blow-up, and nothing for a loss that never falls', () => {
    // A loss that falls fastest around 1e-3 (a logistic in log10(rate)), then blows up past 1.
    const points: RateFinderPoint[] = Array.from({ length: 200 }, (_, i) => {
      const rate = RATE_FINDER.minRate * 10 ** (i / 25);
      const x = Math.log10(rate);
      const loss = 2.3 - 2 / (1 + Math.exp(-(x + 3) * 3)) + (x > 0 ? 100 * x : 0);
      return { rate, loss, smoothed: loss };
    });
    const suggestion = suggestRate(points)!;
    expect(Math.log10(suggestion.rate)).toBeCloseTo(-3, 1);
    expect(suggestion.rule).toMatch(/steepest descent/);
    expect(suggestRate(points.map((p, i) => ({ ...p, smoothed: 1 + i })))).toBeUndefined();
  });
});
