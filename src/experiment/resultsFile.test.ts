import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { version as PACKAGE_VERSION } from '../../package.json';
import { defaultExperiment, trainingContestants, validateExperiment, type ExperimentConfig } from './config';
import { contestantKey, MAX_CONTESTANTS, MAX_PER_OPTIMIZER, type Contestant } from './contestants';
import type { EpochMetrics } from './metrics';
import { OPTIMIZER_IDS, OPTIMIZERS, optimizerDefaults } from './optimizers';
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

/** The shared knobs as every file written before them meant them: off (AdamW's weight decay was already its own). */
const KNOBS_OFF = { weightDecay: 0, clipNorm: 0, clipValue: 0, globalClipNorm: 0 };

const CSV_HEADER = 'contestant,optimizer,seed,epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,samples_per_second,status,backend,precision';

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

/** The contestant of a config by key ("adam", "adam2"). */
function contestant(config: Pick<ExperimentConfig, 'contestants'>, key: string): Contestant {
  const found = config.contestants.find((c) => contestantKey(c) === key);
  if (!found) throw new Error(`no contestant ${key}`);
  return found;
}

/** A non-default experiment: three of the catalog's optimizers, edited settings, a 2-layer network. */
function experiment(): ExperimentConfig {
  const config = defaultExperiment();
  config.epochs = 3;
  config.batchSize = 64;
  config.trainExamples = 12_000;
  config.seed = 7;
  config.network = { hiddenLayers: [64, 32], activation: 'sigmoid' };
  for (const c of config.contestants) c.selected = ['sgd', 'adam', 'rmsprop'].includes(c.optimizer);
  contestant(config, 'sgd').hyperparameters.learningRate = 0.05;
  contestant(config, 'sgd').hyperparameters.momentum = 0.9;
  contestant(config, 'sgd').hyperparameters.nesterov = true;
  contestant(config, 'adam').hyperparameters.learningRate = 2.5;
  return config;
}

/** sgd finished, adam diverged in epoch 2, rmsprop stopped after one epoch. */
function sampleResults(): ExperimentResults {
  return buildResults(experiment(), { name: 'webgl', precision: 'float16' }, [
    { contestant: 'sgd', seed: 7, status: 'done', history: [metrics(1, { trainLoss: 0.123456789 }), metrics(2), metrics(3)] },
    { contestant: 'adam', seed: 7, status: 'diverged', divergence: { epoch: 2, batch: 17 }, history: [metrics(1, { trainLoss: 3.3, testAccuracy: 0.1 })] },
    { contestant: 'rmsprop', seed: 7, status: 'stopped', history: [metrics(1)] },
  ]);
}

/** Adam beside Adam 2 (lr 0.01), an unticked Adam 3 with an edit, and RMSprop. */
function twoAdamsResults(): ExperimentResults {
  const config = defaultExperiment();
  config.epochs = 2;
  for (const c of config.contestants) c.selected = c.optimizer === 'adam' || c.optimizer === 'rmsprop';
  config.contestants.splice(
    2,
    0,
    { optimizer: 'adam', ordinal: 2, selected: true, hyperparameters: { ...optimizerDefaults('adam'), learningRate: 0.01 } },
    { optimizer: 'adam', ordinal: 3, selected: false, hyperparameters: { ...optimizerDefaults('adam'), beta1: 0.5 } },
  );
  return buildResults(config, { name: 'wasm', precision: 'float32' }, [
    { contestant: 'adam', seed: 42, status: 'done', history: [metrics(1), metrics(2)] },
    { contestant: 'adam2', seed: 42, status: 'diverged', divergence: { epoch: 2, batch: 3 }, history: [metrics(1, { testAccuracy: 0.5 })] },
    { contestant: 'rmsprop', seed: 42, status: 'done', history: [metrics(1), metrics(2, { testAccuracy: 0.97 })] },
  ]);
}

/** twoAdamsResults' contestant keys: every optimizer's first in catalog order, "adam2" and "adam3" right after "adam". */
const TWO_ADAMS_KEYS = OPTIMIZER_IDS.flatMap((id): string[] => (id === 'adam' ? ['adam', 'adam2', 'adam3'] : [id]));

/** The exported JSON as a mutable object. */
function sampleJson(): Record<string, any> {
  return JSON.parse(resultsToJson(sampleResults()));
}

/** A contestant of an exported JSON, by key. */
function jsonContestant(json: Record<string, any>, key: string): Record<string, any> {
  return json.experiment.contestants.find((c: Contestant) => contestantKey(c) === key);
}

// DO NOT EDIT either fixture. results-v1-article.json is docs/results/article.json as the app
// wrote it in format version 1 (byte for byte); results-v2-adam-adam2.json was written by
// resultsToJson in format version 2 (Adam beside Adam 2 at lr 0.01, a 2 x 256 tanh network,
// an unticked RMSprop with centering on). Files like these are on people's disks: every later
// version must open them to exactly the experiment and the numbers below.
const FIXTURE_V1 = readFileSync(new URL('./fixtures/results-v1-article.json', import.meta.url), 'utf8');
const FIXTURE_V2 = readFileSync(new URL('./fixtures/results-v2-adam-adam2.json', import.meta.url), 'utf8');

/** The v1 fixture as a mutable object. */
function v1Json(): Record<string, any> {
  return JSON.parse(FIXTURE_V1);
}

