import { useId } from 'react';
import { usePlayground } from '../StoreContext';

/** Batches per second a demonstration can slow to; '' is full speed. */
const SPEEDS = [50, 10, 5, 2, 1];

/**
 * Pause, Resume and Step, and the Speed control: for talking over a curve in a lecture.
 * Pause keeps every weight and slot, so a resumed run trains exactly as an uninterrupted one.
 */
export function PacingControls() {
  const run = usePlayground((s) => s.run);
  const speed = usePlayground((s) => s.speed);
  const pause = usePlayground((s) => s.pause);
  const resume = usePlayground((s) => s.resume);
  const step = usePlayground((s) => s.step);
  const setSpeed = usePlayground((s) => s.setSpeed);
  const speedId = useId();
  const running = run?.phase === 'running';
  const paused = running && run.paused === true;
  return (
    <span className="pacing-controls">
      {paused ? (
        <button type="button" onClick={resume}>
          Resume
        </button>
      ) : (
        <button type="button" onClick={pause} disabled={!running}>
          Pause
        </button>
      )}
      <button type="button" onClick={step} disabled={!paused} title="While paused: one batch for every contestant.">
        Step
      </button>
      <span className="select-field">
        <label htmlFor={speedId}>Speed</label>
        <select id={speedId} value={speed ?? ''} onChange={(e) => setSpeed(e.target.value === '' ? null : Number(e.target.value))}>
          <option value="">Full speed</option>
          {SPEEDS.map((value) => (
            <option key={value} value={value}>
              {value} batch{value === 1 ? '' : 'es'} per second
            </option>
          ))}
        </select>
      </span>
    </span>
  );
}
