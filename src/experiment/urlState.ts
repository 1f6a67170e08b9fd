/**
 * The experiment as a link. Every setting comes from the parameter tables (name,
 * range, default, URL key); values equal to their default are left out, so links stay
 * short and readable: `?v=2&epochs=2&opt=sgd,adam,adam2&adam2.lr=0.01&layers=2&act=tanh`.
 *
 * Links are untrusted input. decodeExperimentUrl never throws: every unknown,
 * invalid, out-of-range or hostile value is dropped or clamped and explained in a
 * notice, and the result always passes validateExperiment. Links of every earlier
 * format version are first brought to the current one by LINK_MIGRATIONS, the one
 * path by which old links are read.
 */
import { z } from 'zod';
import { defaultExperiment, TRAINING_PARAMETERS, trainingStateProblem, type ExperimentConfig } from './config';
import {
  contestantKey,
  contestantName,
  MAX_CONTESTANTS,
  parseContestantKey,
  sortContestants,
  withinCap,
  type Contestant,
  type ContestantRef,
} from './contestants';
import {
  ACTIVATION_PARAMETER,
  HIDDEN_LAYERS_PARAMETER,
  LAYER_UNITS_PARAMETERS,
  layerUnits,
  networkFrom,
  type Activation,
} from './network';
import { formatControls, parseControls, START_PARAMETER } from './instructorControls';
import { LAB_NUMBER_PARAMETERS, PAGE_PARAMETER, SURFACE_PARAMETER } from './lab';
import { lessonById, LESSON_IDS, type Lesson } from './lessons';
import { OPTIMIZERS, optimizerDefaults } from './optimizers';
import { SURFACES } from './surfaces';
import { keepOneClip } from './knobs';
import { defaultSchedule, isScheduleKind, parseNumberList, SCHEDULE_PARAMETER, scheduleProblems, SCHEDULES } from './schedules';
import { checkNumber, isChoice, textSchema, type BooleanParameter, type ChoiceParameter, type NumberParameter, type Parameter } from './parameters';
import {
  defaultView,
  formatHidden,
  formatZoom,
  parseHidden,
  parseZoom,
  BAND_PARAMETER,
  PRESENT_PARAMETER,
  SMOOTHING_PARAMETER,
  VIEW_PARAMETERS,
  X_AXIS_PARAMETER,
  type ViewOptions,
  type XAxis,
} from './view';

/** Bump when a link's meaning changes, and add the step from the old version to LINK_MIGRATIONS. */
export const URL_FORMAT_VERSION = 2;

/** Shared keys version 2 added, as it names them: the network's and smoothing. */
const V2_KEYS = ['layers', 'units1', 'units2', 'units3', 'act', 'smooth'];

/** Keys added to version 2 later (the loss-surface lab's, several seeds and their band): a version-1 link never had them. */
const LATER_V2_KEYS: readonly string[] = [PAGE_PARAMETER.urlKey, SURFACE_PARAMETER.urlKey, ...LAB_NUMBER_PARAMETERS.map((p) => p.urlKey), 'seeds', BAND_PARAMETER.urlKey];

/** Keys of lessons and instructor links, added to version 2 later: a version-1 link never had them either. */
const CONCEAL_KEY = 'conceal';
const LOCK_KEY = 'lock';
const LESSON_KEY = 'lesson';
const INSTRUCTOR_KEYS: readonly string[] = [LESSON_KEY, CONCEAL_KEY, LOCK_KEY, START_PARAMETER.urlKey];

/** Version 1's optimizers: a v1 link without `opt` selects exactly these. */
const V1_OPTIMIZERS = ['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop'];

/**
 * Each step rewrites a link of version k into version k + 1, in place, and says what
 * it had to leave out. 1 → 2: contestants and the network arrived. A v1 key means the
 * same in v2 (`adam.lr` is the first Adam's rate, `opt` lists first contestants, no
 * network keys is the article's network), except that no `opt` meant "the five of v1",
 * not "whatever the default selection is now"; and v1 knew only those five, so a v1
 * link naming another optimizer (or "adam2") is read as v1 read it: ignored, with a notice.
 */
interface MigrationReport {
  notices: string[];
  /** Keys set aside as unknown, listed with the decoder's own unknown keys. */
  unknown: string[];
}

