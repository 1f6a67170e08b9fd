import { memo, useId, useMemo, useState } from 'react';
import { batchesPerEpoch, trainingContestants, type ExperimentConfig } from '../../experiment/config';
import { contestantKey, contestantName, contestantStyle } from '../../experiment/contestants';
import { SCHEDULES } from '../../experiment/schedules';
import { X_AXIS_PARAMETER, type ViewOptions } from '../../experiment/view';
import { usePlayground } from '../StoreContext';
import { baselineLineup } from '../../store/playgroundStore';
import { asBaseline, learningRateSeries, type Series } from './chartData';
import { CursorReadout } from './MetricChart';
import { formatX, type PlotSpec } from './plotOptions';
import { UplotPlot } from './UplotPlot';
import { useChartZoom } from './chartZoom';

const formatRate = (value: number) => String(Number(value.toPrecision(4)));
const formatRateTick = (value: number) => String(Number(value.toPrecision(2)));

/**
 * Every contestant's learning rate over the run's steps, as its schedule gives it
 * (Keras's iterations: the first step is iteration 0). On the charts' X axis, with
 * their zoom and cursor; a log axis once the rates span more than a decade.
 */
export const LearningRateChart = memo(function LearningRateChart({ config, view, source }: { config: ExperimentConfig; view: ViewOptions; source: 'run' | 'form' }) {
  const contestants = useMemo(
    () =>
      trainingContestants(config).map((c, index) => ({
        key: contestantKey(c),
        name: contestantName(c),
        style: contestantStyle(index),
        learningRate: c.hyperparameters.learningRate as number,
        schedule: c.schedule,
      })),
    [config],
  );
  const steps = batchesPerEpoch(config);
  const pinned = usePlayground((s) => s.baseline);
  const series = useMemo(() => {
    const own = learningRateSeries(contestants, { batchesPerEpoch: steps, batchSize: config.batchSize, epochs: config.epochs }, view.xAxis, view.hidden);
    if (!pinned) return own;
    // The pinned baseline's schedules, as ghosts behind (its own steps per epoch and epochs).
    const pinnedConfig = pinned.results.experiment;
    const ghosts = baselineLineup(pinned, contestants).map(({ key, name, style, contestant }) => ({ key, name, style, learningRate: contestant.hyperparameters.learningRate as number, schedule: contestant.schedule }));
    const run = { batchesPerEpoch: batchesPerEpoch(pinnedConfig), batchSize: pinnedConfig.batchSize, epochs: pinnedConfig.epochs };
    return [...asBaseline(learningRateSeries(ghosts, run, view.xAxis, view.hidden)), ...own];
  }, [contestants, pinned, steps, config.batchSize, config.epochs, view.xAxis, view.hidden]);
  // Seconds are not known ahead: the schedule is drawn by epochs then.
  const xAxis = view.xAxis === 'seconds' ? 'epochs' : view.xAxis;
  const logScale = spansDecades(series);
  const xEnd = xAxis === 'examples' ? config.epochs * config.trainExamples : config.epochs;
  const presentation = view.present;
  const spec = useMemo<PlotSpec>(
    () => ({ title: 'Learning rate', kind: 'rate', series, xAxis, xEnd, logScale, formatTick: formatRateTick, presentation }),
    [series, xAxis, xEnd, logScale, presentation],
  );
  const [cursorX, setCursorX] = useState<number | null>(null);
  const readoutId = useId();
  const summaryId = useId();
  const zoom = useChartZoom('Learning rate');
  const xLabel = X_AXIS_PARAMETER.options.find((o) => o.value === xAxis)!.label;
  return (
    <figure className="panel chart chart--small" aria-label="Learning rate">
      <figcaption>
        <h2>Learning rate</h2>
        <span className="chart__note">{source === 'run' ? 'This run' : 'As set in the form'}, step by step{logScale ? ' (log axis)' : ''}</span>
      </figcaption>
      <p className="visually-hidden" id={summaryId}>
        {scheduleSummary(config, series, xAxis)}
      </p>
      <div className="chart__plot" data-series={series.map((s) => `${s.label}:${s.points.length}`).join(';')}>
        <UplotPlot spec={spec} zoom={view.zoom} onZoom={zoom.onZoom} onCursor={setCursorX} label={zoom.label} describedBy={`${summaryId} ${readoutId}`} />
      </div>
      <CursorReadout id={readoutId} series={series} x={cursorX} xLabel={xLabel} xAxis={xAxis} format={formatRate} />
    </figure>
  );
});

/** Whether the positive rates span more than a decade (a linear axis would flatten the small ones). */
function spansDecades(series: readonly Series[]): boolean {
  const rates = series.flatMap((s) => s.points.map((p) => p.y));
  if (!rates.length || rates.some((r) => r <= 0)) return false;
  return Math.max(...rates) / Math.min(...rates) > 10;
}

/** Each contestant's schedule in words: its kind, where it starts and where it ends. */
export function scheduleSummary(config: ExperimentConfig, series: readonly Series[], xAxis: ViewOptions['xAxis']): string {
  const parts = trainingContestants(config).flatMap((c) => {
    const line = series.find((s) => s.contestant === contestantKey(c) && !s.baseline);
    if (!line || !line.points.length) return [];
    const first = line.points[0];
    const last = line.points.at(-1)!;
    const kind = c.schedule ? SCHEDULES[c.schedule.kind].label : 'constant';
    return [`${contestantName(c)}: ${kind}, ${formatRate(first.y)} at the first step${last.y === first.y ? ' throughout' : `, ${formatRate(last.y)} at ${formatX(xAxis, last.x)}`}`];
  });
  return `Learning rate chart. ${parts.join('; ')}.`;
}
