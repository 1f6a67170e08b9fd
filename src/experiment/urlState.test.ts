import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultExperiment, TRAINING_PARAMETERS, validateExperiment, type ExperimentConfig } from './config';
import { OPTIMIZER_IDS, OPTIMIZERS, type OptimizerId } from './optimizers';
import { type NumberParameter, type Parameter, type ParameterValues } from './parameters';
import { decodeExperimentUrl, encodeExperimentUrl, URL_FORMAT_VERSION, type DecodedExperiment, type SharedExperiment } from './urlState';
import { defaultView, VIEW_PARAMETERS, type ViewOptions } from './view';

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const defaults = (): SharedExperiment => ({ config: defaultExperiment(), view: defaultView() });

/** Every URL key with the parameter it stands for, derived from the tables (not from urlState's internals). */
const FIELD_SPECS = new Map<string, Parameter>([
  ...TRAINING_PARAMETERS.map((p): [string, Parameter] => [(p as NumberParameter).urlKey ?? p.key, p]),
  ...OPTIMIZER_IDS.flatMap((id) => OPTIMIZERS[id].parameters.map((p): [string, Parameter] => [`${id}.${p.urlKey ?? p.key}`, p])),
  ...VIEW_PARAMETERS.map((p): [string, Parameter] => [p.urlKey, p]),
]);
const REAL_KEYS = ['v', 'opt', ...FIELD_SPECS.keys()];
const CONFIG_KEYS = ['hyperparameters', 'optimizers', ...TRAINING_PARAMETERS.map((p) => p.key)].sort();
const SORTED_IDS = [...OPTIMIZER_IDS].sort();
const HYPERPARAMETER_KEYS = Object.fromEntries(OPTIMIZER_IDS.map((id) => [id, OPTIMIZERS[id].parameters.map((p) => p.key).sort()]));
const VIEW_KEYS = VIEW_PARAMETERS.map((p) => p.key).sort();

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
 * Everything a decoded link must satisfy, whatever the input: a runnable config,
 * sane notices, and a result that survives another encode/decode round without change.
 */
