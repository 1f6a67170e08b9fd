import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScale, epochTicks, linePath, logTicks, nearestPoint, niceLinearTicks } from './chartGeometry';

describe('createScale', () => {
  it('maps the domain ends onto the range ends, inverted ranges included', () => {
    const y = createScale([0, 2], [300, 10]);
    expect(y(0)).toBe(300);
    expect(y(2)).toBe(10);
    expect(y(1)).toBe(155);
  });

  it('spaces decades evenly on a log scale', () => {
    const y = createScale([0.01, 10], [0, 300], true);
    expect(y(0.1)).toBeCloseTo(100);
    expect(y(1)).toBeCloseTo(200);
  });
});

describe('niceLinearTicks', () => {
  it('picks round steps and widens the domain to them', () => {
    expect(niceLinearTicks(0, 2.31)).toEqual({ domain: [0, 2.5], ticks: [0, 0.5, 1, 1.5, 2, 2.5] });
    expect(niceLinearTicks(0.11, 1).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('prints decimal steps without floating-point noise', () => {
    expect(niceLinearTicks(0.9, 1).ticks).toEqual([0.9, 0.92, 0.94, 0.96, 0.98, 1]);
  });

  it('always covers the values with a handful of ascending ticks', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }), (low, width) => {
        const { domain, ticks } = niceLinearTicks(low, low + width);
        expect(domain[0]).toBeLessThanOrEqual(low);
        expect(domain[1]).toBeGreaterThanOrEqual(low + width);
        expect(ticks.length).toBeGreaterThanOrEqual(2);
        expect(ticks.length).toBeLessThanOrEqual(12);
        for (let i = 1; i < ticks.length; i++) expect(ticks[i]).toBeGreaterThan(ticks[i - 1]);
      }),
    );
  });

  it('falls back to [0, 1] for values that are not finite', () => {
    expect(niceLinearTicks(NaN, 1).domain).toEqual([0, 1]);
  });
});

describe('logTicks', () => {
  it('covers the range with powers of ten, adding 2s and 5s over short ranges', () => {
    expect(logTicks(0.05, 2.3)).toEqual({ domain: [0.01, 10], ticks: [0.01, 0.1, 1, 10] });
    expect(logTicks(0.2, 2.3)).toEqual({ domain: [0.1, 10], ticks: [0.1, 0.2, 0.5, 1, 2, 5, 10] });
    expect(logTicks(0.0001, 16).ticks).toEqual([0.0001, 0.001, 0.01, 0.1, 1, 10, 100]);
  });
});

describe('epochTicks', () => {
  it('labels every epoch, thinned on long runs', () => {
    expect(epochTicks(0, 5)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(epochTicks(1, 100)).toHaveLength(10);
  });
});

describe('linePath', () => {
  const x = createScale([0, 10], [0, 100]);
  const y = createScale([0, 1], [100, 0]);

  it('draws through the points in order', () => {
    expect(linePath([{ x: 0, y: 0 }, { x: 10, y: 1 }], x, y)).toBe('M0.0,100.0L100.0,0.0');
  });

  it('breaks the line at values it cannot draw (a diverged run)', () => {
    const path = linePath([{ x: 0, y: 0 }, { x: 5, y: NaN }, { x: 6, y: 0.5 }, { x: 7, y: Infinity }, { x: 8, y: 1 }], x, y);
    expect(path).toBe('M0.0,100.0M60.0,50.0M80.0,0.0');
  });

  it('skips non-positive values on a log scale', () => {
    const logY = createScale([0.1, 10], [100, 0], true);
    expect(linePath([{ x: 0, y: 0 }, { x: 10, y: 1 }], x, logY)).toBe('M100.0,50.0');
  });
});

describe('nearestPoint', () => {
  it('finds the point closest along x', () => {
    expect(nearestPoint([{ x: 1, y: 5 }, { x: 2, y: 6 }], 1.7)).toEqual({ x: 2, y: 6 });
    expect(nearestPoint([], 1)).toBeUndefined();
  });
});
