import { describe, expect, it } from 'vitest';
import { smoothDebiased } from './smoothing';

describe('smoothDebiased (TensorBoard’s smoothing)', () => {
  it('is the raw series at weight 0', () => {
    expect(smoothDebiased([3, 1, 2], 0)).toEqual([3, 1, 2]);
  });

  it('starts at the first value (debiased) and follows the exponential moving average', () => {
    const w = 0.6;
    const values = [2, 1, 4, 3];
    // By hand: a_n = w a_(n-1) + (1 - w) x_n from a_0 = 0, shown as a_n / (1 - w^n).
    let a = 0;
    const expected = values.map((x, i) => {
      a = w * a + (1 - w) * x;
      return a / (1 - w ** (i + 1));
    });
    const smoothed = smoothDebiased(values, w);
    expect(smoothed[0]).toBeCloseTo(2, 12);
    smoothed.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
    // Smoothing pulls the third point (a jump to 4) well below it.
    expect(smoothed[2]).toBeLessThan(3.2);
  });

  it('leaves a constant series alone and lets non-finite values through without poisoning the rest', () => {
    expect(smoothDebiased([0.5, 0.5, 0.5], 0.9)).toEqual([0.5, 0.5, 0.5]);
    const smoothed = smoothDebiased([1, NaN, 3, Infinity, 2], 0.5);
    expect(smoothed[1]).toBeNaN();
    expect(smoothed[3]).toBe(Infinity);
    expect(smoothed.filter(Number.isFinite).every((v) => v >= 1 && v <= 3)).toBe(true);
  });

  it('smooths more as the weight grows', () => {
    const noisy = Array.from({ length: 50 }, (_, i) => 1 + (i % 2 ? 0.5 : -0.5));
    const spread = (w: number) => {
      const s = smoothDebiased(noisy, w).slice(10);
      return Math.max(...s) - Math.min(...s);
    };
    expect(spread(0.9)).toBeLessThan(spread(0.5));
    expect(spread(0.5)).toBeLessThan(spread(0));
  });
});