function expectSafeResult(result: DecodedExperiment): void {
  expect(result).toBeTypeOf('object');
  const { config, view, notices } = result;

  expect(validateExperiment(config)).toEqual([]);

  // Selected optimizers: non-empty, known, catalog order, no duplicates.
  expect(config.optimizers.length).toBeGreaterThan(0);
  expect(config.optimizers).toEqual(OPTIMIZER_IDS.filter((id) => config.optimizers.includes(id)));

  // Exactly the declared keys everywhere (nothing smuggled in, e.g. "__proto__"), every value in range,
  // selected optimizer or not.
  checkKeys(config, CONFIG_KEYS, 'config');
  checkKeys(config.hyperparameters, SORTED_IDS, 'hyperparameters');
  for (const spec of TRAINING_PARAMETERS) check(inRange(spec, config[spec.key]), () => `${spec.key} = ${config[spec.key]}`);
  for (const id of OPTIMIZER_IDS) {
    const values = config.hyperparameters[id];
    check(Object.getPrototypeOf(values) === Object.prototype, () => `${id} prototype`);
    checkKeys(values, HYPERPARAMETER_KEYS[id], id);
    for (const spec of OPTIMIZERS[id].parameters) {
      const value = values[spec.key];
      check(spec.kind === 'boolean' ? typeof value === 'boolean' : inRange(spec, value), () => `${id}.${spec.key} = ${String(value)}`);
    }
  }
  checkKeys(view, VIEW_KEYS, 'view');
  for (const p of VIEW_PARAMETERS) check(typeof view[p.key] === 'boolean', () => `${p.key} = ${String(view[p.key])}`);

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
  expect(again.config).toStrictEqual(config);
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
  // Values a person would actually type (0.0123), not only raw doubles.
  const human = fc
    .integer({ min: 1, max: 99_999 })
    .chain((n) => fc.constantFrom(n, n / 10, n / 1000, n / 100_000, n / 1e9))
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

const sharedArbitrary: fc.Arbitrary<SharedExperiment> = fc
  .record({
    training: valuesArbitrary(TRAINING_PARAMETERS),
    optimizers: fc.subarray([...OPTIMIZER_IDS], { minLength: 1 }),
    hyperparameters: fc.record(
      Object.fromEntries(OPTIMIZER_IDS.map((id) => [id, valuesArbitrary(OPTIMIZERS[id].parameters)])) as Record<
        OptimizerId,
        fc.Arbitrary<ParameterValues>
      >,
      { noNullPrototype: true },
    ),
    view: valuesArbitrary(VIEW_PARAMETERS),
  }, { noNullPrototype: true })
  .map(({ training, optimizers, hyperparameters, view }) => ({
    config: { ...(training as Record<string, number>), optimizers, hyperparameters } as ExperimentConfig,
    view: view as ViewOptions,
  }));

// Hostile material for the fuzzers.
const HUNDRED_KB = 'x'.repeat(100_000);
const HUNDRED_KB_DIGITS = '9'.repeat(100_000);
const DEEP_BRACKETS = `a${'[b]'.repeat(100)}`;
const DEEP_JSON = `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`;
const HOSTILE = [
  'NaN', 'Infinity', '-Infinity', '+Infinity', '-0', '+0', '0', '1e308', '-1e308', '9e999', '-9e999', '1e-400', '5e-324',
  '1.7976931348623157e308', '0x10', '0b11', '0o7', '1,5', '1_000', ' 3 ', '.', '-', '+', 'e5', '1e', '1.2.3', '', ' ',
  'true', 'false', 'null', 'undefined', '[]', '{}', DEEP_BRACKETS, DEEP_JSON, '__proto__', 'constructor', 'prototype',
  '__proto__[polluted]', 'constructor[prototype][polluted]', '😀', '😀'.repeat(40), 'a😀'.repeat(30), '\u202Eevil\u202C', '\u200B1',
  '1\u200B', 'مرحبا', 'שלום', '\uD800', '\uDC00x', '\u0000', '\u001b[31m', '\u0085', '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', "'; DROP TABLE x; --", '%E0%A4%A', '%%%', '%', '%00', '%0A',
  '%C0%AF', '%FF%FE', '&', '=', '==', '&&', '#frag', '?', 'sgd,adam', 'SGD,ADAM', 'sgd,,adam,', 'adam,sgd,adam', 'foo,bar,baz,qux',
  HUNDRED_KB, HUNDRED_KB_DIGITS,
];
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'sgd.__proto__', 'sgd.constructor',
  '__proto__.polluted', 'constructor.prototype.polluted', DEEP_BRACKETS, DEEP_JSON, '', ' ', 'V', 'OPT', 'epochs ', ' epochs',
  'adam.LR', 'adam..lr', '.lr', 'adam.', '😀', '\u202Eepochs', 'epochs\u200B', '<script>alert(1)</script>', '%E0%A4%A', '%%%', HUNDRED_KB];

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

