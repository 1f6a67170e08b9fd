/**
 * The baseline: today's drawing, FROZEN as of commit ccc7424 (src/ui/charts/MetricChart.tsx's
 * `Plot`, with chartGeometry.ts beside it and the axis logic of chartData.ts's
 * `chartAxes`). React renders SVG paths from hand-written scales and ticks. Adapted
 * only to draw a ChartFrame: its series become the app's `Series` (points built per
 * update, as `chartSeries` builds them), widths and opacities come from the frame
 * instead of the split, and the seed bands are filled SVG paths made the same way.
 */
import { memo, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { ContestantSwatch } from '../../../src/ui/ContestantSwatch';
import './plot.css';
import type { ChartFrame } from '../frame';
import { reactCandidate, type ReactChartProps } from '../reactCandidate';
import { createScale, epochTicks, linePath, nearestPoint, niceLinearTicks, type Domain, type Point, type Scale } from './chartGeometry';

interface Series {
  key: string;
  label: string;
  color: string;
  dash: string;
  width: number;
  opacity: number;
  marker: number;
  points: Point[];
}

interface Band {
  key: string;
  color: string;
  opacity: number;
  upper: Point[];
  lower: Point[];
}

/** The frame as the app's chartSeries shapes its lines: arrays of points. */
function frameSeries(frame: ChartFrame): { series: Series[]; bands: Band[] } {
  const series = frame.series.map((s) => ({ key: s.label, label: s.label, color: s.color, dash: s.dash, width: s.width, opacity: s.opacity, marker: s.marker, points: s.x.map((x, i) => ({ x, y: s.y[i] })) }));
  const bands = frame.bands.map((b) => ({
    key: b.label,
    color: b.color,
    opacity: b.opacity,
    upper: b.x.map((x, i) => ({ x, y: b.upper[i] })),
    lower: b.x.map((x, i) => ({ x, y: b.lower[i] })),
  }));
  return { series, bands };
}

/** chartAxes (loss, linear) with the frame's fixed x domain; the bands count towards y. */
function chartAxes(series: readonly Series[], bands: readonly Band[], xDomain: Domain) {
  const x = { domain: xDomain, ticks: epochTicks(xDomain[0], xDomain[1]) };
  const values = [...series.flatMap((s) => s.points.map((p) => p.y)), ...bands.flatMap((b) => b.upper.map((p) => p.y))].filter((v) => Number.isFinite(v));
  if (!values.length) return { x, y: niceLinearTicks(0, 2.5) };
  // Math.max(...values) as the app has it would overflow the stack at 96,000 values.
  const max = values.reduce((m, v) => (v > m ? v : m), -Infinity);
  return { x, y: niceLinearTicks(0, max) };
}

/** A band's outline: along the upper curve, back along the lower one, closed. */
function bandPath(band: Band, x: Scale, y: Scale): string {
  const upper = linePath(band.upper, x, y);
  const lower = linePath([...band.lower].reverse(), x, y).replace(/^M/, 'L');
  return upper && lower ? `${upper}${lower}Z` : '';
}

const MARGIN = { top: 10, right: 18, bottom: 40, left: 70 };
const formatTick = (value: number) => value.toFixed(2);
const format = (value: number) => value.toFixed(4);

const Plot = memo(function Plot({ frame }: { frame: ChartFrame }) {
  const frameRef = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [hoverX, setHoverX] = useState<number | undefined>();
  useLayoutEffect(() => {
    const element = frameRef.current;
    if (!element) return;
    const measure = () => setSize({ width: element.clientWidth, height: element.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const { series, bands } = useMemo(() => frameSeries(frame), [frame]);
  const axes = chartAxes(series, bands, frame.xDomain);
  const plotWidth = Math.max(0, size.width - MARGIN.left - MARGIN.right);
  const plotHeight = Math.max(0, size.height - MARGIN.top - MARGIN.bottom);
  const x = createScale(axes.x.domain, [MARGIN.left, MARGIN.left + plotWidth]);
  const y = createScale(axes.y.domain, [MARGIN.top + plotHeight, MARGIN.top]);
  const hovered = hoverX === undefined ? [] : series.map((s) => ({ s, point: nearestPoint(s.points, hoverX) })).filter((h) => h.point);
  const guideX = hovered[0]?.point?.x;

  const onPointerMove = (event: React.PointerEvent<SVGRectElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const fraction = (event.clientX - box.left) / Math.max(1, box.width);
    setHoverX(axes.x.domain[0] + fraction * (axes.x.domain[1] - axes.x.domain[0]));
  };

  return (
    <div className="plot-frame" ref={frameRef}>
      {size.width > 0 && (
        <svg className="chart-svg" width={size.width} height={size.height} role="img" aria-label="Loss by epoch" fontFamily="system-ui, sans-serif" fontSize={14}>
          <g className="chart-grid" stroke="#d9d9d9" strokeDasharray="2 4">
            {axes.y.ticks.map((t) => (
              <line key={`y${t}`} x1={MARGIN.left} x2={MARGIN.left + plotWidth} y1={y(t)} y2={y(t)} />
            ))}
            {axes.x.ticks.map((t) => (
              <line key={`x${t}`} x1={x(t)} x2={x(t)} y1={MARGIN.top} y2={MARGIN.top + plotHeight} />
            ))}
          </g>
          <g className="chart-axis" fill="#333">
            {axes.y.ticks.map((t) => (
              <text key={t} x={MARGIN.left - 8} y={y(t)} textAnchor="end" dominantBaseline="middle">
                {formatTick(t)}
              </text>
            ))}
            {axes.x.ticks.map((t) => (
              <text key={t} x={x(t)} y={MARGIN.top + plotHeight + 20} textAnchor="middle">
                {t}
              </text>
            ))}
            <text x={MARGIN.left + plotWidth} y={MARGIN.top + plotHeight + 36} textAnchor="end">
              {frame.xLabel}
            </text>
            <line x1={MARGIN.left} x2={MARGIN.left + plotWidth} y1={MARGIN.top + plotHeight} y2={MARGIN.top + plotHeight} stroke="#666" />
            <line x1={MARGIN.left} x2={MARGIN.left} y1={MARGIN.top} y2={MARGIN.top + plotHeight} stroke="#666" />
          </g>
          <g>
            {bands.map((b) => (
              <path key={b.key} className="series-band" d={bandPath(b, x, y)} fill={b.color} fillOpacity={b.opacity} stroke="none" />
            ))}
          </g>
          <g>
            {series.map((s) => (
              <path
                key={s.key}
                className="series-line"
                data-series={s.label}
                d={linePath(s.points, x, y)}
                fill="none"
                stroke={s.color}
                strokeWidth={s.width}
                strokeOpacity={s.opacity}
                strokeDasharray={s.dash || undefined}
                strokeLinejoin="round"
              />
            ))}
            {series
              .filter((s) => s.marker > 0)
              .map((s) => (
                <g key={s.key} className="series-dots" fill={s.color}>
                  {s.points
                    .filter((p) => Number.isFinite(p.y))
                    .map((p) => (
                      <circle key={p.x} cx={x(p.x)} cy={y(p.y)} r={s.marker} />
                    ))}
                </g>
              ))}
          </g>
          {guideX !== undefined && <line className="chart-guide" x1={x(guideX)} x2={x(guideX)} y1={MARGIN.top} y2={MARGIN.top + plotHeight} stroke="#888" />}
          <rect
            x={MARGIN.left}
            y={MARGIN.top}
            width={plotWidth}
            height={plotHeight}
            fill="transparent"
            onPointerMove={onPointerMove}
            onPointerLeave={() => setHoverX(undefined)}
          />
        </svg>
      )}
      {guideX !== undefined && hovered.length > 0 && (
        <div className={`chart-tooltip${x(guideX) > size.width / 2 ? ' chart-tooltip--left' : ''}`} role="tooltip">
          <strong>Epoch {Number.isInteger(guideX) ? guideX : guideX.toFixed(2)}</strong>
          <ul>
            {hovered.map(({ s, point }) => (
              <li key={s.key}>
                <ContestantSwatch style={s} />
                {s.label}: {format(point!.y)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
});

function HandDrawnSvg({ frame, size }: ReactChartProps) {
  return (
    <div style={{ width: size.width, height: size.height }}>
      <Plot frame={frame} />
    </div>
  );
}

export const handDrawnSvg = reactCandidate('hand-drawn-svg', HandDrawnSvg);
