/**
 * uPlot's options for one metric chart, from what the chart shows: the series with
 * their contestants' colours and dashes, the axes' ranges and titles. Pure, so it is
 * tested without a canvas; uPlot itself computes ticks, scales and paths.
 */
import uPlot from 'uplot';
import type { XAxis, ZoomRange } from '../../experiment/view';
import { X_AXIS_TITLES } from '../../experiment/view';
import type { Series } from './chartData';

export type MetricKind = 'loss' | 'accuracy' | 'rate';

/** Line widths and opacities: test lines bold with a dot per epoch, training lines thin, raw curves faint. */
const SPLIT_STYLE: Record<Series['split'], { width: number; alpha: number }> = {
  test: { width: 3, alpha: 1 },
  train: { width: 1.5, alpha: 0.6 },
  raw: { width: 1, alpha: 0.22 },
  // A band's edges are not drawn; the area between them is filled.
  upper: { width: 0, alpha: 0 },
  lower: { width: 0, alpha: 0 },
  rate: { width: 2, alpha: 1 },
};

/** Presentation mode, read from the back of a hall: twice as thick, training lines less faded. */
const PRESENT_SPLIT_STYLE: Record<Series['split'], { width: number; alpha: number }> = {
  test: { width: 6, alpha: 1 },
  train: { width: 3.5, alpha: 0.75 },
  raw: { width: 1.5, alpha: 0.3 },
  upper: { width: 0, alpha: 0 },
  lower: { width: 0, alpha: 0 },
  rate: { width: 4, alpha: 1 },
};

/** Axis type and sizes, normal and in presentation mode (uPlot scales them by the device's pixel ratio). */
const AXIS_LOOK = {
  // xSpace, ySpace: the least room between ticks (uPlot's defaults, 50 and 30, for 14 px labels).
  normal: { font: '14px system-ui, sans-serif', labelFont: '14px system-ui, sans-serif', labelSize: 30, xSize: 50, ySize: 64, xSpace: 50, ySpace: 30, stroke: '#333', grid: '#d9d9d9', tickWidth: 1, pointSize: 8, cursorSize: 7, dashScale: 1 },
  // Fewer, wider-spaced ticks: "95.0 %" in 24 px needs 125 px, and ten labels a chart are enough to read from afar.
  present: { font: '600 24px system-ui, sans-serif', labelFont: '600 24px system-ui, sans-serif', labelSize: 40, xSize: 60, ySize: 125, xSpace: 90, ySpace: 45, stroke: '#000', grid: '#b8b8b8', tickWidth: 2, pointSize: 14, cursorSize: 14, dashScale: 2 },
} as const;

/** Each contestant's band: its 'upper' and 'lower' lines (uPlot series numbers, 0 being X), filled faintly. */
function bandsOf(series: readonly Series[]): uPlot.Band[] {
  const bands: uPlot.Band[] = [];
  series.forEach((s, i) => {
    if (s.split !== 'upper') return;
    const lower = series.findIndex((l) => l.split === 'lower' && l.contestant === s.contestant);
    if (lower >= 0) bands.push({ series: [i + 1, lower + 1], fill: withAlpha(s.color, 0.15) });
  });
  return bands;
}