const LINK_MIGRATIONS: Record<number, (params: URLSearchParams, report: MigrationReport) => void> = {
  1: (params, { notices, unknown }) => {
    const raw = params.get(OPTIMIZERS_KEY);
    if (raw !== null) {
      const requested = raw.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
      const known = requested.filter((t) => V1_OPTIMIZERS.includes(t));
      const ignored = requested.filter((t) => !V1_OPTIMIZERS.includes(t));
      if (ignored.length) notices.push(`Unknown optimizer${ignored.length > 1 ? 's' : ''} ${ignored.slice(0, 3).map(quote).join(', ')} ignored.`);
      if (!known.length) notices.push('The link selects no known optimizer; using all five.');
      params.set(OPTIMIZERS_KEY, (known.length ? known : V1_OPTIMIZERS).join(','));
    } else {
      params.set(OPTIMIZERS_KEY, V1_OPTIMIZERS.join(','));
    }
    // Settings v1 did not have (other optimizers', the network's, smoothing) stay unknown, as they were then.
    for (const key of [...params.keys()]) {
      const dot = key.indexOf('.');
      if ((dot > 0 && !V1_OPTIMIZERS.includes(key.slice(0, dot))) || V2_KEYS.includes(key) || LATER_V2_KEYS.includes(key) || INSTRUCTOR_KEYS.includes(key)) {
        params.delete(key);
        unknown.push(key);
      }
    }
    // v1 drew the training curves raw.
    params.set(SMOOTHING_PARAMETER.urlKey, '0');
  },
};


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

/** The link's view of an experiment: the network as its form fields, so each is one key. */
interface Working extends SharedExperiment {
  layers: number;
  units: number[];
  activation: Activation;
}

/** A value with its own text form (a list, a range): `decode` turns link text into that form, with a notice when it cannot. */
interface CodecSpec {
  kind: 'codec';
  decode(raw: string): { value: string; notice?: string };
}

