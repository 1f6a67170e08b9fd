import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultExperiment, TRAINING_PARAMETERS, trainingContestants, trainingStateProblem, validateExperiment, type ExperimentConfig } from './config';
import {
  compareContestants,
  contestantKey,
  MAX_CONTESTANTS,
  MAX_PER_OPTIMIZER,
  parseContestantKey,
  sortContestants,
  type Contestant,
  type ContestantRef,
} from './contestants';
import { ACTIVATION_PARAMETER, ACTIVATIONS, HIDDEN_LAYERS_PARAMETER, LAYER_UNITS_PARAMETERS, NETWORK_LIMITS, type NetworkSettings } from './network';
import { SURFACES } from './surfaces';
import { SCHEDULE_KINDS, scheduleProblems, SCHEDULES, type ScheduleSettings } from './schedules';
import { defaultLab, LAB_NUMBER_PARAMETERS, PAGE_PARAMETER, SURFACE_PARAMETER, type LabNumberKey } from './lab';
import { OPTIMIZER_IDS, OPTIMIZERS, optimizerDefaults, type OptimizerId } from './optimizers';
import { isChoice, type ChoiceParameter, type NumberParameter, type Parameter, type ParameterValues } from './parameters';
import { decodeExperimentUrl, encodeExperimentUrl, URL_FORMAT_VERSION, type DecodedExperiment, type SharedExperiment } from './urlState';
import { CONTROL_IDS, START_PARAMETER } from './instructorControls';
import { LESSON_IDS, lessonById } from './lessons';
import { BAND_PARAMETER, defaultView, PRESENT_PARAMETER, SMOOTHING_PARAMETER, VIEW_PARAMETERS, X_AXIS_PARAMETER, type ViewOptions } from './view';

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const defaults = (): SharedExperiment => ({ config: defaultExperiment(), view: defaultView() });

/** The contestant of a config by key ("adam", "adam2"). */
function contestant(config: Pick<ExperimentConfig, 'contestants'>, key: string): Contestant {
  const found = config.contestants.find((c) => contestantKey(c) === key);
  if (!found) throw new Error(`no contestant ${key} in ${config.contestants.map(contestantKey).join(',')}`);
  return found;
}

/** A contestant's hyperparameters by key. */
const hp = (config: Pick<ExperimentConfig, 'contestants'>, key: string): ParameterValues => contestant(config, key).hyperparameters;

/** The keys of the contestants that train. */
const trained = (config: ExperimentConfig): string[] => trainingContestants(config).map(contestantKey);

/** Another contestant of `optimizer` at Keras defaults with `changes`. */
function extra(optimizer: OptimizerId, ordinal: number, selected: boolean, changes: ParameterValues = {}): Contestant {
  return { optimizer, ordinal, selected, hyperparameters: { ...optimizerDefaults(optimizer), ...changes } };
}

/** Every URL key with the parameter it stands for, derived from the tables (not from urlState's internals). */
const FIELD_SPECS = new Map<string, Parameter | ChoiceParameter>([
  ...TRAINING_PARAMETERS.map((p): [string, Parameter] => [(p as NumberParameter).urlKey ?? p.key, p]),
  [HIDDEN_LAYERS_PARAMETER.urlKey, HIDDEN_LAYERS_PARAMETER],
  ...LAYER_UNITS_PARAMETERS.map((p): [string, Parameter] => [p.urlKey ?? p.key, p]),
  [ACTIVATION_PARAMETER.urlKey ?? ACTIVATION_PARAMETER.key, ACTIVATION_PARAMETER],
  // The first contestant of each optimizer, and a second and a last Adam.
  ...[...OPTIMIZER_IDS.map((id) => ({ optimizer: id, ordinal: 1 })), { optimizer: 'adam' as const, ordinal: 2 }, { optimizer: 'adam' as const, ordinal: 12 }].flatMap(
    (ref: ContestantRef) => OPTIMIZERS[ref.optimizer].parameters.map((p): [string, Parameter] => [`${contestantKey(ref)}.${p.urlKey ?? p.key}`, p]),
  ),
  ...VIEW_PARAMETERS.map((p): [string, Parameter] => [p.urlKey, p]),
  [SMOOTHING_PARAMETER.urlKey, SMOOTHING_PARAMETER],
  [X_AXIS_PARAMETER.urlKey, X_AXIS_PARAMETER],
  [BAND_PARAMETER.urlKey, BAND_PARAMETER],
  [PAGE_PARAMETER.urlKey, PAGE_PARAMETER],
  [SURFACE_PARAMETER.urlKey, SURFACE_PARAMETER],
  ...LAB_NUMBER_PARAMETERS.map((p): [string, Parameter] => [p.urlKey, p]),
  [PRESENT_PARAMETER.urlKey, PRESENT_PARAMETER],
  [START_PARAMETER.urlKey, START_PARAMETER],
]);
const REAL_KEYS = ['v', 'opt', ...FIELD_SPECS.keys()];
const CONFIG_KEYS = ['contestants', 'network', ...TRAINING_PARAMETERS.map((p) => p.key)].sort();
const CONTESTANT_KEYS = ['hyperparameters', 'optimizer', 'ordinal', 'selected'];
const NETWORK_KEYS = ['activation', 'hiddenLayers'];
const HYPERPARAMETER_KEYS = Object.fromEntries(OPTIMIZER_IDS.map((id) => [id, OPTIMIZERS[id].parameters.map((p) => p.key).sort()]));
const VIEW_KEYS = Object.keys(defaultView()).sort();

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The declared range, checked by hand (checkNumber builds a zod schema per call, too slow for thousands of runs). */
function inRange(spec: NumberParameter, value: unknown): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (spec.integer && !Number.isInteger(value)) return false;
  if (spec.minExclusive ? value <= spec.min : value < spec.min) return false;
  return spec.maxExclusive ? value < spec.max : value <= spec.max;
}

/** A cheap assertion for the inner loops of the fuzzers. */
function check(condition: boolean, message: () => string): void {
  if (!condition) throw new Error(message());
}

function checkKeys(object: object, sortedKeys: readonly string[], what: string): void {
  const keys = Object.keys(object).sort();
  check(keys.join('\n') === sortedKeys.join('\n'), () => `${what} has keys ${JSON.stringify(keys)}`);
}

/** Decodes a link that is expected to produce exactly one notice; returns the result and that notice. */
function decodeOne(search: string): DecodedExperiment & { notice: string } {
  const result = decodeExperimentUrl(search);
  expect(result.notices, `notices for ${search.slice(0, 80)}`).toHaveLength(1);
  expectSafeResult(result);
  return { ...result, notice: result.notices[0] };
}

/** A link changing only the given settings, on top of the defaults. */
function withDefaults(edit: (s: SharedExperiment) => void): SharedExperiment {
  const s = defaults();
  edit(s);
  return s;
}

/**
 * What a link of `shared` decodes to: the experiment itself, except that a contestant
 * its lesson has and it lacks (removed from the lesson) comes back, unticked, as the lesson set it.
 */
function withoutIdleContestants(shared: SharedExperiment): ExperimentConfig {
  const lesson = lessonById(shared.view.lesson);
  if (!lesson) return shared.config;
  const keys = new Set(shared.config.contestants.map(contestantKey));
  const missing = decodeExperimentUrl(lesson.link).config.contestants.filter((c) => !keys.has(contestantKey(c))).map((c) => ({ ...c, selected: false }));
  return { ...shared.config, contestants: sortContestants([...shared.config.contestants, ...missing]) };
}

/**
 * Everything a decoded link must satisfy, whatever the input: a runnable config,
 * sane notices, and a result that survives another encode/decode round without change.
 */
function expectSafeResult(result: DecodedExperiment): void {
  expect(result).toBeTypeOf('object');
  const { config, view, notices } = result;

  expect(validateExperiment(config)).toEqual([]);

  // Contestants: 1 to 12 selected, known, in catalog order then by number, no key twice,
  // the first of every optimizer present (the form shows a card for each).
  const selected = trainingContestants(config);
  check(selected.length >= 1 && selected.length <= MAX_CONTESTANTS, () => `${selected.length} selected`);
  const keys = config.contestants.map(contestantKey);
  check(new Set(keys).size === keys.length, () => `contestants ${keys.join(',')}`);
  check(sortContestants(config.contestants).every((c, i) => c === config.contestants[i]), () => `order ${keys.join(',')}`);
  check(config.contestants.every((c, i) => i === 0 || compareContestants(config.contestants[i - 1], c) < 0), () => `order ${keys.join(',')}`);
  for (const id of OPTIMIZER_IDS) check(keys.includes(id), () => `no ${id} in ${keys.join(',')}`);

  // Exactly the declared keys everywhere (nothing smuggled in, e.g. "__proto__"), every value in range,
  // selected contestant or not.
  checkKeys(config, CONFIG_KEYS, 'config');
  check(Object.getPrototypeOf(config) === Object.prototype, () => 'config prototype');
  for (const spec of TRAINING_PARAMETERS) check(inRange(spec, config[spec.key]), () => `${spec.key} = ${config[spec.key]}`);
  check(Array.isArray(config.contestants), () => 'contestants is not an array');
  for (const c of config.contestants) {
    checkKeys(c, c.schedule ? [...CONTESTANT_KEYS, 'schedule'].sort() : CONTESTANT_KEYS, `contestant ${contestantKey(c)}`);
    if (c.schedule) {
      // A non-constant schedule, exactly its kind's fields, each valid.
      check(c.schedule.kind !== 'constant' && SCHEDULE_KINDS.includes(c.schedule.kind), () => `${contestantKey(c)} schedule ${String(c.schedule!.kind)}`);
      checkKeys(c.schedule.values, SCHEDULES[c.schedule.kind].fields.map((f) => f.key).sort(), `${contestantKey(c)} schedule`);
      check(scheduleProblems(c.schedule).length === 0, () => `${contestantKey(c)} schedule: ${scheduleProblems(c.schedule!).join(' ')}`);
    }
    check(OPTIMIZER_IDS.includes(c.optimizer), () => `optimizer ${String(c.optimizer)}`);
    check(Number.isInteger(c.ordinal) && c.ordinal >= 1 && c.ordinal <= MAX_PER_OPTIMIZER, () => `ordinal ${c.ordinal}`);
    check(typeof c.selected === 'boolean', () => `selected ${String(c.selected)}`);
    const values = c.hyperparameters;
    const key = contestantKey(c);
    check(Object.getPrototypeOf(values) === Object.prototype, () => `${key} prototype`);
    checkKeys(values, HYPERPARAMETER_KEYS[c.optimizer], key);
    for (const spec of OPTIMIZERS[c.optimizer].parameters) {
      const value = values[spec.key];
      check(spec.kind === 'boolean' ? typeof value === 'boolean' : inRange(spec, value), () => `${key}.${spec.key} = ${String(value)}`);
    }
  }
  checkKeys(config.network, NETWORK_KEYS, 'network');
  check(Array.isArray(config.network.hiddenLayers) && config.network.hiddenLayers.length <= NETWORK_LIMITS.maxHiddenLayers, () => 'hidden layers');
  for (const [i, units] of config.network.hiddenLayers.entries()) check(inRange(LAYER_UNITS_PARAMETERS[i], units), () => `layer ${i + 1} = ${units}`);
  check(ACTIVATIONS.includes(config.network.activation), () => `activation ${String(config.network.activation)}`);
  checkKeys(view, VIEW_KEYS, 'view');
  for (const p of VIEW_PARAMETERS) check(typeof view[p.key] === 'boolean', () => `${p.key} = ${String(view[p.key])}`);
  check(typeof view.present === 'boolean', () => `present = ${String(view.present)}`);
  check(inRange(SMOOTHING_PARAMETER, view.smoothing), () => `smoothing = ${String(view.smoothing)}`);
  check(isChoice(X_AXIS_PARAMETER, view.xAxis), () => `xAxis = ${String(view.xAxis)}`);
  check(Array.isArray(view.hidden) && view.hidden.every((k) => parseContestantKey(k) !== undefined), () => `hidden = ${String(view.hidden)}`);
  check(isChoice(PAGE_PARAMETER, view.page), () => `page = ${String(view.page)}`);
  check(isChoice(SURFACE_PARAMETER, view.lab.surface), () => `surface = ${String(view.lab.surface)}`);
  for (const p of LAB_NUMBER_PARAMETERS) check(inRange(p, view.lab[p.key]), () => `${p.key} = ${String(view.lab[p.key])}`);
  check(view.zoom === null || (view.zoom.length === 2 && view.zoom.every(Number.isFinite) && 0 <= view.zoom[0] && view.zoom[0] < view.zoom[1]), () => `zoom = ${String(view.zoom)}`);

  // Notices: few, short, printable.
  check(Array.isArray(notices) && notices.length <= 8, () => `${notices.length} notices`);
  for (const notice of notices) {
    check(typeof notice === 'string', () => `notice ${String(notice)}`);
    check(notice.length < 400, () => `notice of ${notice.length} characters: ${notice.slice(0, 200)}`);
    check(!CONTROL.test(notice), () => `control character in ${JSON.stringify(notice)}`);
    check(!LONE_SURROGATE.test(notice), () => `lone surrogate in ${JSON.stringify(notice)}`);
  }

  // Idempotence: the corrected experiment is a clean link.
  const again = decodeExperimentUrl(encodeExperimentUrl({ config, view }));
  expect(again.notices).toEqual([]);
  expect(again.config).toStrictEqual(withoutIdleContestants({ config, view }));
  expect(again.view).toStrictEqual(view);
}

