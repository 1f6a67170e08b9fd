/**
 * uPlot: canvas. One instance per mount (created on the first frame, since the series
 * come with the data), then `setData` per update. uPlot wants one x array for all
 * series, so the frame's curves are joined with `uPlot.join` (every update: the joined
 * x array is the union of every contestant's own x values). Bands use uPlot's `bands`
 * option: a fill between an upper and a lower series that are not stroked themselves.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartCandidate, ChartFrame, ChartSize } from './frame';

/** '#0072B2' and 0.5 → 'rgba(0,114,178,0.5)'. */
function rgba(hex: string, alpha: number): string {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgba(${value >> 16},${(value >> 8) & 255},${value & 255},${alpha})`;
}

/** The frame as uPlot tables: one per distinct x array (a contestant's per-batch curves share theirs), then joined. */
function alignedData(frame: ChartFrame): uPlot.AlignedData {
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
  const order: number[][] = [];
  for (const b of frame.bands) order.push(b.upper, b.lower);
  for (const s of frame.series) order.push(s.y);
  const position = new Map<number[], number>();
  let next = 1;
  for (const table of tables.values()) for (const y of table.slice(1)) position.set(y, next++);
  return [joined[0], ...order.map((y) => joined[position.get(y)!])] as uPlot.AlignedData;
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

export const uplot: ChartCandidate = {
  name: 'uplot',
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
