import { memo, useEffect, useRef, useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { OPTIMIZERS } from '../../experiment/optimizers';
import { isTraining, type RunState } from '../../store/playgroundStore';
import { usePlayground } from '../StoreContext';
import { downloadBlob, exportBaseName } from '../download';
import { chartRows, seriesKey, traceRows, type MetricPair } from './chartData';
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
  const logScale = usePlayground((s) => title === 'Loss' && s.view.logLoss);
  const ids = run?.config.optimizers ?? [];
  const plotRef = useRef<HTMLDivElement>(null);
  const showNotice = usePlayground((s) => s.showNotice);
  const hasData = ids.some((id) => run?.optimizers[id]?.history.length || run?.optimizers[id]?.trace?.length);
  const savePng = async () => {
    const svg = plotRef.current?.querySelector('svg.recharts-surface');
    if (!(svg instanceof SVGSVGElement)) return;
    try {
      const png = await chartToPng(svg, title, ids.map((id) => ({ label: OPTIMIZERS[id].label, color: OPTIMIZERS[id].color })));
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
          <span className="line-sample line-sample--solid" aria-hidden="true" /> test
          {showTrain && (
            <>
              <span className="line-sample line-sample--dashed" aria-hidden="true" /> train
            </>
          )}
          <button type="button" className="small-button" onClick={savePng} disabled={!hasData} aria-label={`Download ${title} chart as PNG`}>
            PNG
          </button>
        </span>
      </figcaption>
      <div className="chart__plot" ref={plotRef}>
        <Plot run={run} title={title} metric={metric} format={format} formatTick={formatTick} showTrain={showTrain} logScale={logScale} />
      </div>
      <ul className="legend" aria-label={`${title} legend`}>
        {ids.map((id) => (
          <li key={id} style={{ ['--series' as string]: OPTIMIZERS[id].color }}>
            <span className="swatch" aria-hidden="true" />
            {OPTIMIZERS[id].label}
            {liveRun?.optimizers[id]?.status === 'diverged' && (
              <span className="legend__diverged">
                {' '}
                diverged
                {liveRun.optimizers[id]?.divergence &&
                  ` (epoch ${liveRun.optimizers[id]!.divergence!.epoch}, batch ${liveRun.optimizers[id]!.divergence!.batch})`}
              </span>
            )}
          </li>
        ))}
      </ul>
    </figure>
  );
}

interface PlotProps extends Props {
  run: RunState | undefined;
  showTrain: boolean;
  logScale: boolean;
}

/** The drawing itself; memoised so that it redraws only when its (throttled) inputs change. */
const Plot = memo(function Plot({ run, title, metric, format, formatTick, showTrain, logScale }: PlotProps) {
  const ids = run?.config.optimizers ?? [];
  const histories = Object.fromEntries(ids.map((id) => [id, run?.optimizers[id]?.history ?? []]));
  const rows = chartRows(histories, metric);
  const hasTrace = ids.some((id) => run?.optimizers[id]?.trace?.length);
  const epochs = run?.config.epochs ?? 5;
  return (
    <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid stroke="#d9d9d9" strokeDasharray="2 4" />
            <XAxis
              dataKey="epoch"
              type="number"
              domain={[hasTrace ? 0 : 1, Math.max(epochs, 2)]}
              allowDecimals={false}
              label={{ value: 'epoch', position: 'insideBottomRight', offset: -4 }}
            />
            <YAxis
              tickFormatter={formatTick}
              width={72}
              scale={logScale ? 'log' : 'auto'}
              domain={title === 'Accuracy' ? ['auto', 1] : logScale ? ['auto', 'auto'] : [0, 'auto']}
              allowDataOverflow={false}
            />
            <Tooltip formatter={(value) => (typeof value === 'number' ? format(value) : String(value))} labelFormatter={(e) => `Epoch ${Number(e).toFixed(Number.isInteger(Number(e)) ? 0 : 2)}`} />
            {ids.flatMap((id) => [
              // Train lines first, so the test lines are drawn on top.
              ...(showTrain
                ? [
                    <Line
                      key={seriesKey(id, 'train')}
                      // Live runs draw training as it happens; opened results only have per-epoch points.
                      {...(run?.optimizers[id]?.trace?.length ? { data: traceRows(id, run.optimizers[id]!.trace!, metric) } : {})}
                      dataKey={seriesKey(id, 'train')}
                      name={`${OPTIMIZERS[id].label} train`}
                      stroke={OPTIMIZERS[id].color}
                      strokeWidth={2}
                      strokeDasharray="6 4"
                      dot={false}
                      isAnimationActive={false}
                      connectNulls
                    />,
                  ]
                : []),
              <Line
                key={seriesKey(id, 'test')}
                dataKey={seriesKey(id, 'test')}
                name={`${OPTIMIZERS[id].label} test`}
                stroke={OPTIMIZERS[id].color}
                strokeWidth={3}
                dot={{ r: 4 }}
                isAnimationActive={false}
                connectNulls
              />,
            ])}
          </LineChart>
    </ResponsiveContainer>
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