// ---------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------

function numberArbitrary(spec: NumberParameter): fc.Arbitrary<number> {
  const edges = [spec.defaultValue, ...(spec.minExclusive ? [] : [spec.min]), ...(spec.maxExclusive ? [] : [spec.max])];
  let core: fc.Arbitrary<number>;
  if (spec.integer) {
    core =
      spec.min >= -0x80000000 && spec.max <= 0x7fffffff
        ? fc.integer({ min: spec.min, max: spec.max })
        : fc.double({ min: spec.min, max: spec.max, noNaN: true }).map(Math.round);
  } else {
    core = fc.double({
      min: spec.min,
      max: spec.max,
      minExcluded: spec.minExclusive ?? false,
      maxExcluded: spec.maxExclusive ?? false,
      noNaN: true,
      noDefaultInfinity: true,
    });
  }
  // Values a person would actually type (0.0123, -0.25), not only raw doubles; negative
  // ones too, or a range below 0 (Ftrl's learning rate power) would filter forever.
  const human = fc
    .integer({ min: 1, max: 99_999 })
    .chain((n) => fc.constantFrom(...[n, n / 10, n / 1000, n / 100_000, n / 1e9].flatMap((v) => [v, -v])))
    .filter((v) => inRange(spec, v));
  return fc
    .oneof(core, fc.constantFrom(...edges), human)
    .map((v) => (Object.is(v, -0) ? 0 : v))
    .filter((v) => inRange(spec, v));
}

function valuesArbitrary(parameters: readonly Parameter[]): fc.Arbitrary<ParameterValues> {
  return fc.record(
    Object.fromEntries(parameters.map((p) => [p.key, p.kind === 'boolean' ? fc.boolean() : numberArbitrary(p)])) as Record<
      string,
      fc.Arbitrary<number | boolean>
    >,
    { noNullPrototype: true },
  );
}

/** Mostly Keras defaults (as most contestants are), sometimes edited; at most one kind of clipping, as Keras allows. */
function hyperparametersArbitrary(optimizer: OptimizerId): fc.Arbitrary<ParameterValues> {
  const oneClip = (values: ParameterValues, keep: number): ParameterValues => {
    const clips = ['clipNorm', 'globalClipNorm', 'clipValue'];
    return { ...values, ...Object.fromEntries(clips.filter((_, i) => i !== keep).map((k) => [k, 0])) };
  };
  return fc.oneof(
    fc.constant(null).map(() => optimizerDefaults(optimizer)),
    fc.tuple(valuesArbitrary(OPTIMIZERS[optimizer].parameters), fc.integer({ min: 0, max: 2 })).map(([values, keep]) => oneClip(values, keep)),
  );
}

/** A schedule of any kind with values in range (piecewise: increasing boundaries, one more rate). */
const scheduleArbitrary: fc.Arbitrary<ScheduleSettings> = fc.constantFrom(...SCHEDULE_KINDS.filter((k) => k !== 'constant')).chain((kind) => {
  const fields = SCHEDULES[kind].fields;
  const simple = fields.filter((f): f is Parameter => f.kind !== 'numberList');
  const lists =
    kind === 'piecewise'
      ? fc
          .uniqueArray(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 4 })
          .chain((b) => fc.tuple(fc.constant([...b].sort((x, y) => x - y)), fc.array(fc.double({ min: 1e-6, max: 10, noNaN: true }), { minLength: b.length + 1, maxLength: b.length + 1 })))
          .map(([boundaries, values]) => ({ boundaries, values }))
      : fc.constant({});
  return fc.tuple(valuesArbitrary(simple), lists).map(([values, listValues]) => ({ kind, values: { ...values, ...listValues } }));
});

/** The first contestant of every optimizer, plus up to 10 more (any optimizer, any free number), 1 to 12 ticked. */
const contestantsArbitrary: fc.Arbitrary<Contestant[]> = fc
  .uniqueArray(fc.record({ optimizer: fc.constantFrom(...OPTIMIZER_IDS), ordinal: fc.integer({ min: 2, max: MAX_PER_OPTIMIZER }) }), {
    maxLength: 10,
    selector: contestantKey,
  })
  .chain((extras) => {
    const refs = sortContestants([...OPTIMIZER_IDS.map((optimizer) => ({ optimizer, ordinal: 1 })), ...extras]);
    return fc
      .tuple(
        fc.tuple(...refs.map((ref) => hyperparametersArbitrary(ref.optimizer))),
        fc.shuffledSubarray(refs.map(contestantKey), { minLength: 1, maxLength: Math.min(MAX_CONTESTANTS, refs.length) }),
      )
      .chain(([values, selected]) =>
        fc.tuple(...refs.map(() => fc.option(scheduleArbitrary, { freq: 4, nil: undefined }))).map((schedules) =>
          refs.map((ref, i) => ({ ...ref, selected: selected.includes(contestantKey(ref)), hyperparameters: values[i], ...(schedules[i] ? { schedule: schedules[i] } : {}) })),
        ),
      );
  });

const networkArbitrary: fc.Arbitrary<NetworkSettings> = fc.record(
  {
    hiddenLayers: fc.array(
      fc.oneof(fc.integer({ min: NETWORK_LIMITS.minUnits, max: NETWORK_LIMITS.maxUnits }), fc.constantFrom(8, 128, 256, 1024)),
      { maxLength: NETWORK_LIMITS.maxHiddenLayers },
    ),
    activation: fc.constantFrom(...ACTIVATIONS),
  },
  { noNullPrototype: true },
);

const sharedArbitrary: fc.Arbitrary<SharedExperiment> = fc
  .record(
    {
      training: valuesArbitrary(TRAINING_PARAMETERS),
      network: networkArbitrary,
      contestants: contestantsArbitrary,
      view: valuesArbitrary([...VIEW_PARAMETERS, SMOOTHING_PARAMETER, PRESENT_PARAMETER]),
      xAxis: fc.constantFrom(...X_AXIS_PARAMETER.options.map((o) => o.value)),
      band: fc.constantFrom(...BAND_PARAMETER.options.map((o) => o.value)),
      hidden: fc.uniqueArray(fc.constantFrom(...OPTIMIZER_IDS.flatMap((optimizer) => [1, 2, 12].map((ordinal) => contestantKey({ optimizer, ordinal })))), { maxLength: 12 }),
      // Six significant digits survive the link exactly.
      zoom: fc.option(fc.tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 1, max: 99_999 })).map(([from, width]) => [from / 100, (from + width) / 100] as const)),
      page: fc.constantFrom(...PAGE_PARAMETER.options.map((o) => o.value)),
      surface: fc.constantFrom(...SURFACE_PARAMETER.options.map((o) => o.value)),
      lab: fc.oneof(fc.constant(null).map((): ParameterValues => { const { surface: _surface, ...numbers } = defaultLab(); return numbers; }), valuesArbitrary(LAB_NUMBER_PARAMETERS)),
      instructor: fc.record({ concealed: fc.subarray([...CONTROL_IDS]), locked: fc.subarray([...CONTROL_IDS]), start: fc.boolean() }, { noNullPrototype: true }),
      lesson: fc.option(fc.constantFrom(...LESSON_IDS), { freq: 3 }),
    },
    { noNullPrototype: true },
  )
  .map(({ training, network, contestants, view, xAxis, band, hidden, zoom, page, surface, lab, instructor, lesson }) => ({
    config: { ...(training as Record<string, number>), network, contestants } as ExperimentConfig,
    view: {
      ...(view as Pick<ViewOptions, 'showTrain' | 'logLoss' | 'smoothing' | 'present'>),
      xAxis,
      band,
      hidden,
      zoom,
      page,
      lab: { ...(lab as Record<LabNumberKey, number>), surface },
      instructor,
      lesson,
    },
  }))
  // Valid field by field is not enough: many seeds of a wide network exceed the memory a run may take.
  .filter((shared) => trainingStateProblem(shared.config) === undefined);

