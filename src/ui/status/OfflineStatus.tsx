import { updateOffer } from '../../store/playgroundStore';
import { usePlayground } from '../StoreContext';

/** One line in the header: whether the app and the dataset are saved for use without a network. */
export function OfflineStatus() {
  const offline = usePlayground((s) => s.offline);
  const text =
    offline.status === 'ready'
      ? 'Ready to work offline'
      : offline.status === 'preparing'
        ? 'Saving the app and MNIST for offline use…'
        : offline.status === 'failed'
          ? offline.message
          : offline.reason;
  if (!text) return null;
  return (
    <p className={`offline-status offline-status--${offline.status}`} role="status" aria-label="Offline use">
      {text}
    </p>
  );
}

/** A new version, offered, never applied on its own; while a run goes it only says it will be offered. */
export function UpdateOffer() {
  const updateWaiting = usePlayground((s) => s.updateWaiting);
  const run = usePlayground((s) => s.run);
  const offer = updateOffer(updateWaiting, run);
  const apply = usePlayground((s) => s.applyUpdate);
  if (offer.kind === 'none') return null;
  return (
    <div className="notice update-offer" role="status" aria-label="New version">
      {offer.kind === 'after-run' ? (
        'A new version of the app is ready. It will be offered when this run ends; the run is not interrupted.'
      ) : (
        <>
          A new version of the app is ready. Reloading keeps your settings and your last run
          {offer.reopen ? `; open ${offer.reopen} again afterwards` : ''}.{' '}
          <button type="button" onClick={apply}>
            Reload to update
          </button>
        </>
      )}
    </div>
  );
}
