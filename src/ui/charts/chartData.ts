import uPlot from 'uplot';
import type { EpochMetrics } from '../../experiment/metrics';
import type { ContestantStyle } from '../../experiment/contestants';
import type { XAxis } from '../../experiment/view';
import type { TracePoint } from '../../store/playgroundStore';
import { scheduleCurve, type ScheduleSettings } from '../../experiment/schedules';
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
   * 'upper' and 'lower': the edges of a contestant's band (its spread over seeds), filled between;
   * 'rate': its learning rate step by step (the schedule chart).
   */
  split: 'test' | 'train' | 'raw' | 'upper' | 'lower' | 'rate';
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
 * series `undefined` where it has no point of its own (uPlot spans those gaps). What
 * uPlot.join computes, but in linear time for what charts hold: a few distinct x arrays
 * (a worker's contestants share their live points' positions) shared by many lines. The
 * chart benchmark measured join at about half of a twelve-contestant update.
 */
export function alignSeries(series: readonly Series[]): uPlot.AlignedData {
  if (!series.length) return [[]];
  // Group the lines by their x values (compared point by point with each group's first line).
  const groups: { xs: number[]; members: number[] }[] = [];
  series.forEach((s, i) => {
    const group = groups.find((g) => hasXs(s.points, g.xs));
    if (group) group.members.push(i);
    else groups.push({ xs: s.points.map((p) => p.x), members: [i] });
  });
  const union = groups.length === 1 ? groups[0].xs : groups.reduce<number[]>((merged, g) => mergeSorted(merged, g.xs), []);
  const columns: (number | undefined)[][] = new Array(series.length);
  for (const { xs, members } of groups) {
    if (xs.length === union.length) {
      for (const i of members) columns[i] = yValues(series[i].points);
      continue;
    }
    // Where each of the group's x values sits in the union: one walk.
    const at = new Int32Array(xs.length);
    for (let j = 0, k = 0; j < xs.length; j++) {
      while (union[k] !== xs[j]) k++;
      at[j] = k;
    }
    for (const i of members) {
      const column: (number | undefined)[] = new Array(union.length).fill(undefined);
      const points = series[i].points;
      for (let j = 0; j < points.length; j++) column[at[j]] = points[j].y;
      columns[i] = column;
    }
  }
  return [union, ...columns] as uPlot.AlignedData;
}

function hasXs(points: readonly Point[], xs: readonly number[]): boolean {
  if (points.length !== xs.length) return false;
  for (let i = 0; i < xs.length; i++) if (points[i].x !== xs[i]) return false;
  return true;
}

function yValues(points: readonly Point[]): number[] {
  const ys = new Array<number>(points.length);
  for (let i = 0; i < points.length; i++) ys[i] = points[i].y;
  return ys;
}

/** The sorted union of two increasing arrays, each value once. */
function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    if (out.length === 0 || out[out.length - 1] !== next) out.push(next);
    if (i < a.length && a[i] === next) i++;
    if (j < b.length && b[j] === next) j++;
  }
  return out;
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

/** One contestant's learning rate as the schedule chart draws it. */
export interface RateContestant {
  key: string;
  name: string;
  style: ContestantStyle;
  learningRate: number;
  schedule?: ScheduleSettings;
}

/**
 * Each contestant's learning rate at the steps of a run (Keras's iterations), on the
 * charts' X axis: epochs or examples seen (seconds are not known ahead, so epochs).
 */
export function learningRateSeries(contestants: readonly RateContestant[], run: { batchesPerEpoch: number; batchSize: number; epochs: number }, xAxis: XAxis, hidden: readonly string[]): Series[] {
  const totalSteps = run.batchesPerEpoch * run.epochs;
  const toX = (step: number) => (xAxis === 'examples' ? step * run.batchSize : step / run.batchesPerEpoch);
  return contestants
    .filter((c) => !hidden.includes(c.key))
    .map(({ key, name, style, learningRate, schedule }) => {
      const { steps, rates } = scheduleCurve(schedule, learningRate, totalSteps);
      return { key: `${key}:rate`, contestant: key, split: 'rate', label: name, color: style.color, dash: style.dash, points: finitePoints(steps.map((step, i) => ({ x: toX(step), y: rates[i] }))) };
    });
}