describe('encodeExperimentUrl / decodeExperimentUrl round trip', () => {
  it('encodes the defaults as just the version', () => {
    expect(URL_FORMAT_VERSION).toBe(1);
    const link = encodeExperimentUrl(defaults());
    expect(link).toBe('?v=1');
    expect(decodeExperimentUrl(link)).toStrictEqual({ ...defaults(), notices: [] });
  });

  it('decodes empty and version-only links to the defaults without notices', () => {
    for (const link of ['', '?', '?v=1', 'v=1', '?&&', '?v=1&']) {
      expect(decodeExperimentUrl(link)).toStrictEqual({ ...defaults(), notices: [] });
    }
  });

  it('keeps an edited experiment readable and exact', () => {
    const edited = withDefaults(({ config, view }) => {
      config.epochs = 3;
      config.batchSize = 64;
      config.trainExamples = 2000;
      config.seed = 7;
      config.optimizers = ['sgd', 'adam'];
      config.hyperparameters.sgd.momentum = 0.9;
      config.hyperparameters.sgd.nesterov = true;
      config.hyperparameters.adam.learningRate = 0.01;
      config.hyperparameters.adam.amsgrad = true;
      config.hyperparameters.adagrad.epsilon = 1e-8;
      view.showTrain = false;
    });
    const link = encodeExperimentUrl(edited);

    expect(link.startsWith('?v=1&')).toBe(true);
    for (const part of ['opt=sgd,adam', 'adam.lr=0.01', 'adam.amsgrad=1', 'sgd.momentum=0.9', 'sgd.nesterov=1', 'epochs=3', 'batch=64',
      'examples=2000', 'seed=7', 'adagrad.eps=1e-8', 'train=0']) {
      expect(link.split(/[?&]/)).toContain(part);
    }
    // Human readable: no escapes, no base64/JSON blobs, only plain query characters.
    expect(link).not.toContain('%');
    expect(link).not.toMatch(/%2C/i);
    expect(link).toMatch(/^\?[a-z0-9.,=&+-]+$/i);
    expect(link.length).toBeLessThan(200);
    // Values equal to their defaults are left out.
    for (const absent of ['sgd.lr', 'adam.beta1', 'adam.beta2', 'adam.eps', 'adagrad.lr', 'adadelta.', 'rmsprop.', 'logloss', 'adagrad.accumulator']) {
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
      config.hyperparameters.adam.learningRate = 0.001;
      config.hyperparameters.sgd.nesterov = false;
      config.optimizers = ['rmsprop', 'adadelta', 'adagrad', 'adam', 'sgd']; // order does not matter
      view.showTrain = true;
    });
    expect(encodeExperimentUrl(same)).toBe('?v=1');
  });

  it('generates only experiments that validateExperiment accepts', () => {
    for (const shared of fc.sample(sharedArbitrary, 100)) {
      const everyOptimizer = { ...shared.config, optimizers: [...OPTIMIZER_IDS] };
      expect(validateExperiment(everyOptimizer)).toEqual([]);
    }
  });

  it('round-trips arbitrary valid experiments exactly (property, 300 runs)', () => {
    fc.assert(
      fc.property(sharedArbitrary, (shared) => {
        const link = encodeExperimentUrl(shared);
        const decoded = decodeExperimentUrl(link);
        expect(decoded.notices).toEqual([]);
        expect(decoded.config).toStrictEqual(shared.config);
        expect(decoded.view).toStrictEqual(shared.view);

        // Only non-default values appear, each key once, never escaped commas.
        expect(link).not.toMatch(/%2C/i);
        const params = [...new URLSearchParams(link)];
        expect(params[0]).toEqual(['v', '1']);
        expect(new Set(params.map(([k]) => k)).size).toBe(params.length);
        for (const [key, value] of params.slice(1)) {
          if (key === 'opt') {
            expect(value).not.toBe(OPTIMIZER_IDS.join(','));
            continue;
          }
          const spec = FIELD_SPECS.get(key);
          expect(spec, key).toBeDefined();
          const defaultText = spec!.kind === 'boolean' ? (spec!.defaultValue ? '1' : '0') : String(spec!.defaultValue);
          expect(value).not.toBe(defaultText);
        }
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------
// 3. Versioned fixture
// ---------------------------------------------------------------------------

describe('format version 1 fixture', () => {
  // DO NOT EDIT. This link was produced by format version 1 and may already be shared,
  // bookmarked or printed. It must keep decoding to exactly this experiment after any
  // future change; if the format changes, bump URL_FORMAT_VERSION and keep reading v=1.
  const FIXTURE_V1 =
    '?v=1&opt=sgd,adam,rmsprop&epochs=2&batch=64&examples=2000&seed=9&sgd.lr=0.05&sgd.momentum=0.9&sgd.nesterov=1&adam.lr=0.002&adam.beta2=0.99&adam.eps=1e-8&rmsprop.centered=1&train=0&logloss=1';
  // The same settings in another order, as a person might edit them by hand.
  const FIXTURE_V1_REORDERED =
    '?v=1&epochs=2&batch=64&examples=2000&seed=9&opt=sgd,adam,rmsprop&sgd.lr=0.05&sgd.momentum=0.9&sgd.nesterov=1&adam.lr=0.002&adam.beta2=0.99&adam.eps=1e-8&rmsprop.centered=1&train=0&logloss=1';
  const EXPECTED_CONFIG: ExperimentConfig = {
    network: { hiddenLayers: [128], activation: 'relu' },
    epochs: 2,
    batchSize: 64,
    trainExamples: 2000,
    seed: 9,
    optimizers: ['sgd', 'adam', 'rmsprop'],
    hyperparameters: {
      sgd: { learningRate: 0.05, momentum: 0.9, nesterov: true },
      adam: { learningRate: 0.002, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, amsgrad: false },
      adagrad: { learningRate: 0.001, initialAccumulator: 0.1, epsilon: 1e-7 },
      adadelta: { learningRate: 0.001, rho: 0.95, epsilon: 1e-7 },
      rmsprop: { learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: true },
      nadam: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    },
  };
  const EXPECTED_VIEW: ViewOptions = { showTrain: false, logLoss: true };

  it('decodes to the literal expected experiment with no notices', () => {
    expect(decodeExperimentUrl(FIXTURE_V1)).toStrictEqual({ config: EXPECTED_CONFIG, view: EXPECTED_VIEW, notices: [] });
    expect(decodeExperimentUrl(FIXTURE_V1_REORDERED)).toStrictEqual({ config: EXPECTED_CONFIG, view: EXPECTED_VIEW, notices: [] });
  });

  it('is what the current encoder writes for that experiment (may be updated if only the encoder output changes)', () => {
    expect(encodeExperimentUrl({ config: EXPECTED_CONFIG, view: EXPECTED_VIEW })).toBe(FIXTURE_V1);
  });
});

// ---------------------------------------------------------------------------
// 4. Specific bad values
// ---------------------------------------------------------------------------

describe('decodeExperimentUrl with bad values', () => {
  it('falls back on a non-number', () => {
    const r = decodeOne('?adam.lr=abc');
    expect(r.notice).toBe('Adam learning rate "abc" is not a number; using 0.001.');
    expect(r.config.hyperparameters.adam.learningRate).toBe(0.001);
  });

  it('clamps an out-of-range number to the inclusive bound', () => {
    const r = decodeOne('?adam.lr=5000');
    expect(r.notice).toBe('Adam learning rate "5000" is out of range; using 1000.');
    expect(r.config.hyperparameters.adam.learningRate).toBe(1000);
  });

  it('falls back to the default at an exclusive bound', () => {
    const r = decodeOne('?adam.beta1=1');
    expect(r.notice).toBe('Adam beta 1 "1" is out of range; using 0.9.');
    expect(r.config.hyperparameters.adam.beta1).toBe(0.9);
    const lr = decodeOne('?sgd.lr=0');
    expect(lr.notice).toBe('SGD learning rate "0" is out of range; using 0.01.');
    expect(lr.config.hyperparameters.sgd.learningRate).toBe(0.01);
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
    expect(r.config.optimizers).toEqual(['sgd']);
    // Order and case in the link do not matter; the result is in catalog order.
    const ordered = decodeExperimentUrl('?opt=RMSprop,sgd,adam,sgd');
    expect(ordered.notices).toEqual([]);
    expect(ordered.config.optimizers).toEqual(['sgd', 'adam', 'rmsprop']);
  });

  it('keeps all five optimizers when the link selects none', () => {
    const empty = decodeOne('?opt=');
    expect(empty.notice).toBe('The link selects no known optimizer; using all five.');
    expect(empty.config.optimizers).toEqual([...OPTIMIZER_IDS]);

    // "opt=foo" currently gives two notices: the ignored name and the fallback to all five.
    const foo = decodeExperimentUrl('?opt=foo');
    expectSafeResult(foo);
    expect(foo.config.optimizers).toEqual([...OPTIMIZER_IDS]);
    expect(foo.notices.length).toBeGreaterThanOrEqual(1);
    expect(foo.notices.length).toBeLessThanOrEqual(2);
    expect(foo.notices.join(' ')).toContain('"foo"');
    expect(foo.notices.join(' ')).toContain('using all five');
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
  });

  it('uses the first of a repeated key', () => {
    const r = decodeOne('?epochs=3&epochs=4');
    expect(r.notice).toBe('"epochs" appears more than once; using the first value.');
    expect(r.config.epochs).toBe(3);
  });

  it('decodes a link of another version, with a notice', () => {
    const r = decodeOne('?v=2&epochs=3&adam.lr=0.01');
    expect(r.notice).toBe('The link says format version "2"; this app reads version 1, so some settings may differ.');
    expect(r.config.epochs).toBe(3);
    expect(r.config.hyperparameters.adam.learningRate).toBe(0.01);
  });

  it.each(['NaN', 'Infinity', '-Infinity', '%2BInfinity', '0x10', '0b11', '0o7', '', '%20', '.', '-', '1e', '1.2.3', 'null', '%E0%A4%A', '%%%'])(
    'falls back on adam.lr=%s',
    (raw) => {
      const r = decodeOne(`?adam.lr=${raw}`);
      expect(r.notice.startsWith('Adam learning rate "')).toBe(true);
      expect(r.notice.endsWith('is not a number; using 0.001.')).toBe(true);
      expect(r.config.hyperparameters.adam.learningRate).toBe(0.001);
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
    expect(Object.is(decodeExperimentUrl('?sgd.momentum=-0').config.hyperparameters.sgd.momentum, 0)).toBe(true);
    expect(Object.is(decodeExperimentUrl('?seed=-0').config.seed, 0)).toBe(true);
    // Where 0 itself is not allowed, -0 is refused like 0.
    const lr = decodeOne('?adam.lr=-0');
    expect(lr.notice).toBe('Adam learning rate "-0" is out of range; using 0.001.');
  });

  it('clamps numbers too large for a double, like any out-of-range number', () => {
    const big = decodeOne('?adam.lr=1e999');
    expect(big.notice).toBe('Adam learning rate "1e999" is out of range; using 1000.');
    expect(big.config.hyperparameters.adam.learningRate).toBe(1000);
    // Below an exclusive minimum there is no bound to clamp to: the default is kept.
    const small = decodeOne('?adam.lr=-1e999');
    expect(small.notice).toBe('Adam learning rate "-1e999" is out of range; using 0.001.');
    expect(small.config.hyperparameters.adam.learningRate).toBe(0.001);
    expect(decodeOne('?epochs=9e999').config.epochs).toBe(100);
    expect(decodeOne('?seed=-1e999').config.seed).toBe(0);
    expect(decodeOne('?adam.beta1=1e999').config.hyperparameters.adam.beta1).toBe(0.9);
  });

  it('clamps huge finite numbers', () => {
    expect(decodeOne('?adam.lr=1e308').config.hyperparameters.adam.learningRate).toBe(1000);
    expect(decodeOne('?seed=-1e308').config.seed).toBe(0);
    expect(decodeOne('?adam.eps=1e-400').config.hyperparameters.adam.epsilon).toBe(1e-12);
  });

  it('refuses a 100 KB value and cuts the quote at 40 characters', () => {
    const r = decodeOne(`?adam.lr=${'1'.repeat(100_000)}`);
    expect(r.notice).toBe(`Adam learning rate "${'1'.repeat(40)}…" is too long; using 0.001.`);
    expect(r.config.hyperparameters.adam.learningRate).toBe(0.001);

    const key = decodeOne(`?${'k'.repeat(100_000)}=1`);
    expect(key.notice).toBe(`Ignored unknown setting "${'k'.repeat(40)}…".`);
  });

  it('refuses an unclear boolean and keeps the default', () => {
    const r = decodeOne('?sgd.nesterov=maybe');
    expect(r.notice).toBe('SGD nesterov momentum "maybe" is not on or off; using off.');
    expect(r.config.hyperparameters.sgd.nesterov).toBe(false);
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
    expect(r.config.hyperparameters.adam.amsgrad).toBe(expected);
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
