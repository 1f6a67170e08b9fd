import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { version as PACKAGE_VERSION } from '../../package.json';
import { defaultExperiment, validateExperiment, type ExperimentConfig } from './config';
import type { EpochMetrics } from './metrics';
import { OPTIMIZER_IDS, OPTIMIZERS } from './optimizers';
import {
  buildResults,
  MAX_RESULTS_BYTES,
  parseResultsFile,
  resultsToCsv,
  resultsToJson,
  RESULTS_FORMAT,
  RESULTS_VERSION,
  type ExperimentResults,
  type ParseResultsOutcome,
} from './resultsFile';
import { decodeExperimentUrl, encodeExperimentUrl } from './urlState';
import { defaultView } from './view';

const CSV_HEADER = 'optimizer,epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,samples_per_second,status,backend,precision';

function metrics(epoch: number, overrides: Partial<EpochMetrics> = {}): EpochMetrics {
  return {
    epoch,
    trainLoss: 0.5 / epoch,
    trainAccuracy: 0.8 + epoch / 100,
    testLoss: 0.45 / epoch,
    testAccuracy: 0.81 + epoch / 100,
    seconds: 2.25,
    samplesPerSecond: 26_666.666666666668,
    ...overrides,
  };
}

/** A non-default experiment: three of five optimizers, edited settings. */
function experiment(): ExperimentConfig {
  const config = defaultExperiment();
  config.epochs = 3;
  config.batchSize = 64;
  config.trainExamples = 12_000;
  config.seed = 7;
  config.optimizers = ['sgd', 'adam', 'rmsprop'];
  config.hyperparameters.sgd.learningRate = 0.05;
  config.hyperparameters.sgd.momentum = 0.9;
  config.hyperparameters.sgd.nesterov = true;
  config.hyperparameters.adam.learningRate = 2.5;
  return config;
}

/** sgd finished, adam diverged in epoch 2, rmsprop stopped after one epoch. */
function sampleResults(): ExperimentResults {
  return buildResults(experiment(), { name: 'webgl', precision: 'float16' }, [
    { optimizer: 'sgd', status: 'done', history: [metrics(1, { trainLoss: 0.123456789 }), metrics(2), metrics(3)] },
    { optimizer: 'adam', status: 'diverged', divergence: { epoch: 2, batch: 17 }, history: [metrics(1, { trainLoss: 3.3, testAccuracy: 0.1 })] },
    { optimizer: 'rmsprop', status: 'stopped', history: [metrics(1)] },
  ]);
}

/** The exported JSON as a mutable object. */
function sampleJson(): Record<string, any> {
  return JSON.parse(resultsToJson(sampleResults()));
}

function refused(outcome: ParseResultsOutcome, fileName: string): string {
  expect(outcome.ok).toBe(false);
  if (outcome.ok) throw new Error('unreachable');
  expect(typeof outcome.message).toBe('string');
  expect(outcome.message.startsWith(fileName)).toBe(true);
  expect(outcome.message.endsWith('Nothing was changed.')).toBe(true);
  return outcome.message;
}

function parseObject(value: unknown, fileName = 'bad.json'): ParseResultsOutcome {
  return parseResultsFile(JSON.stringify(value), fileName);
}