function opened(outcome: ParseResultsOutcome): ExperimentResults {
  if (!outcome.ok) throw new Error(`refused: ${outcome.message}`);
  return outcome.results;
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
    expect(results.runs.map((r) => r.contestant)).toEqual(['sgd', 'adam', 'rmsprop']);
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
    const adam = outcome.results.runs.find((r) => r.contestant === 'adam')!;
    expect(adam.status).toBe('diverged');
    expect(adam.divergence).toEqual({ epoch: 2, batch: 17 });
    const rmsprop = outcome.results.runs.find((r) => r.contestant === 'rmsprop')!;
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

  it('round trips two contestants of one optimizer, an unticked one with edits, and the network', () => {
    const results = twoAdamsResults();
    const outcome = parseResultsFile(resultsToJson(results), 'adams.json');
    expect(outcome).toEqual({ ok: true, results });
    const experiment = opened(outcome).experiment;
    expect(experiment.contestants.map(contestantKey)).toEqual(TWO_ADAMS_KEYS);
    expect(contestant(experiment, 'adam2').hyperparameters.learningRate).toBe(0.01);
    expect(contestant(experiment, 'adam3')).toMatchObject({ selected: false, hyperparameters: { beta1: 0.5 } });
    expect(opened(parseResultsFile(resultsToJson(sampleResults()))).experiment.network).toEqual({ hiddenLayers: [64, 32], activation: 'sigmoid' });
  });

  it('round trips a null backend and the default experiment', () => {
    const results = buildResults(defaultExperiment(), null, [{ contestant: 'adadelta', seed: 42, status: 'done', history: [metrics(1)] }]);
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
    expect(json.version).toBe(3);
    expect(RESULTS_VERSION).toBe(3);
    expect(json.experiment.seeds).toBe(1);
    expect(json.runs.map((r: { seed: number }) => r.seed)).toEqual([7, 7, 7]);
    expect(json.experiment.network).toEqual({ hiddenLayers: [64, 32], activation: 'sigmoid' });
    expect(json.experiment.contestants[0]).toEqual({ optimizer: 'sgd', ordinal: 1, selected: true, hyperparameters: { ...KNOBS_OFF, learningRate: 0.05, momentum: 0.9, nesterov: true } });
    expect(json.experiment).not.toHaveProperty('optimizers');
    expect(json.runs.map((r: { contestant: string }) => r.contestant)).toEqual(['sgd', 'adam', 'rmsprop']);
    expect(json.appVersion).toBe(PACKAGE_VERSION);
    expect(json.link).toBe(encodeExperimentUrl({ config: results.experiment, view: defaultView() }));
    // The link really opens the same experiment.
    const decoded = decodeExperimentUrl(json.link);
    expect(decoded.notices).toEqual([]);
    expect(decoded.config).toEqual(results.experiment);
    // Adam 2 and the network travel in the link too.
    const adams = JSON.parse(resultsToJson(twoAdamsResults()));
    expect(adams.link).toContain('opt=adam,adam2,rmsprop');
    expect(adams.link).toContain('adam2.lr=0.01');
    expect(decodeExperimentUrl(adams.link).config).toEqual(twoAdamsResults().experiment);
  });
});

