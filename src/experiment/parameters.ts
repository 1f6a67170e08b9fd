import { z } from 'zod';

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
  /** Name in a shared link when it differs from `key` (kept short and readable). */
  urlKey?: string;
  help: string;
}

export interface BooleanParameter {
  kind: 'boolean';
  key: string;
  label: string;
  defaultValue: boolean;
  urlKey?: string;
  help: string;
}

/** One of a few named values (an activation, later a schedule), shown as a select. */
export interface ChoiceParameter<Value extends string = string> {
  kind: 'choice';
  key: string;
  label: string;
  options: readonly { value: Value; label: string }[];
  defaultValue: Value;
  urlKey?: string;
  help: string;
}

export type Parameter = NumberParameter | BooleanParameter;

export type ParameterValues = Record<string, number | boolean>;

export function isChoice<Value extends string>(spec: ChoiceParameter<Value>, value: unknown): value is Value {
  return spec.options.some((option) => option.value === value);
}

export type ParseResult = { ok: true; value: number } | { ok: false; message: string };

function formatBound(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : String(value);
}

/** Human-readable allowed range, e.g. "at least 0 and less than 1". */
export function describeRange(spec: NumberParameter): string {
  const lower = spec.minExclusive ? `greater than ${formatBound(spec.min)}` : `at least ${formatBound(spec.min)}`;
  const upper = spec.maxExclusive ? `less than ${formatBound(spec.max)}` : `at most ${formatBound(spec.max)}`;
  return `${lower} and ${upper}`;
}

/** Plain and scientific decimal notation; Number() alone would also take "0x10", "" and "Infinity". */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

const valueSchemas = new WeakMap<NumberParameter, ReturnType<typeof buildValueSchema>>();
const textSchemas = new WeakMap<NumberParameter, ReturnType<typeof buildTextSchema>>();

function buildValueSchema(spec: NumberParameter) {
  const rangeMessage = `${spec.label} must be ${describeRange(spec)}.`;
  let schema = z.number({ error: `${spec.label} must be a finite number.` });
  if (spec.integer) schema = schema.int({ error: `${spec.label} must be a whole number.` });
  schema = spec.minExclusive ? schema.gt(spec.min, { error: rangeMessage }) : schema.gte(spec.min, { error: rangeMessage });
  schema = spec.maxExclusive ? schema.lt(spec.max, { error: rangeMessage }) : schema.lte(spec.max, { error: rangeMessage });
  // -0 is a legal float but reads oddly everywhere it is shown.
  return schema.transform((value) => (Object.is(value, -0) ? 0 : value));
}

/** "60,000" and "60_000" are thousands; "0,01" is a decimal comma, which we refuse rather than misread 100-fold. */
const THOUSANDS = /^[+-]?\d{1,3}([,_]\d{3})+(\.\d*)?$/;

function buildTextSchema(spec: NumberParameter) {
  return z
    .string()
    .transform((raw) => raw.trim())
    .superRefine((text, context) => {
      if (/\d[,]\d/.test(text) && !THOUSANDS.test(text)) {
        context.addIssue({ code: 'custom', message: `${spec.label}: use a point for decimals ("${text.slice(0, 20).replace(',', '.')}"), not a comma.`, abort: true });
      }
    })
    .transform((text) => text.replace(/[,_]/g, ''))
    .pipe(
      z
        .string()
        .min(1, { error: `${spec.label} is required.` })
        .regex(DECIMAL, { error: (issue) => `${spec.label}: "${String(issue.input).slice(0, 40)}" is not a number.` }),
    )
    .transform(Number)
    .pipe(valueSchema(spec));
}

/** The schema of a setting's numeric value, derived from its table entry (built once per setting). */
export function valueSchema(spec: NumberParameter) {
  let schema = valueSchemas.get(spec);
  if (!schema) valueSchemas.set(spec, (schema = buildValueSchema(spec)));
  return schema;
}

/**
 * The schema of what a person (or a link) writes for a setting. Accepts plain and
 * scientific notation ("0.001", "1e-3") and thousands separators ("60,000").
 */
export function textSchema(spec: NumberParameter) {
  let schema = textSchemas.get(spec);
  if (!schema) textSchemas.set(spec, (schema = buildTextSchema(spec)));
  return schema;
}

function firstMessage(result: { success: true; data: number } | { success: false; error: z.ZodError }): ParseResult {
  return result.success ? { ok: true, value: result.data } : { ok: false, message: result.error.issues[0].message };
}

/** Parses what a person typed into a number field. */
export function parseNumberInput(spec: NumberParameter, raw: string): ParseResult {
  return firstMessage(textSchema(spec).safeParse(raw));
}

/** Checks a numeric value against the declared range and integrality. */
export function checkNumber(spec: NumberParameter, value: number): ParseResult {
  return firstMessage(valueSchema(spec).safeParse(value));
}

export function defaultValues(parameters: readonly Parameter[]): ParameterValues {
  return Object.fromEntries(parameters.map((p) => [p.key, p.defaultValue]));
}
