import { useId } from 'react';
import type { NumberParameter } from '../../experiment/parameters';
import { describeRange } from '../../experiment/parameters';
import type { NumberListParameter } from '../../experiment/schedules';

interface Props {
  /** A number, or a list of numbers separated by commas. */
  spec: NumberParameter | NumberListParameter;
  value: string;
  error?: string;
  onChange(text: string): void;
}

/**
 * A text box rather than <input type=number>: the browser would silently drop
 * "1e-" or "abc", and the user deserves to be told what is wrong, at the field.
 */
export function NumberField({ spec, value, error, onChange }: Props) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label htmlFor={id}>{spec.label}</label>
      <input
        id={id}
        type="text"
        inputMode={spec.kind === 'numberList' ? 'text' : spec.integer ? 'numeric' : 'decimal'}
        autoComplete="off"
        spellCheck={false}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${errorId} ${hintId}` : hintId}
        onChange={(event) => onChange(event.target.value)}
      />
      <span id={hintId} className="field__hint">
        {spec.help} Allowed: {spec.kind === 'numberList' ? 'each ' : ''}
        {describeRange({ ...spec, kind: 'number', defaultValue: 0 })}.
      </span>
      {error && (
        // Not role="alert": that re-announces the message on every keystroke. The field names it
        // through aria-describedby, so a screen reader reads it with the field.
        <span id={errorId} className="field__error">
          {error}
        </span>
      )}
    </div>
  );
}