describe('results file: CSV export', () => {
  it('has the exact header and one row per contestant per epoch, labelled by name and optimizer', () => {
    const results = sampleResults();
    const csv = resultsToCsv(results);
    expect(csv.endsWith('\n')).toBe(true);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe(CSV_HEADER);
    const rows = lines.slice(1).map((line) => line.split(','));
    expect(rows).toHaveLength(3 + 1 + 1);
    for (const row of rows) expect(row).toHaveLength(CSV_HEADER.split(',').length);
    expect(rows.map((r) => [r[0], r[1], r[2], r[3], r[10]])).toEqual([
      [OPTIMIZERS.sgd.label, 'sgd', '7', '1', 'done'],
      [OPTIMIZERS.sgd.label, 'sgd', '7', '2', 'done'],
      [OPTIMIZERS.sgd.label, 'sgd', '7', '3', 'done'],
      [OPTIMIZERS.adam.label, 'adam', '7', '1', 'diverged'],
      [OPTIMIZERS.rmsprop.label, 'rmsprop', '7', '1', 'stopped'],
    ]);
    expect(rows.map((r) => r[0])).toEqual(['SGD', 'SGD', 'SGD', 'Adam', 'RMSprop']);
    for (const row of rows) expect(row.slice(11)).toEqual(['webgl', 'float16']);
  });

  it('names Adam and Adam 2 apart, both with optimizer adam', () => {
    const rows = resultsToCsv(twoAdamsResults()).trimEnd().split('\n').slice(1).map((line) => line.split(','));
    expect(rows.map((r) => [r[0], r[1], r[3], r[10]])).toEqual([
      ['Adam', 'adam', '1', 'done'],
      ['Adam', 'adam', '2', 'done'],
      ['Adam 2', 'adam', '1', 'diverged'],
      ['RMSprop', 'rmsprop', '1', 'done'],
      ['RMSprop', 'rmsprop', '2', 'done'],
    ]);
  });

  it('writes numbers at full precision', () => {
    const csv = resultsToCsv(sampleResults());
    const m = metrics(1, { trainLoss: 0.123456789 });
    expect(csv).toContain('0.123456789');
    expect(csv.split('\n')[1]).toBe(
      ['SGD', 'sgd', 7, 1, '0.123456789', m.trainAccuracy, m.testLoss, m.testAccuracy, m.seconds, '26666.666666666668', 'done', 'webgl', 'float16'].join(','),
    );
    for (const [i, line] of csv.trimEnd().split('\n').slice(1).entries()) {
      const run = sampleResults().runs.flatMap((r) => r.history)[i];
      const cells = line.split(',');
      expect(Number(cells[4])).toBe(run.trainLoss);
      expect(Number(cells[5])).toBe(run.trainAccuracy);
      expect(Number(cells[6])).toBe(run.testLoss);
      expect(Number(cells[7])).toBe(run.testAccuracy);
      expect(Number(cells[9])).toBe(run.samplesPerSecond);
    }
  });

  it('leaves backend and precision empty without a backend, and has only the header without epochs', () => {
    const results = buildResults(experiment(), null, [{ contestant: 'sgd', seed: 7, status: 'done', history: [metrics(1)] }]);
    const row = resultsToCsv(results).trimEnd().split('\n')[1].split(',');
    expect(row.slice(10)).toEqual(['done', '', '']);
    const empty = buildResults(experiment(), null, [{ contestant: 'sgd', seed: 7, status: 'queued', history: [] }]);
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

  it('refuses version 4, 0 and a missing version (and "2" as a string)', () => {
    const json = sampleJson();
    json.version = 4;
    expect(refused(parseObject(json), 'bad.json')).toContain('only results format versions 1 to 3 can be opened, and this file says 4');
    json.version = 0;
    refused(parseObject(json), 'bad.json');
    json.version = '2';
    expect(refused(parseObject(json), 'bad.json')).toContain('this file says "2"');
    delete json.version;
    expect(refused(parseObject(json), 'bad.json')).toContain('this file says nothing');
  });

  it('reads a file as the version it says it is: a v2 body labelled 1 and a v1 body labelled 2 are refused', () => {
    const v2AsV1 = sampleJson();
    v2AsV1.version = 1;
    expect(refused(parseObject(v2AsV1), 'bad.json')).toContain('experiment.optimizers');
    const v1AsV2 = v1Json();
    v1AsV2.version = 2;
    expect(refused(parseObject(v1AsV2), 'bad.json')).toContain('experiment.network');
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
    jsonContestant(json, 'adam').hyperparameters.learningRate = learningRate;
    const message = refused(parseObject(json), 'bad.json');
    expect(message).toContain('invalid settings');
    expect(message).toContain('Adam');
  });

  it("names Adam 2 when its settings are invalid, ticked or not", () => {
    for (const selected of [true, false]) {
      const json = JSON.parse(resultsToJson(twoAdamsResults()));
      jsonContestant(json, 'adam2').hyperparameters.learningRate = 0;
      jsonContestant(json, 'adam2').selected = selected;
      expect(refused(parseObject(json), 'bad.json')).toContain('holds invalid settings: Adam 2: Learning rate must be greater than 0');
    }
  });

  it('refuses other settings that validateExperiment rejects', () => {
    const cases: ((j: Record<string, any>) => void)[] = [
      (j) => (j.experiment.epochs = 0),
      (j) => (j.experiment.epochs = 101),
      (j) => (j.experiment.batchSize = 1.5),
      (j) => (j.experiment.trainExamples = 999),
      (j) => (j.experiment.seed = -1),
      (j) => j.experiment.contestants.forEach((c: Contestant) => (c.selected = false)),
      (j) => (j.experiment.contestants = []),
      (j) => delete j.experiment.contestants,
      (j) => delete jsonContestant(j, 'sgd').hyperparameters.learningRate,
      (j) => (jsonContestant(j, 'sgd').hyperparameters.nesterov = 1),
      (j) => (jsonContestant(j, 'sgd').hyperparameters.learningRate = true),
      (j) => (jsonContestant(j, 'rmsprop').hyperparameters.rho = 1),
      (j) => delete jsonContestant(j, 'adam').hyperparameters,
      (j) => (jsonContestant(j, 'adam').ordinal = 0),
      (j) => (jsonContestant(j, 'adam').ordinal = 13),
      (j) => (jsonContestant(j, 'adam').ordinal = 1.5),
      (j) => (jsonContestant(j, 'adam').selected = 'yes'),
      (j) => (j.experiment.seed = '42'),
      (j) => delete j.experiment.network,
      (j) => (j.experiment.network.hiddenLayers = [4]),
      (j) => (j.experiment.network.hiddenLayers = [2048]),
      (j) => (j.experiment.network.hiddenLayers = [64, 64, 64, 64]),
      (j) => (j.experiment.network.hiddenLayers = [64.5]),
      (j) => (j.experiment.network.activation = 'gelu'),
      (j) => delete j.experiment.network.activation,
      (j) => {
        // 13 ticked contestants.
        for (let i = 2; i <= 11; i++) j.experiment.contestants.push({ optimizer: 'adagrad', ordinal: i, selected: true, hyperparameters: optimizerDefaults('adagrad') });
      },
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

  it('refuses an unknown optimizer id in the experiment', () => {
    const inExperiment = sampleJson();
    jsonContestant(inExperiment, 'adagrad').optimizer = 'nosuchopt';
    expect(refused(parseObject(inExperiment), 'bad.json')).toContain('experiment.contestants.2.optimizer');
    const asProto = sampleJson();
    asProto.experiment.contestants[0].optimizer = '__proto__';
    refused(parseObject(asProto), 'bad.json');
    // Version 1 named runs by optimizer, and refuses unknown ones.
    const v1 = v1Json();
    v1.runs[0].optimizer = 'nosuchopt';
    expect(refused(parseObject(v1), 'bad.json')).toContain('runs.0.optimizer');
    // Version 1 knew five optimizers: one the catalog gained later is unknown to it too.
    const v1Nadam = v1Json();
    v1Nadam.runs[0].optimizer = 'nadam';
    expect(refused(parseObject(v1Nadam), 'bad.json')).toContain('runs.0.optimizer');
    const v1NadamSelected = v1Json();
    v1NadamSelected.experiment.optimizers = ['adam', 'nadam'];
    expect(refused(parseObject(v1NadamSelected), 'bad.json')).toContain('experiment.optimizers.1');
  });

  it('never shows a run whose contestant key is unknown', () => {
    // 'nadam' is a known key, but of a contestant the file does not select.
    for (const key of ['nosuchopt', 'nadam', '__proto__', 'adam1', 'adam13', 'constructor', 'x'.repeat(21)]) {
      const json = sampleJson();
      json.runs[0].contestant = key;
      const outcome = parseObject(json);
      if (outcome.ok) expect(outcome.results.runs.map((r) => r.contestant)).toEqual(['adam', 'rmsprop']);
      else refused(outcome, 'bad.json');
    }
  });

  // A run must name a contestant the app knows, as version 1 required a known optimizer.
  it('refuses an unknown contestant key in the runs, as version 1 refused an unknown optimizer', () => {
    const json = sampleJson();
    json.runs[0].contestant = 'nosuchopt';
    expect(refused(parseObject(json), 'bad.json')).toContain('runs.0.contestant');
  });

  it('refuses the same contestant twice, in the runs or in the experiment', () => {
    const json = sampleJson();
    json.runs.push({ ...json.runs[0] });
    expect(refused(parseObject(json), 'bad.json')).toContain('lists a contestant twice');
    const experimentTwice = JSON.parse(resultsToJson(twoAdamsResults()));
    experimentTwice.experiment.contestants.push({ ...jsonContestant(experimentTwice, 'adam2'), selected: false });
    expect(refused(parseObject(experimentTwice), 'bad.json')).toContain('lists a contestant twice');
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
  it('keeps runs only for the contestants the experiment selects', () => {
    const json = sampleJson();
    jsonContestant(json, 'adam').selected = false;
    const outcome = parseObject(json);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.results.runs.map((r) => r.contestant)).toEqual(['sgd', 'rmsprop']);
    expect(trainingContestants(outcome.results.experiment).map(contestantKey)).toEqual(['sgd', 'rmsprop']);
    // A run for a contestant the experiment does not list at all is dropped too.
    const adam2 = sampleJson();
    adam2.runs.push({ ...adam2.runs[0], contestant: 'adam2' });
    expect(opened(parseObject(adam2)).runs.map((r) => r.contestant)).toEqual(['sgd', 'adam', 'rmsprop']);
  });

  it('adds the first contestant of an optimizer the file does not list, unticked at Keras defaults', () => {
    const json = sampleJson();
    json.experiment.contestants = json.experiment.contestants.filter((c: Contestant) => c.optimizer !== 'adadelta');
    const experiment = opened(parseObject(json)).experiment;
    expect(experiment.contestants.map(contestantKey)).toEqual([...OPTIMIZER_IDS]);
    expect(contestant(experiment, 'adadelta')).toEqual({ optimizer: 'adadelta', ordinal: 1, selected: false, hyperparameters: optimizerDefaults('adadelta') });
  });

  it('__proto__ and constructor keys never pollute Object.prototype', () => {
    const base = resultsToJson(sampleResults());
    const hostile = base
      .replace('"format"', '"__proto__": {"polluted": "top"}, "constructor": {"prototype": {"polluted": "ctor"}}, "format"')
      .replace('"epochs"', '"__proto__": {"polluted": "experiment"}, "epochs"')
      .replace('"hiddenLayers"', '"__proto__": {"polluted": "network"}, "hiddenLayers"')
      .replace('"optimizer": "sgd"', '"__proto__": {"polluted": "contestant"}, "optimizer": "sgd"')
      .replace('"learningRate": 0.05', '"__proto__": {"polluted": "hyperparameters"}, "learningRate": 0.05')
      .replace('"learningRate": 2.5', '"__proto__": {"polluted": "adam"}, "learningRate": 2.5')
      .replace('"status": "done"', '"__proto__": {"polluted": "run"}, "status": "done"')
      .replace('"epoch": 1,', '"__proto__": {"polluted": "metrics"}, "epoch": 1,')
      .replace('"name": "webgl"', '"__proto__": {"polluted": "backend"}, "name": "webgl"');
    expect(hostile.match(/__proto__/g)?.length).toBeGreaterThanOrEqual(9);
    const outcome = parseResultsFile(hostile, 'proto.json');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    if (outcome.ok) {
      const r = outcome.results;
      const objects: object[] = [
        r,
        r.experiment,
        r.experiment.network,
        r.backend!,
        ...r.experiment.contestants,
        ...r.experiment.contestants.map((c) => c.hyperparameters),
        ...r.runs,
        ...r.runs.flatMap((x) => x.history),
      ];
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
      if (result.ok) expect(Object.getPrototypeOf(contestant(result.results.experiment, 'adam').hyperparameters)).toBe(Object.prototype);
    }
  });

  it('HTML and script strings come back only as plain strings, or are refused', () => {
    const script = '<script>alert(1)</script>';
    const json = sampleJson();
    json.appVersion = script;
    json.exportedAt = '<img src=x onerror=a>';
    jsonContestant(json, 'sgd').hyperparameters['<svg onload=a>'] = 1;
    json.link = `javascript:${script}`;
    const outcome = parseObject(json, `${script}.json`);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.results.appVersion).toBe(script);
    expect(outcome.results.exportedAt).toBe('<img src=x onerror=a>');
    expect(contestant(outcome.results.experiment, 'sgd').hyperparameters['<svg onload=a>']).toBe(1);
    expect(outcome.results).not.toHaveProperty('link');

    // Strings where an id, a status, a number or an enum belongs are refused, never thrown.
    const places: ((j: Record<string, any>) => void)[] = [
      (j) => (j.backend.name = '<b onclick=a>x</b>'),
      (j) => (j.backend.name = 'constructor'),
      (j) => (j.runs[0].contestant = script),
      (j) => (j.runs[0].status = script),
      (j) => (j.runs[0].history[0].testAccuracy = script),
      (j) => (j.experiment.contestants[0].optimizer = script),
      (j) => (j.experiment.contestants[0].ordinal = script),
      (j) => (j.experiment.network.activation = script),
      (j) => (j.experiment.network.hiddenLayers = [script]),
      (j) => (j.experiment.epochs = script),
      (j) => (jsonContestant(j, 'adam').hyperparameters.learningRate = script),
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
    const selected = trainingContestants(outcome.results.experiment).map(contestantKey);
    for (const run of outcome.results.runs) expect(selected).toContain(run.contestant);
    expect(new Set(outcome.results.runs.map((r) => r.contestant)).size).toBe(outcome.results.runs.length);
    // In the experiment's order.
    expect(outcome.results.runs.map((r) => r.contestant)).toEqual(selected.filter((key) => outcome.results.runs.some((r) => r.contestant === key)));
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
          experiment: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(sampleJson().experiment), fc.constant(v1Json().experiment)),
          backend: fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 })),
          runs: fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.constant(sampleJson().runs), fc.constant(v1Json().runs)),
        }),
        (value) => checkOutcome(parseObject(value, 'shaped.json')),
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    ['a v2 file', () => JSON.parse(resultsToJson(twoAdamsResults()))],
    ['a v1 file', v1Json],
  ])('mutating %s never throws, and anything accepted passes validateExperiment', (_, source) => {
    const valid = source();
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
      // Random mutations keep a file valid only now and then (~1 in 60); one known-harmless
      // mutation (the link goes) is always tried first, so the property sees both kinds.
      { numRuns: 300, examples: [[[{ kind: 'delete', pick: paths(valid).findIndex((p) => p.join() === 'link'), value: null, leafOnly: false }]]] },
    );
    // Some mutations (an extra key, a harmless value) keep the file valid; the property saw both kinds.
    expect(accepted).toBeGreaterThan(0);
  });
});