// Hostile material for the fuzzers.
const HUNDRED_KB = 'x'.repeat(100_000);
const HUNDRED_KB_DIGITS = '9'.repeat(100_000);
const DEEP_BRACKETS = `a${'[b]'.repeat(100)}`;
const DEEP_JSON = `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`;
/** Thirteen contestants: one more than a run trains. */
const THIRTEEN = ['sgd', 'adam', ...Array.from({ length: 11 }, (_, i) => `adam${i + 2}`)].join(',');
const HOSTILE = [
  'NaN', 'Infinity', '-Infinity', '+Infinity', '-0', '+0', '0', '1e308', '-1e308', '9e999', '-9e999', '1e-400', '5e-324',
  '1.7976931348623157e308', '0x10', '0b11', '0o7', '1,5', '1_000', ' 3 ', '.', '-', '+', 'e5', '1e', '1.2.3', '', ' ',
  'true', 'false', 'null', 'undefined', '[]', '{}', DEEP_BRACKETS, DEEP_JSON, '__proto__', 'constructor', 'prototype',
  '__proto__[polluted]', 'constructor[prototype][polluted]', '😀', '😀'.repeat(40), 'a😀'.repeat(30), '\u202Eevil\u202C', '\u200B1',
  '1\u200B', 'مرحبا', 'שלום', '\uD800', '\uDC00x', '\u0000', '\u001b[31m', '\u0085', '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', "'; DROP TABLE x; --", '%E0%A4%A', '%%%', '%', '%00', '%0A',
  '%C0%AF', '%FF%FE', '&', '=', '==', '&&', '#frag', '?', 'sgd,adam', 'SGD,ADAM', 'sgd,,adam,', 'adam,sgd,adam', 'foo,bar,baz,qux',
  'adam,adam2', 'ADAM2,adam12', 'adam1,adam13,adam0', '__proto__,adam2', 'adam2,constructor', THIRTEEN, 'tanh', 'RELU', 'sigmoid', 'gelu',
  HUNDRED_KB, HUNDRED_KB_DIGITS,
];
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'sgd.__proto__', 'sgd.constructor',
  '__proto__.polluted', 'constructor.prototype.polluted', DEEP_BRACKETS, DEEP_JSON, '', ' ', 'V', 'OPT', 'epochs ', ' epochs',
  'adam.LR', 'adam..lr', '.lr', 'adam.', 'adam1.lr', 'adam13.lr', 'adam0.lr', 'adam02.lr', 'adam2.__proto__',
  'adam2.constructor', '__proto__2.lr', 'adam2.', 'adam2..lr', 'units4', 'units0', 'LAYERS', 'act.relu', '😀', '\u202Eepochs', 'epochs\u200B', '<script>alert(1)</script>', '%E0%A4%A', '%%%', HUNDRED_KB];

/** Encodes text for a query in one of several ways, including not at all. */
function serialise(text: string, mode: number): string {
  switch (mode) {
    case 0:
      return text;
    case 1:
      try {
        return encodeURIComponent(text);
      } catch {
        return text; // lone surrogate
      }
    default:
      return new URLSearchParams([['k', text]]).toString().slice(2);
  }
}

const pairArbitrary = fc.record({
  key: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...REAL_KEYS) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_KEYS) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  ),
  value: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...HOSTILE) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
    { weight: 1, arbitrary: fc.double().map(String) },
    { weight: 1, arbitrary: fc.integer().map(String) },
  ),
  keyMode: fc.nat(2),
  valueMode: fc.nat(2),
});

type Mutation =
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; count: number }
  | { op: 'replace'; at: number; text: string }
  | { op: 'duplicate'; at: number }
  | { op: 'drop'; at: number }
  | { op: 'swapValues'; at: number; with: number }
  | { op: 'setValue'; at: number; value: string };

const mutationText = fc.oneof(
  fc.constantFrom('&', '=', ',', '.', '%', '?', '-', '+', 'e', '0', '9', 'x', ' ', '#', '%2C', '%00', '%E0', '😀', '\u202E'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }),
);
const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: mutationText }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), text: mutationText }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swapValues' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ op: fc.constant('setValue' as const), at: fc.nat(), value: fc.constantFrom(...HOSTILE) }),
);

function mutate(link: string, mutation: Mutation): string {
  const params = link.replace(/^\?/, '').split('&');
  const i = params.length ? mutation.at % params.length : 0;
  switch (mutation.op) {
    case 'insert': {
      const at = mutation.at % (link.length + 1);
      return link.slice(0, at) + mutation.text + link.slice(at);
    }
    case 'delete': {
      const at = mutation.at % (link.length + 1);
      return link.slice(0, at) + link.slice(at + mutation.count);
    }
    case 'replace': {
      const at = mutation.at % (link.length + 1);
      return link.slice(0, at) + mutation.text + link.slice(at + 1);
    }
    case 'duplicate':
      params.splice(i, 0, params[i]);
      return `?${params.join('&')}`;
    case 'drop':
      params.splice(i, 1);
      return `?${params.join('&')}`;
    case 'swapValues': {
      const j = mutation.with % params.length;
      const [ki, vi = ''] = params[i].split('=');
      const [kj, vj = ''] = params[j].split('=');
      params[i] = `${ki}=${vj}`;
      params[j] = `${kj}=${vi}`;
      return `?${params.join('&')}`;
    }
    case 'setValue':
      params[i] = `${params[i].split('=')[0]}=${serialise(mutation.value, 1)}`;
      return `?${params.join('&')}`;
  }
}

// ---------------------------------------------------------------------------
// 1. Round trip
// ---------------------------------------------------------------------------

/** The parameter a link key stands for, any contestant's included ("rmsprop7.rho"). */
function specOf(key: string): Parameter | ChoiceParameter | undefined {
  const known = FIELD_SPECS.get(key);
  if (known) return known;
  const match = /^([a-z]+?)([2-9]|1[0-2])?\.(.+)$/.exec(key);
  const optimizer = OPTIMIZER_IDS.find((id) => id === match?.[1]);
  return optimizer && OPTIMIZERS[optimizer].parameters.find((p) => (p.urlKey ?? p.key) === match![3]);
}

