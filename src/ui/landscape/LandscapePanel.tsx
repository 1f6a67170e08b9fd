import { scaleLinear } from 'd3-scale';
import { interpolateGreys } from 'd3-scale-chromatic';
import { useCallback, useId, useMemo, useState } from 'react';
import { LANDSCAPE_EXAMPLES, LINE_ALPHAS, SLICE_COORDINATES } from '../../experiment/landscape';
import { evaluationAvailability, type EvaluationAvailability, type LandscapeState, type LineupEntry } from '../../store/playgroundStore';
import type { LandscapeResult } from '../../train/protocol';
import type { ZoomRange } from '../../experiment/view';
import { nearestPoint } from '../charts/chartData';
import type { PlotSpec } from '../charts/plotOptions';
import { UplotPlot } from '../charts/UplotPlot';
import { ContestantSelect } from '../ContestantSelect';
import { ContestantSwatch } from '../ContestantSwatch';
import { gridContourBands } from '../lab/contours';
import { usePlayground } from '../StoreContext';
import { contourValues, landscapeSeries, slicePoints } from './landscapeView';

const WHY_NOT: Record<Extract<EvaluationAvailability, { available: false }>['why'], string> = {
  noRun: 'Train a run; when it has finished, Show the landscape draws the training loss between the shared start and each result.',
  training: 'The landscape opens when training has finished.',
  imported: 'This run was opened from a file; train it here to see its landscape (the weights stay in the browser that trained them).',
  restored: 'This run was restored from your last visit, and its weights were not kept; train it again to see its landscape.',
  nothingFinished: 'No contestant finished an epoch (they diverged or were stopped first), so there is no landscape to draw.',
};

const loss = (value: number) => (Number.isFinite(value) ? value.toPrecision(3) : 'overflow');

/**
 * The landscape between the runs (Goodfellow, Vinyals & Saxe 2015): the training loss on
 * the straight line from the shared initial weights to each contestant's final weights,
 * and on the plane through the start and two chosen contestants. Computed on request by
 * the workers that hold the weights.
 */
export function LandscapePanel() {
  const run = usePlayground((s) => s.run);
  const availability = useMemo(() => evaluationAvailability(run), [run]);
  return (
    <section className="panel landscape" aria-label="Landscape">
      <h2>The landscape between the runs</h2>
      <p className="landscape__intro">
        Every contestant started from the same weights θ₀. Between them and each one's final weights θ lies a straight line, θ₀ + α(θ − θ₀): its
        training loss shows whether the way down was a smooth valley or had a barrier on it (Goodfellow, Vinyals &amp; Saxe, 2015, “Qualitatively
        characterizing neural network optimization problems”).
      </p>
      {availability.available ? <LandscapeBody contestants={availability.contestants} /> : <p className="landscape__why">{WHY_NOT[availability.why]}</p>}
    </section>
  );
}

function LandscapeBody({ contestants }: { contestants: LineupEntry[] }) {
  const runId = usePlayground((s) => s.run?.id);
  const landscape = usePlayground((s) => (s.landscape?.runId === runId ? s.landscape : undefined));
  const show = usePlayground((s) => s.showLandscape);
  const cancel = usePlayground((s) => s.cancelLandscape);
  const [a, setA] = useState(contestants[0].key);
  const [b, setB] = useState((contestants[1] ?? contestants[0]).key);
  const first = contestants.find((c) => c.key === a) ?? contestants[0];
  const second = contestants.find((c) => c.key === b) ?? contestants[1] ?? contestants[0];
  const running = landscape?.status === 'running';
  return (
    <>
      <div className="evaluation__controls">
        {contestants.length > 1 && (
          <fieldset className="landscape__slice-choice">
            <legend>Slice through the start and</legend>
            <ContestantSelect label="First contestant" contestants={contestants} value={first.key} onChange={setA} disabled={running} />
            <ContestantSelect label="Second contestant" contestants={contestants} value={second.key} onChange={setB} disabled={running} />
          </fieldset>
        )}
        <button type="button" onClick={() => show(contestants.length > 1 ? { a: first.key, b: second.key } : undefined)} disabled={running}>
          Show the landscape
        </button>
        {running && (
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        )}
      </div>
      {running && <progress className="landscape__progress" aria-label="Landscape progress" max={Math.max(1, landscape.total)} value={landscape.done} />}
      <p role="status" className="evaluation__status">
        {statusText(landscape, contestants.length)}
      </p>
      {landscape?.status === 'ready' && <LandscapeResultView result={landscape.result} contestants={contestants} />}
    </>
  );
}

