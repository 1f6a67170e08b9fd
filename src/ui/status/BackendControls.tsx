import { BACKEND_LABELS, BACKEND_NAMES } from '../../experiment/backends';
import { isTraining } from '../../store/playgroundStore';
import type { BackendPreference } from '../../train/protocol';
import { usePlayground } from '../StoreContext';

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
