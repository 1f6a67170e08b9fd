import { memo, useEffect, useId, useMemo, useState } from 'react';
import { layerNames } from '../../experiment/optimizerInsides';
import { X_AXIS_PARAMETER, type ViewOptions } from '../../experiment/view';
import { isTraining, runLineup, type LineupEntry } from '../../store/playgroundStore';
import { CHART_REFRESH_MS, plannedEnd, useThrottled } from '../charts/Charts';
import { useChartZoom } from '../charts/chartZoom';
import { CursorReadout } from '../charts/MetricChart';
import type { PlotSpec } from '../charts/plotOptions';
import { UplotPlot } from '../charts/UplotPlot';
import { ContestantSwatch } from '../ContestantSwatch';
import { usePlayground } from '../StoreContext';
import { formatFigure, INSIDE_CHARTS, insideSeries, insideSummary, latestRows, type InsideChart } from './insideView';

const formatTick = (value: number) => value.toExponential(0);

/**
 * "Inside the optimizers": per Dense layer, each contestant's gradient norm, update norm,
 * update-to-weight ratio and optimizer state, sampled by the workers once per read-back.
 * Folded by default; folded, it draws nothing (the store keeps collecting the samples).
 */
export function InsidePanel() {
  const [open, setOpen] = useState(false);
  const bodyId = useId();
  return (
    <section className="panel inside" aria-label="Inside the optimizers">
      <h2>
        <button type="button" className="disclosure" aria-expanded={open} aria-controls={bodyId} onClick={() => setOpen(!open)}>
          Inside the optimizers
        </button>
      </h2>
      <div id={bodyId} hidden={!open}>
        {open && <InsideBody />}
      </div>
    </section>
  );
}

function InsideBody() {
  const liveRun = usePlayground((s) => s.run);
  const view = usePlayground((s) => s.view);
  const run = useThrottled(liveRun, isTraining(liveRun) ? CHART_REFRESH_MS : 0);
  const lineup = useMemo(() => (run ? runLineup(run) : []), [run]);
  const names = useMemo(() => layerNames(run?.config.network.hiddenLayers ?? []), [run?.config.network.hiddenLayers]);
  const [chosen, setLayer] = useState(0);
  const layer = Math.min(chosen, names.length - 1);
  const layerId = useId();
  const sampled = lineup.some((entry) => entry.state.inside?.length);
  const seeds = run?.config.seeds ?? 1;
  const drawn = useStaggered(INSIDE_CHARTS.length, run?.id);
  return (
    <div className="inside__body">
      <p className="inside__intro">
        Measured in the training workers on one step after every read-back of the losses, per Dense layer (its kernel and bias together), on a
        log axis. The update-to-weight ratio is how far a step moves the weights relative to their size: Keras’s Adadelta at lr 0.001 moves
        them about a thousand times less than Adam; Adagrad’s steps shrink as its accumulator grows.
        {seeds > 1 && ` With ${seeds} seeds, the first seed's run.`}
      </p>
      {!run || run.source !== 'live' ? (
        <p className="inside__why">{run ? 'An opened or restored run keeps its epochs only: train it here to look inside.' : 'Train a run to look inside its optimizers.'}</p>
      ) : (
        <>
          <span className="select-field">
            <label htmlFor={layerId}>Layer</label>
            <select id={layerId} value={layer} onChange={(e) => setLayer(Number(e.target.value))}>
              {names.map((name, i) => (
                <option key={name} value={i}>
                  {name}
                </option>
              ))}
            </select>
          </span>
          {!sampled && <p className="inside__why">The first samples arrive with the first read-back.</p>}
          <div className="inside__charts">
            {INSIDE_CHARTS.map(({ id, title, note }, i) => (
              <InsideChartView key={id} chart={id} title={title} note={note} lineup={lineup} layer={layer} layerName={names[layer]} view={view} trainExamples={run.config.trainExamples} xEnd={plannedEnd(run, view.xAxis)} drawn={i < drawn} />
            ))}
          </div>
          <LatestTable lineup={lineup} layer={layer} layerName={names[layer]} />
        </>
      )}
    </div>
  );
}