function statusText(landscape: LandscapeState | undefined, count: number): string {
  const examples = `the first ${LANDSCAPE_EXAMPLES.toLocaleString('en-US')} training examples of the run (all of them if it used fewer)`;
  switch (landscape?.status) {
    case undefined:
      return `Show the landscape computes, in the training workers, the mean training loss on ${examples} at ${LINE_ALPHAS.length} points of each line${count > 1 ? ` and ${SLICE_COORDINATES.length} × ${SLICE_COORDINATES.length} points of the slice` : ''}.`;
    case 'running':
      return landscape.total ? `Computing the landscape… ${Math.floor((100 * landscape.done) / landscape.total)} %` : 'Computing the landscape…';
    case 'cancelled':
      return 'Cancelled. Nothing was kept; Show the landscape starts again.';
    case 'failed':
      return landscape.message;
    case 'ready':
      return `Mean training loss on the first ${landscape.result.examples.toLocaleString('en-US')} training examples, computed in ${landscape.result.seconds.toFixed(1)} s.`;
  }
}

function LandscapeResultView({ result, contestants }: { result: LandscapeResult; contestants: LineupEntry[] }) {
  return (
    <div className="landscape__result">
      <LineChart result={result} contestants={contestants} />
      {result.slice && <SlicePlot slice={result.slice} contestants={contestants} />}
    </div>
  );
}

const LINE_TITLE = 'Training loss from the start (α = 0) to each result (α = 1)';