describe('results file: JSON export and round trip', () => {
  it('buildResults records the app version, a timestamp and its arguments', () => {
    const results = sampleResults();
    expect(results.appVersion).toBe(PACKAGE_VERSION);
    expect(new Date(results.exportedAt).toISOString()).toBe(results.exportedAt);
    expect(results.experiment).toEqual(experiment());
    expect(results.backend).toEqual({ name: 'webgl', precision: 'float16' });
    expect(results.runs.map((r) => r.optimizer)).toEqual(['sgd', 'adam', 'rmsprop']);
  });

  it('round trip gives back the same experiment, backend and runs (diverged and stopped included)', () => {
    const results = sampleResults();
    const outcome = parseResultsFile(resultsToJson(results), 'run.json');
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.results).toEqual(results);
    expect(outcome.results.experiment).toEqual(results.experiment);
    expect(outcome.results.backend).toEqual(results.backend);
    expect(outcome.results.runs).toEqual(results.runs);
    const adam = outcome.results.runs.find((r) => r.optimizer === 'adam')!;
    expect(adam.status).toBe('diverged');
    expect(adam.divergence).toEqual({ epoch: 2, batch: 17 });
    const rmsprop = outcome.results.runs.find((r) => r.optimizer === 'rmsprop')!;
    expect(rmsprop.status).toBe('stopped');
    expect(rmsprop.divergence).toBeUndefined();
    // Exact floats survive.
    expect(outcome.results.runs[0].history[0].trainLoss).toBe(0.123456789);
    expect(outcome.results.runs[0].history[0].samplesPerSecond).toBe(26_666.666666666668);
    // The format fields and the link are not part of the results.
    expect(outcome.results).not.toHaveProperty('format');
    expect(outcome.results).not.toHaveProperty('version');
    expect(outcome.results).not.toHaveProperty('link');
  });

  it('round trips a null backend and the default experiment', () => {
    const results = buildResults(defaultExperiment(), null, [{ optimizer: 'adadelta', status: 'done', history: [metrics(1)] }]);
    const outcome = parseResultsFile(resultsToJson(results));
    expect(outcome).toEqual({ ok: true, results });
  });

  it('the JSON carries format, version, appVersion and a link to the experiment', () => {
    const results = sampleResults();
    const text = resultsToJson(results);
    expect(text.endsWith('\n')).toBe(true);
    const json = JSON.parse(text);
    expect(json.format).toBe('optimizer-playground-results');
    expect(json.format).toBe(RESULTS_FORMAT);
    expect(json.version).toBe(1);
    expect(RESULTS_VERSION).toBe(1);
    expect(json.appVersion).toBe(PACKAGE_VERSION);
    expect(json.link).toBe(encodeExperimentUrl({ config: results.experiment, view: defaultView() }));
    // The link really opens the same experiment.
    const decoded = decodeExperimentUrl(json.link);
    expect(decoded.notices).toEqual([]);
    expect(decoded.config).toEqual(results.experiment);
  });
});

describe('results file: CSV export', () => {
  it('has the exact header and one row per optimizer per epoch, labelled by display name', () => {
    const results = sampleResults();
    const csv = resultsToCsv(results);
    expect(csv.endsWith('\n')).toBe(true);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_HEADER);
    const rows = lines.slice(1).map((line) => line.split(','));
    expect(rows).toHaveLength(3 + 1 + 1);
    for (const row of rows) expect(row).toHaveLength(CSV_HEADER.split(',').length);
    expect(rows.map((r) => [r[0], r[1], r[8]])).toEqual([
      [OPTIMIZERS.sgd.label, '1', 'done'],
      [OPTIMIZERS.sgd.label, '2', 'done'],
      [OPTIMIZERS.sgd.label, '3', 'done'],
      [OPTIMIZERS.adam.label, '1', 'diverged'],
      [OPTIMIZERS.rmsprop.label, '1', 'stopped'],
    ]);
    expect(rows.map((r) => r[0])).toEqual(['SGD', 'SGD', 'SGD', 'Adam', 'RMSprop']);
    for (const row of rows) expect(row.slice(9)).toEqual(['webgl', 'float16']);
  });

  it('writes numbers at full precision', () => {
    const csv = resultsToCsv(sampleResults());
    const m = metrics(1, { trainLoss: 0.123456789 });
    expect(csv).toContain('0.123456789');
    expect(csv.split('\n')[1]).toBe(
      ['SGD', 1, '0.123456789', m.trainAccuracy, m.testLoss, m.testAccuracy, m.seconds, '26666.666666666668', 'done', 'webgl', 'float16'].join(','),
    );
    for (const [i, line] of csv.trimEnd().split('\n').slice(1).entries()) {
      const run = sampleResults().runs.flatMap((r) => r.history)[i];
      const cells = line.split(',');
      expect(Number(cells[2])).toBe(run.trainLoss);
      expect(Number(cells[3])).toBe(run.trainAccuracy);
      expect(Number(cells[4])).toBe(run.testLoss);
      expect(Number(cells[5])).toBe(run.testAccuracy);
      expect(Number(cells[7])).toBe(run.samplesPerSecond);
    }
  });

  it('leaves backend and precision empty without a backend, and has only the header without epochs', () => {
    const results = buildResults(experiment(), null, [{ optimizer: 'sgd', status: 'done', history: [metrics(1)] }]);
    const row = resultsToCsv(results).trimEnd().split('\n')[1].split(',');
    expect(row.slice(8)).toEqual(['done', '', '']);
    const empty = buildResults(experiment(), null, [{ optimizer: 'sgd', status: 'queued', history: [] }]);
    expect(resultsToCsv(empty)).toBe(`${CSV_HEADER}\n`);
  });
});

