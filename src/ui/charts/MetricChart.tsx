import { memo, useCallback, useId, useMemo, useRef, useState } from 'react';
import type { AveragedEntry } from '../../store/playgroundStore';
import { BAND_PARAMETER, X_AXIS_PARAMETER, type ViewOptions } from '../../experiment/view';
import { ContestantSwatch } from '../ContestantSwatch';
import { downloadBlob, exportBaseName } from '../download';
import { usePlayground } from '../StoreContext';
import { baselineSeries, chartSeries, nearestPoint, type MetricPair, type Series } from './chartData';
import { chartToPng, describeView, pngLegend } from './chartImage';
import { ChartTable } from './ChartTable';
import { formatX, type MetricKind, type PlotSpec } from './plotOptions';
import { InstructorGate } from '../instructor/InstructorGate';
import { useChartZoom } from './chartZoom';
import { UplotPlot, type PlotHandle } from './UplotPlot';

interface Props {
  title: 'Loss' | 'Accuracy';
  metric: MetricPair;
  /** The run's contestants (throttled while training), each its mean over seeds, shared by both charts. */
  lineup: readonly AveragedEntry[];
  /** A pinned baseline, drawn as ghost lines behind the run. */
  baseline?: ChartBaseline;
  /** Where the X axis ends unzoomed: the run's planned length in the chosen units (0: the last point). */
  xEnd: number;
  trainExamples: number;
  view: ViewOptions;
  /** Full precision, for the readout and the table. */
  format(value: number): string;
  /** Compact, for axis ticks. */
  formatTick(value: number): string;
}

/** A pinned baseline as the charts draw it: its contestants, its own examples per epoch, its name. */
export interface ChartBaseline {
  lineup: readonly AveragedEntry[];
  trainExamples: number;
  label: string;
}

/** A chart with its title, PNG export, `Show as table` alternative, a text summary and a cursor readout. */
export const MetricChart = memo(function MetricChart({ title, metric, lineup, baseline, xEnd, trainExamples, view, format, formatTick }: Props) {
  const showNotice = usePlayground((s) => s.showNotice);
  const kind: MetricKind = title === 'Loss' ? 'loss' : 'accuracy';
  const logScale = kind === 'loss' && view.logLoss;
  const series = useMemo(() => {
    const options = { showTrain: view.showTrain, smoothing: view.smoothing, xAxis: view.xAxis, trainExamples, hidden: view.hidden, band: view.band };
    const run = chartSeries(lineup, metric, options);
    // First, so uPlot draws the ghosts behind the run's lines.
    return baseline ? [...baselineSeries(baseline.lineup, metric, { ...options, trainExamples: baseline.trainExamples }), ...run] : run;
  }, [lineup, baseline, metric, view.showTrain, view.smoothing, view.xAxis, trainExamples, view.hidden, view.band]);
  const presentation = view.present;
  const spec = useMemo<PlotSpec>(
    () => ({ title, kind, series, xAxis: view.xAxis, xEnd, logScale, formatTick, presentation }),
    [title, kind, series, view.xAxis, xEnd, logScale, formatTick, presentation],
  );
  const [cursorX, setCursorX] = useState<number | null>(null);
  const [asTable, setAsTable] = useState(false);
  const plotHandle = useRef<PlotHandle | null>(null);
  const readoutId = useId();
  const summaryId = useId();
  const hasData = series.some((s) => s.points.length);
  const zoom = useChartZoom(title);
  const setHandle = useCallback((handle: PlotHandle | null) => (plotHandle.current = handle), []);
  const xLabel = X_AXIS_PARAMETER.options.find((o) => o.value === view.xAxis)!.label;
  const seeds = lineup[0]?.seeds.length ?? 1;
  const bandLabel = BAND_PARAMETER.options.find((o) => o.value === view.band)!.label;

  const savePng = async () => {
    const canvas = plotHandle.current?.canvas();
    if (!canvas) return;
    try {
      const png = await chartToPng(canvas, title, describeView(view, kind), pngLegend(lineup, view.hidden, baseline?.label));
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
          {view.showTrain && (
            <>
              <span className="line-sample line-sample--train" aria-hidden="true" /> train
            </>
          )}
          {seeds > 1 && (
            <span className="chart__seeds">
              mean of {seeds} seeds, band {bandLabel.charAt(0).toLowerCase() + bandLabel.slice(1)}
            </span>
          )}
          <button type="button" className="small-button" aria-pressed={asTable} onClick={() => setAsTable(!asTable)}>
            Show as table
          </button>
          <InstructorGate control="share" note={false}>
            <button type="button" className="small-button chart__png" onClick={savePng} disabled={!hasData || asTable} aria-label={`Download ${title} chart as PNG`}>
              PNG
            </button>
          </InstructorGate>
        </span>
      </figcaption>
      <p className="visually-hidden" id={summaryId}>
        {chartSummary(title, series, view.xAxis, format)}
      </p>
      {asTable ? (
        <ChartTable title={title} lineup={lineup} baseline={baseline?.lineup} metric={metric} view={view} trainExamples={trainExamples} format={format} />
      ) : (
        <>
          <div className="chart__plot" data-series={series.map((s) => `${s.label}:${s.points.length}`).join(';')}>
            <UplotPlot
              spec={spec}
              zoom={view.zoom}
              onZoom={zoom.onZoom}
              onCursor={setCursorX}
              label={zoom.label}
              describedBy={`${summaryId} ${readoutId}`}
              handle={setHandle}
            />
          </div>
          <CursorReadout id={readoutId} series={series} x={cursorX} xLabel={xLabel} xAxis={view.xAxis} format={format} />
        </>
      )}
    </figure>
  );
});

/** The values under the shared cursor: each line's nearest point, in the lineup's order. */
export function CursorReadout({ id, series, x, xLabel, xAxis, format }: { id: string; series: readonly Series[]; x: number | null; xLabel: string; xAxis: ViewOptions['xAxis']; format(value: number): string }) {
  const values =
    x === null
      ? []
      : series
          .filter((s) => s.split === 'test' || s.split === 'train' || s.split === 'rate')
          .map((s) => ({ s, point: nearestPoint(s.points, x) }))
          .filter((v): v is { s: Series; point: NonNullable<typeof v.point> } => v.point !== undefined);
  return (
    <div className="chart-readout" id={id} aria-live="polite" aria-atomic="true">
      {x === null || !values.length ? (
        <span className="chart-readout__hint">Point at the chart, or focus it and use the arrow keys, to read values.</span>
      ) : (
        <>
          <strong>
            {xLabel} {formatX(xAxis, x)}
          </strong>
          <ul>
            {values.map(({ s, point }) => (
              <li key={s.key}>
                <ContestantSwatch style={s} />
                {s.label}: {format(point.y)}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** The chart in one sentence per contestant: its last test value and where that was. */
export function chartSummary(title: string, series: readonly Series[], xAxis: ViewOptions['xAxis'], format: (value: number) => string): string {
  const tests = series.filter((s) => s.split === 'test' && s.points.length);
  if (!tests.length) return `${title} chart: no finished epoch yet.`;
  const label = X_AXIS_PARAMETER.options.find((o) => o.value === xAxis)!.label.toLowerCase();
  return `${title} chart, test ${title.toLowerCase()} by ${label}. ${tests
    .map((s) => {
      const last = s.points.at(-1)!;
      return `${s.label.replace(/ test$/, '')}: ${format(last.y)} at ${formatX(xAxis, last.x)}`;
    })
    .join('; ')}.`;
}