describe('results file: every optimizer', () => {
  it('round trips a run for each optimizer in the catalog', () => {
    const config = defaultExperiment();
    for (const c of config.contestants) c.selected = true; // Nadam too, unticked by default
    const results = buildResults(
      config,
      { name: 'cpu', precision: 'float32' },
      OPTIMIZER_IDS.map((optimizer, i) => ({ contestant: optimizer, seed: 42, status: 'done' as const, history: [metrics(1, { seconds: i })] })),
    );
    const outcome = parseResultsFile(resultsToJson(results));
    expect(outcome).toEqual({ ok: true, results });
    const csvRows = resultsToCsv(results).trimEnd().split('\n').slice(1);
    expect(csvRows.map((row) => row.split(',')[0])).toEqual(OPTIMIZER_IDS.map((id) => OPTIMIZERS[id].label));
  });
});

describe('results file: consistency with its experiment', () => {
  it('puts contestants and runs in catalog order and refuses duplicates, empty runs and epochs out of order', () => {
    const reordered = JSON.parse(resultsToJson(twoAdamsResults()));
    reordered.experiment.contestants.reverse();
    reordered.runs.reverse();
    const outcome = opened(parseObject(reordered));
    expect(outcome.experiment.contestants.map(contestantKey)).toEqual(TWO_ADAMS_KEYS);
    expect(outcome.runs.map((r) => r.contestant)).toEqual(['adam', 'adam2', 'rmsprop']);
    expect({ ...outcome, exportedAt: '' }).toEqual({ ...twoAdamsResults(), exportedAt: '' });

    const twice = sampleJson();
    twice.experiment.contestants = [twice.experiment.contestants[0], twice.experiment.contestants[0]];
    expect(refused(parseObject(twice), 'bad.json')).toContain('twice');

    const none = sampleJson();
    none.runs = none.runs.map((r: { contestant: string }) => ({ ...r, contestant: 'adagrad' })).slice(0, 1);
    expect(refused(parseObject(none), 'bad.json')).toContain('holds no results for the contestants it selects');

    const skipped = sampleJson();
    skipped.runs[0].history = [skipped.runs[0].history[0], { ...skipped.runs[0].history[0], epoch: 3 }];
    expect(refused(parseObject(skipped), 'bad.json')).toContain('out of order');
  });
});

