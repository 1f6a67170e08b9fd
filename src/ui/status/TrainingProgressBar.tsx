import { isTraining } from '../../store/playgroundStore';
import { formatCount } from '../format';
import { usePlayground } from '../StoreContext';

export function TrainingProgressBar() {
  const run = usePlayground((s) => s.run);
  if (!run) return null;
  const p = run.progress;
  const active = isTraining(run);
  return (
    <div className="training-progress" aria-live="off">
      <label>
        {p ? (
          <>
            Epoch {p.epoch} of {p.epochs} · batch {formatCount(p.batch)} of {formatCount(p.batchesPerEpoch)}
            {active ? ` · ${formatCount(p.samplesPerSecond)} samples/s` : ''}
          </>
        ) : active ? (
          'Starting…'
        ) : (
          'No progress reported'
        )}
        <progress aria-label="Epoch progress" max={p?.batchesPerEpoch ?? 1} value={p?.batch ?? 0} />
      </label>
      <p role="status" className="run-phase">
        {run.phase === 'running' && (run.paused ? 'Paused. Step trains one batch for every contestant; Resume goes on.' : 'Training…')}
        {run.phase === 'stopping' && 'Stopping after the current batch…'}
        {run.phase === 'finished' && (run.outcome === 'done' ? 'Training finished.' : 'Training stopped.')}
        {run.phase === 'failed' && 'Training failed.'}
      </p>
    </div>
  );
}
