import { scaleLinear } from 'd3-scale';
import { describe, expect, it } from 'vitest';
import { SURFACE_IDS, SURFACES } from '../../experiment/surfaces';
import { contourBands, logLevels } from './contours';

describe('contours', () => {
  it('spaces levels evenly in log', () => {
    const levels = logLevels(0.01, 100, 5);
    expect(levels.map((l) => Number(l.toPrecision(6)))).toEqual([0.01, 0.1, 1, 10, 100]);
  });

  it.each(SURFACE_IDS)('%s: bands at rising levels, drawn inside the plot, the lowest around the minima', (id) => {
    const surface = SURFACES[id];
    const x = scaleLinear().domain(surface.window.x).range([0, 400]);
    const y = scaleLinear().domain(surface.window.y).range([400, 0]);
    const bands = contourBands(id, 100, x, y);
    expect(bands.length).toBeGreaterThan(5);
    const ratio = bands[1].aboveMin / bands[0].aboveMin;
    expect(ratio).toBeGreaterThan(1.5);
    for (let i = 1; i < bands.length; i++) {
      expect(bands[i].level).toBeGreaterThan(bands[i - 1].level);
      // Log spacing: equal ratios between the levels above the surface's lowest value.
      expect(bands[i].aboveMin / bands[i - 1].aboveMin).toBeCloseTo(ratio, 9);
    }
    const numbers = bands.flatMap((b) => b.d.match(/-?\d+(\.\d+)?/g)!.map(Number));
    expect(Math.min(...numbers)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...numbers)).toBeLessThanOrEqual(400);
    // Every minimum lies below the second level: it sits in the lightest band (the saddle's point is no minimum).
    if (id !== 'saddle') for (const m of surface.minima) expect(surface.value(m.x, m.y, 100)).toBeLessThan(bands[1].level);
  });
});
