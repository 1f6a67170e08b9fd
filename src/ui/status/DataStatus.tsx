import { TRAINING_WORKER } from '../../store/playgroundStore';
import { formatCount, formatMegabytes } from '../format';
import { usePlayground } from '../StoreContext';

export function DataStatus() {
  const data = usePlayground((s) => s.data);
  const retry = usePlayground((s) => s.startLoading);
  const offlineCopy = usePlayground((s) => s.offline.status === 'ready');
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
        {/* The service worker answers from its saved copy, so a damaged copy fails again until it is cleared. */}
        {offlineCopy && data.file !== TRAINING_WORKER && 'If it happens again, the copy saved for offline use may be damaged: clear this site’s data in the browser’s settings, then reload while online. '}
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