/**
 * How many of `total` charts to draw: after `key` (the run) changes, one more per task.
 * A new run makes every chart a new uPlot instance (its lines change); four at once, with the
 * training charts' own, took one main-thread task of 190 ms on the shared machine.
 */
function useStaggered(total: number, key: unknown): number {
  const [state, setState] = useState({ key, count: 0 });
  const count = state.key === key ? state.count : 0;
  useEffect(() => {
    if (count >= total) return;
    const timer = setTimeout(() => setState({ key, count: count + 1 }), 0);
    return () => clearTimeout(timer);
  }, [count, key, total]);
  return count;
}

interface ChartProps {
  chart: InsideChart;
  title: string;
  note: string;
  lineup: readonly LineupEntry[];
  layer: number;
  layerName: string;
  view: ViewOptions;
  trainExamples: number;
  xEnd: number;
  /** False until its turn (useStaggered): the figure keeps its place, the plot is not made yet. */
  drawn: boolean;
}

const InsideChartView = memo(function InsideChartView({ chart, title, note, lineup, layer, layerName, view, trainExamples, xEnd, drawn }: ChartProps) {
  const zoom = useChartZoom(title);
  const series = useMemo(() => insideSeries(lineup, chart, layer, view.xAxis, trainExamples, view.hidden), [lineup, chart, layer, view.xAxis, trainExamples, view.hidden]);
  const presentation = view.present;
  const spec = useMemo<PlotSpec>(() => ({ title, kind: 'rate', series, xAxis: view.xAxis, xEnd, logScale: true, formatTick, presentation }), [title, series, view.xAxis, xEnd, presentation]);
  const [cursorX, setCursorX] = useState<number | null>(null);
  const summaryId = useId();
  const readoutId = useId();
  const xLabel = X_AXIS_PARAMETER.options.find((o) => o.value === view.xAxis)!.label;
  return (
    <figure className="chart inside__chart" aria-label={title}>
      <figcaption>
        <h3>{title}</h3>
        <span className="chart__note">{note}</span>
      </figcaption>
      <p className="visually-hidden" id={summaryId}>
        {insideSummary(title, layerName, series, view.xAxis)}
      </p>
      <div className="chart__plot" data-series={series.map((s) => `${s.label}:${s.points.length}`).join(';')}>
        {drawn && <UplotPlot spec={spec} zoom={view.zoom} onZoom={zoom.onZoom} onCursor={setCursorX} label={zoom.label} describedBy={`${summaryId} ${readoutId}`} />}
      </div>
      <CursorReadout id={readoutId} series={series} x={cursorX} xLabel={xLabel} xAxis={view.xAxis} format={formatFigure} />
    </figure>
  );
});

/** The latest sample of every contestant for the layer: the charts' values as a table. */
function LatestTable({ lineup, layer, layerName }: { lineup: readonly LineupEntry[]; layer: number; layerName: string }) {
  const rows = useMemo(() => latestRows(lineup, layer), [lineup, layer]);
  if (!rows.length) return null;
  const caption = `Latest sample, ${layerName}`;
  return (
    <div className="table-scroll inside__table" role="region" aria-label={caption} tabIndex={0}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Contestant</th>
            <th scope="col">Epochs</th>
            <th scope="col">Learning rate</th>
            <th scope="col">Gradient norm</th>
            <th scope="col">Update norm</th>
            <th scope="col">Weight norm</th>
            <th scope="col">Update-to-weight ratio</th>
            <th scope="col">Optimizer state</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">
                <ContestantSwatch style={row.style} />
                {row.name}
              </th>
              <td>{row.position.toFixed(2)}</td>
              <td>{formatFigure(row.learningRate)}</td>
              <td>{formatFigure(row.layer.gradientNorm)}</td>
              <td>{formatFigure(row.layer.updateNorm)}</td>
              <td>{formatFigure(row.layer.weightNorm)}</td>
              <td>{formatFigure(row.ratio)}</td>
              <td className="inside__state">{row.slots.length ? row.slots.map((s) => `${s.label} ${formatFigure(s.value)}`).join(', ') : 'none (no slots)'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
