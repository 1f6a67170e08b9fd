import { BACKEND_LABELS, BACKEND_NAMES } from '../../experiment/backends';
import type { BackendPreference } from '../../train/protocol';
import { formatCount, formatMegabytes } from '../format';
import { isTraining, TRAINING_WORKER } from '../../store/playgroundStore';
import { usePlayground } from '../StoreContext';
import { describeDataSharing } from './describeDataSharing';

const PREFERENCES: [BackendPreference, string][] = [
  ['auto', 'Automatic (fastest here)'],
  ...BACKEND_NAMES.map((name): [BackendPreference, string] => [name, BACKEND_LABELS[name]]),
];

/** Lets the user overrule the automatic choice, e.g. to compare backends' rounding. */
export function BackendChooser() {
  const preference = usePlayground((s) => s.backendPreference);
  const choose = usePlayground((s) => s.setBackendPreference);
  const busy = usePlayground((s) => isTraining(s.run));
  return (
    <label className="backend-chooser">
      Backend{' '}
      <select value={preference} disabled={busy} onChange={(e) => choose(e.target.value as BackendPreference)}>
        {PREFERENCES.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function BackendBadge() {
  const backend = usePlayground((s) => s.backend);
  return (
    <p className="backend" role="status" aria-label="Backend">
      {backend ? (
        <>
          <strong>Backend: {BACKEND_LABELS[backend.name]}</strong>
          {backend.precision === 'float16' ? ' (16-bit floats)' : ''} — <span>{backend.reason}</span>
        </>
      ) : (
        'Choosing a backend…'
      )}
    </p>
  );
}

export function DataStatus() {
  const data = usePlayground((s) => s.data);
  const retry = usePlayground((s) => s.startLoading);
  if (data.status === 'ready') {
    return (
      <p className="data-status">
        MNIST ready: {formatCount(data.trainCount)} training and {formatCount(data.testCount)} test images, verified.
      </p>
    );
  }
  if (data.status === 'error') {
    return (
      <div className="alert" role="alert">
        <strong>{data.file === TRAINING_WORKER ? 'Training cannot start.' : 'The dataset could not be loaded.'}</strong> {data.message}{' '}
        <button type="button" onClick={retry}>
          Try again
        </button>
      </div>
    );
  }
  const progress = data.progress;
  return (
    <div className="data-status">
      <label>
        Loading MNIST{progress ? ` — ${formatMegabytes(progress.loadedBytes)} of ${formatMegabytes(progress.totalBytes)}` : '…'}
        <progress aria-label="Loading MNIST" max={progress?.totalBytes || 1} value={progress?.loadedBytes ?? 0} />
      </label>
    </div>
  );
}

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
        {run.phase === 'running' && 'Training…'}
        {run.phase === 'stopping' && 'Stopping after the current batch…'}
        {run.phase === 'finished' && (run.outcome === 'done' ? 'Training finished.' : 'Training stopped.')}
        {run.phase === 'failed' && 'Training failed.'}
      </p>
    </div>
  );
}

export function Notice() {
  const notice = usePlayground((s) => s.notice);
  const dismiss = usePlayground((s) => s.dismissNotice);
  if (!notice) return null;
  return (
    <div className="alert" role="alert">
      {notice}{' '}
      <button type="button" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}

/** For the curious and for tests: what the workers hold right now, and how they got the dataset. */
export function Diagnostics() {
  const memory = usePlayground((s) => s.memory);
  const measure = usePlayground((s) => s.measureMemory);
  const onGpu = usePlayground((s) => s.backend?.name === 'webgl');
  const simulateGpuReset = usePlayground((s) => s.simulateGpuReset);
  return (
    <details className="diagnostics">
      <summary>Diagnostics</summary>
      <button type="button" onClick={measure}>
        Measure memory
      </button>{' '}
      <span role="status" aria-label="Worker memory">
        {memory
          ? `${formatCount(memory.numTensors)} tensors (${formatMegabytes(memory.numBytes)}) in ${memory.workers} worker${memory.workers === 1 ? '' : 's'}; ${memory.busy ? 'training' : 'idle'}.`
          : 'Not measured yet.'}
      </span>
      {memory && (
        <p role="status" aria-label="Dataset sharing">
          {describeDataSharing(memory.crossOriginIsolated, memory.dataDelivery)}
        </p>
      )}
      {onGpu && (
        <button type="button" onClick={simulateGpuReset}>
          Simulate a GPU reset
        </button>
      )}
    </details>
  );
}
