import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { averagedLineup, BASELINE_DASH, BASELINE_GREY, baselineLabel, baselineLineup, isTraining, runLineup, type AveragedEntry, type RunState } from '../../store/playgroundStore';
import { BAND_PARAMETER, SMOOTHING_PARAMETER, VIEW_PARAMETERS, X_AXIS_PARAMETER, type XAxis } from '../../experiment/view';
import type { ChoiceParameter } from '../../experiment/parameters';
import { ContestantSwatch } from '../ContestantSwatch';
import { usePlayground } from '../StoreContext';
import { formatLoss, formatPercent } from '../format';
import { ACCURACY, LOSS } from './chartData';
import { LearningRateChart } from './LearningRateChart';
import { MetricChart, type ChartBaseline } from './MetricChart';
import { InstructorGate } from '../instructor/InstructorGate';
import { bestEffortConfig } from '../../experiment/draft';

/** While training, charts redraw at most this often: drawing is the main thread's heaviest work. */
export const CHART_REFRESH_MS = 500;

// Module-level, so the memoised charts keep their props when the page re-renders.
const formatLossTick = (value: number) => String(Number(value.toPrecision(3)));
const formatPercentTick = (value: number) => formatPercent(value, value > 0.9 && value < 1 ? 1 : 0);

/** The chart options, the legend shared by every chart, and the Loss and Accuracy charts. */
export function Charts() {
  const liveRun = usePlayground((s) => s.run);
  const view = usePlayground((s) => s.view);
  const run = useThrottled(liveRun, isTraining(liveRun) ? CHART_REFRESH_MS : 0);
  const lineup = useMemo(() => (run ? averagedLineup(runLineup(run)) : []), [run]);
  // The legend follows every event, but needs no curves.
  const liveLineup = useMemo(() => (liveRun ? averagedLineup(runLineup(liveRun), { traces: false }) : []), [liveRun]);
  const pinned = usePlayground((s) => s.baseline);
  // Each ghost in the colour of the run's same contestant (baselineLineup), its mean over its seeds.
  const baseline = useMemo<ChartBaseline | undefined>(
    () => (pinned ? { lineup: averagedLineup(baselineLineup(pinned, lineup), { traces: false }), trainExamples: pinned.results.experiment.trainExamples, label: baselineLabel(pinned) } : undefined),
    [pinned, lineup],
  );
  const trainExamples = run?.config.trainExamples ?? 0;
  const xEnd = plannedEnd(run, view.xAxis);
  // The schedule chart shows the running experiment, else the form's (what Train would run).
  const training = isTraining(liveRun);
  const draft = usePlayground((s) => s.draft);
  const formConfig = useMemo(() => bestEffortConfig(draft), [draft]);
  return (
    <>
      <InstructorGate control="charts">
        <ChartOptions seeds={run?.config.seeds ?? 1} />
      </InstructorGate>
      <InstructorGate control="charts" note={false} hiddenAsLocked>
        <ChartLegend lineup={liveLineup} baseline={baseline?.label} />
      </InstructorGate>
      <div className="charts">
        <MetricChart title="Loss" metric={LOSS} lineup={lineup} baseline={baseline} xEnd={xEnd} trainExamples={trainExamples} view={view} format={formatLoss} formatTick={formatLossTick} />
        <MetricChart title="Accuracy" metric={ACCURACY} lineup={lineup} baseline={baseline} xEnd={xEnd} trainExamples={trainExamples} view={view} format={formatPercent} formatTick={formatPercentTick} />
        <LearningRateChart config={training && run ? run.config : formConfig} view={view} source={training && run ? 'run' : 'form'} />
      </div>
    </>
  );
}

/** Where the unzoomed X axis ends: the run's planned epochs, or its examples; seconds are not known ahead. */
export function plannedEnd(run: RunState | undefined, xAxis: XAxis): number {
  const epochs = run?.config.epochs ?? 5;
  const planned = Math.max(epochs, 2);
  if (xAxis === 'epochs') return planned;
  if (xAxis === 'examples') return planned * (run?.config.trainExamples ?? 60_000);
  return 0;
}