/** "#0072B2" at `alpha` as an rgba() colour (canvas strokes have no separate opacity). */
export function withAlpha(hex: string, alpha: number): string {
  const value = Number.parseInt(hex.slice(1), 16);
  return alpha >= 1 ? hex : `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}

export const dashPattern = (dash: string): number[] => (dash ? dash.split(' ').map(Number) : []);

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** Tick labels of the X axis: epochs as numbers, examples compact ("240K"), seconds with "s". */
export function formatX(xAxis: XAxis, value: number): string {
  if (xAxis === 'examples') return compact.format(value);
  if (xAxis === 'seconds') return `${Number(value.toPrecision(3))} s`;
  return String(Number(value.toPrecision(4)));
}

export interface PlotSpec {
  title: string;
  kind: MetricKind;
  series: readonly Series[];
  xAxis: XAxis;
  /** Where the X axis ends when not zoomed: the run's planned end, so curves grow into a fixed frame. */
  xEnd: number;
  logScale: boolean;
  formatTick(value: number): string;
  /** Presentation mode: thick lines, large axis type, black axes. */
  presentation?: boolean;
}

/**
 * The unzoomed X range, ending at the run's planned end (or the last point, if later). Epochs
 * start at the first epoch's point for results that have only those, and at 0 once live
 * points exist; examples and seconds always start at 0.
 */
export function fullXRange(series: readonly Series[], xAxis: XAxis, xEnd: number): ZoomRange {
  let first = Infinity;
  let last = -Infinity;
  let fractional = false;
  for (const s of series) {
    if (!s.points.length) continue;
    first = Math.min(first, s.points[0].x);
    last = Math.max(last, s.points.at(-1)!.x);
    fractional ||= s.points.some((p) => !Number.isInteger(p.x));
  }
  const start = xAxis === 'epochs' && !fractional && Number.isFinite(first) ? first : 0;
  const end = Math.max(xEnd, Number.isFinite(last) ? last : 0);
  return [start, end > start ? end : start + 1];
}

/**
 * Y ranges: loss from zero, accuracy up to 100 %, a log loss axis over whole decades; once
 * zoomed in, the range fits the visible points, as TensorBoard does.
 */
export function yRange(kind: MetricKind, logScale: boolean, zoomed: boolean, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return kind === 'accuracy' ? [0, 1] : logScale ? [0.1, 10] : [0, 2.5];
  if (logScale) return uPlot.rangeLog(Math.max(min, 1e-12), Math.max(max, 1e-12), 10, true);
  if (kind === 'accuracy') {
    const [low, high] = uPlot.rangeNum(min, Math.min(max, 1), 0.1, true);
    return [Math.max(0, low ?? 0), zoomed ? Math.min(1, high ?? 1) : 1];
  }
  const [low, high] = uPlot.rangeNum(zoomed ? min : 0, max, 0.05, true);
  return [zoomed ? Math.max(0, low ?? 0) : 0, high];
}

/**
 * The options one uPlot instance is created with. `zoom()` reads the current zoom, so a
 * zoom change needs no new instance; a change of series, axis or scale type does.
 */
export function plotOptions(spec: PlotSpec, size: { width: number; height: number }, zoom: () => ZoomRange | null, hooks: uPlot.Hooks.Arrays): uPlot.Options {
  const full = fullXRange(spec.series, spec.xAxis, spec.xEnd);
  const look = AXIS_LOOK[spec.presentation ? 'present' : 'normal'];
  const splitStyle = spec.presentation ? PRESENT_SPLIT_STYLE : SPLIT_STYLE;
  return {
    width: size.width,
    height: size.height,
    legend: { show: false },
    // One cursor for every chart on the page, matched by X value.
    cursor: {
      sync: { key: 'charts', scales: ['x', null] },
      y: false,
      drag: { x: true, y: false, setScale: false },
      points: { size: look.cursorSize },
      focus: { prox: -1 },
    },
    scales: {
      x: { time: false, range: () => [...(zoom() ?? full)] as uPlot.Range.MinMax },
      y: { distr: spec.logScale ? 3 : 1, log: 10, range: (_u, min, max) => yRange(spec.kind, spec.logScale, zoom() !== null, min, max) },
    },
    axes: [
      {
        label: X_AXIS_TITLES[spec.xAxis],
        stroke: look.stroke,
        font: look.font,
        labelFont: look.labelFont,
        labelSize: look.labelSize,
        size: look.xSize,
        space: look.xSpace,
        grid: { stroke: look.grid, width: 1, dash: [2, 4] },
        ticks: { stroke: look.stroke, width: look.tickWidth },
        // uPlot passes null for ticks it leaves unlabelled (between decades of a log axis).
        values: (_u, splits) => splits.map((v) => (v === null ? '' : formatX(spec.xAxis, v))),
      },
      {
        stroke: look.stroke,
        font: look.font,
        size: look.ySize,
        space: look.ySpace,
        grid: { stroke: look.grid, width: 1, dash: [2, 4] },
        ticks: { stroke: look.stroke, width: look.tickWidth },
        values: (_u, splits) => splits.map((v) => (v === null ? '' : spec.formatTick(v))),
      },
    ],
    series: [
      {},
      ...spec.series.map((s): uPlot.Series => {
        const style = splitStyle[s.split];
        return {
          label: s.label,
          stroke: withAlpha(s.color, style.alpha),
          width: style.width,
          // Dashes grow with the line, or a thick dashed line reads as dots.
          dash: dashPattern(s.dash).map((d) => d * look.dashScale),
          spanGaps: true,
          points: s.split === 'test' ? { show: true, size: look.pointSize, fill: s.color, stroke: s.color } : { show: false },
        };
      }),
    ],
    bands: bandsOf(spec.series),
    hooks,
  };
}
