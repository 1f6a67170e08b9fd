import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { trainingContestants } from '../../experiment/config';
import { contestantKey, contestantName, contestantStyle } from '../../experiment/contestants';
import { bestEffortConfig } from '../../experiment/draft';
import { createLabRun, LAB_NUMBER_PARAMETERS, positionAt, roundStart, SURFACE_PARAMETER, type LabNumberKey, type LabSettings } from '../../experiment/lab';
import { parseNumberInput, type NumberParameter } from '../../experiment/parameters';
import { SURFACES, type Point, type SurfaceId } from '../../experiment/surfaces';
import { ContestantSwatch } from '../ContestantSwatch';
import { NumberField } from '../settings/NumberField';
import { usePlayground } from '../StoreContext';
import { ContourPlot, type PlotLine } from './ContourPlot';

const SPEC = Object.fromEntries(LAB_NUMBER_PARAMETERS.map((p) => [p.key, p])) as Record<LabNumberKey, NumberParameter>;

/** A number field over a lab setting: keeps what is typed, applies it when valid, follows changes made elsewhere (a drag). */
function LabField({ spec, value, onValue }: { spec: NumberParameter; value: number; onValue(value: number): void }) {
  const [text, setText] = useState(String(value));
  const [error, setError] = useState<string>();
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    setSeen(value);
    setText(String(value));
    setError(undefined);
  }
  return (
    <NumberField
      spec={spec}
      value={text}
      error={error}
      onChange={(raw) => {
        setText(raw);
        const parsed = parseNumberInput(spec, raw);
        if (!parsed.ok) return setError(parsed.message);
        setError(undefined);
        setSeen(parsed.value);
        onValue(parsed.value);
      }}
    />
  );
}

const formatLoss = (v: number) => (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5) ? v.toExponential(3) : v.toPrecision(4));
const formatCoordinate = (v: number) => v.toFixed(3);

/**
 * The loss-surface lab: the experiment's ticked contestants, with their settings,
 * minimise a function of two parameters from one start point, with the same update
 * programs as MNIST training (experiment/lab.ts). Steps are computed as playback
 * reaches them and kept, so a frame computes only its new steps.
 */
