import type { LineupEntry } from '../store/playgroundStore';

/** A labelled select of a run's contestants by name (the evaluation's, the landscape's slice). */
export function ContestantSelect({ label, contestants, value, onChange, disabled }: { label: string; contestants: readonly LineupEntry[]; value: string; onChange(key: string): void; disabled?: boolean }) {
  return (
    <label className="evaluation__choice">
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled}>
        {contestants.map((c) => (
          <option key={c.key} value={c.key}>
            {c.name}
          </option>
        ))}
      </select>
    </label>
  );
}