describe('results file: version 1 fixture (docs/results/article.json)', () => {
  const raw = v1Json();

  it('is the article file as version 1 wrote it, unedited', () => {
    // The SHA-256 of docs/results/article.json at commit cbab146, when it was copied here.
    expect(createHash('sha256').update(FIXTURE_V1).digest('hex')).toBe('f1d1c5cdb9c282ab9d595d413bdc990c77b0115e52b79dfee49c39f5e3ec8481');
    expect(raw.version).toBe(1);
    expect(raw.experiment.optimizers).toEqual(['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop']);
  });

  it('opens to the same experiment: the five v1 optimizers as first contestants, all selected, the article network', () => {
    const results = opened(parseResultsFile(FIXTURE_V1, 'article.json'));
    const expected: ExperimentConfig = {
      epochs: 5,
      batchSize: 128,
      trainExamples: 60_000,
      seed: 42,
      seeds: 1,
      network: { hiddenLayers: [128], activation: 'relu' },
      contestants: [
        { optimizer: 'sgd', ordinal: 1, selected: true, hyperparameters: { ...KNOBS_OFF, learningRate: 0.01, momentum: 0, nesterov: false } },
        { optimizer: 'adam', ordinal: 1, selected: true, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false } },
        { optimizer: 'adagrad', ordinal: 1, selected: true, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, initialAccumulator: 0.1, epsilon: 1e-7 } },
        { optimizer: 'adadelta', ordinal: 1, selected: true, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, rho: 0.95, epsilon: 1e-7 } },
        { optimizer: 'rmsprop', ordinal: 1, selected: true, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false } },
        // Not in version 1: they join unticked, at Keras defaults.
        { optimizer: 'nadam', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
        { optimizer: 'adamw', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, weightDecay: 0.004, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false } },
        { optimizer: 'adamax', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
        { optimizer: 'lion', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.99 } },
        { optimizer: 'lamb', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
        { optimizer: 'ftrl', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, learningRatePower: -0.5, initialAccumulator: 0.1, l1: 0, l2: 0, l2Shrinkage: 0, beta: 0 } },
        { optimizer: 'muon', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, momentum: 0.95, nesterov: true, nsSteps: 5, rmsRate: 0.2, muonA: 3.4445, muonB: -4.775, muonC: 2.0315, adamBeta1: 0.9, adamBeta2: 0.999, epsilon: 1e-7, adamWeightDecay: 0.004, adamLrRatio: 1, weightDecay: 0.004 } },
      ],
    };
    expect(results.experiment).toStrictEqual(expected);
    expect(results.experiment).toEqual(defaultExperiment());
    expect(validateExperiment(results.experiment)).toEqual([]);
    expect(results.appVersion).toBe('0.1.0');
    expect(results.exportedAt).toBe('2026-11-26T16:14:08.009Z');
    expect(results.backend).toEqual({ name: 'wasm', precision: 'float32' });
    expect(results).not.toHaveProperty('link');
  });

  it('opens with Nadam, AdamW, Adamax, Lion, Ftrl and Muon, which version 1 did not know, present as unticked first contestants at Keras defaults', () => {
    const results = opened(parseResultsFile(FIXTURE_V1, 'article.json'));
    expect(results.experiment.contestants.map(contestantKey)).toEqual([...OPTIMIZER_IDS]);
    for (const id of ['nadam', 'adamw', 'adamax', 'lion', 'lamb', 'ftrl', 'muon'] as const) {
      expect(contestant(results.experiment, id)).toEqual({ optimizer: id, ordinal: 1, selected: false, hyperparameters: optimizerDefaults(id) });
      expect(results.runs.map((r) => r.contestant)).not.toContain(id);
    }
    expect(trainingContestants(results.experiment).map(contestantKey)).toEqual(['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop']);
  });

  it('keeps every per-epoch number, each run now named by its contestant key', () => {
    const results = opened(parseResultsFile(FIXTURE_V1, 'article.json'));
    expect(results.runs.map((r) => r.contestant)).toEqual(['sgd', 'adam', 'adagrad', 'adadelta', 'rmsprop']);
    results.runs.forEach((run, i) => {
      expect(run.status).toBe(raw.runs[i].status);
      expect(run.history).toStrictEqual(raw.runs[i].history);
      expect(run).not.toHaveProperty('optimizer');
    });
    // Spot checks against the article's table.
    expect(results.runs[0].history[0].testAccuracy).toBe(0.8507);
    expect(results.runs[1].history[4].testAccuracy).toBe(0.9707);
    expect(results.runs[3].history[4].testAccuracy).toBe(0.371);
    expect(results.runs[0].history[0].trainLoss).toBe(1.2124036845842998);
  });

  it('exports again as the current version that opens to the same results', () => {
    const results = opened(parseResultsFile(FIXTURE_V1, 'article.json'));
    const json = JSON.parse(resultsToJson(results));
    expect(json.version).toBe(RESULTS_VERSION);
    expect(json.link).toBe('?v=2');
    expect(opened(parseResultsFile(resultsToJson(results)))).toEqual(results);
  });

  it('opens a v1 file with some optimizers selected as those first contestants, and the others unticked with their settings', () => {
    const json = v1Json();
    json.experiment.optimizers = ['adam', 'rmsprop'];
    json.experiment.hyperparameters.sgd.learningRate = 0.2;
    const results = opened(parseObject(json, 'partial.json'));
    expect(trainingContestants(results.experiment).map(contestantKey)).toEqual(['adam', 'rmsprop']);
    expect(contestant(results.experiment, 'sgd')).toEqual({ optimizer: 'sgd', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.2, momentum: 0, nesterov: false } });
    expect(results.runs.map((r) => r.contestant)).toEqual(['adam', 'rmsprop']);
    expect(results.runs[0].history).toStrictEqual(raw.runs[1].history);
  });

  it('refuses damaged v1 files as v1, naming what is wrong', () => {
    const missing = v1Json();
    delete missing.experiment.hyperparameters.adadelta;
    expect(refused(parseObject(missing), 'bad.json')).toContain('experiment.hyperparameters.adadelta');
    const none = v1Json();
    none.experiment.optimizers = [];
    refused(parseObject(none), 'bad.json');
    const bad = v1Json();
    bad.experiment.hyperparameters.adam.learningRate = 0;
    expect(refused(parseObject(bad), 'bad.json')).toContain('Adam: Learning rate');
    const six = v1Json();
    six.runs.push({ ...six.runs[0] });
    refused(parseObject(six), 'bad.json');
    const twice = v1Json();
    twice.runs[1] = { ...twice.runs[0] };
    expect(refused(parseObject(twice), 'bad.json')).toContain('twice');
  });
});