describe('encodeExperimentUrl / decodeExperimentUrl round trip', () => {
  it('encodes the defaults as just the version', () => {
    expect(URL_FORMAT_VERSION).toBe(2);
    const link = encodeExperimentUrl(defaults());
    expect(link).toBe('?v=2');
    expect(decodeExperimentUrl(link)).toStrictEqual({ ...defaults(), notices: [] });
  });

  it('decodes empty and version-only links to the defaults without notices', () => {
    for (const link of ['', '?', '?v=2', 'v=2', '?&&', '?v=2&']) {
      expect(decodeExperimentUrl(link)).toStrictEqual({ ...defaults(), notices: [] });
    }
    // Version 1 drew the training curves raw, so its links open unsmoothed.
    for (const link of ['?v=1', 'v=1', '?v=1&']) {
      expect(decodeExperimentUrl(link)).toStrictEqual({ ...defaults(), view: { ...defaultView(), smoothing: 0 }, notices: [] });
    }
  });

  it('carries the smoothing as `smooth`, TensorBoard’s 0.6 by default, and clamps it to 0 to 0.99', () => {
    expect(encodeExperimentUrl(withDefaults(({ view }) => (view.smoothing = 0.9)))).toBe('?v=2&smooth=0.9');
    expect(decodeExperimentUrl('?v=2&smooth=0.9').view.smoothing).toBe(0.9);
    expect(decodeExperimentUrl('?v=2').view.smoothing).toBe(0.6);
    const clamped = decodeExperimentUrl('?v=2&smooth=1.5');
    expect(clamped.view.smoothing).toBe(0.99);
    expect(clamped.notices).toEqual(['Smoothing "1.5" is out of range; using 0.99.']);
    expect(decodeExperimentUrl('?v=1&smooth=0.9').notices).toEqual(['Ignored unknown setting "smooth".']);
  });

  it('carries the chart view: X axis as `x`, hidden contestants as `hide`, the zoom as `zoom`', () => {
    const view = withDefaults(({ view }) => {
      view.xAxis = 'examples';
      view.hidden = ['adadelta', 'adam2'];
      view.zoom = [240000, 300000];
    });
    const link = encodeExperimentUrl(view);
    expect(link).toBe('?v=2&x=examples&hide=adadelta,adam2&zoom=240000,300000');
    expect(decodeExperimentUrl(link)).toStrictEqual({ ...view, notices: [] });
  });

  it('ignores a bad X axis, hidden key or zoom with a specific notice, keeping the rest', () => {
    const decoded = decodeExperimentUrl('?v=2&x=minutes&hide=adam,nonsense,adam&zoom=5,3');
    expect(decoded.view).toStrictEqual({ ...defaultView(), hidden: ['adam'] });
    expect(decoded.notices).toEqual([
      'X axis "minutes" is not one of epochs, examples, seconds; using epochs.',
      'Hidden contestant "nonsense" ignored: not a contestant.',
      'Zoom "5,3" is not a range such as 3.5,5; showing the whole run.',
    ]);
    for (const zoom of ['1', '1,2,3', 'a,b', '-1,2', '1,Infinity', '0x1,2', '']) {
      expect(decodeExperimentUrl(`?v=2&zoom=${zoom}`).view.zoom).toBeNull();
    }
    expect(decodeExperimentUrl(`?v=2&hide=${'adam,'.repeat(100)}`).notices).toEqual([expect.stringMatching(/^Hidden contestants "adam,adam,.*" is too long; ignored\.$/)]);
  });

  it('carries presentation mode as `present=1`, last, and leaves it out when off', () => {
    const presenting = withDefaults(({ view }) => {
      view.present = true;
      view.xAxis = 'examples';
    });
    expect(encodeExperimentUrl(presenting)).toBe('?v=2&x=examples&present=1');
    expect(decodeExperimentUrl('?v=2&x=examples&present=1')).toStrictEqual({ ...presenting, notices: [] });
    expect(encodeExperimentUrl(withDefaults(({ view }) => (view.present = false)))).toBe('?v=2');
    for (const on of ['1', 'true', 'on', 'yes', 'ON']) expect(decodeExperimentUrl(`?v=2&present=${on}`).view.present).toBe(true);
    for (const off of ['0', 'false', 'off', 'no']) expect(decodeExperimentUrl(`?v=2&present=${off}`)).toStrictEqual({ ...defaults(), notices: [] });
  });

  it('ignores a bad `present` with a notice, keeping the rest of the link', () => {
    for (const bad of ['2', 'maybe', '', '1;alert(1)']) {
      const decoded = decodeOne(`?v=2&epochs=3&present=${encodeURIComponent(bad)}`);
      expect(decoded.view).toStrictEqual(defaultView());
      expect(decoded.config.epochs).toBe(3);
      expect(decoded.notice).toBe(`Presentation mode "${bad}" is not on or off; using off.`);
    }
  });

  it('opens old links (no `present`) as before: presentation mode off', () => {
    for (const link of ['?v=1&train=0', '?v=2&x=seconds&zoom=1,2', '?v=2&opt=sgd,adam']) expect(decodeExperimentUrl(link).view.present).toBe(false);
  });

  it('carries `seeds` and the `band` choice, and leaves both out at their defaults so older links stay as they were', () => {
    const several = withDefaults(({ config, view }) => {
      config.seeds = 5;
      view.band = 'range';
    });
    expect(encodeExperimentUrl(several)).toBe('?v=2&seeds=5&band=range');
    expect(decodeExperimentUrl('?v=2&seeds=5&band=range')).toStrictEqual({ ...several, notices: [] });
    expect(encodeExperimentUrl(withDefaults(({ config, view }) => ((config.seeds = 1), (view.band = 'sd'))))).toBe('?v=2');
    expect(decodeExperimentUrl('?v=2&seeds=1&band=sd')).toStrictEqual({ ...defaults(), notices: [] });
    expect(decodeOne('?v=2&seeds=11').notice).toBe('Seeds "11" is out of range; using 10.');
    expect(decodeOne('?v=2&band=iqr').view.band).toBe('sd');
    // In range, but ten seeds of the widest network do not fit in memory: as many as fit, said so.
    const wide = decodeOne('?v=2&seeds=10&layers=3&units1=1024&units2=1024&units3=1024');
    expect(wide.notice).toBe('The link asks for 10 seeds; with this network and these contestants only 5 fit in memory, so 5 it is.');
    expect(validateExperiment(wide.config)).toEqual([]);
    // Version 1 knew neither: a v1 link that says them anyway is read as v1 read it.
    const v1 = decodeExperimentUrl('?v=1&seeds=5&band=range');
    expect(v1.config.seeds).toBe(1);
    expect(v1.view.band).toBe('sd');
  });

  it('keeps an edited experiment readable and exact', () => {
    const edited = withDefaults(({ config, view }) => {
      config.epochs = 3;
      config.batchSize = 64;
      config.trainExamples = 2000;
      config.seed = 7;
      config.network = { hiddenLayers: [256, 256], activation: 'tanh' };
      for (const c of config.contestants) c.selected = c.optimizer === 'sgd' || c.optimizer === 'adam';
      hp(config, 'sgd').momentum = 0.9;
      hp(config, 'sgd').nesterov = true;
      hp(config, 'adam').learningRate = 0.01;
      hp(config, 'adam').amsgrad = true;
      hp(config, 'adagrad').epsilon = 1e-8;
      config.contestants.splice(2, 0, extra('adam', 2, true, { learningRate: 0.02 }), extra('adam', 3, false, { beta1: 0.8 }));
      view.showTrain = false;
    });
    const link = encodeExperimentUrl(edited);

    expect(link.startsWith('?v=2&')).toBe(true);
    for (const part of ['opt=sgd,adam,adam2', 'adam.lr=0.01', 'adam.amsgrad=1', 'sgd.momentum=0.9', 'sgd.nesterov=1', 'epochs=3', 'batch=64',
      'examples=2000', 'seed=7', 'adagrad.eps=1e-8', 'train=0', 'adam2.lr=0.02', 'adam3.beta1=0.8', 'layers=2', 'units1=256', 'units2=256', 'act=tanh']) {
      expect(link.split(/[?&]/)).toContain(part);
    }
    // Human readable: no escapes, no base64/JSON blobs, only plain query characters.
    expect(link).not.toContain('%');
    expect(link).not.toMatch(/%2C/i);
    expect(link).toMatch(/^\?[a-z0-9.,=&+-]+$/i);
    expect(link.length).toBeLessThan(250);
    // Values equal to their defaults, and layers the network does not have, are left out.
    for (const absent of ['sgd.lr', 'adam.beta1', 'adam.beta2', 'adam.eps', 'adagrad.lr', 'adadelta.', 'rmsprop.', 'nadam.', 'logloss', 'adagrad.accumulator',
      'adam2.beta1', 'adam3.lr', 'units3']) {
      expect(link).not.toContain(`${absent}`);
    }

    const decoded = decodeExperimentUrl(link);
    expect(decoded.notices).toEqual([]);
    expect(decoded.config).toStrictEqual(edited.config);
    expect(decoded.view).toStrictEqual(edited.view);
  });

  it('leaves out any setting that equals its default, even when set explicitly', () => {
    const same = withDefaults(({ config, view }) => {
      config.epochs = 5;
      hp(config, 'adam').learningRate = 0.001;
      hp(config, 'sgd').nesterov = false;
      config.network = { hiddenLayers: [128], activation: 'relu' };
      config.contestants.reverse(); // order does not matter
      view.showTrain = true;
    });
    expect(encodeExperimentUrl(same)).toBe('?v=2');
  });

  it('writes a network without hidden layers as layers=0 and nothing about units', () => {
    const link = encodeExperimentUrl(withDefaults(({ config }) => (config.network = { hiddenLayers: [], activation: 'relu' })));
    expect(link).toBe('?v=2&layers=0');
    expect(decodeExperimentUrl(link).config.network).toEqual({ hiddenLayers: [], activation: 'relu' });
    const three = encodeExperimentUrl(withDefaults(({ config }) => (config.network = { hiddenLayers: [128, 64, 128], activation: 'sigmoid' })));
    expect(three).toBe('?v=2&layers=3&units2=64&act=sigmoid');
  });

  it('generates only experiments that validateExperiment accepts, some with extra contestants and networks', () => {
    const samples = fc.sample(sharedArbitrary, 200);
    for (const shared of samples) expect(validateExperiment(shared.config)).toEqual([]);
    expect(samples.some((s) => s.config.contestants.some((c) => c.ordinal > 1 && c.selected))).toBe(true);
    expect(samples.some((s) => s.config.contestants.some((c) => c.ordinal > 1 && !c.selected))).toBe(true);
    expect(samples.some((s) => trainingContestants(s.config).length >= 10)).toBe(true);
    expect(samples.some((s) => s.config.network.hiddenLayers.length === 0)).toBe(true);
    expect(samples.some((s) => s.config.network.hiddenLayers.length === 3)).toBe(true);
  });

  it('round-trips arbitrary valid experiments exactly (property, 300 runs)', () => {
    fc.assert(
      fc.property(sharedArbitrary, (shared) => {
        const link = encodeExperimentUrl(shared);
        const decoded = decodeExperimentUrl(link);
        expect(decoded.notices).toEqual([]);
        expect(decoded.config).toStrictEqual(withoutIdleContestants(shared));
        expect(decoded.view).toStrictEqual(shared.view);

        // Only non-default values appear, each key once, never escaped commas.
        expect(link).not.toMatch(/%2C/i);
        const params = [...new URLSearchParams(link)];
        expect(params[0]).toEqual(['v', '2']);
        expect(new Set(params.map(([k]) => k)).size).toBe(params.length);
        for (const [key, value] of params.slice(1)) {
          if (key === 'hide' || key === 'zoom' || key === 'conceal' || key === 'lock' || key === 'lesson') {
            expect(value).not.toBe('');
            continue;
          }
          // A lesson's link says what differs from the lesson (tested below), not from the defaults.
          if (shared.view.lesson) continue;
          if (key === 'opt') {
            expect(value).not.toBe(trained(defaultExperiment()).join(','));
            expect(value).toBe(trained(shared.config).join(','));
            continue;
          }
          const scheduleKey = /^([a-z]+?(?:[2-9]|1[0-2])?)\.sched(?:\.(.+))?$/.exec(key);
          if (scheduleKey) {
            // A schedule's kind, then only its fields that differ from that kind's defaults.
            const schedule = shared.config.contestants.find((c) => contestantKey(c) === scheduleKey[1])?.schedule;
            expect(schedule, key).toBeDefined();
            if (!scheduleKey[2]) {
              expect(value).toBe(schedule!.kind);
              continue;
            }
            const field = SCHEDULES[schedule!.kind].fields.find((f) => (f.urlKey ?? f.key) === scheduleKey[2]);
            expect(field, key).toBeDefined();
            expect(value).not.toBe(field!.kind === 'boolean' ? (field!.defaultValue ? '1' : '0') : [field!.defaultValue].flat().join(','));
            continue;
          }
          const spec = specOf(key);
          expect(spec, key).toBeDefined();
          const defaultText = spec!.kind === 'boolean' ? (spec!.defaultValue ? '1' : '0') : String(spec!.defaultValue);
          // An added, unticked contestant at defaults keeps one (default) key so that it survives.
          const owner = shared.config.contestants.find((c) => key.startsWith(`${contestantKey(c)}.`));
          const keptAlive = owner !== undefined && owner.ordinal > 1 && !owner.selected && params.filter(([k]) => k.startsWith(`${contestantKey(owner)}.`)).length === 1;
          if (/^units\d$/.test(key)) expect(Number(key.slice(5))).toBeLessThanOrEqual(shared.config.network.hiddenLayers.length);
          else if (key === 'sx' || key === 'sy') expect(Number(value)).not.toBe(SURFACES[shared.view.lab.surface].defaultStart[key === 'sx' ? 'x' : 'y']);
          else if (!keptAlive) expect(value).not.toBe(defaultText);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips an experiment and its notices-free decoding is a fixed point (property, 200 runs)', () => {
    fc.assert(
      fc.property(sharedArbitrary, (shared) => {
        expectSafeResult(decodeExperimentUrl(encodeExperimentUrl(shared)));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps an unticked Adam 2 at defaults', () => {
    const shared = withDefaults(({ config }) => config.contestants.splice(2, 0, extra('adam', 2, false)));
    expect(decodeExperimentUrl(encodeExperimentUrl(shared)).config).toStrictEqual(shared.config);
  });
});

// ---------------------------------------------------------------------------
// 2. Contestants and the network in links
// ---------------------------------------------------------------------------

describe('contestants and the network in links', () => {
  it('opt lists contestants by key: Adam 2 beside Adam, created at Keras defaults', () => {
    const r = decodeExperimentUrl('?opt=adam,adam2');
    expect(r.notices).toEqual([]);
    expectSafeResult(r);
    expect(trained(r.config)).toEqual(['adam', 'adam2']);
    expect(contestant(r.config, 'adam2')).toEqual(extra('adam', 2, true));
    expect(r.config.contestants.map(contestantKey)).toEqual(OPTIMIZER_IDS.flatMap((id): string[] => (id === 'adam' ? ['adam', 'adam2'] : [id])));
  });

  it('Nadam can be a contestant too: opt=nadam,nadam2 with nadam2.lr', () => {
    const r = decodeExperimentUrl('?opt=nadam,nadam2&nadam2.lr=0.01');
    expect(r.notices).toEqual([]);
    expectSafeResult(r);
    expect(trained(r.config)).toEqual(['nadam', 'nadam2']);
    expect(contestant(r.config, 'nadam')).toEqual(extra('nadam', 1, true));
    expect(contestant(r.config, 'nadam2')).toEqual(extra('nadam', 2, true, { learningRate: 0.01 }));
    expect(contestant(r.config, 'adam').selected).toBe(false);
    expect(encodeExperimentUrl({ config: r.config, view: r.view })).toBe('?v=2&opt=nadam,nadam2&nadam2.lr=0.01');
  });

  it('AdamW, Adamax, Lion and Ftrl take their own short keys: wd, beta1, power, accumulator, l1, l2, shrink, beta', () => {
    const link = '?v=2&opt=adamw,adamax,lion,ftrl&adamw.amsgrad=1&adamw.wd=0.01&adamax.beta2=0.99&lion.beta1=1&ftrl.power=-0.25&ftrl.accumulator=0.5&ftrl.l1=0.001&ftrl.l2=0.002&ftrl.shrink=0.003&ftrl.beta=0.1';
    const r = decodeExperimentUrl(link);
    expect(r.notices).toEqual([]);
    expectSafeResult(r);
    expect(trained(r.config)).toEqual(['adamw', 'adamax', 'lion', 'ftrl']);
    expect(contestant(r.config, 'adamw')).toEqual(extra('adamw', 1, true, { weightDecay: 0.01, amsgrad: true }));
    expect(contestant(r.config, 'adamax')).toEqual(extra('adamax', 1, true, { beta2: 0.99 }));
    // Keras allows Lion's beta_1 = 1 (only beta_1 <= 0 makes it signSGD).
    expect(contestant(r.config, 'lion')).toEqual(extra('lion', 1, true, { beta1: 1 }));
    expect(contestant(r.config, 'ftrl')).toEqual(extra('ftrl', 1, true, { learningRatePower: -0.25, initialAccumulator: 0.5, l1: 0.001, l2: 0.002, l2Shrinkage: 0.003, beta: 0.1 }));
    expect(encodeExperimentUrl({ config: r.config, view: r.view })).toBe(link);
    // Out of Keras's range: a positive power, Lion's beta_1 of 0, a negative weight decay.
    const bad = decodeExperimentUrl('?opt=lion,ftrl&ftrl.power=0.5&lion.beta1=0&adamw.wd=-1');
    expect(bad.notices.length).toBeGreaterThan(0);
    expect(contestant(bad.config, 'ftrl').hyperparameters.learningRatePower).toBeLessThanOrEqual(0);
    expect(contestant(bad.config, 'lion').hyperparameters.beta1).toBeGreaterThan(0);
    expect(contestant(bad.config, 'adamw').hyperparameters.weightDecay).toBeGreaterThanOrEqual(0);
  });

  it("adam2.lr without opt creates an unselected Adam 2 with that rate, and leaves the selection alone", () => {
    const r = decodeExperimentUrl('?adam2.lr=0.01');
    expect(r.notices).toEqual([]);
    expectSafeResult(r);
    expect(trained(r.config)).toEqual(trained(defaultExperiment()));
    expect(contestant(r.config, 'adam2')).toEqual(extra('adam', 2, false, { learningRate: 0.01 }));
    expect(hp(r.config, 'adam').learningRate).toBe(0.001);
  });

  it('reads opt and contestant keys in any order', () => {
    const expected = decodeExperimentUrl('?opt=adam,adam2&adam2.lr=0.01&adam3.beta1=0.5');
    for (const link of ['?adam2.lr=0.01&opt=adam,adam2&adam3.beta1=0.5', '?adam3.beta1=0.5&adam2.lr=0.01&opt=adam2,adam']) {
      expect(decodeExperimentUrl(link)).toStrictEqual(expected);
    }
    expect(trained(expected.config)).toEqual(['adam', 'adam2']);
    expect(contestant(expected.config, 'adam3').selected).toBe(false);
    expect(hp(expected.config, 'adam3').beta1).toBe(0.5);
  });

  it('selects 12 contestants', () => {
    const twelve = ['sgd', ...Array.from({ length: 11 }, (_, i) => `sgd${i + 2}`)].join(',');
    const r = decodeExperimentUrl(`?opt=${twelve}`);
    expect(r.notices).toEqual([]);
    expectSafeResult(r);
    expect(trained(r.config)).toHaveLength(12);
  });

  it('caps a link selecting 13 contestants at 12, unticking the last, with a notice', () => {
    const r = decodeOne(`?opt=${THIRTEEN}`);
    expect(r.notice).toBe('The link selects 13 contestants; at most 12 train at once, so the last one is unticked.');
    expect(trained(r.config)).toEqual(['sgd', 'adam', ...Array.from({ length: 10 }, (_, i) => `adam${i + 2}`)]);
    expect(contestant(r.config, 'adam12').selected).toBe(false);
    // Order in the link does not decide which one waits: the list's order does.
    expect(decodeExperimentUrl(`?opt=${THIRTEEN.split(',').reverse().join(',')}`).config).toStrictEqual(r.config);
  });

  it('caps a link selecting every possible contestant at 12', () => {
    const all = OPTIMIZER_IDS.flatMap((id) => Array.from({ length: MAX_PER_OPTIMIZER }, (_, i) => contestantKey({ optimizer: id, ordinal: i + 1 })));
    const r = decodeOne(`?opt=${all.join(',')}`);
    expect(r.notice).toBe(`The link selects ${all.length} contestants; at most 12 train at once, so the last ${all.length - 12} are unticked.`);
    expect(trained(r.config)).toEqual(all.slice(0, 12));
  });

  it.each(['adam1', 'adam13', 'adam0', 'adam02', '__proto__', 'constructor', 'adam 2'])('refuses the contestant key %j in opt', (junk) => {
    const r = decodeOne(`?opt=adam,${encodeURIComponent(junk)}`);
    expect(r.notice).toBe(`Unknown optimizer "${junk}" ignored.`);
    expect(trained(r.config)).toEqual(['adam']);
    expect(r.config.contestants).toHaveLength(OPTIMIZER_IDS.length);
  });

  it.each(['adam1.lr', 'adam13.lr', 'adam0.lr', '__proto__.lr', 'adam2.nope', 'adam2.__proto__', 'adam2.', 'adam2..lr'])(
    'refuses the key %j without creating a contestant',
    (key) => {
      const r = decodeOne(`?${key}=0.01`);
      expect(r.notice).toBe(`Ignored unknown setting "${key}".`);
      expect(r.config).toStrictEqual(defaultExperiment());
    },
  );

  it("names an added contestant's field after it in notices", () => {
    const r = decodeOne('?opt=adam2&adam2.lr=abc');
    expect(r.notice).toBe('Adam 2 learning rate "abc" is not a number; using 0.001.');
    expect(trained(r.config)).toEqual(['adam2']);
    expect(decodeOne('?adam12.beta1=1').notice).toBe('Adam 12 beta 1 "1" is out of range; using 0.9.');
  });

  it('reads the network: layers, units of the layers it has, activation', () => {
    const r = decodeExperimentUrl('?layers=2&units1=256&units2=64&act=tanh');
    expect(r.notices).toEqual([]);
    expectSafeResult(r);
    expect(r.config.network).toEqual({ hiddenLayers: [256, 64], activation: 'tanh' });
    expect(decodeExperimentUrl('?layers=3').config.network).toEqual({ hiddenLayers: [128, 128, 128], activation: 'relu' });
    expect(decodeExperimentUrl('?act=SIGMOID').config.network).toEqual({ hiddenLayers: [128], activation: 'sigmoid' });
    // Units of a layer the network does not have are not part of it (the link may name it).
    const unused = decodeExperimentUrl('?layers=1&units2=64');
    expect(unused.notices).toEqual([]);
    expect(unused.config.network).toEqual({ hiddenLayers: [128], activation: 'relu' });
    expect(decodeExperimentUrl('?layers=0&units1=64').config.network).toEqual({ hiddenLayers: [], activation: 'relu' });
  });

  it('corrects bad network values with notices', () => {
    expect(decodeOne('?layers=4').notice).toBe('Hidden layers "4" is out of range; using 3.');
    expect(decodeOne('?layers=4').config.network.hiddenLayers).toEqual([128, 128, 128]);
    expect(decodeOne('?layers=1.5').notice).toBe('Hidden layers "1.5" is not a whole number; using 2.');
    expect(decodeOne('?units1=2000').notice).toBe('Layer 1 units "2000" is out of range; using 1024.');
    expect(decodeOne('?units1=2000').config.network.hiddenLayers).toEqual([1024]);
    expect(decodeOne('?units1=2').config.network.hiddenLayers).toEqual([8]);
    expect(decodeOne('?units1=abc').notice).toBe('Layer 1 units "abc" is not a number; using 128.');
    const act = decodeOne('?act=gelu');
    expect(act.notice).toBe('Activation "gelu" is not one of relu, tanh, sigmoid; using relu.');
    expect(act.config.network.activation).toBe('relu');
  });
});

// ---------------------------------------------------------------------------
// 3. Versioned fixtures
// ---------------------------------------------------------------------------

/** The shared knobs as every link before them meant them: off (AdamW's weight decay stays its own 0.004). */
const KNOBS_OFF = { weightDecay: 0, clipNorm: 0, clipValue: 0, globalClipNorm: 0 };

describe('format version 1 fixture', () => {
  // DO NOT EDIT. This link was produced by format version 1 and may already be shared,
  // bookmarked or printed. It must keep decoding to exactly this experiment after any
  // future change; if the format changes, bump URL_FORMAT_VERSION and keep reading v=1.
  const FIXTURE_V1 =
    '?v=1&opt=sgd,adam,rmsprop&epochs=2&batch=64&examples=2000&seed=9&sgd.lr=0.05&sgd.momentum=0.9&sgd.nesterov=1&adam.lr=0.002&adam.beta2=0.99&adam.eps=1e-8&rmsprop.centered=1&train=0&logloss=1';
  // The same settings in another order, as a person might edit them by hand.
  const FIXTURE_V1_REORDERED =
    '?v=1&epochs=2&batch=64&examples=2000&seed=9&opt=sgd,adam,rmsprop&sgd.lr=0.05&sgd.momentum=0.9&sgd.nesterov=1&adam.lr=0.002&adam.beta2=0.99&adam.eps=1e-8&rmsprop.centered=1&train=0&logloss=1';
  // Version 1 had no contestants and no network: its five optimizers are the first
  // contestants, ticked as `opt` says, and the network is the article's.
  const EXPECTED_CONFIG: ExperimentConfig = {
    epochs: 2,
    batchSize: 64,
    trainExamples: 2000,
    seed: 9,
    seeds: 1,
    network: { hiddenLayers: [128], activation: 'relu' },
    contestants: [
      { optimizer: 'sgd', ordinal: 1, selected: true, hyperparameters: { ...KNOBS_OFF, learningRate: 0.05, momentum: 0.9, nesterov: true } },
      { optimizer: 'adam', ordinal: 1, selected: true, hyperparameters: { ...KNOBS_OFF, learningRate: 0.002, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, amsgrad: false } },
      { optimizer: 'adagrad', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, initialAccumulator: 0.1, epsilon: 1e-7 } },
      { optimizer: 'adadelta', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, rho: 0.95, epsilon: 1e-7 } },
      { optimizer: 'rmsprop', ordinal: 1, selected: true, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: true } },
      { optimizer: 'nadam', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
      { optimizer: 'adamw', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, weightDecay: 0.004, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false } },
      { optimizer: 'adamax', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
      { optimizer: 'lion', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.99 } },
      { optimizer: 'lamb', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
      { optimizer: 'ftrl', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, learningRatePower: -0.5, initialAccumulator: 0.1, l1: 0, l2: 0, l2Shrinkage: 0, beta: 0 } },
      { optimizer: 'muon', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, momentum: 0.95, nesterov: true, nsSteps: 5, rmsRate: 0.2, muonA: 3.4445, muonB: -4.775, muonC: 2.0315, adamBeta1: 0.9, adamBeta2: 0.999, epsilon: 1e-7, adamWeightDecay: 0.004, adamLrRatio: 1, weightDecay: 0.004 } },
    ],
  };
  // Version 1 drew the training curves raw: its links open unsmoothed.
  const EXPECTED_VIEW: ViewOptions = { ...defaultView(), showTrain: false, logLoss: true, smoothing: 0 };

  it('decodes to the literal expected experiment with no notices', () => {
    expect(decodeExperimentUrl(FIXTURE_V1)).toStrictEqual({ config: EXPECTED_CONFIG, view: EXPECTED_VIEW, notices: [] });
    expect(decodeExperimentUrl(FIXTURE_V1_REORDERED)).toStrictEqual({ config: EXPECTED_CONFIG, view: EXPECTED_VIEW, notices: [] });
  });

  it('is written today as the same settings in format version 2 (may be updated if only the encoder output changes)', () => {
    const link = encodeExperimentUrl({ config: EXPECTED_CONFIG, view: EXPECTED_VIEW });
    expect(link).toBe(
      '?v=2&opt=sgd,adam,rmsprop&epochs=2&batch=64&examples=2000&seed=9&sgd.lr=0.05&sgd.momentum=0.9&sgd.nesterov=1&adam.lr=0.002&adam.beta2=0.99&adam.eps=1e-8&rmsprop.centered=1&train=0&logloss=1&smooth=0',
    );
    // Apart from the version and the raw curves v1 drew, the v1 link says the same in v2.
    expect(decodeExperimentUrl(`${FIXTURE_V1.replace('v=1', 'v=2')}&smooth=0`)).toStrictEqual({ config: EXPECTED_CONFIG, view: EXPECTED_VIEW, notices: [] });
  });

  // DO NOT EDIT: v1 links without `opt` meant "the five optimizers of v1", whatever the default selection is now.
  it('reads a v1 link without opt as the five v1 optimizers, ticked', () => {
    const r = decodeExperimentUrl('?v=1&epochs=2&adam.lr=0.002');
    expect(r.notices).toEqual([]);
    expectSafeResult(r);
    expect(trained(r.config)).toEqual(['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop']);
    expect(r.config.contestants.every((c) => c.ordinal === 1)).toBe(true);
    expect(r.config.network).toEqual({ hiddenLayers: [128], activation: 'relu' });
    expect(r.config.epochs).toBe(2);
    expect(hp(r.config, 'adam').learningRate).toBe(0.002);
    expect(decodeExperimentUrl('?v=1').config).toStrictEqual(defaultExperiment());
  });

  it('never selects Nadam, AdamW, Adamax, Lion, Ftrl or Muon, which version 1 did not know, from a v1 link without opt: they are there, unticked at defaults', () => {
    for (const link of ['?v=1', '?v=1&epochs=2&adam.lr=0.002']) {
      const r = decodeExperimentUrl(link);
      expect(r.notices).toEqual([]);
      expect(trained(r.config)).toEqual(['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop']);
      for (const id of ['nadam', 'adamw', 'adamax', 'lion', 'lamb', 'ftrl', 'muon'] as const) expect(contestant(r.config, id)).toEqual(extra(id, 1, false));
      expect(r.config.contestants.map(contestantKey)).toEqual([...OPTIMIZER_IDS]);
    }
  });

  it('reads a v1 link with a partial opt as exactly those first contestants', () => {
    const r = decodeExperimentUrl('?v=1&opt=adagrad');
    expect(r.notices).toEqual([]);
    expect(trained(r.config)).toEqual(['adagrad']);
    expect(r.config.contestants.map(contestantKey)).toEqual([...OPTIMIZER_IDS]);
  });
});

describe('format version 2 fixtures', () => {
  // DO NOT EDIT. These links were produced by format version 2 (Adam 2 at lr 0.01 beside Adam,
  // a 2-layer tanh network) and may already be shared. They must keep decoding to exactly these
  // experiments; if the format changes, bump URL_FORMAT_VERSION and keep reading v=2.
  const FIXTURE_V2 = '?v=2&opt=adam,adam2&layers=2&units1=256&units2=256&act=tanh&adam2.lr=0.01';
  const EXPECTED_V2: ExperimentConfig = {
    epochs: 5,
    batchSize: 128,
    trainExamples: 60_000,
    seed: 42,
    seeds: 1,
    network: { hiddenLayers: [256, 256], activation: 'tanh' },
    contestants: [
      { optimizer: 'sgd', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.01, momentum: 0, nesterov: false } },
      { optimizer: 'adam', ordinal: 1, selected: true, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false } },
      { optimizer: 'adam', ordinal: 2, selected: true, hyperparameters: { ...KNOBS_OFF, learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false } },
      { optimizer: 'adagrad', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, initialAccumulator: 0.1, epsilon: 1e-7 } },
      { optimizer: 'adadelta', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, rho: 0.95, epsilon: 1e-7 } },
      { optimizer: 'rmsprop', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false } },
      // Not in the catalog when the link was written: unticked, at Keras defaults.
      { optimizer: 'nadam', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
      { optimizer: 'adamw', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, weightDecay: 0.004, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false } },
      { optimizer: 'adamax', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
      { optimizer: 'lion', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.99 } },
      { optimizer: 'lamb', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
      { optimizer: 'ftrl', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, learningRatePower: -0.5, initialAccumulator: 0.1, l1: 0, l2: 0, l2Shrinkage: 0, beta: 0 } },
      { optimizer: 'muon', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, momentum: 0.95, nesterov: true, nsSteps: 5, rmsRate: 0.2, muonA: 3.4445, muonB: -4.775, muonC: 2.0315, adamBeta1: 0.9, adamBeta2: 0.999, epsilon: 1e-7, adamWeightDecay: 0.004, adamLrRatio: 1, weightDecay: 0.004 } },
    ],
  };
  // DO NOT EDIT. Everything at once: an unticked RMSprop 3 with an edit, settings, no hidden layer, the view.
  const FIXTURE_V2_FULL =
    '?v=2&opt=sgd,adam,adam2&epochs=3&seed=7&layers=0&act=sigmoid&adam2.lr=0.01&adam2.amsgrad=1&rmsprop3.rho=0.8&train=0';
  const EXPECTED_V2_FULL: ExperimentConfig = {
    epochs: 3,
    batchSize: 128,
    trainExamples: 60_000,
    seed: 7,
    seeds: 1,
    network: { hiddenLayers: [], activation: 'sigmoid' },
    contestants: [
      { optimizer: 'sgd', ordinal: 1, selected: true, hyperparameters: { ...KNOBS_OFF, learningRate: 0.01, momentum: 0, nesterov: false } },
      { optimizer: 'adam', ordinal: 1, selected: true, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false } },
      { optimizer: 'adam', ordinal: 2, selected: true, hyperparameters: { ...KNOBS_OFF, learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: true } },
      { optimizer: 'adagrad', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, initialAccumulator: 0.1, epsilon: 1e-7 } },
      { optimizer: 'adadelta', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, rho: 0.95, epsilon: 1e-7 } },
      { optimizer: 'rmsprop', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false } },
      { optimizer: 'rmsprop', ordinal: 3, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, rho: 0.8, momentum: 0, epsilon: 1e-7, centered: false } },
      { optimizer: 'nadam', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
      { optimizer: 'adamw', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, weightDecay: 0.004, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false } },
      { optimizer: 'adamax', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
      { optimizer: 'lion', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.99 } },
      { optimizer: 'lamb', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
      { optimizer: 'ftrl', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, learningRatePower: -0.5, initialAccumulator: 0.1, l1: 0, l2: 0, l2Shrinkage: 0, beta: 0 } },
      { optimizer: 'muon', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, momentum: 0.95, nesterov: true, nsSteps: 5, rmsRate: 0.2, muonA: 3.4445, muonB: -4.775, muonC: 2.0315, adamBeta1: 0.9, adamBeta2: 0.999, epsilon: 1e-7, adamWeightDecay: 0.004, adamLrRatio: 1, weightDecay: 0.004 } },
    ],
  };

  it('decode to the literal expected experiments with no notices', () => {
    expect(decodeExperimentUrl(FIXTURE_V2)).toStrictEqual({ config: EXPECTED_V2, view: defaultView(), notices: [] });
    expect(decodeExperimentUrl(FIXTURE_V2_FULL)).toStrictEqual({ config: EXPECTED_V2_FULL, view: { ...defaultView(), showTrain: false }, notices: [] });
    // Reordered by hand, and without the version (a hand-written link is read as the current format).
    expect(decodeExperimentUrl('?adam2.lr=0.01&act=tanh&units2=256&units1=256&layers=2&opt=adam2,adam').config).toStrictEqual(EXPECTED_V2);
    expect(decodeExperimentUrl('?v=2&train=0&rmsprop3.rho=0.8&opt=sgd,adam,adam2&epochs=3&seed=7&adam2.amsgrad=1&layers=0&act=sigmoid&adam2.lr=0.01')).toStrictEqual({
      config: EXPECTED_V2_FULL,
      view: { ...defaultView(), showTrain: false },
      notices: [],
    });
  });

  it('are what the current encoder writes for them (may be updated if only the encoder output changes)', () => {
    expect(encodeExperimentUrl({ config: EXPECTED_V2, view: defaultView() })).toBe(FIXTURE_V2);
    expect(encodeExperimentUrl({ config: EXPECTED_V2_FULL, view: { ...defaultView(), showTrain: false, logLoss: false, smoothing: 0.6 } })).toBe(FIXTURE_V2_FULL);
  });
});

