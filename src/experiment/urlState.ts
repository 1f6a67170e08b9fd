/**
 * The experiment as a link. Every setting comes from the parameter tables (name,
 * range, default, URL key); values equal to their default are left out, so links stay
 * short and readable: `?v=1&epochs=2&opt=sgd,adam&adam.lr=0.01`.
 *
 * Links are untrusted input. decodeExperimentUrl never throws: every unknown,
 * invalid, out-of-range or hostile value is dropped or clamped and explained in a
 * notice, and the result always passes validateExperiment.
 */
import { z } from 'zod';
import { defaultExperiment, TRAINING_PARAMETERS, type ExperimentConfig } from './config';
import { OPTIMIZER_IDS, OPTIMIZERS, isOptimizerId } from './optimizers';
import { checkNumber, textSchema, type BooleanParameter, type NumberParameter, type Parameter } from './parameters';
import { defaultView, VIEW_PARAMETERS, type ViewOptions } from './view';

/** Bump when a link's meaning changes; decoders keep reading every older version. */
export const URL_FORMAT_VERSION = 1;

const VERSION_KEY = 'v';
const OPTIMIZERS_KEY = 'opt';
const MAX_VALUE_LENGTH = 64;
const MAX_NOTICES = 8;

export interface SharedExperiment {
  config: ExperimentConfig;
  view: ViewOptions;
}

export interface DecodedExperiment extends SharedExperiment {
  /** What was ignored or corrected, in plain words; empty for a clean link. */
  notices: string[];
}