describe('results file: version 2 fixture (Adam beside Adam 2)', () => {
  it('is the file version 2 wrote, unedited', () => {
    expect(createHash('sha256').update(FIXTURE_V2).digest('hex')).toBe('de3f2f323f3d22be9e12f3a63ae8a8d1bf07aa50890796bb268caf89d292bb68');
    expect(JSON.parse(FIXTURE_V2).version).toBe(2);
  });

  it('opens to exactly this experiment and these numbers', () => {
    const results = opened(parseResultsFile(FIXTURE_V2, 'adams.json'));
    expect(results.experiment).toStrictEqual({
      epochs: 2,
      batchSize: 128,
      trainExamples: 10_000,
      seed: 7,
      seeds: 1,
      network: { hiddenLayers: [256, 256], activation: 'tanh' },
      contestants: [
        { optimizer: 'sgd', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.01, momentum: 0, nesterov: false } },
        { optimizer: 'adam', ordinal: 1, selected: true, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false } },
        { optimizer: 'adam', ordinal: 2, selected: true, hyperparameters: { ...KNOBS_OFF, learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false } },
        { optimizer: 'adagrad', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, initialAccumulator: 0.1, epsilon: 1e-7 } },
        { optimizer: 'adadelta', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, rho: 0.95, epsilon: 1e-7 } },
        { optimizer: 'rmsprop', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: true } },
        // Written before the catalog had Nadam, AdamW, Adamax, Lion, Ftrl and Muon: they join unticked, at Keras defaults.
        { optimizer: 'nadam', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
        { optimizer: 'adamw', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, weightDecay: 0.004, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false } },
        { optimizer: 'adamax', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
        { optimizer: 'lion', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.99 } },
        { optimizer: 'lamb', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } },
        { optimizer: 'ftrl', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, learningRatePower: -0.5, initialAccumulator: 0.1, l1: 0, l2: 0, l2Shrinkage: 0, beta: 0 } },
        { optimizer: 'muon', ordinal: 1, selected: false, hyperparameters: { ...KNOBS_OFF, learningRate: 0.001, momentum: 0.95, nesterov: true, nsSteps: 5, rmsRate: 0.2, muonA: 3.4445, muonB: -4.775, muonC: 2.0315, adamBeta1: 0.9, adamBeta2: 0.999, epsilon: 1e-7, adamWeightDecay: 0.004, adamLrRatio: 1, weightDecay: 0.004 } },
      ],
    });
    expect(results.appVersion).toBe('0.1.0');
    expect(results.exportedAt).toBe('2026-12-01T15:00:00.000Z');
    expect(results.backend).toEqual({ name: 'wasm', precision: 'float32' });
    expect(results.runs.map((r) => [r.contestant, r.seed, r.status, r.history.length])).toEqual([
      ['adam', 7, 'done', 2],
      ['adam2', 7, 'done', 2],
    ]);
    expect(results.runs[0].history[1]).toStrictEqual({
      epoch: 2,
      trainLoss: 0.30254618167877195,
      trainAccuracy: 0.9118,
      testLoss: 0.2803475532531738,
      testAccuracy: 0.9171,
      seconds: 2.9870000000000005,
      samplesPerSecond: 3347.8406427854025,
    });
    expect(results.runs[1].history.map((m) => m.testAccuracy)).toEqual([0.8628, 0.8565]);
  });

  it('round-trips: written again it says the same (plus the unticked optimizers it gained), and its link opens the same experiment', () => {
    const results = opened(parseResultsFile(FIXTURE_V2, 'adams.json'));
    const again = resultsToJson(results);
    // The fixture predates Nadam, AdamW, Adamax, Lion, Ftrl and Muon: written again, it lists them unticked at defaults, and is otherwise the same file.
    const fixture = JSON.parse(FIXTURE_V2);
    const written = JSON.parse(again);
    const gained = ['nadam', 'adamw', 'adamax', 'lion', 'lamb', 'ftrl', 'muon'] as const;
    const isGained = (c: Contestant) => (gained as readonly string[]).includes(c.optimizer);
    expect(fixture.experiment.contestants.some(isGained)).toBe(false);
    expect(written.experiment.contestants.filter(isGained)).toEqual(gained.map((optimizer) => ({ optimizer, ordinal: 1, selected: false, hyperparameters: optimizerDefaults(optimizer) })));
    // Written again, each contestant states the shared knobs too: off, as the file meant them.
    expect(written.experiment.contestants.filter((c: Contestant) => !isGained(c))).toEqual(
      fixture.experiment.contestants.map((c: Contestant) => ({ ...c, hyperparameters: { ...KNOBS_OFF, ...c.hyperparameters } })),
    );
    // Version 3 adds the number of seeds (one) and each run's seed (the experiment's).
    expect({ ...written, experiment: { ...written.experiment, contestants: [] } }).toEqual({
      ...fixture,
      version: 3,
      experiment: { ...fixture.experiment, seeds: 1, contestants: [] },
      runs: fixture.runs.map((run: object) => ({ ...run, seed: 7 })),
    });
    expect(opened(parseResultsFile(again))).toEqual(results);
    expect(resultsToJson(opened(parseResultsFile(again)))).toBe(again);
    const { link } = JSON.parse(FIXTURE_V2);
    expect(link).toBe('?v=2&opt=adam,adam2&epochs=2&examples=10000&seed=7&layers=2&units1=256&units2=256&act=tanh&adam2.lr=0.01&rmsprop.centered=1');
    expect(decodeExperimentUrl(link)).toEqual({ config: results.experiment, view: defaultView(), notices: [] });
  });

  it('names both Adams in the CSV', () => {
    const csv = resultsToCsv(opened(parseResultsFile(FIXTURE_V2)));
    expect(csv.split('\n').slice(1, -1).map((line) => line.split(',').slice(0, 4).join(','))).toEqual(['Adam,adam,7,1', 'Adam,adam,7,2', 'Adam 2,adam,7,1', 'Adam 2,adam,7,2']);
  });
});

