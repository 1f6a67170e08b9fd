/**
 * What the landscape panel draws, from a result (pure): the line chart's series, one per
 * contestant in its colour and dash, and the slice's grid and its three marked points.
 */
import { LINE_ALPHAS, SLICE_COORDINATES } from '../../experiment/landscape';
import type { LineupEntry } from '../../store/playgroundStore';
import type { LandscapeResult } from '../../train/protocol';
import type { Series } from '../charts/chartData';

export function landscapeSeries(result: LandscapeResult, lineup: readonly LineupEntry[]): Series[] {
  return result.lines.flatMap(({ contestant, losses }) => {
    const entry = lineup.find((e) => e.key === contestant);
    if (!entry) return [];
    return [
      {
        key: `${contestant}:landscape`,
        contestant,
        split: 'line' as const,
        label: entry.name,
        color: entry.style.color,
        dash: entry.style.dash,
        points: LINE_ALPHAS.flatMap((x, i) => (Number.isFinite(losses[i]) ? [{ x, y: losses[i] }] : [])),
      },
    ];
  });
}

export interface SlicePoint {
  /** Coordinates in the slice: (0, 0) the start, (1, 0) the first contestant, (0, 1) the second. */
  a: number;
  b: number;
  label: string;
  loss: number;
  color: string;
}

/** The loss at grid point (a, b) of the slice; a and b are values of SLICE_COORDINATES. */
export function sliceLoss(losses: readonly number[], a: number, b: number): number {
  const n = SLICE_COORDINATES.length;
  return losses[SLICE_COORDINATES.indexOf(b) * n + SLICE_COORDINATES.indexOf(a)];
}

/** The three points the slice passes through, with their losses. */
export function slicePoints(slice: NonNullable<LandscapeResult['slice']>, lineup: readonly LineupEntry[]): SlicePoint[] {
  const entry = (key: string) => lineup.find((e) => e.key === key);
  const a = entry(slice.a);
  const b = entry(slice.b);
  return [
    { a: 0, b: 0, label: 'Start', loss: sliceLoss(slice.losses, 0, 0), color: '#111111' },
    { a: 1, b: 0, label: a?.name ?? slice.a, loss: sliceLoss(slice.losses, 1, 0), color: a?.style.color ?? '#111111' },
    { a: 0, b: 1, label: b?.name ?? slice.b, loss: sliceLoss(slice.losses, 0, 1), color: b?.style.color ?? '#111111' },
  ];
}

/**
 * The values the contours are drawn from: the losses capped at ten times the largest of
 * the three marked points'. Far out, a mixed network's loss can grow by orders of
 * magnitude (or overflow); uncapped, those few cells would take the log-spaced levels
 * that should describe the region between the points.
 */
export function contourValues(losses: readonly number[], points: readonly SlicePoint[]): Float64Array {
  const cap = 10 * Math.max(...points.map((p) => p.loss));
  return Float64Array.from(losses, (v) => (Number.isFinite(v) ? Math.min(v, cap) : cap));
}
