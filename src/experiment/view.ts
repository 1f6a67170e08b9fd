/** Chart display options: part of a shared link, not of the training. */
import { parseContestantKey } from './contestants';
import { defaultInstructorSettings, type InstructorSettings } from './instructorControls';
import { defaultLab, PAGE_PARAMETER, type LabSettings, type Page } from './lab';
import type { BooleanParameter, ChoiceParameter, NumberParameter } from './parameters';
import type { BandKind } from './seedStats';

export const VIEW_PARAMETERS = [
  { kind: 'boolean', key: 'showTrain', urlKey: 'train', label: 'Show training curves', defaultValue: true, help: 'Thin lines: loss and accuracy on the training batches.' },
  { kind: 'boolean', key: 'logLoss', urlKey: 'logloss', label: 'Logarithmic loss axis', defaultValue: false, help: 'Spreads out small losses.' },
] as const satisfies readonly BooleanParameter[];

/** Presentation mode (large type, thick lines, charts filling the screen): a view option, so a link can open a lecture ready to show. */
export const PRESENT_PARAMETER = {
  kind: 'boolean',
  key: 'present',
  urlKey: 'present',
  label: 'Presentation mode',
  defaultValue: false,
  help: 'Large type, thick lines and charts that fill the screen, for a projector. Keys: P toggles, Esc leaves, Space trains or stops.',
} as const satisfies BooleanParameter;

/** TensorBoard's smoothing of the per-batch training curves (0: none), with its default. */
export const SMOOTHING_PARAMETER = {
  kind: 'number',
  key: 'smoothing',
  urlKey: 'smooth',
  label: 'Smoothing',
  defaultValue: 0.6,
  min: 0,
  max: 0.99,
  help: 'Debiased exponential moving average of the live training curves, as TensorBoard draws them; the raw curve stays faintly behind.',
} as const satisfies NumberParameter;

export type XAxis = 'epochs' | 'examples' | 'seconds';

/** What the charts' horizontal axis counts, as TensorBoard's step / relative / wall choice. */
export const X_AXIS_PARAMETER = {
  kind: 'choice',
  key: 'xAxis',
  urlKey: 'x',
  label: 'X axis',
  options: [
    { value: 'epochs', label: 'Epochs' },
    { value: 'examples', label: 'Examples seen' },
    { value: 'seconds', label: 'Seconds of training' },
  ],
  defaultValue: 'epochs',
  help: "Epochs; training examples seen; or each contestant's own seconds of computing (its steps and evaluations, not the others'), which shows what a rule costs.",
} as const satisfies ChoiceParameter<XAxis>;

/** What the band around each contestant's mean line spans in a run of several seeds. */
export const BAND_PARAMETER = {
  kind: 'choice',
  key: 'band',
  urlKey: 'band',
  label: 'Band',
  options: [
    { value: 'sd', label: '±1 standard deviation' },
    { value: 'range', label: 'Min–max' },
  ],
  defaultValue: 'sd',
  help: 'With several seeds, each line is the mean over the seeds; the band around it spans ±1 sample standard deviation, or the lowest to the highest seed.',
} as const satisfies ChoiceParameter<BandKind>;

/** The axis title under the chart, for each choice. */
export const X_AXIS_TITLES: Record<XAxis, string> = { epochs: 'epoch', examples: 'examples seen', seconds: 'seconds of training' };

/** A zoomed horizontal range, in the units of the chosen X axis. */
export type ZoomRange = readonly [from: number, to: number];

export type ViewKey = (typeof VIEW_PARAMETERS)[number]['key'];
export type ViewOptions = Record<ViewKey, boolean> & {
  smoothing: number;
  xAxis: XAxis;
  /** The band around mean lines over several seeds. */
  band: BandKind;
  /** Contestant keys hidden in every chart (legend toggles), in the order they were hidden. */
  hidden: readonly string[];
  /** null: the whole run. */
  zoom: ZoomRange | null;
  /** Which view the page shows, and the loss-surface lab's settings (lab.ts). */
  page: Page;
  lab: LabSettings;
  /** Presentation mode is on. */
  present: boolean;
  /** What an instructor's link hides or locks, and whether it opens with the start overlay (instructorControls.ts). */
  instructor: InstructorSettings;
  /** The lesson the page asks about (lessons.ts), or null. */
  lesson: string | null;
};

export function defaultView(): ViewOptions {
  return {
    ...(Object.fromEntries(VIEW_PARAMETERS.map((p) => [p.key, p.defaultValue])) as Record<ViewKey, boolean>),
    smoothing: SMOOTHING_PARAMETER.defaultValue,
    xAxis: X_AXIS_PARAMETER.defaultValue,
    band: BAND_PARAMETER.defaultValue,
    hidden: [],
    zoom: null,
    page: PAGE_PARAMETER.defaultValue,
    lab: defaultLab(),
    present: PRESENT_PARAMETER.defaultValue,
    instructor: defaultInstructorSettings(),
    lesson: null,
  };
}

/** Link text of the hidden contestants: "adadelta,adam2"; '' when none. */
export function formatHidden(hidden: readonly string[]): string {
  return hidden.join(',');
}

/** The contestant keys of a link's `hide`; what is not a contestant key is reported, not kept. */
export function parseHidden(raw: string): { value: string[]; rejected: string[] } {
  const value: string[] = [];
  const rejected: string[] = [];
  for (const token of raw.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean)) {
    if (!parseContestantKey(token)) rejected.push(token);
    else if (!value.includes(token)) value.push(token);
  }
  return { value, rejected };
}

/** Link text of a zoom: "3.5,5"; '' when not zoomed. Six significant digits are finer than a pixel. */
export function formatZoom(zoom: ZoomRange | null): string {
  return zoom ? zoom.map((v) => String(Number(v.toPrecision(6)))).join(',') : '';
}

/** A link's `zoom`: two finite numbers, from < to, not below zero; null otherwise. */
export function parseZoom(raw: string): ZoomRange | null {
  const parts = raw.split(',');
  if (parts.length !== 2) return null;
  const [from, to] = parts.map((p) => (/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(p) ? Number(p) : NaN));
  return Number.isFinite(from) && Number.isFinite(to) && from >= 0 && to > from ? [from, to] : null;
}

/** Legend click: hides a shown contestant or shows a hidden one. */
export function toggleHidden(hidden: readonly string[], key: string): string[] {
  return hidden.includes(key) ? hidden.filter((k) => k !== key) : [...hidden, key];
}
