/**
 * Declarative descriptions of every editable setting. The form, its validation and
 * the defaults all read these tables, so a setting is declared exactly once.
 */

export interface NumberParameter {
  kind: 'number';
  key: string;
  label: string;
  defaultValue: number;
  min: number;
  max: number;
  /** When true, `min` itself is not allowed (e.g. a learning rate of 0). */
  minExclusive?: boolean;
  /** When true, `max` itself is not allowed (e.g. a decay rate of 1). */
  maxExclusive?: boolean;
  integer?: boolean;
  help: string;
}

export interface BooleanParameter {
  kind: 'boolean';
  key: string;
  label: string;
  defaultValue: boolean;
  help: string;
}

export type Parameter = NumberParameter | BooleanParameter;

export type ParameterValues = Record<string, number | boolean>;

export type ParseResult = { ok: true; value: number } | { ok: false; message: string };

function formatBound(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : String(value);
}

/** Human-readable allowed range, e.g. "between 0 and 1 (1 excluded)". */
export function describeRange(spec: NumberParameter): string {
  const lower = spec.minExclusive ? `greater than ${formatBound(spec.min)}` : `at least ${formatBound(spec.min)}`;
  const upper = spec.maxExclusive ? `less than ${formatBound(spec.max)}` : `at most ${formatBound(spec.max)}`;
  return `${lower} and ${upper}`;
}

/**
 * Parses what a person typed into a number field. Accepts plain and scientific
 * notation ("0.001", "1e-3"); thousands separators "," and "_" are ignored.
 */
export function parseNumberInput(spec: NumberParameter, raw: string): ParseResult {
  const text = raw.trim().replace(/[,_]/g, '');
  if (text === '') return { ok: false, message: `${spec.label} is required.` };
  // Number('') and Number('0x10') are too lenient for a form: accept decimal notation only.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) {
    return { ok: false, message: `${spec.label}: "${raw.trim().slice(0, 40)}" is not a number.` };
  }
  const value = Number(text);
  return checkNumber(spec, value);
}

/** Checks a numeric value against the declared range and integrality. */
export function checkNumber(spec: NumberParameter, value: number): ParseResult {
  if (!Number.isFinite(value)) return { ok: false, message: `${spec.label} must be a finite number.` };
  if (spec.integer && !Number.isInteger(value)) {
    return { ok: false, message: `${spec.label} must be a whole number.` };
  }
  const tooLow = spec.minExclusive ? value <= spec.min : value < spec.min;
  const tooHigh = spec.maxExclusive ? value >= spec.max : value > spec.max;
  if (tooLow || tooHigh) {
    return { ok: false, message: `${spec.label} must be ${describeRange(spec)}.` };
  }
  // -0 is a legal float but reads oddly everywhere it is shown.
  return { ok: true, value: Object.is(value, -0) ? 0 : value };
}

export function defaultValues(parameters: readonly Parameter[]): ParameterValues {
  return Object.fromEntries(parameters.map((p) => [p.key, p.defaultValue]));
}
