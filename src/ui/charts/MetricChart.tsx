import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { isTraining, runLineup, type LineupEntry } from '../../store/playgroundStore';
import { ContestantSwatch } from '../ContestantSwatch';
import { usePlayground } from '../StoreContext';
import { downloadBlob, exportBaseName } from '../download';
import { chartAxes, chartSeries, type MetricPair } from './chartData';
import { createScale, linePath, nearestPoint } from './chartGeometry';
import { chartToPng } from './chartImage';

interface Props {
  title: 'Loss' | 'Accuracy';
  metric: MetricPair;
  /** Full precision, for tooltips. */
  format(value: number): string;
  /** Compact, for axis ticks. */
  formatTick(value: number): string;
}

/** While training, charts redraw at most this often: drawing is the main thread's heaviest work. */
const CHART_REFRESH_MS = 500;

export function MetricChart({ title, metric, format, formatTick }: Props) {
  const liveRun = usePlayground((s) => s.run);
  const run = useThrottled(liveRun, isTraining(liveRun) ? CHART_REFRESH_MS : 0);
  const showTrain = usePlayground((s) => s.view.showTrain);
  const smoothing = usePlayground((s) => s.view.smoothing);
  const logScale = usePlayground((s) => title === 'Loss' && s.view.logLoss);
  const lineup = useMemo(() => (run ? runLineup(run) : []), [run]);
  const liveLineup = useMemo(() => (liveRun ? runLineup(liveRun) : []), [liveRun]);
  const plotRef = useRef<HTMLDivElement>(null);
  const showNotice = usePlayground((s) => s.showNotice);
  const hasData = lineup.some(({ state }) => state.history.length || state.trace?.length);
  const savePng = async () => {
    const svg = plotRef.current?.querySelector('svg.chart-svg');
    if (!(svg instanceof SVGSVGElement)) return;
    try {
      const png = await chartToPng(svg, title, lineup.map(({ name, style }) => ({ label: name, color: style.color, dash: style.dash })));
      downloadBlob(`${exportBaseName()}-${title.toLowerCase()}.png`, png);
    } catch (error) {
      showNotice(`The ${title} chart could not be saved as an image: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return (
    <figure className="panel chart" aria-label={title}>
      <figcaption>
        <h2>{title}</h2>
        <span className="chart__key">
          <span className="line-sample line-sample--test" aria-hidden="true" /> test
          {showTrain && (
            <>
              <span className="line-sample line-sample--train" aria-hidden="true" /> train
            </>
          )}
          <button type="button" className="small-button" onClick={savePng} disabled={!hasData} aria-label={`Download ${title} chart as PNG`}>
            PNG
          </button>
        </span>
      </figcaption>
      <div className="chart__plot" ref={plotRef}>
        <Plot lineup={lineup} epochs={run?.config.epochs ?? 5} title={title} metric={metric} format={format} formatTick={formatTick} showTrain={showTrain} smoothing={smoothing} logScale={logScale} />
      </div>
      <ul className="legend" aria-label={`${title} legend`}>
        {liveLineup.map(({ key, name, style, state }) => (
          <li key={key}>
            <ContestantSwatch style={style} />
            {name}
            {state.status === 'diverged' && (
              <span className="legend__diverged">
                {' '}
                diverged
                {state.divergence && ` (epoch ${state.divergence.epoch}, batch ${state.divergence.batch})`}
              </span>
            )}
          </li>
        ))}
      </ul>
    </figure>
  );
}

interface PlotProps extends Props {
  /** The (throttled) run's contestants, computed once for the legend, the PNG and the drawing. */
  lineup: readonly LineupEntry[];
  epochs: number;
  showTrain: boolean;
  /** TensorBoard's smoothing weight for the live training curves (0: raw). */
  smoothing: number;
  logScale: boolean;
}

const MARGIN = { top: 10, right: 18, bottom: 40, left: 70 };

/**
 * The drawing: plain SVG from our own scales. A charting library redrew five
 * optimizers' curves in 60-190 ms of main-thread work per update on a 2-core
 * laptop; this draws the same lines in a few milliseconds. Memoised, so it redraws
 * only when its (throttled) inputs change.
 */
const Plot = memo(function Plot({ lineup, epochs, title, metric, format, formatTick, showTrain, smoothing, logScale }: PlotProps) {
  const frame = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [hoverX, setHoverX] = useState<number | undefined>();
  useLayoutEffect(() => {
    const element = frame.current;
    if (!element) return;
    const measure = () => setSize({ width: element.clientWidth, height: element.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const series = useMemo(() => chartSeries(lineup, metric, showTrain, smoothing), [lineup, metric, showTrain, smoothing]);
  const axes = chartAxes(series, epochs, title === 'Loss' ? 'loss' : 'accuracy', logScale);
  const plotWidth = Math.max(0, size.width - MARGIN.left - MARGIN.right);
  const plotHeight = Math.max(0, size.height - MARGIN.top - MARGIN.bottom);
  const x = createScale(axes.x.domain, [MARGIN.left, MARGIN.left + plotWidth]);
  const y = createScale(axes.y.domain, [MARGIN.top + plotHeight, MARGIN.top], logScale);
  const hovered = hoverX === undefined ? [] : series.filter((s) => s.split !== 'raw').map((s) => ({ s, point: nearestPoint(s.points, hoverX) })).filter((h) => h.point);
  const guideX = hovered.find((h) => h.s.split === 'test')?.point?.x ?? hovered[0]?.point?.x;

  const onPointerMove = (event: React.PointerEvent<SVGRectElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const fraction = (event.clientX - box.left) / Math.max(1, box.width);
    setHoverX(axes.x.domain[0] + fraction * (axes.x.domain[1] - axes.x.domain[0]));
  };

  return (
    <div className="plot-frame" ref={frame}>
      {size.width > 0 && (
        <svg className="chart-svg" width={size.width} height={size.height} role="img" aria-label={`${title} by epoch`} fontFamily="system-ui, sans-serif" fontSize={14}>
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
              epoch
            </text>
            <line x1={MARGIN.left} x2={MARGIN.left + plotWidth} y1={MARGIN.top + plotHeight} y2={MARGIN.top + plotHeight} stroke="#666" />
            <line x1={MARGIN.left} x2={MARGIN.left} y1={MARGIN.top} y2={MARGIN.top + plotHeight} stroke="#666" />
          </g>
          <g>
            {series.map((s) => (
              <path
                key={s.key}
                className={`series-line series-line--${s.split}`}
                data-series={s.label}
                d={linePath(s.points, x, y)}
                fill="none"
                stroke={s.color}
                strokeWidth={s.split === 'test' ? 3 : s.split === 'train' ? 1.5 : 1}
                strokeOpacity={s.split === 'test' ? 1 : s.split === 'train' ? 0.5 : 0.2}
                strokeDasharray={s.dash || undefined}
                strokeLinejoin="round"
              />
            ))}
            {series
              .filter((s) => s.split === 'test')
              .map((s) => (
                <g key={s.key} className="series-dots" fill={s.color}>
                  {s.points
                    .filter((p) => Number.isFinite(p.y) && (!logScale || p.y > 0))
                    .map((p) => (
                      <circle key={p.x} cx={x(p.x)} cy={y(p.y)} r={4} />
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

/** The latest value, but at most one change per `intervalMs`; the last change always arrives. */
function useThrottled<T>(value: T, intervalMs: number): T {
  const [shown, setShown] = useState(value);
  const lastShown = useRef(0);
  useEffect(() => {
    const wait = lastShown.current + intervalMs - performance.now();
    const show = () => {
      lastShown.current = performance.now();
      setShown(value);
    };
    if (wait <= 0) {
      show();
      return;
    }
    const timer = setTimeout(show, wait);
    return () => clearTimeout(timer);
  }, [value, intervalMs]);
  return intervalMs === 0 ? value : shown;
}