describe('results file: refusals', () => {
  it('refuses invalid JSON, naming the file', () => {
    for (const text of ['{"hello": ', '', 'not json', '{"a":1}}', "{'a': 1}"]) {
      const message = refused(parseResultsFile(text, 'notes.json'), 'notes.json');
      expect(message).toContain('not valid JSON');
    }
  });

  it('uses "The file" when no name is given, and shortens very long names', () => {
    refused(parseResultsFile('{'), 'The file');
    const long = `${'x'.repeat(200)}.json`;
    const message = refused(parseResultsFile('{', long), 'x'.repeat(60));
    expect(message).not.toContain('x'.repeat(61));
  });

  it('refuses a wrong format string and a missing format', () => {
    const json = sampleJson();
    json.format = 'something-else';
    expect(refused(parseObject(json), 'bad.json')).toContain('not an Optimizer Playground results file');
    delete json.format;
    refused(parseObject(json), 'bad.json');
  });

  it('refuses version 2 (and "1" as a string)', () => {
    const json = sampleJson();
    json.version = 2;
    expect(refused(parseObject(json), 'bad.json')).toContain('only results format version 1 can be opened');
    json.version = '1';
    refused(parseObject(json), 'bad.json');
  });

  it('refuses a missing experiment and a missing runs list', () => {
    const json = sampleJson();
    delete json.experiment;
    expect(refused(parseObject(json), 'bad.json')).toContain('experiment');
    const noRuns = sampleJson();
    delete noRuns.runs;
    expect(refused(parseObject(noRuns), 'bad.json')).toContain('runs');
  });

  it.each([0, -1, 5000, 1000.5])('refuses adam learningRate %s (validateExperiment)', (learningRate) => {
    const json = sampleJson();
    json.experiment.hyperparameters.adam.learningRate = learningRate;
    const message = refused(parseObject(json), 'bad.json');
    expect(message).toContain('invalid settings');
    expect(message).toContain('Adam');
  });

  it('refuses other settings that validateExperiment rejects', () => {
    const cases: ((j: Record<string, any>) => void)[] = [
      (j) => (j.experiment.epochs = 0),
      (j) => (j.experiment.epochs = 101),
      (j) => (j.experiment.batchSize = 1.5),
      (j) => (j.experiment.trainExamples = 999),
      (j) => (j.experiment.seed = -1),
      (j) => (j.experiment.optimizers = []),
      (j) => delete j.experiment.hyperparameters.sgd.learningRate,
      (j) => (j.experiment.hyperparameters.sgd.nesterov = 1),
      (j) => (j.experiment.hyperparameters.sgd.learningRate = true),
      (j) => (j.experiment.hyperparameters.rmsprop.rho = 1),
      (j) => delete j.experiment.hyperparameters.adam,
      (j) => (j.experiment.seed = '42'),
    ];
    for (const mutate of cases) {
      const json = sampleJson();
      mutate(json);
      refused(parseObject(json), 'bad.json');
    }
  });

  it('refuses a string metric value, and Infinity written as 1e999', () => {
    const json = sampleJson();
    json.runs[0].history[0].trainLoss = '0.5';
    expect(refused(parseObject(json), 'bad.json')).toContain('runs.0.history.0.trainLoss');
    const text = resultsToJson(sampleResults()).replace('"trainLoss": 0.123456789', '"trainLoss": 1e999');
    expect(text).toContain('1e999');
    refused(parseResultsFile(text, 'bad.json'), 'bad.json');
    const negative = resultsToJson(sampleResults()).replace('"trainLoss": 0.123456789', '"trainLoss": -1e999');
    refused(parseResultsFile(negative, 'bad.json'), 'bad.json');
  });

  it('refuses accuracy outside [0, 1], epoch 0, fractional epochs and negative time', () => {
    const cases: ((m: Record<string, any>) => void)[] = [
      (m) => (m.trainAccuracy = 1.5),
      (m) => (m.testAccuracy = 1.5),
      (m) => (m.testAccuracy = -0.1),
      (m) => (m.epoch = 0),
      (m) => (m.epoch = 101),
      (m) => (m.epoch = 1.5),
      (m) => (m.seconds = -1),
      (m) => (m.samplesPerSecond = -1),
      (m) => delete m.testLoss,
      (m) => (m.testLoss = null),
    ];
    for (const mutate of cases) {
      const json = sampleJson();
      mutate(json.runs[0].history[0]);
      expect(refused(parseObject(json), 'bad.json')).toContain('runs.0.history.0');
    }
  });

  it('refuses 101 history entries but accepts 100', () => {
    const json = sampleJson();
    json.runs[0].history = Array.from({ length: 101 }, (_, i) => metrics(Math.min(i + 1, 100), { trainAccuracy: 0.9, testAccuracy: 0.9 }));
    refused(parseObject(json), 'bad.json');
    json.runs[0].history = json.runs[0].history.slice(0, 100);
    json.experiment.epochs = 100; // a history may not run past the experiment's epochs
    expect(parseObject(json).ok).toBe(true);
  });

  it('refuses an unknown optimizer id, in the runs or in the experiment', () => {
    const json = sampleJson();
    json.runs[0].optimizer = 'nadam';
    expect(refused(parseObject(json), 'bad.json')).toContain('runs.0.optimizer');
    const inExperiment = sampleJson();
    inExperiment.experiment.optimizers = ['sgd', 'nadam'];
    refused(parseObject(inExperiment), 'bad.json');
    const asProto = sampleJson();
    asProto.runs[0].optimizer = '__proto__';
    refused(parseObject(asProto), 'bad.json');
  });

  it('refuses the same optimizer twice', () => {
    const json = sampleJson();
    json.runs.push({ ...json.runs[0] });
    expect(refused(parseObject(json), 'bad.json')).toContain('lists an optimizer twice');
  });

  it('refuses runs that are not a non-empty array, and unknown statuses', () => {
    for (const runs of [{}, 'runs', null, 1, [], { 0: sampleJson().runs[0] }]) {
      const json = sampleJson();
      json.runs = runs;
      refused(parseObject(json), 'bad.json');
    }
    const json = sampleJson();
    json.runs[0].status = 'finished';
    refused(parseObject(json), 'bad.json');
    const divergence = sampleJson();
    divergence.runs[1].divergence = { epoch: 0, batch: 1 };
    refused(parseObject(divergence), 'bad.json');
  });

  it('refuses a text larger than MAX_RESULTS_BYTES without parsing it', () => {
    const valid = resultsToJson(sampleResults());
    const padded = valid + ' '.repeat(MAX_RESULTS_BYTES - valid.length + 1);
    expect(padded.length).toBe(MAX_RESULTS_BYTES + 1);
    const message = refused(parseResultsFile(padded, 'huge.json'), 'huge.json');
    expect(message).toContain('too large');
    // At the limit it is still read.
    expect(parseResultsFile(padded.slice(0, MAX_RESULTS_BYTES), 'huge.json').ok).toBe(true);
  });

  it('refuses non-object JSON', () => {
    for (const text of ['null', '[]', '1', '"results"', 'true', '[{"format":"optimizer-playground-results"}]']) {
      refused(parseResultsFile(text, 'bad.json'), 'bad.json');
    }
  });
});

