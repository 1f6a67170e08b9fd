/**
 * The app's own chart (src/ui/charts/UplotPlot.tsx with plotOptions.ts and alignSeries),
 * fed the frame as the app's Series: what ships, measured beside the other candidates.
 * Smoothing is done by the frame's generator here (the app's chartSeries adds that
 * linear pass over the live points); bands become each contestant's 'upper' and 'lower' lines.
 */
import { useMemo } from 'react';
import type { Series } from '../../src/ui/charts/chartData';
import type { PlotSpec } from '../../src/ui/charts/plotOptions';
import { UplotPlot } from '../../src/ui/charts/UplotPlot';
import type { ChartFrame } from './frame';
import { reactCandidate, type ReactChartProps } from './reactCandidate';

const SPLITS: [suffix: string, split: Series['split']][] = [
  [' train (raw)', 'raw'],
  [' train', 'train'],
  [' test', 'test'],
];

function toSeries(frame: ChartFrame): Series[] {
  const points = (x: number[], y: number[]) => x.map((value, i) => ({ x: value, y: y[i] }));
  const series: Series[] = [];
  for (const band of frame.bands) {
    const contestant = band.label.replace(/ seeds$/, '');
    const base = { contestant, label: band.label, color: band.color, dash: '' };
    series.push({ ...base, key: `${contestant}:upper`, split: 'upper', points: points(band.x, band.upper) });
    series.push({ ...base, key: `${contestant}:lower`, split: 'lower', points: points(band.x, band.lower) });
  }
  for (const s of frame.series) {
    const [suffix, split] = SPLITS.find(([end]) => s.label.endsWith(end))!;
    const contestant = s.label.slice(0, -suffix.length);
    series.push({ key: `${contestant}:${split}`, contestant, split, label: s.label, color: s.color, dash: s.dash, points: points(s.x, s.y) });
  }
  return series;
}

const noop = () => {};
const formatTick = (value: number) => String(Number(value.toPrecision(3)));

function AppChart({ frame, size }: ReactChartProps) {
  const spec = useMemo<PlotSpec>(() => ({ title: 'Loss', kind: 'loss', series: toSeries(frame), xAxis: 'epochs', xEnd: frame.xDomain[1], logScale: false, formatTick }), [frame]);
  return (
    <div style={{ width: size.width, height: size.height }}>
      <UplotPlot spec={spec} zoom={null} onZoom={noop} onCursor={noop} label="Loss chart" describedBy="" />
    </div>
  );
}

export const appChart = reactCandidate('app', AppChart);
