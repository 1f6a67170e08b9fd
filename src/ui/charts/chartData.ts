import uPlot from 'uplot';
import type { EpochMetrics } from '../../experiment/metrics';
import type { ContestantStyle } from '../../experiment/contestants';
import type { XAxis } from '../../experiment/view';
import type { TracePoint } from '../../store/playgroundStore';
import { smoothDebiased } from './smoothing';

export type MetricPair = { test: keyof EpochMetrics; train: keyof EpochMetrics };

export const LOSS: MetricPair = { test: 'testLoss', train: 'trainLoss' };
export const ACCURACY: MetricPair = { test: 'testAccuracy', train: 'trainAccuracy' };

export interface Point {
  x: number;
  y: number;
}

export interface Series {
  key: string;
  /** The contestant's key ("adam2"). */
  contestant: string;
  /**
   * 'raw': the unsmoothed live training curve, drawn faintly behind its smoothed 'train' line;
   * 'upper' and 'lower': the edges of a contestant's band (its spread over seeds), filled between.
   */
  split: 'test' | 'train' | 'raw' | 'upper' | 'lower';
  label: string;
  color: string;
  /** SVG-style dash pattern of the contestant ("10 4 2 4"); '' is solid. */
  dash: string;
  /** Increasing x; finite y only. */
  points: Point[];
}

export interface OptimizerCurves {
  history: readonly EpochMetrics[];
  /** Live training points; absent for opened results. */
  trace?: readonly TracePoint[];
}

/** One contestant as a chart draws it. */
export interface ChartContestant {
  key: string;
  name: string;
  style: ContestantStyle;
  state: OptimizerCurves;
}

export interface SeriesOptions {
  showTrain: boolean;
  /** TensorBoard's smoothing weight for the live training curves (0: raw). */
  smoothing: number;
  xAxis: XAxis;
  /** Training examples per epoch, for the "examples seen" axis. */
  trainExamples: number;
  /** Contestant keys left out (legend toggles). */
  hidden: readonly string[];
}

/**
 * Where each kind of point sits on the chosen X axis. A live point knows its fractional
 * epoch and its contestant's seconds so far; an epoch's point, its number and (summed
 * over the epochs) its contestant's seconds.
 */
function xPositions(xAxis: XAxis, trainExamples: number) {
  return {
    trace: (t: TracePoint) => (xAxis === 'epochs' ? t.position : xAxis === 'examples' ? t.position * trainExamples : t.seconds),
    history(history: readonly EpochMetrics[]): number[] {
      let seconds = 0;
      return history.map((m) => {
        seconds += m.seconds;
        return xAxis === 'epochs' ? m.epoch : xAxis === 'examples' ? m.epoch * trainExamples : seconds;
      });
    },
  };
}

const finitePoints = (points: Point[]) => points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));

/**
 * The lines of one chart: per shown contestant, training (live trace while it exists,
 * else one point per epoch) then test (one point per epoch), so test lines draw on top.
 * A live trace is smoothed with TensorBoard's debiased moving average (`smoothing` > 0),
 * its raw points kept as a faint 'raw' series behind it.
 */
export function chartSeries(lineup: readonly ChartContestant[], metric: MetricPair, options: SeriesOptions): Series[] {
  const { showTrain, smoothing, hidden } = options;
  const traceKey = metric.train === 'trainLoss' ? 'trainLoss' : 'trainAccuracy';
  const x = xPositions(options.xAxis, options.trainExamples);
  const series: Series[] = [];
  for (const { key, name, style, state } of lineup) {
    if (hidden.includes(key)) continue;
    const { history = [], trace } = state;
    const base = { contestant: key, color: style.color, dash: style.dash };
    const epochX = x.history(history);
    if (showTrain) {
      if (trace?.length) {
        const raw = trace.map((t) => ({ x: x.trace(t), y: t[traceKey] }));
        if (smoothing > 0) {
          series.push({ ...base, key: `${key}:raw`, split: 'raw', label: `${name} train (raw)`, points: finitePoints(raw) });
          const smoothed = smoothDebiased(raw.map((p) => p.y), smoothing);
          series.push({ ...base, key: `${key}:train`, split: 'train', label: `${name} train`, points: finitePoints(raw.map((p, i) => ({ x: p.x, y: smoothed[i] }))) });
        } else {
          series.push({ ...base, key: `${key}:train`, split: 'train', label: `${name} train`, points: finitePoints(raw) });
        }
      } else {
        series.push({ ...base, key: `${key}:train`, split: 'train', label: `${name} train`, points: finitePoints(history.map((m, i) => ({ x: epochX[i], y: m[metric.train] }))) });
      }
    }
    series.push({ ...base, key: `${key}:test`, split: 'test', label: `${name} test`, points: finitePoints(history.map((m, i) => ({ x: epochX[i], y: m[metric.test] }))) });
  }
  return series;
}

/**
 * The series on one shared x (uPlot's aligned data): the union of every series' x, each
 * series null where it has no point of its own (the chart spans those gaps).
 */
export function alignSeries(series: readonly Series[]): uPlot.AlignedData {
  if (!series.length) return [[]];
  return uPlot.join(series.map((s) => [s.points.map((p) => p.x), s.points.map((p) => p.y)]));
}

/** The point of `points` (sorted by x) nearest to `x`, or undefined when there are none. */
export function nearestPoint(points: readonly Point[], x: number): Point | undefined {
  if (!points.length) return undefined;
  let low = 0;
  let high = points.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (points[mid].x < x) low = mid + 1;
    else high = mid;
  }
  const before = points[Math.max(0, low - 1)];
  return Math.abs(before.x - x) < Math.abs(points[low].x - x) ? before : points[low];
}