describe('results file: the largest experiments the form can make', () => {
  /** Twelve ticked contestants, and every other contestant the form allows (12 per optimizer) unticked. */
  function fullForm(): ExperimentResults {
    const config = defaultExperiment();
    for (const optimizer of OPTIMIZER_IDS) {
      for (let ordinal = 2; ordinal <= MAX_PER_OPTIMIZER; ordinal++) config.contestants.push({ optimizer, ordinal, selected: false, hyperparameters: optimizerDefaults(optimizer) });
    }
    config.contestants.sort((a, b) => OPTIMIZER_IDS.indexOf(a.optimizer) - OPTIMIZER_IDS.indexOf(b.optimizer) || a.ordinal - b.ordinal);
    for (const c of config.contestants.filter((c) => c.optimizer === 'adam').slice(1, 8)) c.selected = true;
    expect(validateExperiment(config)).toEqual([]);
    return buildResults(
      config,
      null,
      trainingContestants(config).map((c) => ({ contestant: contestantKey(c), seed: 42, status: 'done' as const, history: [metrics(1)] })),
    );
  }

  it('round trips 12 ticked contestants', () => {
    const results = fullForm();
    results.experiment.contestants = results.experiment.contestants.filter((c) => c.selected || c.ordinal === 1);
    expect(trainingContestants(results.experiment)).toHaveLength(12);
    expect(parseResultsFile(resultsToJson(results))).toEqual({ ok: true, results });
  });

  // The form keeps up to 12 contestants per optimizer, ticked or not, and exports them all.
  it('round trips every contestant the form can hold', () => {
    const results = fullForm();
    expect(results.experiment.contestants).toHaveLength(OPTIMIZER_IDS.length * MAX_PER_OPTIMIZER);
    expect(parseResultsFile(resultsToJson(results))).toEqual({ ok: true, results });
  });
});