describe('results file: untrusted content', () => {
  it('keeps runs only for optimizers in the experiment', () => {
    const json = sampleJson();
    json.experiment.optimizers = ['sgd', 'rmsprop'];
    const outcome = parseObject(json);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.results.runs.map((r) => r.optimizer)).toEqual(['sgd', 'rmsprop']);
    expect(outcome.results.experiment.optimizers).toEqual(['sgd', 'rmsprop']);
  });

  it('__proto__ and constructor keys never pollute Object.prototype', () => {
    const base = resultsToJson(sampleResults());
    const hostile = base
      .replace('"format"', '"__proto__": {"polluted": "top"}, "constructor": {"prototype": {"polluted": "ctor"}}, "format"')
      .replace('"epochs"', '"__proto__": {"polluted": "experiment"}, "epochs"')
      .replace('"sgd": {', '"__proto__": {"polluted": "hyperparameters"}, "sgd": {')
      .replace('"learningRate": 2.5', '"__proto__": {"polluted": "adam"}, "learningRate": 2.5')
      .replace('"status": "done"', '"__proto__": {"polluted": "run"}, "status": "done"')
      .replace('"epoch": 1,', '"__proto__": {"polluted": "metrics"}, "epoch": 1,')
      .replace('"name": "webgl"', '"__proto__": {"polluted": "backend"}, "name": "webgl"');
    expect(hostile.match(/__proto__/g)?.length).toBeGreaterThanOrEqual(7);
    const outcome = parseResultsFile(hostile, 'proto.json');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    if (outcome.ok) {
      const r = outcome.results;
      const objects: object[] = [r, r.experiment, r.experiment.hyperparameters, r.backend!, ...Object.values(r.experiment.hyperparameters), ...r.runs, ...r.runs.flatMap((x) => x.history)];
      for (const o of objects) {
        expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
        expect((o as Record<string, unknown>).polluted).toBeUndefined();
      }
      expect(r).toEqual({ ...sampleResults(), exportedAt: r.exportedAt });
    } else {
      refused(outcome, 'proto.json');
    }
    // Also as a hyperparameter value of every JSON type.
    for (const value of ['{"polluted": 1}', '5', 'true', 'null', '[1]']) {
      const text = base.replace('"learningRate": 2.5', `"__proto__": ${value}, "learningRate": 2.5`);
      const result = parseResultsFile(text, 'proto.json');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      if (result.ok) expect(Object.getPrototypeOf(result.results.experiment.hyperparameters.adam)).toBe(Object.prototype);
    }
  });

  it('HTML and script strings come back only as plain strings, or are refused', () => {
    const script = '<script>alert(1)</script>';
    const json = sampleJson();
    json.appVersion = script;
    json.exportedAt = '<img src=x onerror=a>';
    json.backend.name = '<b onclick=a>x</b>';
    json.experiment.hyperparameters.sgd['<svg onload=a>'] = 1;
    json.link = `javascript:${script}`;
    const outcome = parseObject(json, `${script}.json`);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.results.appVersion).toBe(script);
    expect(outcome.results.exportedAt).toBe('<img src=x onerror=a>');
    expect(outcome.results.backend).toEqual({ name: '<b onclick=a>x</b>', precision: 'float16' });
    expect(outcome.results.experiment.hyperparameters.sgd['<svg onload=a>']).toBe(1);
    expect(outcome.results).not.toHaveProperty('link');

    // Strings where an id, a status, a number or an enum belongs are refused, never thrown.
    const places: ((j: Record<string, any>) => void)[] = [
      (j) => (j.runs[0].optimizer = script),
      (j) => (j.runs[0].status = script),
      (j) => (j.runs[0].history[0].testAccuracy = script),
      (j) => (j.experiment.optimizers = [script]),
      (j) => (j.experiment.epochs = script),
      (j) => (j.experiment.hyperparameters.adam.learningRate = script),
      (j) => (j.backend.precision = script),
      (j) => (j.backend.name = script.repeat(2)),
      (j) => (j.appVersion = script.repeat(3)),
      (j) => (j.format = script),
    ];
    for (const mutate of places) {
      const bad = sampleJson();
      mutate(bad);
      let result: ParseResultsOutcome | undefined;
      expect(() => (result = parseObject(bad, 'x<b>.json'))).not.toThrow();
      refused(result!, 'x<b>.json');
    }
  });
});

