/**
 * recharts, configured for speed: no animation, no dots on the per-batch lines (dots
 * only where the frame asks, on the per-epoch test lines), data converted once per
 * frame (memoised), an explicit size instead of ResponsiveContainer. Bands are range
 * Areas ([lower, upper] per point).
 */
import { useMemo } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, XAxis, YAxis } from 'recharts';
import { reactCandidate, type ReactChartProps } from './reactCandidate';

const MARGIN = { top: 10, right: 18, bottom: 20, left: 10 };

function RechartsChart({ frame, size }: ReactChartProps) {
  const data = useMemo(
    () => ({
      bands: frame.bands.map((b) => ({ ...b, points: b.x.map((x, i) => ({ x, range: [b.lower[i], b.upper[i]] })) })),
      series: frame.series.map((s) => ({ ...s, points: s.x.map((x, i) => ({ x, y: s.y[i] })) })),
    }),
    [frame],
  );
  return (
    <ComposedChart width={size.width} height={size.height} margin={MARGIN}>
      <CartesianGrid stroke="#d9d9d9" strokeDasharray="2 4" />
      <XAxis dataKey="x" type="number" domain={frame.xDomain} allowDataOverflow label={{ value: frame.xLabel, position: 'insideBottomRight', offset: -10 }} />
      <YAxis type="number" domain={[0, 'auto']} tickFormatter={(v: number) => v.toFixed(2)} width={60} />
      {data.bands.map((b) => (
        <Area key={b.label} data={b.points} dataKey="range" fill={b.color} fillOpacity={b.opacity} stroke="none" isAnimationActive={false} dot={false} activeDot={false} />
      ))}
      {data.series.map((s) => (
        <Line
          key={s.label}
          data={s.points}
          dataKey="y"
          stroke={s.color}
          strokeWidth={s.width}
          strokeOpacity={s.opacity}
          strokeDasharray={s.dash || undefined}
          dot={s.marker > 0 ? { r: s.marker, fill: s.color, stroke: 'none' } : false}
          activeDot={false}
          isAnimationActive={false}
        />
      ))}
    </ComposedChart>
  );
}

export const recharts = reactCandidate('recharts', RechartsChart);