function LineChart({ result, contestants }: { result: LandscapeResult; contestants: LineupEntry[] }) {
  const [logScale, setLogScale] = useState(true);
  const [zoom, setZoom] = useState<ZoomRange | null>(null);
  const [cursor, setCursor] = useState<number | null>(null);
  const summaryId = useId();
  const readoutId = useId();
  const series = useMemo(() => landscapeSeries(result, contestants), [result, contestants]);
  const formatTick = useCallback((v: number) => String(Number(v.toPrecision(3))), []);
  const spec = useMemo<PlotSpec>(
    () => ({
      title: LINE_TITLE,
      kind: 'loss',
      series,
      xAxis: 'epochs',
      xEnd: 0,
      logScale,
      formatTick,
      customX: {
        title: 'α (0: shared start, 1: final weights)',
        range: [LINE_ALPHAS[0], LINE_ALPHAS.at(-1)!],
        markers: [
          { value: 0, label: 'start' },
          { value: 1, label: 'trained' },
        ],
      },
    }),
    [series, logScale, formatTick],
  );
  const at = (alpha: number) => series.map((s) => ({ s, point: nearestPoint(s.points, alpha) }));
  return (
    <figure className="landscape__figure" aria-label="Loss along the line">
      <figcaption>
        <h3>{LINE_TITLE}</h3>
        <label className="checkbox">
          <input type="checkbox" checked={logScale} onChange={(e) => setLogScale(e.target.checked)} />
          Logarithmic landscape axis
        </label>
      </figcaption>
      <p className="visually-hidden" id={summaryId}>
        {series.map((s) => `${s.label}: ${loss(s.points.find((p) => p.x === 0)?.y ?? NaN)} at the start, ${loss(s.points.find((p) => p.x === 1)?.y ?? NaN)} at its result`).join('; ')}.
      </p>
      <div className="chart__plot" data-testid="landscape-line" data-series={series.map((s) => `${s.label}:${s.points.length}`).join(';')}>
        <UplotPlot spec={spec} zoom={zoom} onZoom={setZoom} onCursor={setCursor} label="Landscape line chart: arrow keys read the values, + and - zoom, 0 resets" describedBy={`${summaryId} ${readoutId}`} />
      </div>
      <div className="chart-readout" id={readoutId} aria-live="polite" aria-atomic="true">
        {cursor === null ? (
          <ul>
            {series.map((s) => (
              <li key={s.key}>
                <ContestantSwatch style={s} />
                {s.label}
              </li>
            ))}
          </ul>
        ) : (
          <>
            <strong>α {cursor}</strong>
            <ul>
              {at(cursor).map(({ s, point }) => (
                <li key={s.key}>
                  <ContestantSwatch style={s} />
                  {s.label}: {point ? loss(point.y) : '—'}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </figure>
  );
}

const SIZE = 400;
const MARGIN = { left: 40, right: 10, top: 10, bottom: 34 };
const LEVELS = 12;

function SlicePlot({ slice, contestants }: { slice: NonNullable<LandscapeResult['slice']>; contestants: LineupEntry[] }) {
  const captionId = useId();
  const n = SLICE_COORDINATES.length;
  const domain: [number, number] = [SLICE_COORDINATES[0], SLICE_COORDINATES[n - 1]];
  const x = useMemo(() => scaleLinear().domain(domain).range([MARGIN.left, SIZE - MARGIN.right]), [domain[0], domain[1]]);
  const y = useMemo(() => scaleLinear().domain(domain).range([SIZE - MARGIN.bottom, MARGIN.top]), [domain[0], domain[1]]);
  const points = useMemo(() => slicePoints(slice, contestants), [slice, contestants]);
  const bands = useMemo(() => gridContourBands(contourValues(slice.losses, points), n, n, x, y, LEVELS), [slice, points, n, x, y]);
  const lowest = slice.losses.reduce((best, v, i) => (v < slice.losses[best] ? i : best), 0);
  const [aName, bName] = [points[1].label, points[2].label];
  return (
    <figure className="landscape__figure" aria-label="Slice through the start and two results">
      <figcaption id={captionId}>
        <h3>
          Slice through the start, {aName} and {bName}
        </h3>
        <p className="landscape__note">
          θ₀ + a(θ<sub>{aName}</sub> − θ₀) + b(θ<sub>{bName}</sub> − θ₀) on a {n} × {n} grid; darker is lower. {points.map((p) => `${p.label}: ${loss(p.loss)}`).join(', ')}; lowest on the grid:{' '}
          {loss(slice.losses[lowest])} at a = {Number(SLICE_COORDINATES[lowest % n].toFixed(2))}, b = {Number(SLICE_COORDINATES[Math.floor(lowest / n)].toFixed(2))}.
        </p>
      </figcaption>
      <svg className="lab-plot landscape__slice" viewBox={`0 0 ${SIZE} ${SIZE}`} role="img" aria-labelledby={captionId} data-testid="landscape-slice" data-levels={bands.length}>
        <rect x={MARGIN.left} y={MARGIN.top} width={SIZE - MARGIN.left - MARGIN.right} height={SIZE - MARGIN.top - MARGIN.bottom} fill={interpolateGreys(0.62)} />
        {/* Below the lowest level is darkest; each band above is lighter. */}
        {bands.map((band) => (
          <path key={band.level} d={band.d} fill={interpolateGreys(0.06 + 0.5 * (1 - band.t))} stroke="#8a8d93" strokeWidth={0.5} />
        ))}
        {x.ticks(5).map((t) => (
          <text key={`x${t}`} x={x(t)} y={SIZE - MARGIN.bottom + 14} textAnchor="middle" className="lab-plot__tick">
            {t}
          </text>
        ))}
        <text x={(MARGIN.left + SIZE - MARGIN.right) / 2} y={SIZE - 4} textAnchor="middle" className="lab-plot__tick">
          a (towards {aName})
        </text>
        {y.ticks(5).map((t) => (
          <text key={`y${t}`} x={MARGIN.left - 4} y={y(t) + 4} textAnchor="end" className="lab-plot__tick">
            {t}
          </text>
        ))}
        <text transform={`translate(11,${(MARGIN.top + SIZE - MARGIN.bottom) / 2}) rotate(-90)`} textAnchor="middle" className="lab-plot__tick">
          b (towards {bName})
        </text>
        {points.map((p) => (
          <g key={p.label} transform={`translate(${x(p.a)},${y(p.b)})`} className="landscape__point" data-testid="landscape-point" data-label={p.label}>
            <circle r={6} fill={p.color} stroke="#fff" strokeWidth={2} />
            <text x={9} y={-9}>
              {p.label} {loss(p.loss)}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}
