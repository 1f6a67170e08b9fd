import type { EpochMetrics } from '../../experiment/metrics';
import type { ContestantStyle } from '../../experiment/contestants';
import type { TracePoint } from '../../store/playgroundStore';
import { smoothDebiased } from './smoothing';
import { epochTicks, logTicks, niceLinearTicks, type Domain, type Point } from './chartGeometry';

export type MetricPair = { test: keyof EpochMetrics; train: keyof EpochMetrics };

export const LOSS: MetricPair = { test: 'testLoss', train: 'trainLoss' };
export const ACCURACY: MetricPair = { test: 'testAccuracy', train: 'trainAccuracy' };

export interface Series {
  key: string;
  /** The contestant's key ("adam2"). */
  contestant: string;
  /** 'raw': the unsmoothed live training curve, drawn faintly behind its smoothed 'train' line. */
  split: 'test' | 'train' | 'raw';
  label: string;
  color: string;
  /** SVG stroke-dasharray of the contestant; '' is solid. */
  dash: string;
  points: Point[];
}

export interface OptimizerCurves {
  history: readonly EpochMetrics[];
  /** Live training points (x = epochs done as a fraction); absent for opened results. */
  trace?: readonly TracePoint[];
}

/** One contestant as a chart draws it. */
export interface ChartContestant {
  key: string;
  name: string;
  style: ContestantStyle;
  state: OptimizerCurves;
}

/**
 * The lines of one chart: per contestant, training (live trace while it exists, else
 * one point per epoch) then test (one point per epoch), so test lines draw on top. A live
 * trace is smoothed with TensorBoard's debiased moving average (`smoothing` > 0), its raw
 * points kept as a faint 'raw' series behind it.
 */
export function chartSeries(lineup: readonly ChartContestant[], metric: MetricPair, showTrain: boolean, smoothing = 0): Series[] {
  const traceKey = metric.train === 'trainLoss' ? 'trainLoss' : 'trainAccuracy';
  const series: Series[] = [];
  for (const { key, name, style, state } of lineup) {
    const { history = [], trace } = state;
    const base = { contestant: key, color: style.color, dash: style.dash };
    if (showTrain) {
      if (trace?.length) {
        const raw = trace.map((t) => ({ x: t.position, y: t[traceKey] }));
        if (smoothing > 0) {
          series.push({ ...base, key: `${key}:raw`, split: 'raw', label: `${name} train (raw)`, points: raw });
          const smoothed = smoothDebiased(raw.map((p) => p.y), smoothing);
          series.push({ ...base, key: `${key}:train`, split: 'train', label: `${name} train`, points: raw.map((p, i) => ({ x: p.x, y: smoothed[i] })) });
        } else {
          series.push({ ...base, key: `${key}:train`, split: 'train', label: `${name} train`, points: raw });
        }
      } else {
        series.push({ ...base, key: `${key}:train`, split: 'train', label: `${name} train`, points: history.map((m) => ({ x: m.epoch, y: m[metric.train] })) });
      }
    }
    series.push({ ...base, key: `${key}:test`, split: 'test', label: `${name} test`, points: history.map((m) => ({ x: m.epoch, y: m[metric.test] })) });
  }
  return series;
}

export interface Axes {
  x: { domain: Domain; ticks: number[] };
  y: { domain: Domain; ticks: number[] };
}

/**
 * Epochs on x (from 0 when live points exist, so the first second of training shows);
 * y from 0 for loss, up to 100 % for accuracy, or powers of ten on a log scale.
 */
export function chartAxes(series: readonly Series[], epochs: number, kind: 'loss' | 'accuracy', logScale: boolean): Axes {
  const hasTrace = series.some((s) => s.points.some((p) => !Number.isInteger(p.x)));
  const lastEpoch = Math.max(epochs, 2);
  const firstEpoch = hasTrace ? 0 : 1;
  const x = { domain: [firstEpoch, lastEpoch] as Domain, ticks: epochTicks(firstEpoch, lastEpoch) };
  const values = series.flatMap((s) => s.points.map((p) => p.y)).filter((v) => Number.isFinite(v) && (!logScale || v > 0));
  if (!values.length) return { x, y: kind === 'accuracy' ? niceLinearTicks(0, 1) : logScale ? logTicks(0.1, 10) : niceLinearTicks(0, 2.5) };
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (logScale) return { x, y: logTicks(min, max) };
  if (kind === 'accuracy') return { x, y: niceLinearTicks(Math.min(min, 0.999), 1) };
  return { x, y: niceLinearTicks(0, max) };
}
