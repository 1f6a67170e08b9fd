/**
 * uPlot: canvas. One instance per mount (created on the first frame, since the series
 * come with the data), then `setData` per update. uPlot wants one x array for all
 * series: `uplot` joins the frame's curves with `uPlot.join` every update (the joined x
 * array is the union of every contestant's own x values); `uplot-aligned` passes curves
 * that share the x values as they are and places only the others. Bands use uPlot's
 * `bands` option: a fill between an upper and a lower series that are not stroked.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartCandidate, ChartFrame, ChartSize } from './frame';

/** '#0072B2' and 0.5 → 'rgba(0,114,178,0.5)'. */
function rgba(hex: string, alpha: number): string {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgba(${value >> 16},${(value >> 8) & 255},${value & 255},${alpha})`;
}

/** The frame's columns in the options' order: bands (upper, lower), then series. */
function columns(frame: ChartFrame): { x: number[]; y: number[] }[] {
  return [...frame.bands.flatMap((b) => [{ x: b.x, y: b.upper }, { x: b.x, y: b.lower }]), ...frame.series.map((s) => ({ x: s.x, y: s.y }))];
}

/** The frame as uPlot tables: one per distinct x array (a contestant's per-batch curves share theirs), then joined. */
function joinedData(frame: ChartFrame): uPlot.AlignedData {
  const tables = new Map<number[], number[][]>();
  const column = (x: number[], y: number[]) => {
    const table = tables.get(x);
    if (table) table.push(y);
    else tables.set(x, [x, y]);
  };
  for (const b of frame.bands) {
    column(b.x, b.upper);
    column(b.x, b.lower);
  }
  for (const s of frame.series) column(s.x, s.y);
  const joined = uPlot.join([...tables.values()] as uPlot.AlignedData[]);
  // join's columns come table by table; put them back in the options' order (bands, then series).
  const position = new Map<number[], number>();
  let next = 1;
  for (const table of tables.values()) for (const y of table.slice(1)) position.set(y, next++);
  return [joined[0], ...columns(frame).map(({ y }) => joined[position.get(y)!])] as uPlot.AlignedData;
}

/**
 * Without join, for curves that share their x values (per-batch points of a lockstep
 * run): the longest x array is the axis; a column on an equal x array is passed as it
 * is, a shorter one (the per-epoch test line) is placed by looking its x values up.
 * Falls back to join when some x value is not on the axis.
 */
function sharedAxisData(frame: ChartFrame): uPlot.AlignedData {
  const all = columns(frame);
  const axis = all.reduce((longest, c) => (c.x.length > longest.length ? c.x : longest), [] as number[]);
  const index = new Map<number, number>();
  const sameAsAxis = new Map<number[], boolean>();
  const out: (number | undefined)[][] = [];
  for (const { x, y } of all) {
    let same = sameAsAxis.get(x);
    if (same === undefined) {
      same = x === axis || (x.length === axis.length && x.every((v, i) => v === axis[i]));
      sameAsAxis.set(x, same);
    }
    if (same) {
      out.push(y);
      continue;
    }
    if (!index.size) axis.forEach((v, i) => index.set(v, i));
    const column: (number | undefined)[] = new Array(axis.length);
    for (let i = 0; i < x.length; i++) {
      const at = index.get(x[i]);
      if (at === undefined) return joinedData(frame);
      column[at] = y[i];
    }
    out.push(column);
  }
  return [axis, ...out] as uPlot.AlignedData;
}

function options(frame: ChartFrame, size: ChartSize): uPlot.Options {
  const series: uPlot.Series[] = [{ label: frame.xLabel }];
  const bands: uPlot.Band[] = [];
  for (const b of frame.bands) {
    const upper = series.length;
    series.push({ label: `${b.label} upper`, width: 0, points: { show: false } }, { label: `${b.label} lower`, width: 0, points: { show: false } });
    bands.push({ series: [upper, upper + 1], fill: rgba(b.color, b.opacity) });
  }
  for (const s of frame.series) {
    series.push({
      label: s.label,
      stroke: rgba(s.color, s.opacity),
      width: s.width,
      dash: s.dash ? s.dash.split(' ').map(Number) : undefined,
      points: s.marker > 0 ? { show: true, size: s.marker * 2, fill: s.color, stroke: s.color } : { show: false },
    });
  }
  return {
    width: size.width,
    height: size.height,
    series,
    bands,
    legend: { show: false },
    scales: {
      x: { time: false, auto: false, range: () => frame.xDomain },
      y: { range: (_u, _min, max) => uPlot.rangeNum(0, max, 0.05, true) },
    },
    axes: [{ label: frame.xLabel, grid: { stroke: '#d9d9d9', dash: [2, 4], width: 1 } }, { values: (_u, splits) => splits.map((v) => v.toFixed(2)), grid: { stroke: '#d9d9d9', dash: [2, 4], width: 1 } }],
  };
}

function uplotCandidate(name: string, alignedData: (frame: ChartFrame) => uPlot.AlignedData): ChartCandidate {
  return {
    name,
    mount(container, size) {
      let chart: uPlot | undefined;
      let layout = '';
      return {
        update(frame) {
          const data = alignedData(frame);
          const frameLayout = [...frame.bands.map((b) => b.label), ...frame.series.map((s) => s.label)].join('\n');
          if (!chart || frameLayout !== layout) {
            chart?.destroy();
            chart = new uPlot(options(frame, size), data, container);
            layout = frameLayout;
          } else {
            chart.setData(data);
          }
        },
        destroy: () => chart?.destroy(),
      };
    },
  };
}

/** Every update joined with uPlot.join. */
export const uplot = uplotCandidate('uplot', joinedData);
/** The data aligned onto one shared x array without join (join only where x values differ). */
export const uplotSharedAxis = uplotCandidate('uplot-aligned', sharedAxisData);