/** Every path to a value inside `root` (the root itself excluded). */
function paths(root: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  const walk = (node: unknown, path: (string | number)[]) => {
    if (node === null || typeof node !== 'object') return;
    for (const key of Object.keys(node)) {
      const next = [...path, Array.isArray(node) ? Number(key) : key];
      out.push(next);
      walk((node as Record<string, unknown>)[key], next);
    }
  };
  walk(root, []);
  return out;
}

function parentOf(root: unknown, path: (string | number)[]): Record<string | number, unknown> {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  return node;
}

type Mutation = { kind: 'delete' | 'replace'; pick: number; value: unknown; leafOnly: boolean };

function mutate(json: unknown, mutations: Mutation[]): unknown {
  const copy = structuredClone(json);
  for (const m of mutations) {
    let candidates = paths(copy);
    if (m.leafOnly) {
      candidates = candidates.filter((p) => {
        const v = parentOf(copy, p)[p[p.length - 1]];
        return v === null || typeof v !== 'object';
      });
    }
    if (candidates.length === 0) break;
    const path = candidates[m.pick % candidates.length];
    const parent = parentOf(copy, path);
    const key = path[path.length - 1];
    if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else {
      parent[key] = m.value;
    }
  }
  return copy;
}

function checkOutcome(outcome: ParseResultsOutcome) {
  if (outcome.ok) {
    expect(validateExperiment(outcome.results.experiment)).toEqual([]);
    for (const run of outcome.results.runs) expect(outcome.results.experiment.optimizers).toContain(run.optimizer);
    expect(new Set(outcome.results.runs.map((r) => r.optimizer)).size).toBe(outcome.results.runs.length);
  } else {
    expect(typeof outcome.message).toBe('string');
    expect(outcome.message.endsWith('Nothing was changed.')).toBe(true);
  }
}

