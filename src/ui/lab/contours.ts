/**
 * Filled contours of a surface over its window (and, through gridContourBands, of any
 * sampled grid, such as the landscape's slice), at log-spaced levels, as SVG path
 * data in the plot's pixel space. d3-contour does the marching squares on a grid of
 * samples; the levels are of f − min(f) over the grid, so surfaces that go negative
 * (the saddle) and minima at exactly 0 get log spacing too.
 */
import { contours } from 'd3-contour';
import type { ScaleLinear } from 'd3-scale';
import { SURFACES, type SurfaceId } from '../../experiment/surfaces';

export interface ContourBand {
  /** The band's lower level, in f's own units (f ≥ level inside). */
  level: number;
  /** The same level above the lowest sample of f: the log-spaced quantity. */
  aboveMin: number;
  /** 0 for the lowest band, 1 for the highest: the colour's position. */
  t: number;
  d: string;
}

/** Grid samples per side; 96² evaluations take well under a millisecond. */
const GRID = 96;
const LEVELS = 14;

/** `count` levels spaced evenly in log between `low` and `high` (both > 0). */
export function logLevels(low: number, high: number, count: number): number[] {
  const a = Math.log(low), b = Math.log(high);
  return Array.from({ length: count }, (_, i) => Math.exp(a + ((b - a) * i) / (count - 1)));
}

export function contourBands(surfaceId: SurfaceId, kappa: number, x: ScaleLinear<number, number>, y: ScaleLinear<number, number>): ContourBand[] {
  const surface = SURFACES[surfaceId];
  const [x0, x1] = surface.window.x;
  const [y0, y1] = surface.window.y;
  // Samples at grid points (i, j) spanning the window edge to edge.
  const values = new Float64Array(GRID * GRID);
  for (let j = 0; j < GRID; j++) {
    for (let i = 0; i < GRID; i++) values[j * GRID + i] = surface.value(x0 + ((x1 - x0) * i) / (GRID - 1), y0 + ((y1 - y0) * j) / (GRID - 1), kappa);
  }
  return gridContourBands(values, GRID, GRID, x, y, LEVELS);
}

/**
 * Filled contours at `levelCount` log-spaced levels of samples on a `columns` × `rows`
 * grid (row-major, row 0 at the bottom) spanning the scales' domains edge to edge.
 */
export function gridContourBands(
  values: ArrayLike<number>,
  columns: number,
  rows: number,
  x: ScaleLinear<number, number>,
  y: ScaleLinear<number, number>,
  levelCount: number,
): ContourBand[] {
  const [x0, x1] = x.domain();
  const [y0, y1] = y.domain();
  let min = Infinity, max = -Infinity;
  for (let k = 0; k < columns * rows; k++) {
    if (values[k] < min) min = values[k];
    if (values[k] > max) max = values[k];
  }
  const range = max - min;
  // From a ten-thousandth of the range: below it the bands are too thin to draw.
  const levels = logLevels(range * 1e-4, range * 0.9, levelCount);
  const shifted = Array.from({ length: columns * rows }, (_, k) => values[k] - min);
  // d3-contour puts sample k at coordinate k + 0.5 (its outer ring runs along 0 and the size): back to sample units, clamped to the window.
  const sample = (g: number, count: number) => Math.min(count - 1, Math.max(0, g - 0.5)) / (count - 1);
  const toX = (gx: number) => x(x0 + (x1 - x0) * sample(gx, columns)).toFixed(1);
  const toY = (gy: number) => y(y0 + (y1 - y0) * sample(gy, rows)).toFixed(1);
  return contours()
    .size([columns, rows])
    .thresholds(levels)(shifted)
    .map((polygon, index) => ({
      level: polygon.value + min,
      aboveMin: polygon.value,
      t: index / (levelCount - 1),
      d: polygon.coordinates
        .flatMap((rings) => rings.map((ring) => `M${ring.map(([gx, gy]) => `${toX(gx)},${toY(gy)}`).join('L')}Z`))
        .join(''),
    }));
}