function ChartOptions({ seeds }: { seeds: number }) {
  const view = usePlayground((s) => s.view);
  const setView = usePlayground((s) => s.setView);
  const smoothingId = useId();
  return (
    <div className="chart-options" role="group" aria-label="Chart options">
      <ChoiceSelect spec={X_AXIS_PARAMETER} value={view.xAxis} onChange={(xAxis) => setView({ xAxis })} />
      {/* The band is around means over seeds: with one seed there is none to choose. */}
      {seeds > 1 && <ChoiceSelect spec={BAND_PARAMETER} value={view.band} onChange={(band) => setView({ band })} />}
      {VIEW_PARAMETERS.map((spec) => (
        <label key={spec.key} className="check-field" title={spec.help}>
          <input type="checkbox" checked={view[spec.key]} onChange={(e) => setView({ [spec.key]: e.target.checked })} />
          {spec.label}
        </label>
      ))}
      <span className="range-field" title={SMOOTHING_PARAMETER.help}>
        <label htmlFor={smoothingId}>{SMOOTHING_PARAMETER.label}</label>
        <input
          id={smoothingId}
          type="range"
          min={SMOOTHING_PARAMETER.min}
          max={SMOOTHING_PARAMETER.max}
          step={0.01}
          value={view.smoothing}
          onChange={(e) => setView({ smoothing: Number(e.target.value) })}
        />
        <output htmlFor={smoothingId}>{view.smoothing.toFixed(2)}</output>
      </span>
      <button type="button" className="small-button" onClick={() => setView({ zoom: null })} disabled={!view.zoom}>
        Reset zoom
      </button>
    </div>
  );
}

/** A labelled select for a choice parameter of the view. */
function ChoiceSelect<Value extends string>({ spec, value, onChange }: { spec: ChoiceParameter<Value>; value: Value; onChange(value: Value): void }) {
  const id = useId();
  return (
    <span className="select-field" title={spec.help}>
      <label htmlFor={id}>{spec.label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as Value)}>
        {spec.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </span>
  );
}

/** One legend for every chart: a click hides or shows a contestant everywhere (and in the link). */
function ChartLegend({ lineup, baseline }: { lineup: readonly AveragedEntry[]; baseline?: string }) {
  const hidden = usePlayground((s) => s.view.hidden);
  const toggleHidden = usePlayground((s) => s.toggleHidden);
  if (!lineup.length && !baseline) return null;
  return (
    <ul className="legend" aria-label="Chart legend">
      {lineup.map(({ key, name, style, state, seeds }) => {
        const shown = !hidden.includes(key);
        const diverged = seeds.filter((s) => s.state.status === 'diverged').length;
        return (
          <li key={key} className={shown ? undefined : 'legend__hidden'}>
            <button type="button" className="legend__toggle" aria-pressed={shown} title={shown ? `Hide ${name} in the charts` : `Show ${name} in the charts`} onClick={() => toggleHidden(key)}>
              <ContestantSwatch style={style} />
              {name}
            </button>
            {state.status === 'diverged' && (
              <span className="legend__diverged">
                diverged
                {state.divergence && ` (epoch ${state.divergence.epoch}, batch ${state.divergence.batch})`}
                {seeds.length > 1 && ` (all ${seeds.length} seeds)`}
              </span>
            )}
            {state.status !== 'diverged' && diverged > 0 && (
              <span className="legend__diverged">
                {diverged} of {seeds.length} seeds diverged
              </span>
            )}
          </li>
        );
      })}
      {baseline && (
        <li className="legend__baseline">
          <ContestantSwatch style={{ color: BASELINE_GREY, dash: BASELINE_DASH }} />
          Baseline: {baseline}, the faint dashed lines
        </li>
      )}
    </ul>
  );
}

/** The latest value, but at most one change per `intervalMs`; the last change always arrives. */
export function useThrottled<T>(value: T, intervalMs: number): T {
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