interface Field {
  urlKey: string;
  /** How the notice names it: "Adam 2 learning rate". */
  name: string;
  spec: Parameter | ChoiceParameter | CodecSpec;
  read(shared: Working): number | boolean | string;
  write(shared: Working, value: number | boolean | string): void;
  /** Left out of the link when false (a layer the network does not have). */
  applies?(shared: Working): boolean;
  /** A default that depends on other settings (the lab's start, on the surface): left out when equal to it, and what a link without the key gets. */
  defaultFrom?(shared: Working): number;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/** The shared training and network settings, walked by both the encoder and the decoder. */
const SETTING_FIELDS: readonly Field[] = [
  ...(TRAINING_PARAMETERS as readonly (NumberParameter & { key: (typeof TRAINING_PARAMETERS)[number]['key'] })[]).map(
    (spec): Field => ({
      urlKey: spec.urlKey ?? spec.key,
      name: spec.label,
      spec,
      read: (s) => s.config[spec.key],
      write: (s, v) => (s.config[spec.key] = v as number),
    }),
  ),
  {
    urlKey: HIDDEN_LAYERS_PARAMETER.urlKey,
    name: HIDDEN_LAYERS_PARAMETER.label,
    spec: HIDDEN_LAYERS_PARAMETER,
    read: (s) => s.layers,
    write: (s, v) => (s.layers = v as number),
  },
  ...LAYER_UNITS_PARAMETERS.map(
    (spec, i): Field => ({
      urlKey: spec.urlKey ?? spec.key,
      name: spec.label,
      spec,
      read: (s) => s.units[i],
      write: (s, v) => (s.units[i] = v as number),
      applies: (s) => i < s.layers,
    }),
  ),
  {
    urlKey: ACTIVATION_PARAMETER.urlKey ?? ACTIVATION_PARAMETER.key,
    name: ACTIVATION_PARAMETER.label,
    spec: ACTIVATION_PARAMETER,
    read: (s) => s.activation,
    write: (s, v) => (s.activation = v as Activation),
  },
];

/** Chart options: last in a link, after the contestants' settings. */
const VIEW_FIELDS: readonly Field[] = [
  ...VIEW_PARAMETERS.map(
    (spec): Field => ({
      urlKey: spec.urlKey,
      name: spec.label,
      spec,
      read: (s) => s.view[spec.key],
      write: (s, v) => (s.view[spec.key] = v as boolean),
    }),
  ),
  {
    urlKey: SMOOTHING_PARAMETER.urlKey,
    name: SMOOTHING_PARAMETER.label,
    spec: SMOOTHING_PARAMETER,
    read: (s) => s.view.smoothing,
    write: (s, v) => (s.view.smoothing = v as number),
  },
  {
    urlKey: X_AXIS_PARAMETER.urlKey,
    name: X_AXIS_PARAMETER.label,
    spec: X_AXIS_PARAMETER,
    read: (s) => s.view.xAxis,
    write: (s, v) => (s.view.xAxis = v as XAxis),
  },
  {
    urlKey: BAND_PARAMETER.urlKey,
    name: BAND_PARAMETER.label,
    spec: BAND_PARAMETER,
    read: (s) => s.view.band,
    write: (s, v) => (s.view.band = v as typeof s.view.band),
  },
  {
    urlKey: 'hide',
    name: 'Hidden contestants',
    spec: {
      kind: 'codec',
      decode: (raw) => {
        const { value, rejected } = parseHidden(raw);
        return {
          value: formatHidden(value),
          notice: rejected.length ? `Hidden contestant${rejected.length > 1 ? 's' : ''} ${rejected.slice(0, 3).map(quote).join(', ')} ignored: not a contestant.` : undefined,
        };
      },
    },
    read: (s) => formatHidden(s.view.hidden),
    write: (s, v) => (s.view.hidden = parseHidden(v as string).value),
  },
  {
    // After `x`: a zoom is in the units of the X axis.
    urlKey: 'zoom',
    name: 'Zoom',
    spec: {
      kind: 'codec',
      decode: (raw) => {
        const zoom = parseZoom(raw);
        return zoom ? { value: formatZoom(zoom) } : { value: '', notice: `Zoom ${quote(raw)} is not a range such as 3.5,5; showing the whole run.` };
      },
    },
    read: (s) => formatZoom(s.view.zoom),
    write: (s, v) => (s.view.zoom = parseZoom(v as string)),
  },
  // The loss-surface lab (lab.ts): `view=lab&surf=beale&sx=1&sy=1.5`. The contestants are the experiment's.
  {
    urlKey: PAGE_PARAMETER.urlKey,
    name: PAGE_PARAMETER.label,
    spec: PAGE_PARAMETER,
    read: (s) => s.view.page,
    write: (s, v) => (s.view.page = v as typeof s.view.page),
  },
  {
    urlKey: SURFACE_PARAMETER.urlKey,
    name: SURFACE_PARAMETER.label,
    spec: SURFACE_PARAMETER,
    read: (s) => s.view.lab.surface,
    write: (s, v) => (s.view.lab = { ...s.view.lab, surface: v as typeof s.view.lab.surface }),
  },
  ...LAB_NUMBER_PARAMETERS.map(
    (spec): Field => ({
      urlKey: spec.urlKey,
      name: spec.label,
      spec,
      read: (s) => s.view.lab[spec.key],
      write: (s, v) => (s.view.lab = { ...s.view.lab, [spec.key]: v as number }),
      // `surf=himmelblau` alone starts where Himmelblau starts by default.
      ...(spec.key === 'startX' || spec.key === 'startY'
        ? { defaultFrom: (s: Working) => SURFACES[s.view.lab.surface].defaultStart[spec.key === 'startX' ? 'x' : 'y'] }
        : {}),
    }),
  ),
  {
    // How the page is shown, not what the charts show.
    urlKey: PRESENT_PARAMETER.urlKey,
    name: PRESENT_PARAMETER.label,
    spec: PRESENT_PARAMETER,
    read: (s) => s.view.present,
    write: (s, v) => (s.view.present = v as boolean),
  },
  // Last: what an instructor's link hides, locks and starts (instructorControls.ts).
  ...(
    [
      [CONCEAL_KEY, 'Hidden controls', 'concealed'],
      [LOCK_KEY, 'Locked controls', 'locked'],
    ] as const
  ).map(
    ([urlKey, name, list]): Field => ({
      urlKey,
      name,
      spec: {
        kind: 'codec',
        decode: (raw) => {
          const { value, rejected } = parseControls(raw);
          return {
            value: formatControls(value),
            notice: rejected.length ? `${name} ${rejected.slice(0, 3).map(quote).join(', ')} ignored: the page has no control of that name.` : undefined,
          };
        },
      },
      read: (s) => formatControls(s.view.instructor[list]),
      write: (s, v) => (s.view.instructor = { ...s.view.instructor, [list]: parseControls(v as string).value }),
    }),
  ),
  {
    urlKey: START_PARAMETER.urlKey,
    name: START_PARAMETER.label,
    spec: START_PARAMETER,
    read: (s) => s.view.instructor.start,
    write: (s, v) => (s.view.instructor = { ...s.view.instructor, start: v as boolean }),
  },
];

const FIELDS_BY_KEY = new Map([...SETTING_FIELDS, ...VIEW_FIELDS].map((f) => [f.urlKey, f]));

function working({ config, view }: SharedExperiment): Working {
  return {
    config,
    view,
    layers: config.network.hiddenLayers.length,
    units: LAYER_UNITS_PARAMETERS.map((_, i) => layerUnits(config.network, i)),
    activation: config.network.activation,
  };
}

function defaults(): Working {
  return working({ config: defaultExperiment(), view: defaultView() });
}

/**
 * A lesson's experiment: what `lesson=<id>` starts from, as the defaults are otherwise.
 * A link of a lesson carries only what differs from it (and `lesson` itself, which the
 * base leaves null so that it is always written).
 */
function lessonBase(lesson: Lesson): Working {
  const { config, view } = decodeExperimentUrl(lesson.link);
  return working({ config, view: { ...view, lesson: null } });
}

/** What a link's settings are relative to: its lesson's experiment, or the defaults. */
function baseFor(lessonId: string | null): Working {
  const lesson = lessonById(lessonId);
  return lesson ? lessonBase(lesson) : defaults();
}

/** A contestant's field, `adam2.lr`: the contestant's key, a dot, the parameter's URL key. */
function contestantField(contestant: ContestantRef, spec: Parameter): Field {
  const key = contestantKey(contestant);
  const find = (s: Working) => s.config.contestants.find((c) => contestantKey(c) === key);
  return {
    urlKey: `${key}.${spec.urlKey ?? spec.key}`,
    name: `${contestantName(contestant)} ${lowerFirst(spec.label)}`,
    spec,
    read: (s) => find(s)?.hyperparameters[spec.key] ?? spec.defaultValue,
    write: (s, v) => {
      const target = find(s);
      if (target) target.hyperparameters[spec.key] = v as number | boolean;
    },
  };
}

/**
 * A contestant's schedule in a link: `adam.sched=cosine` (the kind) and its fields,
 * `adam.sched.steps=2000`, `adam.sched.bounds=1000,2000`; a constant schedule and
 * fields at their defaults are left out.
 */
const SCHEDULE_URL_KEY = SCHEDULE_PARAMETER.urlKey ?? SCHEDULE_PARAMETER.key;

function scheduleKindField(contestant: ContestantRef): Field {
  const key = contestantKey(contestant);
  const find = (s: Working) => s.config.contestants.find((c) => contestantKey(c) === key);
  return {
    urlKey: `${key}.${SCHEDULE_URL_KEY}`,
    name: `${contestantName(contestant)} schedule`,
    spec: SCHEDULE_PARAMETER,
    read: (s) => find(s)?.schedule?.kind ?? SCHEDULE_PARAMETER.defaultValue,
    write: (s, v) => {
      const target = find(s);
      if (target && isScheduleKind(v)) target.schedule = { kind: v, values: { ...defaultSchedule(v).values, ...target.schedule?.values } };
    },
  };
}

/** The field behind `adam.sched.<urlKey>`: the contestant's kind's field of that key, else any kind's. */
function scheduleValueField(s: Working, contestant: ContestantRef, urlKey: string): Field | undefined {
  const key = contestantKey(contestant);
  const find = (w: Working) => w.config.contestants.find((c) => contestantKey(c) === key);
  const kind = find(s)?.schedule?.kind ?? 'constant';
  const all = [SCHEDULES[kind], ...Object.values(SCHEDULES)].flatMap((info) => info.fields);
  const spec = all.find((f) => (f.urlKey ?? f.key) === urlKey);
  if (!spec) return undefined;
  const name = `${contestantName(contestant)} ${lowerFirst(spec.label)}`;
  const listSpec = spec.kind === 'numberList' ? spec : undefined;
  return {
    urlKey: `${key}.${SCHEDULE_URL_KEY}.${urlKey}`,
    name,
    spec: listSpec
      ? {
          kind: 'codec',
          decode: (raw) => {
            const parsed = parseNumberList(listSpec, raw.replace(/%2C/gi, ','));
            return parsed.ok ? { value: parsed.value.join(',') } : { value: listSpec.defaultValue.join(','), notice: `${name} ${quote(raw)}: ${parsed.message} Using ${listSpec.defaultValue.join(', ')}.` };
          },
        }
      : (spec as Parameter),
    read: (w) => {
      const value = find(w)?.schedule?.values[spec.key] ?? spec.defaultValue;
      return Array.isArray(value) ? value.join(',') : (value as number | boolean);
    },
    write: (w, v) => {
      const target = find(w);
      if (!target) return;
      target.schedule ??= { kind: 'constant', values: {} };
      target.schedule.values = { ...target.schedule.values, [spec.key]: listSpec ? String(v).split(',').map(Number) : (v as number | boolean) };
    },
  };
}

/** After decoding: each schedule keeps just its kind's fields (defaults for the rest); a constant one goes; an inconsistent one (piecewise) is reset, with a notice. */
function settleSchedules(shared: Working, notices: string[]): void {
  for (const contestant of shared.config.contestants) {
    const { schedule } = contestant;
    if (!schedule) continue;
    if (schedule.kind === 'constant') {
      delete contestant.schedule;
      continue;
    }
    const settled = { kind: schedule.kind, values: Object.fromEntries(SCHEDULES[schedule.kind].fields.map((f) => [f.key, schedule.values[f.key] ?? f.defaultValue])) };
    const [problem] = scheduleProblems(settled);
    if (problem) {
      notices.push(`${contestantName(contestant)} schedule: ${problem} Using ${SCHEDULES[schedule.kind].label}'s defaults.`);
      contestant.schedule = defaultSchedule(schedule.kind);
    } else contestant.schedule = settled;
  }
}

const formatValue = (value: number | boolean | string) => (typeof value === 'boolean' ? (value ? '1' : '0') : String(value));

/** Query string (with "?") for an experiment; defaults are omitted. */
export function encodeExperimentUrl(shared: SharedExperiment): string {
  const lesson = lessonById(shared.view.lesson);
  const base = baseFor(shared.view.lesson);
  const current = working(shared);
  const params = new URLSearchParams();
  params.set(VERSION_KEY, String(URL_FORMAT_VERSION));
  if (lesson) params.set(LESSON_KEY, lesson.id);
  const selectedKeys = (s: Working) => sortContestants(s.config.contestants.filter((c) => c.selected)).map(contestantKey).join(',');
  if (selectedKeys(current) !== selectedKeys(base)) params.set(OPTIMIZERS_KEY, selectedKeys(current));
  const writeFields = (fields: readonly Field[]) => {
    for (const field of fields) {
      if (field.applies && !field.applies(current)) continue;
      const value = field.read(current);
      if (value !== (field.defaultFrom ? field.defaultFrom(current) : field.read(base))) params.set(field.urlKey, formatValue(value));
    }
  };
  writeFields(SETTING_FIELDS);
  for (const contestant of sortContestants(shared.config.contestants)) {
    const key = contestantKey(contestant);
    const inBase = base.config.contestants.find((c) => contestantKey(c) === key);
    const defaultsOf = inBase?.hyperparameters ?? optimizerDefaults(contestant.optimizer);
    for (const spec of OPTIMIZERS[contestant.optimizer].parameters) {
      const value = contestant.hyperparameters[spec.key];
      if (value !== defaultsOf[spec.key]) params.set(contestantField(contestant, spec).urlKey, formatValue(value));
    }
    if (contestant.schedule && contestant.schedule.kind !== 'constant') {
      const { kind, values } = contestant.schedule;
      params.set(scheduleKindField(contestant).urlKey, kind);
      for (const spec of SCHEDULES[kind].fields) {
        const value = values[spec.key];
        const text = Array.isArray(value) ? value.join(',') : formatValue(value as number | boolean);
        const defaultText = Array.isArray(spec.defaultValue) ? spec.defaultValue.join(',') : formatValue(spec.defaultValue as number | boolean);
        if (text !== defaultText) params.set(`${contestantKey(contestant)}.${SCHEDULE_URL_KEY}.${spec.urlKey ?? spec.key}`, text);
      }
    }
    // An added contestant that is unticked and at defaults would otherwise vanish: one key keeps it.
    // (One the lesson has is there anyway; one removed from a lesson comes back unticked.)
    const mentioned = contestant.selected || inBase || [...params.keys()].some((k) => k.startsWith(`${key}.`));
    if (!mentioned && contestant.ordinal > 1) {
      const first = OPTIMIZERS[contestant.optimizer].parameters[0];
      params.set(contestantField(contestant, first).urlKey, formatValue(contestant.hyperparameters[first.key]));
    }
  }
  writeFields(VIEW_FIELDS);
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

function decodeChoice(field: Field & { spec: ChoiceParameter }, raw: string, fallback: string): { value: string; notice?: string } {
  const wanted = raw.trim().toLowerCase();
  const option = field.spec.options.find((o) => o.value.toLowerCase() === wanted);
  if (option && isChoice(field.spec, option.value)) return { value: option.value };
  return { value: fallback, notice: `${field.name} ${quote(raw)} is not one of ${field.spec.options.map((o) => o.value).join(', ')}; using ${fallback}.` };
}

function decodeBoolean(field: Field & { spec: BooleanParameter }, raw: string, fallback: boolean): { value: boolean; notice?: string } {
  const parsed = BOOLEAN_TEXT.safeParse(raw.trim().toLowerCase());
  if (parsed.success) return { value: parsed.data };
  return { value: fallback, notice: `${field.name} ${quote(raw)} is not on or off; using ${fallback ? 'on' : 'off'}.` };
}

/** The contestant a link names, created (unselected, at Keras defaults) when it is not in the list yet. */
function ensureContestant(shared: Working, ref: ContestantRef): Contestant {
  const key = contestantKey(ref);
  let contestant = shared.config.contestants.find((c) => contestantKey(c) === key);
  if (!contestant) {
    contestant = { optimizer: ref.optimizer, ordinal: ref.ordinal, selected: false, hyperparameters: optimizerDefaults(ref.optimizer) };
    shared.config.contestants = sortContestants([...shared.config.contestants, contestant]);
  }
  return contestant;
}

function decodeValue(field: Field, raw: string, fallback: number | boolean | string): { value: number | boolean | string; notice?: string } {
  switch (field.spec.kind) {
    case 'number':
      return decodeNumber(field as Field & { spec: NumberParameter }, raw, fallback as number);
    case 'boolean':
      return decodeBoolean(field as Field & { spec: BooleanParameter }, raw, fallback as boolean);
    case 'codec':
      // Twelve contestant keys fit; a page of text does not.
      return raw.length > 4 * MAX_VALUE_LENGTH ? { value: fallback, notice: `${field.name} ${quote(raw)} is too long; ignored.` } : field.spec.decode(raw);
    default:
      return decodeChoice(field as Field & { spec: ChoiceParameter }, raw, fallback as string);
  }
}

/** Brings a link of an earlier version to the current one; notices for versions it cannot know. */
function migrate(params: URLSearchParams, report: MigrationReport): void {
  const { notices } = report;
  const raw = params.get(VERSION_KEY);
  // No version: a hand-written link, read as the current format.
  let version = raw === null ? URL_FORMAT_VERSION : Number(raw);
  if (!Number.isInteger(version) || version < 1 || version > URL_FORMAT_VERSION) {
    notices.push(`The link says format version ${quote(raw ?? '')}; this app reads versions 1 to ${URL_FORMAT_VERSION}, so some settings may differ.`);
    version = URL_FORMAT_VERSION;
  }
  for (; version < URL_FORMAT_VERSION; version++) LINK_MIGRATIONS[version](params, report);
}

export function decodeExperimentUrl(search: string): DecodedExperiment {
  let shared = defaults();
  const notices: string[] = [];
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(typeof search === 'string' ? search : '');
  } catch {
    return { config: shared.config, view: shared.view, notices: ['The link could not be read; using the default experiment.'] };
  }
  if (params.size === 0) return { config: shared.config, view: shared.view, notices };
  const unknown: string[] = [];
  migrate(params, { notices, unknown });
  // A lesson is the base the rest of the link changes, wherever `lesson` stands in it.
  const lessonRaw = params.get(LESSON_KEY);
  if (lessonRaw !== null) {
    const lesson = lessonById(lessonRaw.trim().toLowerCase());
    if (lesson) shared = { ...lessonBase(lesson), view: { ...lessonBase(lesson).view, lesson: lesson.id } };
    else notices.push(`Lesson ${quote(lessonRaw)} does not exist; the lessons are ${LESSON_IDS.join(', ')}.`);
  }

  const seen = new Set<string>();
  for (const [key, raw] of params) {
    if (key === VERSION_KEY || key === LESSON_KEY) continue;
    if (seen.has(key)) {
      notices.push(`${quote(key)} appears more than once; using the first value.`);
      continue;
    }
    seen.add(key);
    if (key === OPTIMIZERS_KEY) {
      const requested = raw.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
      const known = requested.map(parseContestantKey).filter((ref): ref is ContestantRef => ref !== undefined);
      const ignored = requested.filter((t) => !parseContestantKey(t));
      if (ignored.length) notices.push(`Unknown optimizer${ignored.length > 1 ? 's' : ''} ${ignored.slice(0, 3).map(quote).join(', ')} ignored.`);
      if (known.length === 0) {
        notices.push('The link selects no known optimizer; using the default selection.');
        continue;
      }
      for (const contestant of shared.config.contestants) contestant.selected = false;
      for (const ref of known) ensureContestant(shared, ref).selected = true;
      continue;
    }
    // A Map, not an object: "__proto__" or "constructor" in a link is just an unknown key.
    let field = FIELDS_BY_KEY.get(key);
    if (!field) {
      const dot = key.indexOf('.');
      const ref = dot > 0 ? parseContestantKey(key.slice(0, dot)) : undefined;
      const rest = key.slice(dot + 1);
      const spec = ref && OPTIMIZERS[ref.optimizer].parameters.find((p) => (p.urlKey ?? p.key) === rest);
      if (ref && spec) {
        ensureContestant(shared, ref);
        field = contestantField(ref, spec);
      } else if (ref && rest === SCHEDULE_URL_KEY) {
        ensureContestant(shared, ref);
        field = scheduleKindField(ref);
      } else if (ref && rest.startsWith(`${SCHEDULE_URL_KEY}.`)) {
        ensureContestant(shared, ref);
        field = scheduleValueField(shared, ref, rest.slice(SCHEDULE_URL_KEY.length + 1));
      }
    }
    if (!field) {
      unknown.push(key);
      continue;
    }
    const decoded = decodeValue(field, raw, field.read(shared));
    field.write(shared, decoded.value);
    if (decoded.notice) notices.push(decoded.notice);
  }
  for (const field of FIELDS_BY_KEY.values()) if (field.defaultFrom && !seen.has(field.urlKey)) field.write(shared, field.defaultFrom(shared));
  settleSchedules(shared, notices);
  for (const contestant of shared.config.contestants) {
    const { params, dropped } = keepOneClip(contestant.hyperparameters);
    if (!dropped.length) continue;
    contestant.hyperparameters = params;
    notices.push(`${contestantName(contestant)}: only one kind of clipping can be set, as in Keras; ${dropped.join(' and ')} turned off.`);
  }
  if (unknown.length) {
    notices.push(`Ignored unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 3).map(quote).join(', ')}${unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''}.`);
  }
  const { contestants, unticked } = withinCap(shared.config.contestants);
  if (unticked) {
    notices.push(`The link selects ${MAX_CONTESTANTS + unticked} contestants; at most ${MAX_CONTESTANTS} train at once, so ${unticked === 1 ? 'the last one is' : `the last ${unticked} are`} unticked.`);
  }
  const config: ExperimentConfig = { ...shared.config, contestants, network: networkFrom(shared.layers, shared.units, shared.activation) };
  // Every setting may be in range and the whole still too large for a tab: fewer seeds, said so.
  const asked = config.seeds;
  while (config.seeds > 1 && trainingStateProblem(config)) config.seeds -= 1;
  if (config.seeds < asked) notices.push(`The link asks for ${asked} seeds; with this network and these contestants only ${config.seeds} fit in memory, so ${config.seeds} it is.`);
  return {
    config,
    view: shared.view,
    notices: notices.length > MAX_NOTICES ? [...notices.slice(0, MAX_NOTICES - 1), `…and ${notices.length - MAX_NOTICES + 1} more corrections.`] : notices,
  };
}