describe('results file: properties', () => {
  it('never throws on arbitrary strings, and refuses them', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 80 }), (text, name) => {
        const outcome = parseResultsFile(text, name);
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) expect(typeof outcome.message).toBe('string');
        checkOutcome(outcome);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary JSON values, and refuses them unless valid', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const outcome = parseResultsFile(JSON.stringify(value) ?? 'null', 'any.json');
        expect(outcome.ok).toBe(false);
        checkOutcome(outcome);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary objects that look like a results file', () => {
    fc.assert(
      fc.property(
        fc.record({
          format: fc.constantFrom(RESULTS_FORMAT, 'x'),
          version: fc.constantFrom(1, 2, '1'),
          appVersion: fc.string(),
          exportedAt: fc.string(),
          experiment: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(sampleJson().experiment)),
          backend: fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 })),
          runs: fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.constant(sampleJson().runs)),
        }),
        (value) => checkOutcome(parseObject(value, 'shaped.json')),
      ),
      { numRuns: 200 },
    );
  });

  it('mutating a valid file never throws, and anything accepted passes validateExperiment', () => {
    const valid = sampleJson();
    const mutation = fc.record({
      kind: fc.constantFrom('delete' as const, 'replace' as const),
      pick: fc.nat(),
      value: fc.jsonValue({ maxDepth: 2 }),
      leafOnly: fc.boolean(),
    });
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const text = JSON.stringify(mutate(valid, mutations));
        let outcome: ParseResultsOutcome | undefined;
        expect(() => (outcome = parseResultsFile(text, 'mutated.json'))).not.toThrow();
        if (outcome!.ok) accepted++;
        checkOutcome(outcome!);
      }),
      { numRuns: 300 },
    );
    // Some mutations (an extra key, a harmless value) keep the file valid; the property saw both kinds.
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('results file: every optimizer', () => {
  it('round trips a run for each optimizer in the catalog', () => {
    const config = defaultExperiment();
    const results = buildResults(
      config,
      { name: 'cpu', precision: 'float32' },
      OPTIMIZER_IDS.map((optimizer, i) => ({ optimizer, status: 'done' as const, history: [metrics(1, { seconds: i })] })),
    );
    const outcome = parseResultsFile(resultsToJson(results));
    expect(outcome).toEqual({ ok: true, results });
    const csvRows = resultsToCsv(results).trimEnd().split('\n').slice(1);
    expect(csvRows.map((row) => row.split(',')[0])).toEqual(OPTIMIZER_IDS.map((id) => OPTIMIZERS[id].label));
  });
});

describe('results file: consistency with its experiment', () => {
  it('puts the selection in catalog order and refuses duplicates, empty runs and epochs out of order', () => {
    const reordered = sampleJson();
    reordered.experiment.optimizers = [...reordered.experiment.optimizers].reverse();
    const outcome = parseObject(reordered);
    expect(outcome.ok && outcome.results.experiment.optimizers).toEqual([...sampleJson().experiment.optimizers]);

    const twice = sampleJson();
    twice.experiment.optimizers = [twice.experiment.optimizers[0], twice.experiment.optimizers[0]];
    expect(refused(parseObject(twice), 'bad.json')).toContain('twice');

    const skipped = sampleJson();
    skipped.runs[0].history = [skipped.runs[0].history[0], { ...skipped.runs[0].history[0], epoch: 3 }];
    expect(refused(parseObject(skipped), 'bad.json')).toContain('out of order');
  });
});