// ---------------------------------------------------------------------------
// 4. Specific bad values
// ---------------------------------------------------------------------------

describe('decodeExperimentUrl with bad values', () => {
  it('falls back on a non-number', () => {
    const r = decodeOne('?adam.lr=abc');
    expect(r.notice).toBe('Adam learning rate "abc" is not a number; using 0.001.');
    expect(hp(r.config, 'adam').learningRate).toBe(0.001);
  });

  it('clamps an out-of-range number to the inclusive bound', () => {
    const r = decodeOne('?adam.lr=5000');
    expect(r.notice).toBe('Adam learning rate "5000" is out of range; using 1000.');
    expect(hp(r.config, 'adam').learningRate).toBe(1000);
  });

  it('falls back to the default at an exclusive bound', () => {
    const r = decodeOne('?adam.beta1=1');
    expect(r.notice).toBe('Adam beta 1 "1" is out of range; using 0.9.');
    expect(hp(r.config, 'adam').beta1).toBe(0.9);
    const lr = decodeOne('?sgd.lr=0');
    expect(lr.notice).toBe('SGD learning rate "0" is out of range; using 0.01.');
    expect(hp(lr.config, 'sgd').learningRate).toBe(0.01);
  });

  it('rounds a fractional integer setting', () => {
    const r = decodeOne('?epochs=2.5');
    expect(r.notice).toBe('Epochs "2.5" is not a whole number; using 3.');
    expect(r.config.epochs).toBe(3);
    expect(Number.isInteger(r.config.epochs)).toBe(true);
  });

  it('clamps a negative integer setting to its minimum', () => {
    const r = decodeOne('?epochs=-3');
    expect(r.notice).toBe('Epochs "-3" is out of range; using 1.');
    expect(r.config.epochs).toBe(1);
    expect(decodeOne('?examples=10').config.trainExamples).toBe(1000);
    expect(decodeOne('?seed=4294967296').config.seed).toBe(2 ** 32 - 1);
  });

  it('ignores unknown optimizers and keeps the known ones', () => {
    const r = decodeOne('?opt=sgd,foo');
    expect(r.notice).toBe('Unknown optimizer "foo" ignored.');
    expect(trained(r.config)).toEqual(['sgd']);
    // Order and case in the link do not matter; the result is in catalog order.
    const ordered = decodeExperimentUrl('?opt=RMSprop,sgd,adam,sgd');
    expect(ordered.notices).toEqual([]);
    expect(trained(ordered.config)).toEqual(['sgd', 'adam', 'rmsprop']);
    const many = decodeOne('?opt=sgd,foo,bar,adam13');
    expect(many.notice).toBe('Unknown optimizers "foo", "bar", "adam13" ignored.');
  });

  it('keeps the default selection (the article five) when the link selects none', () => {
    const empty = decodeOne('?opt=');
    expect(empty.notice).toBe('The link selects no known optimizer; using the default selection.');
    expect(trained(empty.config)).toEqual(['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop']);
    expect(contestant(empty.config, 'nadam').selected).toBe(false);

    // "opt=foo" currently gives two notices: the ignored name and the fallback to the default selection.
    const foo = decodeExperimentUrl('?opt=foo');
    expectSafeResult(foo);
    expect(trained(foo.config)).toEqual(['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop']);
    expect(foo.notices.length).toBeGreaterThanOrEqual(1);
    expect(foo.notices.length).toBeLessThanOrEqual(2);
    expect(foo.notices.join(' ')).toContain('"foo"');
    expect(foo.notices.join(' ')).toContain('using the default selection');
  });

  it('reports unknown keys once and never touches prototypes', () => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    const r = decodeOne('?foo=1&__proto__=x&constructor=1');
    expect(r.notice).toBe('Ignored unknown settings "foo", "__proto__", "constructor".');
    expect(r.config).toStrictEqual(defaultExperiment());
    expect(r.view).toStrictEqual(defaultView());

    const more = decodeOne('?__proto__[polluted]=1&constructor[prototype][polluted]=1&__proto__.polluted=1&prototype=1&toString=1');
    expect(more.notice).toBe(
      'Ignored unknown settings "__proto__[polluted]", "constructor[prototype][polluted]", "__proto__.polluted" and 2 more.',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(Object.getPrototypeOf(more.config)).toBe(Object.prototype);
    expect(more.config.contestants).toHaveLength(OPTIMIZER_IDS.length);
  });

  it('uses the first of a repeated key', () => {
    const r = decodeOne('?epochs=3&epochs=4');
    expect(r.notice).toBe('"epochs" appears more than once; using the first value.');
    expect(r.config.epochs).toBe(3);
  });

  it('decodes a link of another version, with a notice', () => {
    const r = decodeOne('?v=3&epochs=3&adam.lr=0.01');
    expect(r.notice).toBe('The link says format version "3"; this app reads versions 1 to 2, so some settings may differ.');
    for (const v of ['0', '1.5', 'x', '']) expect(decodeOne(`?v=${v}&epochs=3`).notice).toBe(`The link says format version "${v}"; this app reads versions 1 to 2, so some settings may differ.`);
    expect(r.config.epochs).toBe(3);
    expect(hp(r.config, 'adam').learningRate).toBe(0.01);
  });

  it.each(['NaN', 'Infinity', '-Infinity', '%2BInfinity', '0x10', '0b11', '0o7', '', '%20', '.', '-', '1e', '1.2.3', 'null', '%E0%A4%A', '%%%'])(
    'falls back on adam.lr=%s',
    (raw) => {
      const r = decodeOne(`?adam.lr=${raw}`);
      expect(r.notice.startsWith('Adam learning rate "')).toBe(true);
      expect(r.notice.endsWith('is not a number; using 0.001.')).toBe(true);
      expect(hp(r.config, 'adam').learningRate).toBe(0.001);
    },
  );

  it('reads hex, binary and octal notation as not a number, not as a whole number', () => {
    expect(decodeOne('?epochs=0x10').notice).toBe('Epochs "0x10" is not a number; using 5.');
    expect(decodeOne('?seed=0b11').notice).toBe('Seed "0b11" is not a number; using 42.');
    expect(decodeOne('?adam.lr=0x10').notice).toBe('Adam learning rate "0x10" is not a number; using 0.001.');
  });

  it('reads -0 as 0', () => {
    for (const link of ['?sgd.momentum=-0', '?seed=-0', '?rmsprop.momentum=-0.0']) {
      const r = decodeExperimentUrl(link);
      expect(r.notices).toEqual([]);
      expectSafeResult(r);
    }
    expect(Object.is(hp(decodeExperimentUrl('?sgd.momentum=-0').config, 'sgd').momentum, 0)).toBe(true);
    expect(Object.is(decodeExperimentUrl('?seed=-0').config.seed, 0)).toBe(true);
    // Where 0 itself is not allowed, -0 is refused like 0.
    const lr = decodeOne('?adam.lr=-0');
    expect(lr.notice).toBe('Adam learning rate "-0" is out of range; using 0.001.');
  });

  it('clamps numbers too large for a double, like any out-of-range number', () => {
    const big = decodeOne('?adam.lr=1e999');
    expect(big.notice).toBe('Adam learning rate "1e999" is out of range; using 1000.');
    expect(hp(big.config, 'adam').learningRate).toBe(1000);
    // Below an exclusive minimum there is no bound to clamp to: the default is kept.
    const small = decodeOne('?adam.lr=-1e999');
    expect(small.notice).toBe('Adam learning rate "-1e999" is out of range; using 0.001.');
    expect(hp(small.config, 'adam').learningRate).toBe(0.001);
    expect(decodeOne('?epochs=9e999').config.epochs).toBe(100);
    expect(decodeOne('?seed=-1e999').config.seed).toBe(0);
    expect(hp(decodeOne('?adam.beta1=1e999').config, 'adam').beta1).toBe(0.9);
  });

  it('clamps huge finite numbers', () => {
    expect(hp(decodeOne('?adam.lr=1e308').config, 'adam').learningRate).toBe(1000);
    expect(decodeOne('?seed=-1e308').config.seed).toBe(0);
    expect(hp(decodeOne('?adam.eps=1e-400').config, 'adam').epsilon).toBe(1e-12);
  });

  it('refuses a 100 KB value and cuts the quote at 40 characters', () => {
    const r = decodeOne(`?adam.lr=${'1'.repeat(100_000)}`);
    expect(r.notice).toBe(`Adam learning rate "${'1'.repeat(40)}…" is too long; using 0.001.`);
    expect(hp(r.config, 'adam').learningRate).toBe(0.001);

    const key = decodeOne(`?${'k'.repeat(100_000)}=1`);
    expect(key.notice).toBe(`Ignored unknown setting "${'k'.repeat(40)}…".`);
  });

  it('refuses an unclear boolean and keeps the default', () => {
    const r = decodeOne('?sgd.nesterov=maybe');
    expect(r.notice).toBe('SGD nesterov momentum "maybe" is not on or off; using off.');
    expect(hp(r.config, 'sgd').nesterov).toBe(false);
    const train = decodeOne('?train=');
    expect(train.notice).toBe('Show training curves "" is not on or off; using on.');
    expect(train.view.showTrain).toBe(true);
  });

  it.each([
    ['1', true], ['true', true], ['ON', true], [' yes ', true],
    ['0', false], ['False', false], ['off', false], ['NO', false],
  ])('reads boolean text %j', (raw, expected) => {
    const r = decodeExperimentUrl(`?adam.amsgrad=${encodeURIComponent(raw)}`);
    expect(r.notices).toEqual([]);
    expect(hp(r.config, 'adam').amsgrad).toBe(expected);
  });

  it('never shows raw control characters and never splits an emoji', () => {
    const control = decodeOne('?epochs=%00%1B%7F%C2%85');
    expect(control.notice).toBe('Epochs "????" is not a number; using 5.');

    const emoji = decodeOne(`?adam.lr=${encodeURIComponent(`a${'😀'.repeat(30)}`)}`);
    expect(emoji.notice).not.toMatch(LONE_SURROGATE);
    expect(emoji.notice).toBe(`Adam learning rate "a${'😀'.repeat(19)}…" is not a number; using 0.001.`);
  });

  it('caps the notices at 8, the last one counting the rest', () => {
    const link = `?${FIELD_SPECS.size ? [...FIELD_SPECS.keys()].map((k) => `${k}=bad`).join('&') : ''}`;
    const r = decodeExperimentUrl(link);
    expectSafeResult(r);
    expect(r.notices).toHaveLength(8);
    expect(r.notices[7]).toBe(`…and ${FIELD_SPECS.size - 7} more corrections.`);
  });

  it('does not throw on non-string input', () => {
    for (const input of [undefined, null, 42, {}, [], Symbol.iterator]) {
      const r = decodeExperimentUrl(input as unknown as string);
      expect(r.config).toStrictEqual(defaultExperiment());
      expectSafeResult(r);
    }
  });
});