interface Field {
  urlKey: string;
  /** How the notice names it: "Adam learning rate". */
  name: string;
  spec: Parameter;
  read(shared: SharedExperiment): number | boolean;
  write(shared: SharedExperiment, value: number | boolean): void;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/** Every shareable setting, walked by both the encoder and the decoder. */
const FIELDS: readonly Field[] = [
  ...(TRAINING_PARAMETERS as readonly (NumberParameter & { key: (typeof TRAINING_PARAMETERS)[number]['key'] })[]).map(
    (spec): Field => ({
      urlKey: spec.urlKey ?? spec.key,
      name: spec.label,
      spec,
      read: (s) => s.config[spec.key],
      write: (s, v) => (s.config[spec.key] = v as number),
    }),
  ),
  ...OPTIMIZER_IDS.flatMap((id) =>
    OPTIMIZERS[id].parameters.map(
      (spec): Field => ({
        urlKey: `${id}.${spec.urlKey ?? spec.key}`,
        name: `${OPTIMIZERS[id].label} ${lowerFirst(spec.label)}`,
        spec,
        read: (s) => s.config.hyperparameters[id][spec.key],
        write: (s, v) => (s.config.hyperparameters[id][spec.key] = v),
      }),
    ),
  ),
  ...VIEW_PARAMETERS.map(
    (spec): Field => ({
      urlKey: spec.urlKey,
      name: spec.label,
      spec,
      read: (s) => s.view[spec.key],
      write: (s, v) => (s.view[spec.key] = v as boolean),
    }),
  ),
];

const FIELDS_BY_KEY = new Map(FIELDS.map((f) => [f.urlKey, f]));

function defaults(): SharedExperiment {
  return { config: defaultExperiment(), view: defaultView() };
}

/** Query string (with "?") for an experiment; defaults are omitted. */
export function encodeExperimentUrl(shared: SharedExperiment): string {
  const base = defaults();
  const params = new URLSearchParams();
  params.set(VERSION_KEY, String(URL_FORMAT_VERSION));
  const selected = OPTIMIZER_IDS.filter((id) => shared.config.optimizers.includes(id));
  if (selected.join() !== base.config.optimizers.join()) params.set(OPTIMIZERS_KEY, selected.join(','));
  for (const field of FIELDS) {
    const value = field.read(shared);
    if (value === field.read(base)) continue;
    params.set(field.urlKey, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  // URLSearchParams escapes "," and "."; both are safe in a query and easier to read plain.
  return `?${params.toString().replace(/%2C/gi, ',')}`;
}

/** Shows a hostile or huge value safely inside a sentence. */
function quote(raw: string): string {
  // Control, zero-width and bidirectional-override characters could hide or reorder the sentence.
  const printable = raw.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '?');
  // Never cut between the two halves of a surrogate pair (emoji): a lone half shows as "�".
  return `"${printable.length > 40 ? `${printable.slice(0, 40).replace(/[\uD800-\uDBFF]$/, '')}…` : printable}"`;
}

const BOOLEAN_TEXT = z.enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no']).transform((t) => ['1', 'true', 'on', 'yes'].includes(t));

function decodeNumber(field: Field & { spec: NumberParameter }, raw: string, fallback: number): { value: number; notice?: string } {
  if (raw.length > MAX_VALUE_LENGTH) return { value: fallback, notice: `${field.name} ${quote(raw)} is too long; using ${fallback}.` };
  const parsed = textSchema(field.spec).safeParse(raw);
  if (parsed.success) return { value: parsed.data };
  const cleaned = raw.trim().replace(/[,_]/g, '');
  const number = Number(cleaned);
  const { spec } = field;
  // A real number outside the range is clamped to the nearest allowed value; anything else falls back.
  // "1e999" overflows to Infinity: a number out of range, not garbage, so it is clamped too.
  // Decimal notation only: Number() alone would also take "0x10", "0b11" and "0o7".
  if (!Number.isNaN(number) && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(cleaned)) {
    const rounded = spec.integer ? Math.round(number) : number;
    const below = spec.minExclusive ? rounded <= spec.min : rounded < spec.min;
    const above = spec.maxExclusive ? rounded >= spec.max : rounded > spec.max;
    const reason = below || above ? 'is out of range' : rounded !== number ? 'is not a whole number' : undefined;
    const value = below ? (spec.minExclusive ? fallback : spec.min) : above ? (spec.maxExclusive ? fallback : spec.max) : rounded;
    // Anything else (a decimal comma, say) is not a value we can trust: fall back below.
    const checked = checkNumber(spec, value);
    if (reason && checked.ok) return { value: checked.value, notice: `${field.name} ${quote(raw)} ${reason}; using ${checked.value}.` };
  }
  return { value: fallback, notice: `${field.name} ${quote(raw)} is not a number; using ${fallback}.` };
}

function decodeBoolean(field: Field & { spec: BooleanParameter }, raw: string, fallback: boolean): { value: boolean; notice?: string } {
  const parsed = BOOLEAN_TEXT.safeParse(raw.trim().toLowerCase());
  if (parsed.success) return { value: parsed.data };
  return { value: fallback, notice: `${field.name} ${quote(raw)} is not on or off; using ${fallback ? 'on' : 'off'}.` };
}

export function decodeExperimentUrl(search: string): DecodedExperiment {
  const shared = defaults();
  const notices: string[] = [];
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(typeof search === 'string' ? search : '');
  } catch {
    return { ...shared, notices: ['The link could not be read; using the default experiment.'] };
  }
  if (params.size === 0) return { ...shared, notices };

  const version = params.get(VERSION_KEY);
  if (version !== null && version !== String(URL_FORMAT_VERSION)) {
    notices.push(`The link says format version ${quote(version)}; this app reads version ${URL_FORMAT_VERSION}, so some settings may differ.`);
  }

  const seen = new Set<string>();
  const unknown: string[] = [];
  for (const [key, raw] of params) {
    if (key === VERSION_KEY) continue;
    if (seen.has(key)) {
      notices.push(`${quote(key)} appears more than once; using the first value.`);
      continue;
    }
    seen.add(key);
    if (key === OPTIMIZERS_KEY) {
      const requested = raw.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
      const known = requested.filter(isOptimizerId);
      const ignored = requested.filter((t) => !isOptimizerId(t));
      if (ignored.length) notices.push(`Unknown optimizer${ignored.length > 1 ? 's' : ''} ${ignored.slice(0, 3).map(quote).join(', ')} ignored.`);
      if (known.length === 0) notices.push('The link selects no known optimizer; using all five.');
      else shared.config.optimizers = OPTIMIZER_IDS.filter((id) => known.includes(id));
      continue;
    }
    // A Map, not an object: "__proto__" or "constructor" in a link is just an unknown key.
    const field = FIELDS_BY_KEY.get(key);
    if (!field) {
      unknown.push(key);
      continue;
    }
    const fallback = field.read(shared);
    const decoded =
      field.spec.kind === 'number'
        ? decodeNumber(field as Field & { spec: NumberParameter }, raw, fallback as number)
        : decodeBoolean(field as Field & { spec: BooleanParameter }, raw, fallback as boolean);
    field.write(shared, decoded.value);
    if (decoded.notice) notices.push(decoded.notice);
  }
  if (unknown.length) {
    notices.push(`Ignored unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 3).map(quote).join(', ')}${unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''}.`);
  }
  return {
    ...shared,
    notices: notices.length > MAX_NOTICES ? [...notices.slice(0, MAX_NOTICES - 1), `…and ${notices.length - MAX_NOTICES + 1} more corrections.`] : notices,
  };
}