describe('results file: several seeds (version 3)', () => {
  /** SGD and Adam over three seeds (7, 8, 9); Adam's second seed diverged. */
  function threeSeeds(): ExperimentResults {
    const config = experiment();
    config.seeds = 3;
    for (const c of config.contestants) c.selected = c.optimizer === 'sgd' || c.optimizer === 'adam';
    const runs = ['sgd', 'adam'].flatMap((key) =>
      [7, 8, 9].map((seed) =>
        key === 'adam' && seed === 8
          ? { contestant: key, seed, status: 'diverged' as const, divergence: { epoch: 1, batch: 3 }, history: [] }
          : { contestant: key, seed, status: 'done' as const, history: [metrics(1, { testAccuracy: 0.9 + seed / 1000 }), metrics(2), metrics(3)] },
      ),
    );
    return buildResults(config, null, runs);
  }

  it('writes every seed of every contestant, and opens back to the same runs', () => {
    const results = threeSeeds();
    const json = JSON.parse(resultsToJson(results));
    expect(json.experiment.seeds).toBe(3);
    expect(json.runs.map((r: { contestant: string; seed: number }) => `${r.contestant}@${r.seed}`)).toEqual(['sgd@7', 'sgd@8', 'sgd@9', 'adam@7', 'adam@8', 'adam@9']);
    expect(json.link).toContain('seeds=3');
    expect(parseResultsFile(resultsToJson(results))).toEqual({ ok: true, results });
  });

  it('puts every seed in the CSV, a row per contestant, seed and epoch', () => {
    const rows = resultsToCsv(threeSeeds()).trimEnd().split('\n').slice(1).map((line) => line.split(','));
    expect(rows).toHaveLength(3 * 3 + 2 * 3);
    expect(rows.filter((r) => r[1] === 'sgd').map((r) => `${r[2]}/${r[3]}`)).toEqual(['7/1', '7/2', '7/3', '8/1', '8/2', '8/3', '9/1', '9/2', '9/3']);
    expect(rows.find((r) => r[1] === 'sgd' && r[2] === '9' && r[3] === '1')![7]).toBe(String(0.909));
  });

  it('refuses a run whose seed is not one of the experiment’s, and a contestant twice for one seed', () => {
    const outside = JSON.parse(resultsToJson(threeSeeds()));
    outside.runs[2].seed = 10;
    expect(refused(parseObject(outside), 'bad.json')).toContain("has a run of SGD with seed 10, which is not one of the experiment's seeds");
    const twice = JSON.parse(resultsToJson(threeSeeds()));
    twice.runs[1].seed = 7;
    expect(refused(parseObject(twice), 'bad.json')).toContain('lists a contestant twice for one seed');
    const tooMany = JSON.parse(resultsToJson(threeSeeds()));
    tooMany.experiment.seeds = 11;
    expect(refused(parseObject(tooMany), 'bad.json')).toContain('Seeds must be at least 1 and at most 10');
  });

  it('sorts runs by contestant, then seed, whatever the file’s order', () => {
    const json = JSON.parse(resultsToJson(threeSeeds()));
    json.runs.reverse();
    expect(opened(parseObject(json)).runs.map((r) => `${r.contestant}@${r.seed}`)).toEqual(['sgd@7', 'sgd@8', 'sgd@9', 'adam@7', 'adam@8', 'adam@9']);
  });

  it('round trips 12 contestants × 10 seeds × 100 epochs under the size limit', () => {
    const config = defaultExperiment();
    config.epochs = 100;
    config.seeds = 10;
    for (const c of config.contestants) c.selected = c.ordinal === 1;
    // Every optimizer's first contestant, and more Adams up to 12.
    for (let ordinal = 2; ordinal <= 1 + MAX_CONTESTANTS - OPTIMIZER_IDS.length; ordinal++) config.contestants.push({ optimizer: 'adam', ordinal, selected: true, hyperparameters: optimizerDefaults('adam') });
    config.contestants.sort((a, b) => OPTIMIZER_IDS.indexOf(a.optimizer) - OPTIMIZER_IDS.indexOf(b.optimizer) || a.ordinal - b.ordinal);
    expect(trainingContestants(config)).toHaveLength(12);
    const history = Array.from({ length: 100 }, (_, i) => metrics(i + 1, { trainLoss: Math.PI / (i + 1), trainAccuracy: 1 - 1 / Math.PI / (i + 1), testLoss: Math.E / (i + 1), testAccuracy: 1 - 1 / Math.E / (i + 1), seconds: 1.2345678901234 }));
    const runs = trainingContestants(config).flatMap((c) => Array.from({ length: 10 }, (_, k) => ({ contestant: contestantKey(c), seed: 42 + k, status: 'done' as const, history })));
    const text = resultsToJson(buildResults(config, null, runs));
    expect(text.length).toBeLessThan(MAX_RESULTS_BYTES);
    expect(opened(parseResultsFile(text)).runs).toHaveLength(120);
  });
});