// ---------------------------------------------------------------------------
// 5. Fuzz
// ---------------------------------------------------------------------------

describe('decodeExperimentUrl fuzz', () => {
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
  const arrayPrototypeKeys = Object.getOwnPropertyNames(Array.prototype).sort();

  it('survives arbitrary strings (300 runs)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.string({ unit: 'grapheme', maxLength: 60 }),
          fc.string({ unit: fc.constantFrom('?', '&', '=', '%', ',', '.', '+', '-', 'e', '1', '0', 'v', 'a', 'd', 'm', '2', 'C', 'F'), maxLength: 80 }),
        ),
        fc.boolean(),
        (garbage, prefix) => {
          expectSafeResult(decodeExperimentUrl(prefix ? `?${garbage}` : garbage));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('survives mutations of valid links (300 runs)', () => {
    fc.assert(
      fc.property(sharedArbitrary, fc.array(mutationArbitrary, { minLength: 1, maxLength: 6 }), (shared, mutations) => {
        const link = mutations.reduce(mutate, encodeExperimentUrl(shared));
        expectSafeResult(decodeExperimentUrl(link));
      }),
      { numRuns: 300 },
    );
  });

  it('survives real keys with hostile values and hostile keys (400 runs)', () => {
    fc.assert(
      fc.property(fc.array(pairArbitrary, { minLength: 1, maxLength: 12 }), fc.boolean(), (pairs, prefix) => {
        const query = pairs.map((p) => `${serialise(p.key, p.keyMode)}=${serialise(p.value, p.valueMode)}`).join('&');
        expectSafeResult(decodeExperimentUrl(prefix ? `?${query}` : query));
      }),
      { numRuns: 400 },
    );
  });

  it('left the prototypes untouched', () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(arrayPrototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('version 1 links name only the optimizers version 1 had', () => {
  it('ignores, with v1’s notices, an optimizer or a contestant key that v1 did not know', () => {
    const decoded = decodeExperimentUrl('?v=1&opt=adam,nadam,adam2&nadam.lr=0.1&adam2.lr=0.5&adam.lr=0.002');
    expect(trained(decoded.config)).toEqual(['adam']);
    expect(decoded.config.contestants.find((c) => c.optimizer === 'nadam')).toMatchObject({ selected: false, hyperparameters: optimizerDefaults('nadam') });
    expect(decoded.config.contestants.some((c) => c.ordinal > 1)).toBe(false);
    expect(decoded.config.contestants.find((c) => contestantKey(c) === 'adam')!.hyperparameters.learningRate).toBe(0.002);
    expect(decoded.notices).toEqual(['Unknown optimizers "nadam", "adam2" ignored.', 'Ignored unknown settings "nadam.lr", "adam2.lr".']);
  });

  it('ignores network keys in a v1 link, as v1 did', () => {
    const decoded = decodeExperimentUrl('?v=1&layers=0&act=tanh&units1=64');
    expect(decoded.config.network).toEqual({ hiddenLayers: [128], activation: 'relu' });
    expect(decoded.notices).toEqual(['Ignored unknown settings "layers", "act", "units1".']);
  });

  it('falls back to the five of v1 when a v1 link selects none that v1 knew', () => {
    const decoded = decodeExperimentUrl('?v=1&opt=nadam');
    expect(trained(decoded.config)).toEqual(['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop']);
    expect(decoded.notices).toEqual(['Unknown optimizer "nadam" ignored.', 'The link selects no known optimizer; using all five.']);
  });

  it('reads the same keys in a v2 link as contestants', () => {
    const decoded = decodeExperimentUrl('?v=2&opt=adam,nadam,adam2&nadam.lr=0.1&adam2.lr=0.5');
    expect(trained(decoded.config)).toEqual(['adam', 'adam2', 'nadam']);
    expect(decoded.notices).toEqual([]);
  });
});

describe('the loss-surface lab in the link', () => {
  const LECTURE = '?v=2&opt=sgd,adam&sgd.momentum=0.9&view=lab&surf=rosenbrock&sx=-1.5&sy=2';

  it("opens 'Adam vs SGD with momentum on Rosenbrock from (−1.5, 2)'", () => {
    const { config, view, notices } = decodeExperimentUrl(LECTURE);
    expect(notices).toEqual([]);
    expect(trainingContestants(config).map(contestantKey)).toEqual(['sgd', 'adam']);
    expect(config.contestants.find((c) => c.optimizer === 'sgd')!.hyperparameters.momentum).toBe(0.9);
    expect(view.page).toBe('lab');
    expect(view.lab).toStrictEqual({ ...defaultLab(), surface: 'rosenbrock', startX: -1.5, startY: 2 });
    // Defaults are left out when encoded again: Rosenbrock from (−1.5, 2) is the lab's default.
    expect(encodeExperimentUrl({ config, view })).toBe('?v=2&opt=sgd,adam&sgd.momentum=0.9&view=lab');
  });

  it('writes every lab key that differs from its default and reads it back', () => {
    const shared = withDefaults((s) => {
      s.view.page = 'lab';
      s.view.lab = { surface: 'quadratic', kappa: 250, noise: 0.5, startX: 1.25, startY: -0.375, steps: 1000, speed: 120 };
    });
    const link = encodeExperimentUrl(shared);
    expect(link).toBe('?v=2&view=lab&surf=quadratic&kappa=250&noise=0.5&sx=1.25&sy=-0.375&steps=1000&speed=120');
    expect(decodeExperimentUrl(link)).toStrictEqual({ ...shared, notices: [] });
  });

  it("a surface without a start starts at that surface's default start; another start is written, even (−1.5, 2)", () => {
    expect(decodeExperimentUrl('?v=2&view=lab&surf=himmelblau').view.lab).toMatchObject({ surface: 'himmelblau', startX: 0, startY: 0 });
    expect(decodeExperimentUrl('?v=2&surf=beale&sy=-1').view.lab).toMatchObject({ surface: 'beale', startX: 1, startY: -1 });
    const shared = withDefaults((s) => (s.view.lab = { ...s.view.lab, surface: 'beale', startX: -1.5, startY: 2 }));
    expect(encodeExperimentUrl(shared)).toBe('?v=2&surf=beale&sx=-1.5&sy=2');
    expect(encodeExperimentUrl(withDefaults((s) => (s.view.lab = { ...s.view.lab, surface: 'beale', startX: 1, startY: 1.5 })))).toBe('?v=2&surf=beale');
  });

  it('corrects bad lab values with a notice each', () => {
    const { view, notices } = decodeExperimentUrl('?v=2&view=maze&surf=ackley&kappa=0&noise=lots&sx=1e9&steps=2.5');
    expect(view.page).toBe('training');
    expect(view.lab).toStrictEqual({ ...defaultLab(), kappa: 1, startX: 100, steps: 3 });
    expect(notices).toEqual([
      'View "maze" is not one of training, lab; using training.',
      'Surface "ackley" is not one of rosenbrock, beale, himmelblau, saddle, quadratic; using rosenbrock.',
      'Condition number κ "0" is out of range; using 1.',
      'Gradient noise "lots" is not a number; using 0.',
      'Start x "1e9" is out of range; using 100.',
      'Steps "2.5" is not a whole number; using 3.',
    ]);
  });

  it('version-1 links know no lab: its keys stay unknown there', () => {
    const { view, notices } = decodeExperimentUrl('?v=1&view=lab&surf=beale');
    expect(view.page).toBe('training');
    expect(view.lab).toStrictEqual(defaultLab());
    expect(notices).toEqual(['Ignored unknown settings "view", "surf".']);
  });
});

describe('schedules and shared knobs in links', () => {
  it('reads a schedule written by hand: AdamW with a cosine schedule and warmup, Lion with a piecewise one', () => {
    const decoded = decodeExperimentUrl('?v=2&opt=adam,adamw,lion&adamw.sched=cosine&adamw.sched.steps=2000&adamw.sched.warmup=100&adamw.sched.target=0.002&lion.sched=piecewise&lion.sched.bounds=100,200&lion.sched.rates=0.001,0.0005,0.0001');
    expect(decoded.notices).toEqual([]);
    expect(contestant(decoded.config, 'adamw').schedule).toEqual({ kind: 'cosine', values: { decaySteps: 2000, alpha: 0, warmupSteps: 100, warmupTarget: 0.002 } });
    expect(contestant(decoded.config, 'lion').schedule).toEqual({ kind: 'piecewise', values: { boundaries: [100, 200], values: [0.001, 0.0005, 0.0001] } });
    expect(contestant(decoded.config, 'adam')).not.toHaveProperty('schedule');
    // Written back: the kind, then only what differs from its defaults.
    expect(encodeExperimentUrl(decoded)).toBe('?v=2&opt=adam,adamw,lion&adamw.sched=cosine&adamw.sched.steps=2000&adamw.sched.warmup=100&adamw.sched.target=0.002&lion.sched=piecewise&lion.sched.bounds=100,200');
  });

  it('explains each bad schedule value and keeps the rest', () => {
    expect(decodeOne('?adam.sched=linear').notice).toBe('Adam schedule "linear" is not one of constant, exponential, inverseTime, piecewise, polynomial, cosine, cosineRestarts; using constant.');
    expect(decodeOne('?adam.sched=exponential&adam.sched.steps=0').notice).toBe('Adam decay steps "0" is out of range; using 1.');
    expect(decodeOne('?adam.sched=piecewise&adam.sched.bounds=1,x').notice).toMatch(/^Adam boundaries "1,x": Boundaries: write numbers separated by commas/);
    const inconsistent = decodeOne('?adam.sched=piecewise&adam.sched.bounds=5,10,20');
    expect(inconsistent.notice).toBe("Adam schedule: Rates needs one more value than Boundaries (4). Using PiecewiseConstantDecay's defaults.");
    expect(contestant(inconsistent.config, 'adam').schedule).toEqual({ kind: 'piecewise', values: { boundaries: [1000, 2000], values: [0.001, 0.0005, 0.0001] } });
    expect(decodeOne('?adam.sched.nope=1').notice).toBe('Ignored unknown setting "adam.sched.nope".');
  });

  it('carries the shared knobs, and keeps one kind of clipping as Keras does', () => {
    const decoded = decodeExperimentUrl('?v=2&sgd.wd=0.01&adam.gclipnorm=1');
    expect(decoded.notices).toEqual([]);
    expect(contestant(decoded.config, 'sgd').hyperparameters.weightDecay).toBe(0.01);
    expect(contestant(decoded.config, 'adam').hyperparameters.globalClipNorm).toBe(1);
    const both = decodeOne('?adam.clipnorm=1&adam.clipvalue=0.5');
    expect(both.notice).toBe('Adam: only one kind of clipping can be set, as in Keras; Clip value turned off.');
    expect(contestant(both.config, 'adam').hyperparameters).toMatchObject({ clipNorm: 1, clipValue: 0 });
    expect(validateExperiment(both.config)).toEqual([]);
  });
});
