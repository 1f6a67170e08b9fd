import { describe, expect, it } from 'vitest';
import { contestantStyle } from '../../experiment/contestants';
import { LINE_ALPHAS, SLICE_COORDINATES } from '../../experiment/landscape';
import type { LineupEntry } from '../../store/playgroundStore';
import { contourValues, landscapeSeries, slicePoints } from './landscapeView';

const entry = (key: string, name: string, index: number) => ({ key, name, style: contestantStyle(index) }) as LineupEntry;
const lineup = [entry('sgd', 'SGD', 0), entry('adam', 'Adam', 1)];

describe('landscapeView', () => {
  it('draws a line per contestant over α in its colour and dash, leaving out overflowed points', () => {
    const losses = LINE_ALPHAS.map((a) => 2.3 - a);
    losses[60] = Infinity;
    const series = landscapeSeries({ lines: [{ contestant: 'adam', losses }, { contestant: 'gone', losses }], examples: 10, seconds: 1 }, lineup);
    expect(series).toHaveLength(1);
    expect(series[0]).toMatchObject({ contestant: 'adam', label: 'Adam', split: 'line', color: contestantStyle(1).color, dash: contestantStyle(1).dash });
    expect(series[0].points).toHaveLength(60);
    expect(series[0].points[10]).toEqual({ x: 0, y: 2.3 });
  });

  it('marks the start and the two contestants at (0, 0), (1, 0) and (0, 1) with their grid values', () => {
    const n = SLICE_COORDINATES.length;
    // loss = 1 + 10a + 100b, row by row (b outer).
    const losses = SLICE_COORDINATES.flatMap((b) => SLICE_COORDINATES.map((a) => 1 + 10 * a + 100 * b));
    expect(losses).toHaveLength(n * n);
    const points = slicePoints({ a: 'adam', b: 'sgd', rows: SLICE_COORDINATES.map((_, i) => i), losses }, lineup);
    expect(points.map((p) => [p.label, p.a, p.b, p.loss])).toEqual([
      ['Start', 0, 0, 1],
      ['Adam', 1, 0, 11],
      ['SGD', 0, 1, 101],
    ]);
    expect(points[1].color).toBe(contestantStyle(1).color);
    // Contours see at most ten times the largest marked loss; an overflow counts as that.
    const values = contourValues([...losses.slice(0, -1), NaN], points);
    expect(Math.max(...values)).toBe(1010);
    expect(values[0]).toBe(losses[0]);
  });
});