export function LabView() {
  const lab = usePlayground((s) => s.view.lab);
  const setView = usePlayground((s) => s.setView);
  const draft = usePlayground((s) => s.draft);
  const config = useMemo(() => bestEffortConfig(draft), [draft]);
  const contestants = useMemo(
    () =>
      trainingContestants(config).map((c, index) => ({
        key: contestantKey(c),
        name: contestantName(c),
        optimizer: c.optimizer,
        hyperparameters: c.hyperparameters,
        schedule: c.schedule,
        style: contestantStyle(index),
      })),
    [config],
  );
  // Event handlers read the latest settings, not those of the render that made them (a fast drag).
  const latest = useRef(lab);
  latest.current = lab;
  const setLab = (change: Partial<LabSettings>) => setView({ lab: { ...latest.current, ...change } });

  // The start while a drag goes on: the paths follow it at once, the link (history.replaceState,
  // which browsers limit to a few hundred calls in ten seconds) gets it when the drag ends.
  const [dragged, setDragged] = useState<Point | null>(null);
  const { surface, kappa, noise, steps, speed } = lab;
  const startX = dragged?.x ?? lab.startX;
  const startY = dragged?.y ?? lab.startY;
  const seed = config.seed;
  const run = useMemo(
    () => createLabRun({ surface, kappa, noise, seed, start: { x: startX, y: startY }, contestants }),
    [surface, kappa, noise, seed, startX, startY, contestants],
  );
  const [iteration, setIteration] = useState(0);
  const [playing, setPlaying] = useState(false);
  const shown = Math.min(iteration, steps);
  // Idempotent: computes only steps not computed yet (a new start computes up to here once).
  run.advanceTo(shown);

  const position = useRef(shown);
  position.current = shown;
  useEffect(() => {
    if (!playing) return;
    const from = position.current;
    let began: number | undefined;
    let frame = requestAnimationFrame(function tick(now) {
      began ??= now;
      const target = Math.min(steps, from + Math.floor(((now - began) / 1000) * speed));
      if (target !== position.current) setIteration(target);
      if (target >= steps) setPlaying(false);
      else frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, speed, steps]);

  const lines: PlotLine[] = contestants.map((c, i) => ({ trajectory: run.trajectories[i], name: c.name, style: c.style }));
  const chooseSurface = (id: SurfaceId) => {
    const { x, y } = SURFACES[id].defaultStart;
    setPlaying(false);
    setIteration(0);
    setLab({ surface: id, startX: x, startY: y });
  };
  const setStart = (point: Point, done: boolean) => {
    const rounded = { x: roundStart(point.x), y: roundStart(point.y) };
    if (!done) return setDragged(rounded);
    setDragged(null);
    setLab({ startX: rounded.x, startY: rounded.y });
  };
  const info = SURFACES[surface];
  const ids = { surface: useId(), caption: useId() };

  return (
    <div className="lab">
      <section className="panel lab__settings" aria-label="Lab settings">
        <h2>Loss surface lab</h2>
        <p className="lab__intro">
          The ticked contestants of the Training view, with their settings, minimise a function of two parameters, all from the same start, with the
          same update rules as the MNIST training.
        </p>
        <div className="field">
          <label htmlFor={ids.surface}>{SURFACE_PARAMETER.label}</label>
          <select id={ids.surface} value={surface} onChange={(e) => chooseSurface(e.target.value as SurfaceId)} aria-describedby={`${ids.surface}-formula`}>
            {SURFACE_PARAMETER.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          <span id={`${ids.surface}-formula`} className="field__hint">
            {info.formula}
          </span>
        </div>
        {surface === 'quadratic' && <LabField spec={SPEC.kappa} value={kappa} onValue={(v) => setLab({ kappa: v })} />}
        <LabField spec={SPEC.noise} value={noise} onValue={(v) => setLab({ noise: v })} />
        <div className="lab__start-fields">
          <LabField spec={SPEC.startX} value={startX} onValue={(v) => setLab({ startX: v })} />
          <LabField spec={SPEC.startY} value={startY} onValue={(v) => setLab({ startY: v })} />
        </div>
        <LabField spec={SPEC.steps} value={steps} onValue={(v) => setLab({ steps: v })} />
      </section>
      <section className="panel lab__stage" aria-label="Loss surface">
        <div className="lab__playback">
          <button
            type="button"
            className="primary"
            onClick={() => {
              if (!playing && shown >= steps) setIteration(0);
              setPlaying(!playing);
            }}
          >
            {playing ? 'Pause' : 'Play'}
          </button>
          <button type="button" onClick={() => (setPlaying(false), setIteration(Math.min(steps, shown + 1)))} disabled={shown >= steps}>
            Step
          </button>
          <button type="button" onClick={() => (setPlaying(false), setIteration(0))} disabled={shown === 0}>
            Reset
          </button>
          <div className="lab__speed">
            <LabField spec={SPEC.speed} value={speed} onValue={(v) => setLab({ speed: v })} />
          </div>
          <p className="lab__iteration" data-testid="lab-iteration">
            Iteration {shown} of {steps}
          </p>
        </div>
        <figure className="lab__figure">
          <ContourPlot surface={surface} kappa={kappa} lines={lines} iteration={shown} start={{ x: startX, y: startY }} onStart={setStart} describedBy={ids.caption} />
          <figcaption id={ids.caption} className="lab__caption">
            {info.label}, {info.formula}, over x from {info.window.x[0]} to {info.window.x[1]} and y from {info.window.y[0]} to {info.window.y[1]}, with
            contours at log-spaced levels; marked: {info.minima.map((m) => m.label).join('; ')}. Every path starts at ({startX}, {startY}); press or drag
            on the plot to move the start. The table lists where each contestant is after {shown} steps.
          </figcaption>
        </figure>
        <table className="lab__table">
          <caption>Loss after {shown} steps</caption>
          <thead>
            <tr>
              <th scope="col">Contestant</th>
              <th scope="col">Loss</th>
              <th scope="col">x</th>
              <th scope="col">y</th>
            </tr>
          </thead>
          <tbody>
            {lines.map(({ trajectory, name, style }) => {
              const p = positionAt(trajectory, shown);
              const diverged = trajectory.divergedAt !== undefined && trajectory.divergedAt <= shown;
              return (
                <tr key={trajectory.key} data-testid={`lab-row-${trajectory.key}`}>
                  <th scope="row">
                    <ContestantSwatch style={style} /> {name}
                  </th>
                  <td data-testid={`lab-loss-${trajectory.key}`}>
                    {formatLoss(p.loss)}
                    {diverged && <span className="lab__diverged"> diverged at step {trajectory.divergedAt}</span>}
                  </td>
                  <td>{formatCoordinate(p.x)}</td>
                  <td>{formatCoordinate(p.y)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </div>
  );
}
