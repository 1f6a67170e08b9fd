/**
 * d3-svg: React renders the SVG, d3 does the arithmetic: scales and ticks from
 * d3-scale, path strings from d3-shape's line() and area(). Same layout as the
 * baseline, so the difference is only who computes the numbers and strings.
 */
import { scaleLinear } from 'd3-scale';
import { area, line } from 'd3-shape';
import { useMemo } from 'react';
import type { ChartFrame } from './frame';
import { reactCandidate, type ReactChartProps } from './reactCandidate';

const MARGIN = { top: 10, right: 18, bottom: 40, left: 70 };

function maxOf(frame: ChartFrame): number {
  let max = -Infinity;
  for (const s of frame.series) for (const v of s.y) if (v > max) max = v;
  for (const b of frame.bands) for (const v of b.upper) if (v > max) max = v;
  return Number.isFinite(max) ? max : 1;
}

function D3Svg({ frame, size }: ReactChartProps) {
  const plotWidth = size.width - MARGIN.left - MARGIN.right;
  const plotHeight = size.height - MARGIN.top - MARGIN.bottom;
  const drawing = useMemo(() => {
    const x = scaleLinear().domain(frame.xDomain).range([MARGIN.left, MARGIN.left + plotWidth]);
    const y = scaleLinear()
      .domain([0, maxOf(frame)])
      .range([MARGIN.top + plotHeight, MARGIN.top])
      .nice();
    // Index-based accessors: the frame keeps x and y in separate arrays. digits(1) as the baseline rounds.
    const bandArea = area<number>().digits(1);
    const seriesLine = line<number>().digits(1);
    return {
      x,
      y,
      bands: frame.bands.map((b) => ({
        key: b.label,
        color: b.color,
        opacity: b.opacity,
        d: bandArea
          .x((i) => x(b.x[i]))
          .y0((i) => y(b.lower[i]))
          .y1((i) => y(b.upper[i]))(b.x.map((_, i) => i)) ?? '',
      })),
      series: frame.series.map((s) => ({
        ...s,
        d:
          seriesLine
            .x((i) => x(s.x[i]))
            .y((i) => y(s.y[i]))
            .defined((i) => Number.isFinite(s.y[i]))(s.x.map((_, i) => i)) ?? '',
      })),
    };
  }, [frame, plotWidth, plotHeight]);
  const { x, y } = drawing;
  const xTicks = x.ticks(10);
  const yTicks = y.ticks(6);
  const yFormat = y.tickFormat(6);
  return (
    <svg width={size.width} height={size.height} role="img" aria-label="Loss by epoch" fontFamily="system-ui, sans-serif" fontSize={14} style={{ display: 'block' }}>
      <g stroke="#d9d9d9" strokeDasharray="2 4">
        {yTicks.map((t) => (
          <line key={`y${t}`} x1={MARGIN.left} x2={MARGIN.left + plotWidth} y1={y(t)} y2={y(t)} />
        ))}
        {xTicks.map((t) => (
          <line key={`x${t}`} x1={x(t)} x2={x(t)} y1={MARGIN.top} y2={MARGIN.top + plotHeight} />
        ))}
      </g>
      <g fill="#333">
        {yTicks.map((t) => (
          <text key={t} x={MARGIN.left - 8} y={y(t)} textAnchor="end" dominantBaseline="middle">
            {yFormat(t)}
          </text>
        ))}
        {xTicks.map((t) => (
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
        {drawing.bands.map((b) => (
          <path key={b.key} d={b.d} fill={b.color} fillOpacity={b.opacity} stroke="none" />
        ))}
      </g>
      <g>
        {drawing.series.map((s) => (
          <path key={s.label} d={s.d} fill="none" stroke={s.color} strokeWidth={s.width} strokeOpacity={s.opacity} strokeDasharray={s.dash || undefined} strokeLinejoin="round" />
        ))}
        {drawing.series
          .filter((s) => s.marker > 0)
          .map((s) => (
            <g key={s.label} fill={s.color}>
              {s.x.map((px, i) => (
                <circle key={px} cx={x(px)} cy={y(s.y[i])} r={s.marker} />
              ))}
            </g>
          ))}
      </g>
    </svg>
  );
}

export const d3Svg = reactCandidate('d3-svg', D3Svg);
